"""The public results page: funded projects only, only when the call publishes its results."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import ApplicantProfile, GroupMember
from applicants.services import application_submit, formal_check_record
from applicants.tests.builders import CONSENTS, complete_draft, profile_for
from decisions.services import decision_record, results_publish
from grants.tests.factories import deadline_passes
from reviews.models import ReviewAssignment
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(monkeypatch):
    monkeypatch.setattr("decisions.letters.render_letter_pdf", lambda *a, **k: b"%PDF-1.4 test")
    call = call_with_criteria(total_budget=Decimal("20000"))
    funded = accepted_application(call, texts={"title": "Łąka kwietna przy bibliotece"})
    refused = accepted_application(call, texts={"title": "Projekt bez grantu"})
    reviewers_in_pool(call, 2)
    assign_all(call)
    for assignment in ReviewAssignment.objects.filter(call=call):
        submit_review(assignment, {"Pomysł": 8, "Budżet": 4})
    coordinator = CoordinatorFactory()
    deadline_passes(call)
    decision_record(
        application=funded, outcome="awarded", amount=funded.requested_amount, by=coordinator
    )
    decision_record(
        application=refused, outcome="rejected", justification="Za mało szczegółów.", by=coordinator
    )
    return call, funded, refused, coordinator


def test_public_results_list_published_awards_only(client, decided):
    call, funded, refused, coordinator = decided
    url = reverse("decisions_public:results", args=[call.slug])
    assert client.get(url).status_code == 404  # the call doesn't publish results (yet)
    results_publish(call=deadline_passes(call), by=coordinator, public_results=True)
    html = client.get(url).text
    assert "Łąka kwietna przy bibliotece" in html
    assert funded.public_name in html  # a person who did not agree: initials
    assert "Projekt bez grantu" not in html
    assert refused.applicant_name not in html


def test_public_results_run_a_fixed_number_of_queries(
    client, decided, django_assert_max_num_queries
):
    call, _funded, _refused, coordinator = decided
    results_publish(call=deadline_passes(call), by=coordinator, public_results=True)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("decisions_public:results", args=[call.slug]))
    assert response.status_code == 200


def test_my_applications_links_a_published_decision(client, decided):
    call, funded, _refused, coordinator = decided
    client.force_login(funded.applicant)
    decision_url = reverse("decisions_applicant:decision", args=[funded.pk])
    assert (
        decision_url not in client.get(reverse("applicants:my_applications")).text
    )  # not published yet
    results_publish(call=deadline_passes(call), by=coordinator)
    assert decision_url in client.get(reverse("applicants:my_applications")).text


# --- Whose name is published ---------------------------------------------------------------------

PUBLISH_NAME = {"key": "publish_name", "text": "Zgoda na publikację imienia i nazwiska"}


def funded_application(call, *, kind, name, agreed=False, coordinator):
    """An application by `name` (a person, group or NGO), submitted with or without the consent, awarded."""
    user = UserFactory(full_name=name)
    profile_for(user, kind=kind)
    ApplicantProfile.objects.filter(user=user).update(
        contact_name=name if kind == ApplicantKind.INDIVIDUAL else "Ala Nowak",
        group_name=name if kind == ApplicantKind.GROUP else "",
        organisation_name=name if kind == ApplicantKind.NGO else "",
        krs="0000123456" if kind == ApplicantKind.NGO else "",
        nip="5252248481" if kind == ApplicantKind.NGO else "",
        regon="012345678" if kind == ApplicantKind.NGO else "",
    )
    if kind == ApplicantKind.GROUP:
        for position, member in enumerate(["Ola Lis", "Piotr Sowa", "Ewa Kos"]):
            GroupMember.objects.create(
                profile=user.applicant_profile,
                full_name=member,
                age=19,
                is_leader=position == 0,
                position=position,
            )
    application = complete_draft(call=call, user=user)
    application_submit(
        application=application,
        by=user,
        consents=CONSENTS + ([PUBLISH_NAME] if agreed else []),
        arrived_at=timezone.now(),
    )
    formal_check_record(application=application, outcome="accepted", by=coordinator)
    application.refresh_from_db()
    decision_record(
        application=application,
        outcome="awarded",
        amount=application.requested_amount,
        by=coordinator,
    )
    return application


@pytest.fixture
def results_page(client, monkeypatch):
    monkeypatch.setattr("decisions.letters.render_letter_pdf", lambda *a, **k: b"%PDF-1.4 test")
    call = call_with_criteria(total_budget=Decimal("50000"))
    coordinator = CoordinatorFactory()

    def publish_and_read(*applications_spec) -> str:
        applications = [
            funded_application(call, coordinator=coordinator, **spec) for spec in applications_spec
        ]
        results_publish(call=deadline_passes(call), by=coordinator, public_results=True)
        html = client.get(reverse("decisions_public:results", args=[call.slug])).text
        assert all(a.title in html for a in applications)
        return " ".join(html.split())

    return publish_and_read


def test_public_results_name_a_person_in_full_who_agreed_when_applying(results_page):
    html = results_page({"kind": ApplicantKind.INDIVIDUAL, "name": "Zofia Wrona", "agreed": True})

    assert "Zofia Wrona" in html


def test_public_results_show_only_initials_of_a_person_who_did_not_agree(results_page):
    html = results_page({"kind": ApplicantKind.INDIVIDUAL, "name": "Jan Kowalski-Nowak"})

    assert "Kowalski" not in html
    assert "<td>J. K.-N.</td>" in html


def test_public_results_show_groups_and_organisations_by_their_name(results_page):
    html = results_page(
        {"kind": ApplicantKind.GROUP, "name": "Zielone Bałuty"},
        {"kind": ApplicantKind.NGO, "name": "Fundacja Łąka"},
    )

    assert "Zielone Bałuty" in html
    assert "Fundacja Łąka" in html
    assert "Ala Nowak" not in html  # their contact person is not published


def test_submit_page_asks_a_person_alone_whether_their_name_may_be_published(client):
    person = complete_draft()
    client.force_login(person.applicant)

    page = client.get(reverse("applicants:submit", args=[person.pk])).text

    assert 'name="consent_publish_name"' in page
    assert "imię i nazwisko może zostać opublikowane" in page


def test_submit_page_asks_a_group_nothing_about_publishing_a_name(client):
    user = UserFactory()
    profile_for(user, kind=ApplicantKind.GROUP)
    group = complete_draft(user=user)
    client.force_login(user)

    page = client.get(reverse("applicants:submit", args=[group.pk])).text

    assert 'name="consent_publish_name"' not in page


@pytest.mark.parametrize("ticked", [True, False])
def test_submitting_stores_the_persons_answer_with_the_application(client, ticked):
    application = complete_draft()
    client.force_login(application.applicant)
    data = {"consent_privacy": "on", "consent_truth": "on"}
    if ticked:
        data["consent_publish_name"] = "on"

    response = client.post(reverse("applicants:submit", args=[application.pk]), data)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.name_publication_agreed is ticked
    consents = [c["key"] for c in application.versions.get().consents]
    assert ("publish_name" in consents) is ticked
