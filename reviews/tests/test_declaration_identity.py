"""Before declaring impartiality a reviewer sees who applies — the person, the group and its
members, the organisation, the patron organisation — and nothing of the project, nor any way
to reach the applicants (applicants.disclosure, level 1: identity for the conflict declaration)."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from applicants.disclosure import conflict_declaration_identity
from applicants.enums import ApplicantKind
from applicants.models import ApplicantProfile, GroupMember
from reviews.models import ReviewAssignment
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
)

pytestmark = pytest.mark.django_db

EMAIL = "lider.grupy.qz9@example.org"
PHONE = "+48 601 222 333"
CONTACT = "Hanna Kontaktowa-Lis"
GROUP = "Grupa Zielone Podwórka Qx"
PATRON = "Stowarzyszenie Patronackie Wrzos"
MEMBERS = ["Hanna Kontaktowa-Lis", "Piotr Członkowski", "Ola Trzecia-Członkini"]
ORGANISATION = "Fundacja Dach Nad Głową Zx"
TITLE = "Tytuł, który zdradza projekt"
SUMMARY = "Streszczenie zdradzające treść wniosku."
PROBLEM = "Problem opisany w treści wniosku."
BUDGET_ITEM = "Sadzonki jabłoni odmiany Szara Reneta"


def _group(user) -> None:
    profile = ApplicantProfile.objects.create(
        user=user,
        kind=ApplicantKind.GROUP,
        contact_name=CONTACT,
        phone=PHONE,
        street="ul. Portowa 3",
        postcode="81-001",
        city="Gdynia",
        group_name=GROUP,
        patron_organisation=PATRON,
    )
    for position, name in enumerate(MEMBERS):
        GroupMember.objects.create(
            profile=profile,
            full_name=name,
            age=19 + position,
            is_leader=position == 0,
            position=position,
        )


def _organisation(user) -> None:
    ApplicantProfile.objects.create(
        user=user,
        kind=ApplicantKind.NGO,
        contact_name=CONTACT,
        phone=PHONE,
        street="ul. Portowa 3",
        postcode="81-001",
        city="Gdynia",
        organisation_name=ORGANISATION,
        krs="0000123456",
        nip="5252248481",
        regon="012345678",
    )


def declaration_page(client, make_profile) -> tuple[str, ReviewAssignment]:
    """The declaration page of a reviewer assigned to an application whose profile `make_profile` makes."""
    user = UserFactory(email=EMAIL, full_name=CONTACT)
    make_profile(user)
    call = call_with_criteria(
        title="Nabór Podwórka", reviewers_per_application=1, min_age=None, max_age=None
    )
    budget = [
        {
            "category": "materials",
            "item": BUDGET_ITEM,
            "unit": "szt.",
            "quantity": 17,
            "unit_cost": 123,
            "own_contribution": 0,
        }
    ]
    application = accepted_application(
        call,
        user=user,
        texts={"title": TITLE, "summary": SUMMARY, "problem": PROBLEM},
        budget=budget,
    )
    (reviewer,) = reviewers_in_pool(call, 1)
    assign_all(call)
    assignment = ReviewAssignment.objects.get(application=application)
    client.force_login(reviewer)
    response = client.get(reverse("reviews:assignment", args=[assignment.pk]))
    assert response.status_code == 200
    assert response.templates[0].name == "reviews/assignment_declare.html"
    return " ".join(response.content.decode().split()), assignment


def test_declaration_page_shows_the_group_its_members_its_patron_and_the_contact_person(client):
    page, assignment = declaration_page(client, _group)
    who = page.split('id="who-applies"')[1].split("</section>")[0]
    assert GROUP in who and PATRON in who and CONTACT in who
    for member in MEMBERS:
        assert member in who
    assert "Grupa nieformalna" in who
    assert "Gdynia" in who
    assert "Nabór Podwórka" in page
    assert assignment.application.reference_number in page


def test_declaration_page_shows_the_organisation_and_its_contact_person(client):
    page, _assignment = declaration_page(client, _organisation)
    who = page.split('id="who-applies"')[1].split("</section>")[0]
    assert ORGANISATION in who and CONTACT in who


@pytest.mark.parametrize("make_profile", [_group, _organisation], ids=["group", "organisation"])
def test_declaration_page_leaks_nothing_of_the_content_nor_any_contact_detail(client, make_profile):
    page, _assignment = declaration_page(client, make_profile)
    for secret in (
        TITLE,
        SUMMARY,
        PROBLEM,
        BUDGET_ITEM,
        "2 091,00",  # the budget's total (17 × 123 zł)
        EMAIL,
        PHONE,
        "601 222 333",
        "0000123456",  # the KRS: shown with the content, not needed to declare
        "Portowa",  # the postal address: for letters, never for reviewers
        "81-001",
    ):
        assert secret not in page


def test_declaration_page_shows_the_content_only_after_the_declaration(client):
    _page, assignment = declaration_page(client, _group)
    response = client.post(
        reverse("reviews:assignment", args=[assignment.pk]), {"declare": "impartial"}
    )
    assert response.status_code == 302
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert TITLE in page and SUMMARY in page


def test_conflict_declaration_identity_passes_on_only_its_allow_list():
    class Version:
        content = {
            "call": {"id": 1, "title": "Nabór"},
            "reference_number": "AC/2027/0001",
            "title": TITLE,
            "summary": SUMMARY,
            "budget": {"lines": [{"item": BUDGET_ITEM}]},
            "applicant": {
                "kind": ApplicantKind.GROUP,
                "display_name": GROUP,
                "contact_name": CONTACT,
                "email": EMAIL,
                "phone": PHONE,
                "date_of_birth": "2001-02-03",
                "group_name": GROUP,
                "patron_organisation": PATRON,
                "members": [{"full_name": MEMBERS[0], "age": 19, "is_leader": True, "pesel": "x"}],
                "added_later": "a field nobody has decided about yet",
            },
        }

    identity = conflict_declaration_identity(Version())
    shown = repr(identity)
    assert GROUP in shown and CONTACT in shown and PATRON in shown and MEMBERS[0] in shown
    for secret in (TITLE, SUMMARY, BUDGET_ITEM, EMAIL, PHONE, "2001-02-03", "pesel", "added_later"):
        assert secret not in shown
    assert identity.members == ({"full_name": MEMBERS[0], "is_leader": True},)
