"""The public page of a call's finished projects: what everyone sees, and what never shows."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applicants.enums import ApplicantKind
from grants.tests.factories import GrantCallFactory
from projects.enums import GrantState, ReportState
from projects.tests.outcome_rows import add_photo, closed_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return GrantCallFactory(public_results=True)


def _page(client, call, **params):
    return client.get(reverse("projects_public:call", kwargs={"slug": call.slug}), params)


def test_outcomes_page_shows_a_consented_projects_story_results_and_photos(client, call):
    grant = closed_grant(call=call, story="Posadziliśmy 24 drzewa przy szkole.")
    report = grant.reports.get()
    shown = add_photo(report, caption="Sadzenie przy szkole", consent=True)
    hidden = add_photo(report, caption="Twarze dzieci", consent=False)

    response = _page(client, call)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Posadziliśmy 24 drzewa przy szkole." in page
    assert "Posadzone drzewa" in page and "24 szt." in page and "20 szt." in page
    assert "https://example.org/relacja" in page
    assert "javascript:alert" not in page
    assert reverse("projects_public:photo", kwargs={"pk": shown.pk}) in page
    assert "Sadzenie przy szkole" in page
    assert reverse("projects_public:photo", kwargs={"pk": hidden.pk}) not in page
    assert "Twarze dzieci" not in page


def test_outcomes_page_leaves_out_projects_without_consent_or_not_closed(client, call):
    closed_grant(call=call, consent=False, story="Historia bez zgody.")
    closed_grant(call=call, state=GrantState.SETTLED, story="Historia jeszcze nie zamknięta.")
    closed_grant(
        call=call, report_state=ReportState.SUBMITTED, story="Raport jeszcze nie przyjęty."
    )

    page = _page(client, call).content.decode()

    assert "Historia bez zgody." not in page
    assert "Historia jeszcze nie zamknięta." not in page
    assert "Raport jeszcze nie przyjęty." not in page
    assert "Żaden zakończony projekt nie podzielił się jeszcze wynikami." in page


def test_outcomes_page_names_a_person_only_with_their_consent(client, call):
    closed_grant(call=call, applicant_name="Zofia Tajemnicza", name_agreed=False)
    closed_grant(call=call, applicant_name="Jan Jawny", name_agreed=True)
    closed_grant(call=call, applicant_name="Zielone Podwórko", kind=ApplicantKind.GROUP)

    page = _page(client, call).content.decode()

    assert "Zofia Tajemnicza" not in page
    assert "Z. T." in page
    assert "Jan Jawny" in page
    assert "Zielone Podwórko" in page


def test_outcomes_page_totals_count_only_what_grantees_agreed_to_share(client, call):
    closed_grant(call=call, participants=35, volunteer_hours="120.5", eligible="2900.00")
    closed_grant(call=call, participants=15, volunteer_hours="10", eligible="1000.00")
    closed_grant(call=call, consent=False, participants=999, eligible="3000.00")
    closed_grant(call=call, state=GrantState.ACTIVE, consent=False)

    response = _page(client, call)

    totals = response.context["totals"]
    assert (totals.grants, totals.closed, totals.shared) == (4, 3, 2)
    assert totals.awarded == Decimal("12000")
    assert totals.spent == Decimal("3900")
    assert totals.participants == 50
    assert totals.volunteer_hours == Decimal("130.5")
    page = response.content.decode()
    assert "12\u00a0000,00" in page and "3\u00a0900,00" in page and "130,5" in page


def test_outcomes_page_is_404_when_the_call_publishes_no_results(client):
    call = GrantCallFactory(public_results=False)
    closed_grant(call=call)

    assert _page(client, call).status_code == 404


@pytest.mark.parametrize("count", [1, 12])
def test_outcomes_page_keeps_its_queries_fixed(client, call, django_assert_max_num_queries, count):
    for _ in range(count):
        report = closed_grant(call=call).reports.get()
        add_photo(report, caption="Zdjęcie", consent=True)
        add_photo(report, caption="Bez zgody", consent=False)

    with django_assert_max_num_queries(12):
        response = _page(client, call)

    assert response.status_code == 200
    assert len(response.context["projects"]) == min(count, 10)


def test_outcomes_page_pages_through_many_projects(client, call):
    for number in range(12):
        closed_grant(call=call, story=f"Opowieść numer {number:02d}.")

    second = _page(client, call, page=2).content.decode()

    assert second.count("Opowieść numer") == 2


def test_public_photo_serves_the_display_copy_not_the_original(client, call):
    photo = add_photo(closed_grant(call=call).reports.get(), caption="Ogród", consent=True)

    response = client.get(reverse("projects_public:photo", kwargs={"pk": photo.pk}))

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    with photo.preview.open("rb") as preview:
        assert body == preview.read()
    with photo.file.open("rb") as original:
        assert body != original.read()


def test_public_photo_is_404_without_both_consents_or_before_closing(client, call):
    consented_report = closed_grant(call=call).reports.get()
    no_photo_consent = add_photo(consented_report, caption="a", consent=False)
    no_report_consent = add_photo(
        closed_grant(call=call, consent=False).reports.get(), caption="b", consent=True
    )
    not_closed = add_photo(
        closed_grant(call=call, state=GrantState.SETTLED).reports.get(), caption="c", consent=True
    )
    hidden_call = GrantCallFactory(public_results=False)
    results_not_public = add_photo(
        closed_grant(call=hidden_call).reports.get(), caption="d", consent=True
    )

    for photo in (no_photo_consent, no_report_consent, not_closed, results_not_public):
        response = client.get(reverse("projects_public:photo", kwargs={"pk": photo.pk}))
        assert response.status_code == 404, photo.caption


def test_results_page_links_to_the_projects_outcomes(client):
    from projects.tests.factories import accepted_grant

    grant = accepted_grant()
    call = grant.call
    call.public_results = True
    call.save(update_fields=["public_results"])

    page = client.get(reverse("decisions_public:results", kwargs={"slug": call.slug}))

    assert reverse("projects_public:call", kwargs={"slug": call.slug}) in page.content.decode()
