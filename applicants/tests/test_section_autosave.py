"""The application's sections save as the applicant types, and a closed call's draft says so."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicationStatus
from applicants.services import formal_check_record
from applicants.tests.builders import TEXTS, complete_draft, submitted_application
from grants.models import GrantCall
from grants.services import call_close

pytestmark = pytest.mark.django_db

CLOSED = "Nabór zamknięto"


def autosave_url(application, section):
    return reverse("applicants:section_autosave", args=[application.pk, section])


def section_url(application, section):
    return reverse("applicants:section", args=[application.pk, section])


def table(prefix: str, rows: list[dict]) -> dict:
    """A formset as the browser sends it: the management form and the rows."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def budget_line(**values) -> dict:
    line = {
        "category": "materials",
        "item": "Farby",
        "unit": "l",
        "quantity": "3",
        "unit_cost": "40",
        "own_contribution": "0",
    }
    return {**line, **values}


def close_the_call(application) -> None:
    """The deadline passes while the draft is open (the call stays "open", its time is up)."""
    GrantCall.objects.filter(pk=application.call_id).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(hours=1)
    )


def test_section_autosave_stores_the_text_as_typed_and_leaves_other_sections(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.post(
        autosave_url(application, "basics"),
        {"title": "Deszczówka dla osiedla", "summary": "Beczki na wodę przy każdej klatce"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "saved"
    assert body["errors"] == {}
    assert body["note"] == ""
    application.refresh_from_db()
    assert application.title == "Deszczówka dla osiedla"
    assert application.summary == "Beczki na wodę przy każdej klatce"
    assert application.problem == TEXTS["problem"]
    html = client.get(section_url(application, "basics")).content.decode()
    assert "Beczki na wodę przy każdej klatce" in html


def test_section_autosave_returns_the_refused_field_and_stores_the_rest(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.post(
        autosave_url(application, "basics"),
        {"title": "T" * 201, "summary": "Nowe streszczenie"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["state"] == "invalid"
    assert list(body["errors"]) == ["title"]
    assert "200" in body["errors"]["title"][0]
    assert body["saved_at"]
    application.refresh_from_db()
    assert application.title == TEXTS["title"]  # the stored title stays until it fits
    assert application.summary == "Nowe streszczenie"


def test_section_autosave_keeps_the_stored_budget_until_every_line_is_valid(client):
    application = complete_draft()
    client.force_login(application.applicant)
    half_typed = table("budget", [budget_line(), budget_line(item="Pędzle", quantity="")])
    response = client.post(autosave_url(application, "budget"), half_typed)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["budget-1-quantity"]
    assert errors["budget-1-quantity"] == ["To pole jest wymagane."]
    application.refresh_from_db()
    assert [line.item for line in application.budget_lines.all()] == ["Rośliny", "Koparka"]

    complete = table("budget", [budget_line(), budget_line(item="Pędzle", quantity="10")])
    response = client.post(autosave_url(application, "budget"), complete)
    assert response.status_code == 200
    application.refresh_from_db()
    assert [line.item for line in application.budget_lines.all()] == ["Farby", "Pędzle"]
    assert application.total_cost == Decimal("520.00")


def test_section_autosave_again_and_then_the_button_keep_the_budget_typed_on_a_new_page(client):
    """The page was opened with an empty budget; the first autosave stores the line, and the
    next saves (autosave, then "Save and continue") send that same line again."""
    application = complete_draft(budget=[])
    application.budget_lines.all().delete()
    client.force_login(application.applicant)
    typed = table("budget", [budget_line(item="Beczka 300 l", quantity="4", unit_cost="450")])
    for _ in range(2):
        response = client.post(autosave_url(application, "budget"), typed)
        assert response.status_code == 200
        assert [line.item for line in application.budget_lines.all()] == ["Beczka 300 l"]
    response = client.post(section_url(application, "budget"), {**typed, "go": "next"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert [line.item for line in application.budget_lines.all()] == ["Beczka 300 l"]
    assert application.total_cost == Decimal("1800.00")


def test_section_autosave_stores_the_text_even_when_the_schedule_is_refused(client):
    application = complete_draft()
    client.force_login(application.applicant)
    data = {
        "activities": "Trzy warsztaty i festyn na koniec",
        **table(
            "schedule",
            [{"starts_on": "2027-05-10", "ends_on": "2027-05-01", "activity": "Sadzenie"}],
        ),
    }
    response = client.post(autosave_url(application, "activities"), data)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["schedule-0-ends_on"]
    application.refresh_from_db()
    assert application.activities == "Trzy warsztaty i festyn na koniec"
    assert [item.starts_on for item in application.schedule.all()] == [date(2027, 4, 1)]


def test_section_autosave_of_another_applicants_draft_is_404(client):
    application = complete_draft()
    client.force_login(UserFactory())
    response = client.post(autosave_url(application, "basics"), {"title": "Przejęty"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.title == TEXTS["title"]


def test_section_autosave_anonymous_gets_403_and_nothing_changes(client):
    application = complete_draft()
    response = client.post(autosave_url(application, "basics"), {"title": "Anonim"})
    assert response.status_code == 403
    assert response.json()["state"] == "signed_out"
    application.refresh_from_db()
    assert application.title == TEXTS["title"]


def test_section_autosave_of_a_submitted_application_changes_nothing(client):
    application = submitted_application()
    client.force_login(application.applicant)
    response = client.post(autosave_url(application, "basics"), {"title": "Po terminie"})
    assert response.status_code == 409
    assert response.json()["state"] == "refused"
    application.refresh_from_db()
    assert application.title == TEXTS["title"]


def test_section_page_tells_the_browser_where_to_autosave(client):
    application = complete_draft()
    client.force_login(application.applicant)
    html = client.get(section_url(application, "problem")).content.decode()
    assert f'data-autosave-url="{autosave_url(application, "problem")}"' in html
    assert "js/autosave.js" in html
    assert reverse("javascript-catalog") in html
    assert CLOSED not in html


# --- a draft whose call has closed -----------------------------------------------------------


def draft_pages(application) -> list[str]:
    pages = [
        reverse("applicants:application_detail", args=[application.pk]),
        reverse("applicants:attachments", args=[application.pk]),
        reverse("applicants:submit", args=[application.pk]),
        reverse("applicants:withdraw", args=[application.pk]),
    ]
    sections = ["basics", "problem", "activities", "results", "team", "budget"]
    return pages + [section_url(application, section) for section in sections]


def test_closed_call_draft_says_on_every_page_that_it_can_not_be_submitted(client):
    application = complete_draft()
    close_the_call(application)
    client.force_login(application.applicant)
    for url in draft_pages(application):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert CLOSED in html, url
        assert "tego wniosku nie można już złożyć" in html, url


def test_closed_call_draft_submit_page_offers_no_button_the_server_would_refuse(client):
    application = complete_draft()
    client.force_login(application.applicant)
    submit = reverse("applicants:submit", args=[application.pk])
    assert "Złóż wniosek</button>" in client.get(submit).content.decode()
    close_the_call(application)
    html = client.get(submit).content.decode()
    assert "Złóż wniosek</button>" not in html
    assert "Tego wniosku nie można już złożyć." in html


def test_call_closed_early_by_the_coordinator_is_said_too(client):
    application = complete_draft()
    call_close(call=application.call, by=CoordinatorFactory())
    client.force_login(application.applicant)
    html = client.get(section_url(application, "basics")).content.decode()
    assert CLOSED in html


def test_closed_call_draft_autosave_still_stores_but_never_says_only_saved(client):
    application = complete_draft()
    close_the_call(application)
    client.force_login(application.applicant)
    response = client.post(autosave_url(application, "basics"), {"title": "Na przyszły rok"})
    assert response.status_code == 200
    assert response.json()["note"] == "Nabór jest zamknięty: tego wniosku nie można złożyć."
    application.refresh_from_db()
    assert application.title == "Na przyszły rok"
    assert application.status == ApplicationStatus.DRAFT

    response = client.post(
        section_url(application, "basics"),
        {"title": "Na przyszły rok", "summary": "", "go": "stay"},
        follow=True,
    )
    flashed = [str(message) for message in response.context["messages"]]
    assert flashed != ["Zapisano."]
    assert any(CLOSED in message for message in flashed)


def test_correction_after_its_deadline_says_it_can_not_be_resubmitted(client):
    application = submitted_application()
    formal_check_record(
        application=application,
        outcome="correction",
        message="Dołącz list poparcia.",
        by=CoordinatorFactory(),
        correction_deadline=timezone.now() - timedelta(hours=2),
    )
    client.force_login(application.applicant)
    html = client.get(section_url(application, "basics")).content.decode()
    assert "Czas na poprawki minął" in html
