"""Every page of projects/, tried by everyone who must not get it: an anonymous visitor, another
grantee, a signatory of another grant, a reviewer of the application, and (for the grantee's
pages) a coordinator; GET and POST. The table lists every URL pattern of projects.urls: a new
page that is not in it fails the test, so no page can be forgotten."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.team import member_remove
from applicants.tests.factories import ApplicationMemberFactory
from projects.amendments import amendment_transition
from projects.enums import AmendmentState, BankAccountState, SigningMethod
from projects.models import (
    AgreementStateChange,
    Amendment,
    AmendmentStateChange,
    BankAccountStateChange,
    FinancialDocument,
    GrantStateChange,
    PaymentStateChange,
    ReportPhoto,
    ReportStateChange,
    SettlementStateChange,
    Signature,
    SignedDocument,
)
from projects.tests.progress_rows import (
    add_bank_account,
    add_payment,
    add_report,
    add_signatories,
    grant_at,
)
from projects.tests.report_rows import financial_document as _financial_document
from projects.tests.report_rows import report_photo as _report_photo
from projects.tests.settlement_helpers import settlement_row
from projects.urls import grantee as grantee_urls
from projects.urls import manage as manage_urls

pytestmark = pytest.mark.django_db

SECRET_IBAN = "PL27114020040000300201355387"


def _signed_document(agreement) -> SignedDocument:
    content = b"%PDF-1.7\n% skan\n%%EOF\n"
    document = SignedDocument(
        agreement=agreement,
        method=SigningMethod.SCAN,
        extension=".pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    document.file.save("signed.pdf", ContentFile(content), save=False)
    document.save()
    return document


def _receipt_photo(grant) -> FinancialDocument:
    """A receipt photo of `grant` (with its display copy), as the grantee records it."""
    document = FinancialDocument(
        grant=grant,
        number="PAR/1",
        issued_on=timezone.localdate(),
        issuer_name="Sklep",
        amount="10.00",
        description="Ziemia",
        extension=".jpg",
        original_name="paragon.jpg",
        content_type="image/jpeg",
        size=4,
        sha256="0" * 64,
    )
    document.file.save("paragon.jpg", ContentFile(b"\xff\xd8\xff\xe0"), save=False)
    document.preview.save("paragon.jpg", ContentFile(b"\xff\xd8\xff\xe0"), save=False)
    document.save()
    return document


@pytest.fixture
def world():
    """Grant `target` (sent, with a scan waiting, a pending account change and a payment due)
    and grant `other` of another person, who is also a signatory of `other`."""
    target = grant_at("sent")
    agreement = target.agreements.get()
    owner = target.application.applicant
    target.signatories.update(user=owner)
    document = _signed_document(agreement)
    pending = add_bank_account(target, BankAccountState.PENDING, iban=SECRET_IBAN)
    payment = add_payment(target)
    amendment = amendment_transition(
        Amendment(grant=target, kinds=["extension"], justification="Później."),
        AmendmentState.REQUESTED,
        by=owner,
    )
    report = add_report(target)
    settlement = settlement_row(target, report=report)
    photo = _report_photo(report)
    financial_document = _financial_document(target)
    other = grant_at("sent")
    other_grantee = other.application.applicant
    stranger_signatory = UserFactory()
    add_signatories(other, 1, email=stranger_signatory.email, user=stranger_signatory)
    reviewer = UserFactory()
    other_editor = ApplicationMemberFactory(application=other.application).user
    removed = ApplicationMemberFactory(application=target.application)
    member_remove(member=removed, by=owner)
    editor = ApplicationMemberFactory(application=target.application).user
    from reviews.models import ReviewAssignment

    ReviewAssignment.objects.create(
        application=target.application,
        call=target.call,
        reviewer=reviewer,
        status="declared",
        due_at=timezone.now() + timedelta(days=7),
    )
    return {
        "target": target,
        "receipt": _receipt_photo(target),
        "agreement": agreement,
        "document": document,
        "account": pending,
        "payment": payment,
        "amendment": amendment,
        "settlement": settlement,
        "report": report,
        "photo": photo,
        "financial_document": financial_document,
        "other": other,
        "owner": owner,
        "editor": editor,
        "people": {
            "anonymous": None,
            "another grantee": other_grantee,
            "an editor of another grant's application": other_editor,
            "a removed editor of the application": removed.user,
            "a signatory of another grant": stranger_signatory,
            "a reviewer of the application": reviewer,
            "a coordinator": CoordinatorFactory(),
        },
    }


# Each page's address for the world above.
GRANTEE_PAGES = {
    "grant": lambda w: {"pk": w["target"].pk},
    "signatories": lambda w: {"pk": w["target"].pk},
    "signed_file": lambda w: {"pk": w["target"].pk, "method": "scan"},
    "sign": lambda w: {"pk": w["target"].pk},
    "sign_agreement_pdf": lambda w: {"pk": w["target"].pk},
    "budget": lambda w: {"pk": w["target"].pk},
    "agreement_pdf": lambda w: {"pk": w["target"].pk, "agreement_pk": w["agreement"].pk},
    "bank_account": lambda w: {"pk": w["target"].pk},
    "documents": lambda w: {"pk": w["target"].pk},
    "document_add": lambda w: {"pk": w["target"].pk},
    "document_edit": lambda w: {"pk": w["target"].pk, "document_pk": w["receipt"].pk},
    "document_remove": lambda w: {"pk": w["target"].pk, "document_pk": w["receipt"].pk},
    "document_file": lambda w: {"pk": w["target"].pk, "document_pk": w["receipt"].pk},
    "document_preview": lambda w: {"pk": w["target"].pk, "document_pk": w["receipt"].pk},
    "amendments": lambda w: {"pk": w["target"].pk},
    "amendment_new": lambda w: {"pk": w["target"].pk},
    "amendment_withdraw": lambda w: {"pk": w["target"].pk, "amendment_pk": w["amendment"].pk},
    "amendment_pdf": lambda w: {"pk": w["target"].pk, "amendment_pk": w["amendment"].pk},
    "settlement_pdf": lambda w: {"pk": w["target"].pk, "settlement_pk": w["settlement"].pk},
    "report_start": lambda w: {"pk": w["target"].pk, "kind": "final"},
    "report": lambda w: {"pk": w["target"].pk, "kind": "final"},
    "report_photo_add": lambda w: {"pk": w["target"].pk, "kind": "final"},
    "report_photo": lambda w: {"pk": w["target"].pk, "kind": "final", "photo_pk": w["photo"].pk},
    "report_photo_remove": lambda w: {
        "pk": w["target"].pk,
        "kind": "final",
        "photo_pk": w["photo"].pk,
    },
}
MANAGE_PAGES = {
    "grants": lambda w: {"pk": w["target"].call_id},
    "grant": lambda w: {"pk": w["target"].pk},
    "terminate": lambda w: {"pk": w["target"].pk},
    "signed_document": lambda w: {"pk": w["target"].pk, "document_pk": w["document"].pk},
    "signed_document_file": lambda w: {"pk": w["target"].pk, "document_pk": w["document"].pk},
    "countersign": lambda w: {"pk": w["target"].pk},
    "terms": lambda w: {"pk": w["target"].call_id},
    "agreement_text": lambda w: {"pk": w["target"].call_id, "language": "pl"},
    "agreement_preview": lambda w: {"pk": w["target"].pk},
    "agreement_issue": lambda w: {"pk": w["target"].pk},
    "agreement_withdraw": lambda w: {"pk": w["target"].pk, "agreement_pk": w["agreement"].pk},
    "agreement_pdf": lambda w: {"pk": w["target"].pk, "agreement_pk": w["agreement"].pk},
    "payments": lambda w: {"pk": w["target"].call_id},
    "finance": lambda w: {"pk": w["target"].call_id},
    "bank_account_answer": lambda w: {"pk": w["account"].pk},
    "payment_paid": lambda w: {"pk": w["payment"].pk},
    "archive": lambda w: {"pk": w["target"].pk},
    "documents": lambda w: {"pk": w["target"].pk},
    "document_file": lambda w: {"pk": w["target"].pk, "document_pk": w["receipt"].pk},
    "document_preview": lambda w: {"pk": w["target"].pk, "document_pk": w["receipt"].pk},
    "amendments": lambda w: {"pk": w["target"].call_id},
    "amendment": lambda w: {"pk": w["amendment"].pk},
    "amendment_pdf": lambda w: {"pk": w["amendment"].pk},
    "settlement_pdf": lambda w: {"pk": w["target"].pk, "settlement_pk": w["settlement"].pk},
    "settlement_returned": lambda w: {"pk": w["target"].pk, "settlement_pk": w["settlement"].pk},
    "settlement_withdraw": lambda w: {"pk": w["target"].pk, "settlement_pk": w["settlement"].pk},
    "close": lambda w: {"pk": w["target"].pk},
    "reports": lambda w: {"pk": w["target"].call_id},
    "report": lambda w: {"pk": w["report"].pk},
    "report_photo": lambda w: {"pk": w["report"].pk, "photo_pk": w["photo"].pk},
    "report_document": lambda w: {
        "pk": w["report"].pk,
        "document_pk": w["financial_document"].pk,
    },
}
# What a bold POST would send: enough to do harm if the page let it through.
POST_DATA = {
    "action": "accept",
    "decision": "confirm",
    "reason": "Bo tak.",
    "confirm": "on",
    "paid_on": "2020-01-01",
    "received_on": "2020-01-01",
    "password": "x",
    "grants": [],
}


def _names(urlconf) -> set[str]:
    return {p.name for p in urlconf.urlpatterns if isinstance(p, URLPattern)}


def test_access_table_lists_every_projects_page():
    assert _names(grantee_urls) == set(GRANTEE_PAGES)
    assert _names(manage_urls) == set(MANAGE_PAGES)


def _tries(world):
    for name, kwargs in GRANTEE_PAGES.items():
        yield f"projects:{name}", reverse(f"projects:{name}", kwargs=kwargs(world)), "grantee"
    for name, kwargs in MANAGE_PAGES.items():
        url = reverse(f"projects_manage:{name}", kwargs=kwargs(world))
        yield f"projects_manage:{name}", url, "manage"


def _history_count() -> int:
    return sum(
        model.objects.count()
        for model in (
            GrantStateChange,
            AgreementStateChange,
            BankAccountStateChange,
            PaymentStateChange,
            SettlementStateChange,
            Signature,
            AmendmentStateChange,
            ReportStateChange,
            ReportPhoto,
        )
    )


def _refused(response, *, anonymous: bool) -> bool:
    if anonymous:
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code in (403, 404)


@pytest.mark.parametrize("method", ["get", "post"])
def test_access_every_projects_page_refuses_everyone_but_its_own_people(client, world, method):
    before = _history_count()
    leaks = []
    for person_label, person in world["people"].items():
        client.logout()
        if person is not None:
            client.force_login(person)
        for name, url, audience in _tries(world):
            if audience == "manage" and person_label == "a coordinator":
                continue  # their own pages
            response = getattr(client, method)(url, POST_DATA if method == "post" else None)
            if not _refused(response, anonymous=person is None):
                leaks.append((person_label, method.upper(), name, response.status_code))
            body = getattr(response, "content", b"")
            for secret in (SECRET_IBAN, world["target"].grantee_name):
                if secret.encode() in body:
                    leaks.append((person_label, method.upper(), name, f"shows {secret}"))
    assert leaks == []
    assert _history_count() == before  # and nothing changed


def test_access_coordinator_gets_every_manage_page_without_an_error(client, world):
    client.force_login(world["people"]["a coordinator"])
    broken = []
    for name, url, audience in _tries(world):
        if audience != "manage":
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url, {} if method == "post" else None)
            if response.status_code >= 500 or response.status_code in (403,):
                broken.append((method.upper(), name, response.status_code))
    assert broken == []


def test_access_grantee_gets_each_own_page(client, world):
    client.force_login(world["owner"])
    for name, kwargs in GRANTEE_PAGES.items():
        response = client.get(reverse(f"projects:{name}", kwargs=kwargs(world)))
        assert response.status_code in (200, 302), name


def test_access_team_editor_reads_the_grant_but_acts_on_nothing(client, world):
    """An editor of the grant's application (not a signatory) sees the grant's page, read-only,
    and every POST of the grantee's pages is refused with nothing changed."""
    client.force_login(world["editor"])
    page = client.get(reverse("projects:grant", kwargs={"pk": world["target"].pk}))
    assert page.status_code == 200 and "data-read-only" in page.text
    before = _history_count()
    acted = []
    for name, kwargs in GRANTEE_PAGES.items():
        response = client.post(reverse(f"projects:{name}", kwargs=kwargs(world)), POST_DATA)
        if response.status_code not in (403, 404):
            acted.append((name, response.status_code))
    assert acted == []
    assert _history_count() == before


