"""Who signs the agreement for the grantee, by who applied."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from applicants.enums import ApplicantKind
from projects.enums import GroupSigning, SignatoryRole
from projects.models import CallGrantTerms, Signatory
from projects.tests.factories import accepted_grant
from projects.tests.signing_helpers import agreement_issue

pytestmark = pytest.mark.django_db

MEMBERS = [
    {"full_name": "Ala Nowak", "age": 19, "is_leader": True},
    {"full_name": "Basia Lis", "age": 22, "is_leader": False},
    {"full_name": "Celina Wrona", "age": 17, "is_leader": False},
    {"full_name": "Darek Sowa", "age": 25, "is_leader": False},
]


def _page(response) -> str:
    return " ".join(response.content.decode().split())


def test_signatories_adult_individual_signs_themselves(client):
    grant = accepted_grant(date_of_birth="1999-05-01")
    client.force_login(grant.application.applicant)
    url = reverse("projects:signatories", kwargs={"pk": grant.pk})
    assert "Podpisuję umowę sam" in _page(client.get(url))

    response = client.post(url, {"action": "self"})

    assert response.status_code == 302
    signatory = Signatory.objects.get(grant=grant)
    assert signatory.role == SignatoryRole.APPLICANT
    assert signatory.user == grant.application.applicant
    page = _page(client.get(grant.get_absolute_url()))
    assert grant.grantee_name in page


def test_signatories_minor_names_a_guardian(client):
    born = date.today().replace(year=date.today().year - 16).isoformat()
    grant = accepted_grant(date_of_birth=born)
    client.force_login(grant.application.applicant)
    url = reverse("projects:signatories", kwargs={"pk": grant.pk})
    assert "rodzic lub opiekun" in _page(client.get(url))

    client.post(
        url,
        {
            "action": "guardian",
            "guardian-full_name": "Ewa Mama",
            "guardian-email": "EWA@example.org",
        },
    )

    signatory = Signatory.objects.get(grant=grant)
    assert (signatory.role, signatory.email) == (SignatoryRole.GUARDIAN, "ewa@example.org")


def test_signatories_ngo_representatives_with_the_krs_checked(client):
    grant = accepted_grant(kind=ApplicantKind.NGO, organisation_name="Fundacja Zieleń", krs="12345")
    client.force_login(grant.application.applicant)
    url = reverse("projects:signatories", kwargs={"pk": grant.pk})
    data = {
        "action": "representatives",
        "rep-TOTAL_FORMS": "3",
        "rep-INITIAL_FORMS": "0",
        "rep-0-full_name": "Jan Prezes",
        "rep-0-function": "Prezes Zarządu",
        "rep-0-email": "jan@example.org",
        "rep-1-full_name": "Anna Skarbnik",
        "rep-1-function": "Członkini Zarządu",
        "rep-1-email": "anna@example.org",
    }

    refused = client.post(url, data)

    assert refused.status_code == 400
    assert "Numer KRS ma dokładnie 10 cyfr" in _page(refused)
    assert not Signatory.objects.filter(grant=grant).exists()

    grant.application.versions.update(
        content={
            **grant.application.versions.get().content,
            "applicant": {
                "kind": "ngo",
                "organisation_name": "Fundacja Zieleń",
                "krs": "0000123456",
            },
        }
    )
    assert client.post(url, data).status_code == 302
    rows = list(Signatory.objects.filter(grant=grant))
    assert [r.full_name for r in rows] == ["Jan Prezes", "Anna Skarbnik"]
    assert {r.organisation_krs for r in rows} == {"0000123456"}
    assert {r.role for r in rows} == {SignatoryRole.REPRESENTATIVE}


def test_signatories_group_signs_through_its_patron(client):
    grant = accepted_grant(
        kind=ApplicantKind.GROUP, members=MEMBERS, patron_organisation="Stowarzyszenie Sąsiedzi"
    )
    client.force_login(grant.application.applicant)
    url = reverse("projects:signatories", kwargs={"pk": grant.pk})
    assert "Stowarzyszenie Sąsiedzi" in _page(client.get(url))

    response = client.post(
        url,
        {
            "action": "patron",
            "patron-full_name": "Zofia Patron",
            "patron-function": "Prezeska",
            "patron-email": "zofia@example.org",
            "patron-organisation_name": "Stowarzyszenie Sąsiedzi",
            "patron-organisation_krs": "0000 654 321",
        },
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.group_signing == GroupSigning.PATRON
    signatory = Signatory.objects.get(grant=grant)
    assert (signatory.role, signatory.organisation_krs) == (
        SignatoryRole.PATRON_REPRESENTATIVE,
        "0000654321",
    )


def test_signatories_group_chooses_three_adult_members(client):
    grant = accepted_grant(kind=ApplicantKind.GROUP, members=MEMBERS)
    client.force_login(grant.application.applicant)
    url = reverse("projects:signatories", kwargs={"pk": grant.pk})
    page = _page(client.get(url))
    assert "Darek Sowa" in page
    assert "Celina Wrona" not in page  # 17: can't sign

    response = client.post(
        url,
        {
            "action": "members",
            "members-member_0": "on",
            "members-email_0": "ala@example.org",
            "members-member_1": "on",
            "members-email_1": "basia@example.org",
            "members-member_2": "on",
            "members-email_2": "darek@example.org",
            "members-adults": "on",
        },
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.group_signing == GroupSigning.THREE_MEMBERS
    assert [s.full_name for s in Signatory.objects.filter(grant=grant)] == [
        "Ala Nowak",
        "Basia Lis",
        "Darek Sowa",
    ]


def test_signatories_group_members_are_refused_where_the_call_requires_the_patron(client):
    grant = accepted_grant(kind=ApplicantKind.GROUP, members=MEMBERS)
    CallGrantTerms.objects.create(call=grant.call, group_members_may_sign=False)
    client.force_login(grant.application.applicant)
    url = reverse("projects:signatories", kwargs={"pk": grant.pk})

    assert "Ala Nowak" not in _page(client.get(url))
    client.post(url, {"action": "members", "members-member_0": "on"})
    assert not Signatory.objects.filter(grant=grant).exists()


def test_signatories_panel_says_who_still_has_to_sign(client):
    grant = accepted_grant(date_of_birth="1999-05-01")
    client.force_login(grant.application.applicant)
    assert "Potwierdź, że podpisujesz umowę sam" in _page(client.get(grant.get_absolute_url()))
    client.post(reverse("projects:signatories", kwargs={"pk": grant.pk}), {"action": "self"})
    agreement_issue(grant)

    page = _page(client.get(grant.get_absolute_url()))

    assert "jeszcze do podpisu" in page


def test_signatories_cant_change_after_the_agreement_is_sent(client):
    grant = accepted_grant(date_of_birth="1999-05-01")
    agreement_issue(grant)
    client.force_login(grant.application.applicant)

    client.post(reverse("projects:signatories", kwargs={"pk": grant.pk}), {"action": "self"})

    assert not Signatory.objects.filter(grant=grant).exists()


def test_signatories_page_is_not_found_for_another_user(client):
    grant = accepted_grant()
    client.force_login(UserFactory())
    assert client.get(reverse("projects:signatories", kwargs={"pk": grant.pk})).status_code == 404
