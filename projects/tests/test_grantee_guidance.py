"""What the grantee and the signatories are told on their pages, found walking a grant's first
half in a browser: each to-do leads to its page, no coordinator's checklist in the grantee's
face, nothing to sign once everyone has signed, a way back from every signing page."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from projects.enums import SignatoryRole
from projects.models import Signatory
from projects.tests.progress_rows import grant_at
from projects.tests.signing_helpers import agreement_issue

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(response.content.decode().replace("\xa0", " ").split())


def next_step_box(page: str) -> str:
    return re.search(r"<section[^>]*data-next-step.*?</section>", page).group(0)


def grantee_page(client, grant) -> str:
    client.force_login(grant.application.applicant)
    return text(client.get(reverse("projects:grant", kwargs={"pk": grant.pk})))


def test_grant_page_links_each_thing_to_do_to_its_page(client):
    grant = grant_at("new")  # awarded less than asked, nothing given yet
    box = next_step_box(grantee_page(client, grant))
    for name in ("budget", "bank_account", "signatories"):
        assert f'href="{reverse(f"projects:{name}", kwargs={"pk": grant.pk})}"' in box


def test_grant_page_to_sign_links_to_the_ways_of_signing(client):
    box = next_step_box(grantee_page(client, grant_at("sent")))
    assert 'href="#signing-heading"' in box


def test_grant_page_spares_the_grantee_the_coordinators_checklist(client):
    page = grantee_page(client, grant_at("new"))
    assert "Grantobiorca nie podał jeszcze rachunku bankowego" not in page
    assert "Przygotujemy Twoją umowę, gdy zrobisz to, co wypisaliśmy w ramce" in page


def test_grant_page_says_the_signing_deadline_with_one_full_stop(client):
    page = grantee_page(client, grant_at("sent"))
    assert "Termin podpisania:" in page
    assert "r.." not in page


def test_grant_page_once_everyone_signed_offers_no_way_to_sign(client):
    grant = grant_at("signed_by_grantee")
    page = grantee_page(client, grant)
    assert "Wszystkie osoby podpisujące za Ciebie już podpisały" in page
    assert reverse("projects:sign", kwargs={"pk": grant.pk}) not in page
    client.force_login(CoordinatorFactory())
    page = text(client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk})))
    assert "umowa czeka na Twoją kontrasygnatę" in page


def test_signing_panel_names_a_group_member_once(client):
    grant = grant_at("sent")
    Signatory.objects.filter(grant=grant).update(
        role=SignatoryRole.GROUP_MEMBER, function="Członek grupy", full_name="Ola Nowak"
    )
    page = " ".join(re.sub(r"<[^>]+>", " ", grantee_page(client, grant)).split())
    assert "Ola Nowak (Członek grupy)" in page
    assert "Ola Nowak , Członek grupy" not in page


def test_coordinator_sees_an_instalment_due_as_due_to_pay(client):
    grant = grant_at("payment_due")
    client.force_login(CoordinatorFactory())
    page = text(client.get(reverse("projects_manage:payments", kwargs={"pk": grant.call_id})))
    assert ">Do wypłaty</span>" in page
    assert ">Termin</span>" not in page


def test_sign_page_leads_the_grantee_back_to_their_project(client):
    grant = grant_at("new")
    grant.signatories.create(
        role=SignatoryRole.APPLICANT,
        full_name=grant.grantee_name,
        email=grant.application.applicant.email,
        user=grant.application.applicant,
    )
    agreement_issue(grant)
    client.force_login(grant.application.applicant)
    page = text(client.get(reverse("projects:sign", kwargs={"pk": grant.pk})))
    assert f'<a href="{grant.get_absolute_url()}">' in page


def test_sign_page_leads_another_signatory_to_their_start_page(client):
    grant = grant_at("new")
    member = UserFactory()
    grant.signatories.create(
        role=SignatoryRole.GROUP_MEMBER, full_name="Kuba Lis", email=member.email
    )
    agreement_issue(grant)
    client.force_login(member)
    page = text(client.get(reverse("projects:sign", kwargs={"pk": grant.pk})))
    assert 'href="/">Strona startowa</a>' in page
    assert f'href="{grant.get_absolute_url()}"' not in page


def test_signed_file_page_has_a_button_that_says_what_it_sends_and_a_way_back(client):
    grant = grant_at("sent")
    client.force_login(grant.application.applicant)
    page = text(
        client.get(reverse("projects:signed_file", kwargs={"pk": grant.pk, "method": "scan"}))
    )
    assert ">Prześlij skan</button>" in page
    assert f'href="{grant.get_absolute_url()}">Wróć do projektu</a>' in page


def test_grant_page_tells_a_grantee_who_signed_whom_they_wait_for(client):
    from projects.enums import SigningMethod
    from projects.models import Signature
    from projects.tests.progress_rows import add_signatories

    grant = grant_at("sent")
    grant.signatories.all().delete()
    applicant = grant.application.applicant
    mine, other = add_signatories(grant, 2)
    mine.user = applicant
    mine.save()
    other.full_name = "Kinga Bielecka"
    other.save()
    Signature.objects.create(
        agreement=grant.agreements.get(),
        signatory=mine,
        signer_name=mine.full_name,
        signer_email=mine.email,
        method=SigningMethod.IN_SYSTEM,
    )
    page = grantee_page(client, grant)
    assert "Twój podpis jest złożony" in page
    assert "Kinga Bielecka" in page
    assert "Podpisz umowę przed terminem" not in page
