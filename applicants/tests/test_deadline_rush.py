"""What `make loadtest` (the deadline rush) found on the applicant's path, kept as tests."""

from unittest import mock

import pytest
from django.urls import reverse

from applicants import services
from applicants.enums import ApplicationStatus
from applicants.tests.builders import CONSENTS, complete_draft

pytestmark = pytest.mark.django_db


def test_budget_saved_again_as_the_browser_sends_it_keeps_its_lines(client):
    """The page offers an empty row below the saved lines; a browser sends its category
    select's first option with it. That untouched row must be ignored, not refused."""
    application = complete_draft()
    lines = list(application.budget_lines.all())
    client.force_login(application.applicant)
    data = {
        "budget-TOTAL_FORMS": str(len(lines) + 1),
        "budget-INITIAL_FORMS": str(len(lines)),
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
        "go": "stay",
    }
    for number, line in enumerate(lines):
        data.update(
            {
                f"budget-{number}-category": line.category,
                f"budget-{number}-item": line.item,
                f"budget-{number}-unit": line.unit,
                f"budget-{number}-quantity": str(line.quantity),
                f"budget-{number}-unit_cost": str(line.unit_cost),
                f"budget-{number}-own_contribution": str(line.own_contribution),
            }
        )
    empty = len(lines)
    data.update(
        {
            f"budget-{empty}-category": "materials",
            f"budget-{empty}-item": "",
            f"budget-{empty}-unit": "",
            f"budget-{empty}-quantity": "",
            f"budget-{empty}-unit_cost": "",
            f"budget-{empty}-own_contribution": "0",
        }
    )
    response = client.post(reverse("applicants:section", args=[application.pk, "budget"]), data)
    assert response.status_code == 302
    assert [line.item for line in application.budget_lines.all()] == [l.item for l in lines]  # noqa: E741 — a budget line


def test_second_submit_click_lands_on_the_submitted_application(client):
    """Two clicks on "submit": the second waits for the row lock while the first submits.
    It must not tell the applicant that the application was not submitted."""
    application = complete_draft()
    client.force_login(application.applicant)
    real_submit = services.application_submit

    def first_click_wins(*, application, by, consents, arrived_at):
        real_submit(application=application, by=by, consents=CONSENTS, arrived_at=arrived_at)
        return real_submit(application=application, by=by, consents=consents, arrived_at=arrived_at)

    with mock.patch("applicants.views.applicant.application_submit", first_click_wins):
        response = client.post(
            reverse("applicants:submit", args=[application.pk]),
            {"consent_privacy": "on", "consent_truth": "on"},
        )
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.versions.count() == 1
