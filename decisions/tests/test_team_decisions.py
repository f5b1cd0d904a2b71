"""The team sees the decision, the letter and the feedback; only the lead accepts or declines
the award, and nobody outside the team sees any of it."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from applicants.tests.factories import ApplicationMemberFactory
from decisions.tests.test_applicant_awards import _fake_letters, published  # noqa: F401 -- fixture

pytestmark = pytest.mark.django_db


def test_team_editor_reads_the_decision_but_cannot_answer_it(client):
    lead = UserFactory()
    decision = published(lead, title="Ogród deszczowy")
    editor = ApplicationMemberFactory(application=decision.application).user
    client.force_login(editor)
    page = client.get(reverse("decisions_applicant:decision", args=[decision.application_id]))
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "Ogród deszczowy" in text and "data-lead-answers" in text
    assert "Przyjmuję grant" not in text  # the buttons are the lead's
    answer = reverse("decisions_applicant:answer", args=[decision.application_id])
    assert client.post(answer, {"answer": "accept"}).status_code == 403
    decision.refresh_from_db()
    assert decision.accepted_at is None


def test_team_decision_is_nothing_to_another_teams_editor(client):
    decision = published(UserFactory(), title="Ogród deszczowy")
    stranger = ApplicationMemberFactory().user
    client.force_login(stranger)
    for name in ("decision", "letter"):
        url = reverse(f"decisions_applicant:{name}", args=[decision.application_id])
        assert client.get(url).status_code == 404


def test_team_editor_sees_on_the_start_page_that_the_lead_answers(client):
    decision = published(UserFactory(), title="Ogród deszczowy")
    editor = ApplicationMemberFactory(application=decision.application).user
    client.force_login(editor)
    page = " ".join(client.get(reverse("applicants:my_applications")).text.split())
    assert "Lider(ka) twojego zespołu przyjmuje albo odrzuca grant" in page
