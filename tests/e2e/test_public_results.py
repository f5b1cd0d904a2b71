"""A call's finished projects in a browser, as an anonymous visitor sees them: from the results
page to the projects' stories and photos, and the open-data download (screenshots
public-outcomes-*.png at 1366 and 390 px)."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from applicants.enums import ApplicantKind
from grants.tests.factories import GrantCallFactory
from projects.tests.outcome_rows import add_photo, closed_grant

pytestmark = pytest.mark.django_db(transaction=True)

STORY = (
    "Rozkuliśmy 60 m² asfaltu na podwórku przy Wschodniej, posadziliśmy 24 drzewa i krzewy "
    "i zbudowaliśmy ogród deszczowy, który zbiera wodę z dwóch rynien."
)


def test_visitor_reads_a_finished_projects_story_and_downloads_the_open_data(
    page, live_server, axe, screenshot
):
    call = GrantCallFactory(title="Klimatyczne podwórka 2026", public_results=True)
    grant = closed_grant(
        call=call,
        kind=ApplicantKind.GROUP,
        applicant_name="Tatary Oddychają",
        story=STORY,
    )
    report = grant.reports.get()
    add_photo(
        report,
        caption="Sadzenie lip przy Wschodniej",
        consent=True,
        color=(60, 140, 70),
        size=(800, 600),
    )
    add_photo(
        report,
        caption="Ogród deszczowy po burzy",
        consent=True,
        color=(70, 110, 160),
        size=(800, 600),
    )
    add_photo(report, caption="Dzieci ze świetlicy", consent=False, color=(200, 80, 80))
    closed_grant(call=call, consent=False, story="Tej historii nikt nie powinien zobaczyć.")

    page.goto(live_server.url + reverse("decisions_public:results", kwargs={"slug": call.slug}))
    page.get_by_role("link", name="Co osiągnęły projekty").click()

    body = page.locator("main").inner_text()
    assert "Tatary Oddychają" in body
    assert "Rozkuliśmy 60 m² asfaltu" in body
    assert "Tej historii nikt nie powinien zobaczyć." not in body
    assert "Dzieci ze świetlicy" not in body
    photos = page.locator("figure img")
    assert photos.count() == 2
    photos.first.scroll_into_view_if_needed()
    page.wait_for_function("[...document.querySelectorAll('figure img')].every(i => i.complete)")
    assert photos.first.evaluate("img => img.naturalWidth") > 0
    axe(page, "public outcomes (desktop)")
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page, "public outcomes (phone)")
    page.set_viewport_size({"width": 1366, "height": 768})
    screenshot("public-outcomes")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Pobierz CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"{call.slug}-360giving.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    assert {row["Recipient Ind:Name"] for row in rows} == {"Individual Recipient"}
    assert "Tatary Oddychają" not in text
