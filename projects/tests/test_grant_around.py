"""How a grant fits into the rest: the grantee's and the coordinator's pages, "My applications",
the decision page, the start pages' "waiting for you", "My data" and account deletion."""

import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind
from core.search import search_fold
from core.tests.support import database_text
from grants.tests.factories import GrantCallFactory
from projects.enums import AgreementState, GrantState, PaymentState
from projects.models import BankAccount, Grant, Payment, Signatory
from projects.services import grant_transition
from projects.tests.factories import GrantFactory, accepted_grant
from projects.tests.progress_rows import (
    IBAN,
    add_agreement,
    add_bank_account,
    add_payment,
    add_signatories,
    grant_at,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(response.content.decode().replace("\xa0", " ").split())


def visible(response) -> str:
    """The page's text without its tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def grantee_page(client, grant):
    client.force_login(grant.application.applicant)
    return client.get(reverse("projects:grant", kwargs={"pk": grant.pk}))


# --- The grantee's page: what happens next ----------------------------------------------


def test_grant_page_tells_a_new_grantee_what_to_give_first(client):
    grant = grant_at("new")
    page = text(grantee_page(client, grant))
    assert "Co musisz teraz zrobić" in page
    assert "Sprawdź budżet i go potwierdź." in page
    assert "Podaj numer konta, na które mamy przelać pieniądze." in page
    assert "Napisz, kto podpisze umowę." in page


def test_grant_page_leaves_off_what_the_grantee_already_gave(client):
    grant = GrantFactory(amount=Decimal("2500.00"))  # less than asked: the budget to adjust
    add_bank_account(grant)
    add_signatories(grant, 1)
    page = text(grantee_page(client, grant))
    assert "Sprawdź budżet" in page
    assert "Podaj numer konta" not in page
    assert "Napisz, kto podpisze" not in page


@pytest.mark.parametrize(
    ("stage", "says"),
    [
        ("ready", "Na razie nic nie musisz robić"),
        ("sent", "Twoja umowa jest gotowa."),
        ("signed_by_grantee", "Dziękujemy za podpis"),
        ("payment_due", "Obie strony podpisały umowę."),
        ("active", "Twój projekt trwa"),
    ],
)
def test_grant_page_says_what_happens_next_in_each_state(client, stage, says):
    assert says in text(grantee_page(client, grant_at(stage)))


def test_grant_page_shows_the_signing_deadline_while_the_agreement_waits(client):
    grant = grant_at("sent")
    page = text(grantee_page(client, grant))
    assert "Podpisz umowę przed terminem." in page
    assert "Podpis do godz." in page


def test_grant_history_tells_the_story_in_words(client):
    grant = accepted_grant()
    coordinator = CoordinatorFactory(full_name="Halina Koordynatorska")
    grant_transition(grant, GrantState.AGREEMENT_SENT, by=coordinator)
    grant_transition(grant, GrantState.AGREEMENT_TO_PREPARE, by=coordinator, note="Zła data.")
    page = text(grantee_page(client, grant))
    assert "Grant został przyjęty: powstał projekt i przygotowujemy umowę." in page
    assert "Umowa została wysłana do podpisu." in page
    assert "Umowa została wycofana do poprawy; przyjdzie nowa wersja." in page
    assert "Zła data." in page
    assert "Halina Koordynatorska" not in page  # the grantee isn't told which coordinator

    client.force_login(coordinator)
    manage = text(client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk})))
    assert "Halina Koordynatorska" in manage


def test_coordinator_grant_page_says_whom_the_grant_waits_for(client):
    grant = grant_at("signed_by_grantee")
    client.force_login(CoordinatorFactory())
    response = client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk}))
    assert "Czeka na: Koordynatora — kontrasygnata" in visible(response)
    page = text(response)
    assert reverse("projects_manage:terminate", kwargs={"pk": grant.pk}) in page


@pytest.mark.parametrize("who", ["another grantee", "reviewer", "anonymous"])
def test_coordinator_grant_page_is_closed_to_everyone_else(client, who):
    grant = GrantFactory(title="Tajny ogród")
    if who == "another grantee":
        client.force_login(GrantFactory().application.applicant)
    elif who == "reviewer":
        client.force_login(UserFactory())
    response = client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk}))
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
    assert "Tajny ogród" not in response.content.decode()


def test_grant_page_of_another_grantee_is_not_found(client):
    grant = GrantFactory(title="Tajny ogród")
    client.force_login(GrantFactory().application.applicant)
    response = client.get(reverse("projects:grant", kwargs={"pk": grant.pk}))
    assert response.status_code == 404


# --- My applications and the decision page ----------------------------------------------


def test_my_applications_links_an_accepted_award_to_its_project_and_state(client):
    grant = accepted_grant()
    client.force_login(grant.application.applicant)
    response = client.get(reverse("applicants:my_applications"))
    page = text(response)
    assert reverse("projects:grant", kwargs={"pk": grant.pk}) in page
    assert "Twój projekt: Umowa do przygotowania" in visible(response)


def test_my_applications_shows_no_project_link_to_someone_else(client):
    grant = accepted_grant()
    other = UserFactory()
    client.force_login(other)
    page = text(client.get(reverse("applicants:my_applications")))
    assert reverse("projects:grant", kwargs={"pk": grant.pk}) not in page


def test_decision_page_leads_from_the_accepted_award_to_the_project(client):
    grant = accepted_grant()
    client.force_login(grant.application.applicant)
    response = client.get(
        reverse("decisions_applicant:decision", kwargs={"pk": grant.application_id})
    )
    page = text(response)
    assert "Przejdź do projektu: umowa i co dalej" in page
    assert f'href="{reverse("projects:grant", kwargs={"pk": grant.pk})}"' in page


# --- Start pages: waiting for you -------------------------------------------------------


def test_applicant_start_page_lists_what_their_grant_needs(client):
    grant = grant_at("new", title="Ogród deszczowy")
    client.force_login(grant.application.applicant)
    page = text(client.get(reverse("applicants:my_applications")))
    assert (
        "Twój projekt potrzebuje: budżet do potwierdzenia, konto bankowe, osoby podpisujące" in page
    )
    assert reverse("projects:grant", kwargs={"pk": grant.pk}) in page


def test_applicant_start_page_asks_to_sign_before_the_deadline(client):
    grant = grant_at("sent", title="Ogród deszczowy")
    client.force_login(grant.application.applicant)
    page = text(client.get(reverse("applicants:my_applications")))
    assert "Podpisz umowę dla „Ogród deszczowy”" in page


def test_applicant_start_page_has_nothing_of_a_grant_waiting_for_others(client):
    grant = grant_at("ready")
    client.force_login(grant.application.applicant)
    page = text(client.get(reverse("applicants:my_applications")))
    assert "Twój projekt potrzebuje" not in page
    assert "Podpisz umowę dla" not in page


def test_coordinator_start_page_counts_grants_waiting_for_coordinators_per_call(client):
    call = GrantCallFactory(title="Klimat 2027")
    grant_at("ready", application__call=call)
    grant_at("ready", application__call=call)
    grant_at("signed_by_grantee", application__call=call)
    grant_at("payment_due", application__call=call)
    grant_at("account_change", application__call=call)
    grant_at("new", application__call=call)  # waits for the grantee: not counted
    client.force_login(CoordinatorFactory())
    page = text(client.get(reverse("manage_root")))
    assert "2 umowy do wysłania" in page
    assert "1 umowa do kontrasygnaty" in page
    assert "1 grant z wypłatą do zrobienia" in page
    assert "1 zmiana konta do potwierdzenia" in page
    assert reverse("projects_manage:grants", kwargs={"pk": call.pk}) in page


@pytest.mark.parametrize("count", [1, 12])
def test_waiting_readers_keep_their_queries_fixed(client, count, django_assert_max_num_queries):
    from core.waiting import desk_for

    call = GrantCallFactory()
    user = UserFactory()
    for n in range(count):
        grant_at("new" if n % 2 else "sent", application__applicant=user)
        grant_at("ready", application__call=call)
    coordinator = CoordinatorFactory()
    with django_assert_max_num_queries(12):
        applicant_desk = desk_for(user=user)
    with django_assert_max_num_queries(12):
        desk_for(user=coordinator)
    assert len(applicant_desk.roles[0].items) >= count


# --- My data and deleting the account ---------------------------------------------------

NAME = "Zofia Zielińska"
EMAIL = "zofia.zielinska@example.org"
MEMBER = "Kuba Kowalczyk"


def test_my_data_export_has_the_grant_with_its_account_signatories_and_payments(client):
    person = UserFactory(email=EMAIL, full_name=NAME)
    grant = accepted_grant(applicant=person, amount="2500.00")
    add_signatories(grant, 1, full_name=NAME, email=EMAIL, user=person)
    add_bank_account(grant, holder_name=NAME)
    add_agreement(grant, AgreementState.SIGNED, countersigned=True)
    add_payment(grant, PaymentState.DUE)
    other = grant_at("sent", title="Cudzy projekt")
    client.force_login(person)
    response = client.post(reverse("privacy:export"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    (exported,) = data["grants"]["grants"]
    assert exported["reference_number"] == grant.reference_number
    assert exported["amount"] == "2500.00"
    assert exported["bank_accounts"][0]["iban"] == IBAN
    assert exported["signatories"][0]["full_name"] == NAME
    assert exported["payments"][0]["state"] == "due"
    assert exported["agreements"][0]["file_in_archive"] in archive.namelist()
    assert "Cudzy projekt" not in json.dumps(data, ensure_ascii=False)
    assert other.reference_number not in json.dumps(data)


def test_account_delete_anonymises_the_grant_and_keeps_the_money_on_record(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    person = UserFactory(email=EMAIL, full_name=NAME, language="pl")
    grant = accepted_grant(applicant=person, amount="2500.00", contact_name=NAME)
    me = add_signatories(grant, 1, full_name=NAME, email=EMAIL, user=person)[0]
    member = Signatory.objects.create(
        grant=grant, role="member", full_name=MEMBER, email="kuba@example.org", position=1
    )
    outsider = Signatory.objects.create(
        grant=grant, role="patron", full_name="Anna Patronka", email="anna@example.org", position=2
    )
    account = add_bank_account(grant, holder_name=NAME)
    add_payment(grant, PaymentState.PAID, amount=Decimal("2500.00"))
    grant_transition(
        grant, GrantState.TERMINATED, by=CoordinatorFactory(), note=f"{NAME} zrezygnowała."
    )
    client.force_login(person)

    # Deleting the account says beforehand that the grant stays on record.
    page = text(client.get(reverse("privacy:delete")))
    assert "Twój grant zostaje w dokumentacji" in page

    response = client.post(reverse("privacy:delete"), {"email": EMAIL})

    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    with translation.override("pl"):
        label = gettext("Deleted person")
    grant = Grant.objects.get(pk=grant.pk)
    assert grant.grantee_kind == ApplicantKind.INDIVIDUAL
    assert grant.grantee_name == label
    assert grant.amount == Decimal("2500.00")
    assert NAME not in grant.terminated_reason and label in grant.terminated_reason
    assert Payment.objects.get(grant=grant).amount == Decimal("2500.00")
    assert BankAccount.objects.get(pk=account.pk).iban == IBAN  # a financial record
    me.refresh_from_db()
    assert (me.full_name, me.email, me.user_id) == (label, "", None)
    outsider.refresh_from_db()
    assert outsider.full_name == "Anna Patronka"  # someone else's data stays theirs
    member.refresh_from_db()
    assert member.full_name == MEMBER  # not named in the person's data: kept
    everything = database_text()
    for form in (NAME, EMAIL, search_fold(NAME), json.dumps(NAME)[1:-1]):
        holders = sorted(
            {
                line.split(":", 1)[0]
                for line in everything.splitlines()
                if form.lower() in line.lower()
            }
        )
        assert holders == [], f"{form!r} is still stored in {holders}"


def test_start_page_asks_a_group_member_to_sign_until_they_have(client):
    from projects.enums import SigningMethod
    from projects.models import Signature
    from projects.tests.progress_rows import add_signatories

    grant = grant_at("sent", title="Rowerowa szkoła")
    member = UserFactory(email="kinga@example.org")
    (signatory,) = add_signatories(grant, 1, email="Kinga@example.org", full_name="Kinga B.")
    client.force_login(member)
    page = text(client.get(reverse("start"), follow=True))
    assert "Podpisz umowę dla „Rowerowa szkoła”" in page
    Signature.objects.create(
        agreement=grant.agreements.get(),
        signatory=signatory,
        signer_name="Kinga B.",
        signer_email="kinga@example.org",
        method=SigningMethod.IN_SYSTEM,
    )
    page = text(client.get(reverse("start"), follow=True))
    assert "Podpisz umowę dla" not in page