# --- Other objects' ids in the address ("IDOR") ----------------------------------------------


def test_access_grantee_cannot_reach_another_grants_agreement_through_their_own_grant(
    client, world
):
    other_agreement = world["other"].agreements.get()
    client.force_login(world["owner"])

    response = client.get(
        reverse(
            "projects:agreement_pdf",
            kwargs={"pk": world["target"].pk, "agreement_pk": other_agreement.pk},
        )
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    "name", ["signed_document", "signed_document_file", "agreement_withdraw", "agreement_pdf"]
)
def test_access_manage_pages_refuse_a_document_of_another_grant(client, world, name):
    other = world["other"]
    other_agreement = other.agreements.get()
    other_document = _signed_document(other_agreement)
    client.force_login(world["people"]["a coordinator"])
    kwargs = {"pk": world["target"].pk}
    if name.startswith("signed_document"):
        kwargs["document_pk"] = other_document.pk
    else:
        kwargs["agreement_pk"] = other_agreement.pk

    response = client.get(reverse(f"projects_manage:{name}", kwargs=kwargs))

    assert response.status_code == 404


# --- Bank account numbers --------------------------------------------------------------------
# Only coordinators see whole account numbers on pages and in exports. The agreement PDF states
# the account in full (the parties agree to it: it is a term of the contract, and only the
# grantee, the signatories and coordinators can download it); "My data" gives a person their
# own account number (their right of access). E-mails show it masked.


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def test_access_whole_account_number_is_shown_only_to_coordinators(client, world):
    target = world["target"]
    in_use = target.bank_accounts.get(state=BankAccountState.IN_USE)
    signer = UserFactory()
    add_signatories(target, 1, email=signer.email, user=signer, full_name="Ewa Druga")
    grantee_pages = [
        reverse("projects:grant", kwargs={"pk": target.pk}),
        reverse("projects:bank_account", kwargs={"pk": target.pk}),
    ]
    for user, urls in (
        (world["owner"], grantee_pages),
        (signer, [reverse("projects:sign", kwargs={"pk": target.pk})]),
    ):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            page = _digits(response.content.decode())
            assert in_use.iban[4:] not in page, url
            assert SECRET_IBAN[4:] not in page, url
    client.force_login(world["owner"])
    assert "PL•• •••• … " + in_use.iban[-4:] in client.get(grantee_pages[0]).content.decode()
    client.force_login(world["people"]["a coordinator"])
    page = _digits(
        client.get(reverse("projects_manage:grant", kwargs={"pk": target.pk})).content.decode()
    )
    assert in_use.iban in page
    assert SECRET_IBAN in page


@pytest.mark.parametrize("name", ["amendment_withdraw", "amendment_pdf"])
def test_access_grantee_cannot_reach_another_grants_amendment_through_their_own_grant(
    client, world, name
):
    theirs = amendment_transition(
        Amendment(grant=world["other"], kinds=["extension"], justification="Cudze."),
        AmendmentState.REQUESTED,
        by=world["other"].application.applicant,
    )
    client.force_login(world["owner"])
    url = reverse(f"projects:{name}", kwargs={"pk": world["target"].pk, "amendment_pk": theirs.pk})

    response = client.post(url) if name.endswith("withdraw") else client.get(url)

    assert response.status_code == 404
    assert Amendment.objects.get(pk=theirs.pk).state == AmendmentState.REQUESTED


# --- The settlement --------------------------------------------------------------------------


def test_access_grantee_cannot_reach_another_grants_settlement_through_their_own_grant(
    client, world
):
    other_settlement = settlement_row(world["other"])
    client.force_login(world["owner"])

    response = client.get(
        reverse(
            "projects:settlement_pdf",
            kwargs={"pk": world["target"].pk, "settlement_pk": other_settlement.pk},
        )
    )

    assert response.status_code == 404


def test_access_only_a_coordinator_marks_a_return_received(client, world):
    url = reverse(
        "projects_manage:settlement_returned",
        kwargs={"pk": world["target"].pk, "settlement_pk": world["settlement"].pk},
    )
    client.force_login(world["owner"])
    assert client.post(url, {"received_on": "2020-01-01"}).status_code == 403
    world["settlement"].refresh_from_db()
    assert world["settlement"].state == "return_due"
    client.force_login(world["people"]["a coordinator"])
    client.post(url, {"received_on": "2020-01-01", "reference": "TR/1"})
    world["settlement"].refresh_from_db()
    assert world["settlement"].state == "returned"
