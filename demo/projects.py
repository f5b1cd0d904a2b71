"""Demo after the award: what happened to the grants of the two decided calls.

Every call of the programme gets its grant terms (how agreements are signed, an
advance of 80% and 20% after the final report, the grantee's obligations and the
sentence for financial documents). Then the grants move through the services a
grantee and a coordinator use, so that the demo has one in each state:

* "Rowerowa szkoła" (results published six days ago): Kortowo Klimatycznie
  still has to adjust its lowered budget, choose how it signs and give a bank
  account (agreement to prepare, as the other two of its groups); Stowarzyszenie
  Sąsiedzka Pracownia Klimatu has its agreement sent, nobody signed yet;
  Gnieźnieński Klub Naprawy signs through three adult members in the system,
  and two of them have (the third, kinga.bielecka@example.org, can sign now);
  Stowarzyszenie Zielone Podgórze Razem signed with an electronic signature on
  a demo test certificate, checked on upload, and the coordinator countersigned:
  its advance is due.
* "Klimatyczne podwórka" (last year's pilot): Fundacja Łódzki Cień signed on
  paper and uploaded a scan the coordinator confirmed; the two groups signed the
  same way through three members each; all three were countersigned and their
  advances paid, so they are under way (their reports come with the next stage).

The moments of the story are set afterwards, as in demo.decisions, never a
state: each step runs inside `_story_at(moment)`, which puts the rows it made
(audit rows, signatures, uploads, accounts, payments, e-mails) at that moment.
Agreements are issued with their date in the story, so the PDF and its record
agree. The electronic signature is made when the demo is loaded (the signed
PDF says so) and is not moved back. The e-mails of the story are recorded as
sent then: none goes out now.

The demo's test certificate authority is written to var/demo/signing-test-ca.pem.
A signature chains to it only where the settings name it as a test authority
(MIKROGRANTY_SIGNATURE_TEST_ROOTS, which `make run` sets for the demo); the
pages then call it "test certificate (demo)", never a trusted one. Without it
the check still passes and says the chain was not checked.

A grant that has moved on, or has signatories, an account or an agreement, is
left as it is: loading the demo again changes nothing.
"""

import contextlib
import logging
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from schwifty import IBAN

from accounts.models import User
from core.enums import EmailState
from core.mail import email_transition
from core.models import OutgoingEmail
from demo.amendments import demo_amendments_load
from demo.applications import _at, _local_day, _pdf
from demo.publicdata import demo_publicdata_load
from demo.reports import demo_reports_load
from demo.settlement import demo_settlement_load
from demo.spending import demo_spending_load
from grants.models import GrantCall
from projects.agreement_issuing import agreement_issue_now
from projects.agreement_templates import call_terms_save
from projects.bank_accounts import bank_account_give
from projects.enums import AccountOwner, GrantState, GroupSigning, PaymentState, SigningMethod
from projects.models import (
    Agreement,
    AgreementStateChange,
    BankAccount,
    BankAccountStateChange,
    CallGrantTerms,
    Grant,
    GrantStateChange,
    Payment,
    PaymentStateChange,
    Signature,
    SignedDocument,
)
from projects.payments import payment_mark_paid
from projects.selectors import call_terms
from projects.signatories import signatories_replace
from projects.signing import (
    agreement_countersign,
    scan_accept,
    signature_in_system,
    signed_document_upload,
)

# A documentation address (TEST-NET-1, RFC 5737): the demo's signatures came from nowhere real.
DEMO_IP = "192.0.2.24"
DEMO_USER_AGENT = "Mozilla/5.0 (demo Mikrogranty)"

OBLIGATIONS = """\
- Na plakatach, ulotkach, stronie i w mediach społecznościowych projektu umieśćcie logo \
programu „Aktywni dla klimatu” i napiszcie, że projekt dofinansowało Stowarzyszenie Miasto \
Wspólne.
- Na każdej fakturze i każdym rachunku opłaconym z grantu zapiszcie zdanie podane niżej, \
zanim za nie zapłacicie.
- Zadbajcie, żeby każdy mógł przyjść na wydarzenia projektu: wybierzcie miejsce bez schodów \
albo z podjazdem, ogłoszenia piszcie prostym językiem, a jeśli ktoś poprosi o pomoc \
w dotarciu lub w zrozumieniu, pomóżcie.
- Zbierajcie listy obecności, zdjęcia i faktury: przydadzą się w sprawozdaniu.
- Jeśli coś w projekcie musi się zmienić (termin, działanie, koszt), napiszcie do nas, zanim \
wydacie pieniądze inaczej, niż mówi budżet.
"""
DOCUMENT_SENTENCE = "Opłacono ze środków programu {programme} w ramach umowy {number}."


@dataclass(frozen=True)
class Terms:
    in_system_max_amount: str | None = "5000"
    allow_in_system: bool = True
    signing_days: int = 14


# Per call slug. The pilot signed on paper or electronically only (it had no signing in
# the system yet); every call pays 80% on signing and 20% after the final report.
CALL_TERMS = {
    "klimat-w-sasiedztwie": Terms(),
    "zielone-szkoly": Terms(in_system_max_amount="3500"),
    "chlodne-podworka": Terms(in_system_max_amount="4000", signing_days=21),
    "rowerowa-szkola": Terms(),
    "klimatyczne-podworka": Terms(allow_in_system=False, in_system_max_amount=None),
}


def _ensure_terms(call: GrantCall, spec: Terms, *, by: User) -> None:
    """Give the call its grant terms, unless it has them (a coordinator may have changed them)."""
    if CallGrantTerms.objects.filter(call=call).exists():
        return
    call_terms_save(
        terms=CallGrantTerms(
            call=call,
            allow_in_system=spec.allow_in_system,
            in_system_max_amount=(
                Decimal(spec.in_system_max_amount) if spec.in_system_max_amount else None
            ),
            allow_scan=True,
            allow_electronic=True,
            group_members_may_sign=True,
            signing_days=spec.signing_days,
            advance_percent=Decimal("80"),
            final_report_days=21,
            document_sentence=DOCUMENT_SENTENCE,
            obligations=OBLIGATIONS,
        ),
        by=by,
    )


# --- The accounts of the group members who sign ------------------------------------------


@dataclass(frozen=True)
class Member:
    full_name: str
    email: str


# Gnieźnieński Klub Naprawy's members besides its leader (the applicant, with his account).
GNIEZNO_MEMBERS = (
    Member("Jagoda Kubiak", "jagoda.kubiak@example.org"),
    Member("Kinga Bielecka", "kinga.bielecka@example.org"),
)


def _ensure_member_account(member: Member, password_hash: str) -> User:
    user, _created = User.objects.get_or_create(
        email=member.email, defaults={"full_name": member.full_name, "password": password_hash}
    )
    EmailAddress.objects.get_or_create(
        user=user, email=member.email, defaults={"verified": True, "primary": True}
    )
    return user


# --- The story's clock --------------------------------------------------------------------

# The rows a step makes (found by their ids), or stamps with the time (found by that time).
MADE = (
    GrantStateChange,
    AgreementStateChange,
    BankAccountStateChange,
    PaymentStateChange,
    Signature,
    SignedDocument,
    BankAccount,
    OutgoingEmail,
)


@contextlib.contextmanager
def _story_at(moment: datetime | None) -> Iterator[None]:
    """Run a step of the story; afterwards its rows say it happened at `moment` and its
    e-mails count as sent then. `moment` None: it happens now (only the e-mails are settled)."""
    before = {model: model.objects.aggregate(last=Max("pk"))["last"] or 0 for model in MADE}
    started = timezone.now()
    yield
    if moment is not None:
        _backdate_moments(before, started, moment)
    for email in OutgoingEmail.objects.filter(
        pk__gt=before[OutgoingEmail], state=EmailState.QUEUED
    ):
        _email_sent(email, moment or timezone.now())


def _backdate_moments(before: dict[type, int], started: datetime, moment: datetime) -> None:
    """Put what one step made (rows after `before`'s ids) or stamped (times from `started` on)
    at `moment`. Only moments: every state stays as its owner left it."""
    GrantStateChange.objects.filter(pk__gt=before[GrantStateChange]).update(at=moment)
    AgreementStateChange.objects.filter(pk__gt=before[AgreementStateChange]).update(at=moment)
    BankAccountStateChange.objects.filter(pk__gt=before[BankAccountStateChange]).update(at=moment)
    PaymentStateChange.objects.filter(pk__gt=before[PaymentStateChange]).update(at=moment)
    Signature.objects.filter(pk__gt=before[Signature]).update(signed_at=moment)
    SignedDocument.objects.filter(pk__gt=before[SignedDocument]).update(uploaded_at=moment)
    BankAccount.objects.filter(pk__gt=before[BankAccount]).update(entered_at=moment)
    # The moments the services stamp as they move a state: an account put in use, a scan
    # confirmed, an instalment due or paid, the countersignature.
    BankAccount.objects.filter(answered_at__gte=started).update(answered_at=moment)
    SignedDocument.objects.filter(answered_at__gte=started).update(answered_at=moment)
    Payment.objects.filter(due_since__gte=started).update(due_since=moment)
    Payment.objects.filter(marked_paid_at__gte=started).update(marked_paid_at=moment)
    Agreement.objects.filter(countersigned_at__gte=started).update(countersigned_at=moment)


def _email_sent(email: OutgoingEmail, at: datetime) -> None:
    """Through the outbox's own moves, so the queued task finds it sent and sends nothing."""
    email_transition(email, EmailState.SENDING)
    email_transition(email, EmailState.SENT)
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=at, sent_at=at)


def _countersigned_emails_sent(moments: dict[int, datetime]) -> None:
    """The countersignature's e-mail is queued once the load commits: count it sent too."""
    for email in OutgoingEmail.objects.filter(
        kind="projects/countersigned", state=EmailState.QUEUED, user_id__in=moments
    ):
        _email_sent(email, moments[email.user_id])


# --- The steps ------------------------------------------------------------------------------


def _iban(grant: Grant) -> str:
    """A valid made-up account number, the same for the grant in every load."""
    digits = f"{zlib.crc32(grant.reference_number.encode()) % 10**10:010d}"
    return str(IBAN.generate("PL", bank_code="10202892", account_code="700000" + digits))


@dataclass
class Plan:
    """What one grant's story does, in order; moments None happen when the demo loads."""

    call: str
    applicant: str  # the applicant's e-mail: their grant
    signatories: list[dict] = field(default_factory=list)
    group_signing: str = ""
    holder_name: str = ""
    prepared: datetime | None = None
    issued: datetime | None = None
    in_system: list[tuple[str, datetime]] = field(default_factory=list)  # (e-mail, when)
    electronic: bool = False
    scan: tuple[datetime, datetime] | None = None  # uploaded, confirmed and countersigned
    paid_on: date | None = None
    paid_at: datetime | None = None


def _grant(plan: Plan) -> Grant:
    return Grant.objects.select_related("call", "application__applicant").get(
        call__slug=plan.call, application__applicant__email=plan.applicant
    )


def _untouched(grant: Grant) -> bool:
    return (
        grant.state == GrantState.AGREEMENT_TO_PREPARE
        and not grant.agreements.exists()
        and not grant.signatories.exists()
        and not grant.bank_accounts.exists()
    )


def _carry_out(
    plan: Plan, *, coordinator: User, password: str, password_hash: str
) -> dict[int, datetime]:
    """Run one grant's story; returns the moment of its countersignature by applicant id."""
    grant = _grant(plan)
    applicant = grant.application.applicant
    terms = call_terms(grant.call)
    with _story_at(plan.prepared):
        signatories_replace(
            grant=grant,
            terms=terms,
            people=plan.signatories,
            group_signing=plan.group_signing,
            by=applicant,
        )
        bank_account_give(
            grant=grant,
            iban=_iban(grant),
            holder_name=plan.holder_name or grant.grantee_name,
            owner=AccountOwner.GRANTEE,
            by=applicant,
        )
    with _story_at(plan.issued):
        agreement = agreement_issue_now(grant=grant, by=coordinator, issued_at=plan.issued)
    for email, when in plan.in_system:
        signatory = grant.signatories.get(email=email)
        with _story_at(when):
            signature_in_system(
                agreement=agreement,
                signatory=signatory,
                user=signatory.user,
                password=password,
                terms=terms,
                ip_address=DEMO_IP,
                user_agent=DEMO_USER_AGENT,
            )
        # Checking the password re-hashed it with a salt of its own (Django strengthens a
        # hash as it checks it); the demo's accounts share one hash, so a reload finds
        # nothing to change.
        User.objects.filter(pk=signatory.user_id).update(password=password_hash)
    countersigned = None
    if plan.electronic:
        with _story_at(None):
            _sign_electronically(agreement, by=applicant, terms=terms)
            agreement_countersign(agreement=agreement, by=coordinator)
        countersigned = timezone.now()
    if plan.scan is not None:
        uploaded, confirmed = plan.scan
        with _story_at(uploaded):
            document = signed_document_upload(
                agreement=agreement,
                method=SigningMethod.SCAN,
                upload=_scan(agreement),
                terms=terms,
                by=applicant,
            )
        with _story_at(confirmed):
            scan_accept(document=document, by=coordinator)
            agreement_countersign(agreement=agreement, by=coordinator)
        countersigned = confirmed
    if plan.paid_on is not None:
        advance = grant.payments.get(number=1, state=PaymentState.DUE)
        with _story_at(plan.paid_at):
            payment_mark_paid(
                payment=advance,
                by=coordinator,
                paid_on=plan.paid_on,
                bank_reference=_bank_reference(grant, plan.paid_on),
            )
    return {applicant.pk: countersigned} if countersigned else {}


def _bank_reference(grant: Grant, paid_on: date) -> str:
    """The transfer's reference as the bank's statement gives it (made up, the same each load)."""
    return f"{paid_on:%Y%m%d}/{zlib.crc32(grant.reference_number.encode()) % 10**8:08d}"


def _scan(agreement: Agreement) -> SimpleUploadedFile:
    """The grantee's scan of the paper agreement, signed by hand: in the demo a one-page PDF
    that says what it stands for (Helvetica has no Polish letters)."""
    lines = (
        f"Umowa {agreement.number} - skan podpisanej umowy",
        "Plik demonstracyjny: w prawdziwym naborze tu jest skan",
        "papierowej umowy z odrecznymi podpisami.",
    )
    name = f"{agreement.number.replace('/', '-')}-skan.pdf"
    return SimpleUploadedFile(name, _pdf(lines), content_type="application/pdf")


def demo_signing_ca_path() -> Path:
    """Where the demo keeps its test certificate authority (settings.SIGNATURE_TEST_ROOTS
    names it for `make run`)."""
    return Path(settings.VAR_DIR) / "demo" / "signing-test-ca.pem"


def _sign_electronically(agreement: Agreement, *, by: User, terms: CallGrantTerms) -> None:
    """Sign the issued PDF with a fresh demo test certificate (pyHanko, PAdES) in the
    representative's name, and upload it: the check runs as for any grantee."""
    # Imported here: pyHanko is heavy, only this step needs it (as in projects.signing).
    from projects.test_certificates import pdf_sign, test_signer_create

    signatory = agreement.grant.signatories.order_by("position", "pk").first()
    signer = test_signer_create(signatory.full_name)
    path = demo_signing_ca_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(signer.ca_pem)
    with agreement.pdf.open("rb") as issued:
        signed = pdf_sign(issued.read(), signer=signer)
    name = f"{agreement.number.replace('/', '-')}-podpisana.pdf"
    # Without the demo's authority among the test roots pyHanko logs the chain it couldn't
    # build, with a traceback; the check's report says the same in words, so keep it quiet.
    validation_log = logging.getLogger("pyhanko.sign.validation.generic_cms")
    level = validation_log.level
    validation_log.setLevel(logging.ERROR)
    try:
        signed_document_upload(
            agreement=agreement,
            method=SigningMethod.ELECTRONIC,
            upload=SimpleUploadedFile(name, signed, content_type="application/pdf"),
            terms=terms,
            by=by,
        )
    finally:
        validation_log.setLevel(level)


# --- The stories ----------------------------------------------------------------------------


WAKING_HOURS = (8, 22)  # when the story's people act, in Warsaw


def _between(start: datetime, end: datetime, share: float) -> datetime:
    """A moment `share` of the way through the waking hours from `start` to `end`, to the
    minute (nobody signs at three in the morning)."""
    segments = []
    day = _local_day(start)
    while day <= _local_day(end):
        first, last = max(start, _at(day, WAKING_HOURS[0])), min(end, _at(day, WAKING_HOURS[1]))
        if first < last:
            segments.append((first, last))
        day += timedelta(days=1)
    if not segments:  # both ends in one night: any moment between them
        segments = [(start, end)]
    left = sum((last - first for first, last in segments), timedelta()) * share
    for first, last in segments:
        if left <= last - first:
            return (first + left).replace(second=0, microsecond=0)
        left -= last - first
    return segments[-1][1].replace(second=0, microsecond=0)


def _grants_made_when_accepted(calls: dict[str, GrantCall]) -> None:
    """A grant is made when its award is accepted: its record and history say so (the
    acceptance itself is moved back to its moment by demo.decisions)."""
    grants = Grant.objects.filter(call__in=calls.values()).select_related("decision")
    for grant in grants:
        accepted_at = grant.decision.accepted_at
        if accepted_at is None or grant.created_at == accepted_at:
            continue
        Grant.objects.filter(pk=grant.pk).update(created_at=accepted_at)
        GrantStateChange.objects.filter(grant=grant, old_state="").update(at=accepted_at)


def _accepted_at(call: str, applicant: str) -> datetime:
    return Grant.objects.get(
        call__slug=call, application__applicant__email=applicant
    ).decision.accepted_at


def _plans(now: datetime) -> list[Plan]:
    """The stories, their moments from each award's acceptance to now."""
    cycling = "rowerowa-szkola"
    sent = "mlody.aktywista07@example.org"  # Stowarzyszenie Sąsiedzka Pracownia Klimatu
    members = "mlody.aktywista28@example.org"  # Gnieźnieński Klub Naprawy (Adam Sikora)
    signed = "mloda.aktywistka31@example.org"  # Stowarzyszenie Zielone Podgórze Razem
    pilot = "klimatyczne-podworka"
    scan = "mloda.aktywistka35@example.org"  # Fundacja Łódzki Cień
    tatary = "mlody.aktywista30@example.org"  # Tatary Oddychają (Franciszek Baran)
    plock = "mloda.aktywistka19@example.org"  # Płockie Ogrody Deszczowe (Alicja Olszewska)

    def recent(applicant: str, share: float) -> datetime:
        return _between(_accepted_at(cycling, applicant), now, share)

    def pilot_day(applicant: str, days: int, hour: int, minute: int = 0) -> datetime:
        return _at(_local_day(_accepted_at(pilot, applicant)) + timedelta(days=days), hour, minute)

    def pilot_story(applicant: str, signatories, **kwargs) -> Plan:
        paid_at = pilot_day(applicant, 14, 11, 5)
        return Plan(
            call=pilot,
            applicant=applicant,
            signatories=signatories,
            prepared=pilot_day(applicant, 2, 18, 40),
            issued=pilot_day(applicant, 4, 10, 15),
            scan=(pilot_day(applicant, 11, 19, 30), pilot_day(applicant, 12, 9, 50)),
            paid_on=_local_day(paid_at),
            paid_at=paid_at,
            **kwargs,
        )

    return [
        Plan(
            call=cycling,
            applicant=sent,
            signatories=[
                {"full_name": "Szymon Jankowski", "function": "Prezes zarządu", "email": sent}
            ],
            prepared=recent(sent, 0.3),
            issued=recent(sent, 0.6),
        ),
        Plan(
            call=cycling,
            applicant=members,
            group_signing=GroupSigning.THREE_MEMBERS,
            signatories=[
                {"full_name": "Adam Sikora", "email": members, "is_adult_confirmed": True},
                *(
                    {"full_name": m.full_name, "email": m.email, "is_adult_confirmed": True}
                    for m in GNIEZNO_MEMBERS
                ),
            ],
            holder_name="Adam Sikora",
            prepared=recent(members, 0.2),
            issued=recent(members, 0.4),
            in_system=[
                (members, recent(members, 0.6)),
                (GNIEZNO_MEMBERS[0].email, recent(members, 0.8)),
            ],
        ),
        Plan(
            call=cycling,
            applicant=signed,
            signatories=[
                {"full_name": "Paulina Duda", "function": "Prezeska zarządu", "email": signed}
            ],
            prepared=recent(signed, 0.25),
            issued=recent(signed, 0.5),
            electronic=True,
        ),
        pilot_story(
            scan,
            [{"full_name": "Marta Marciniak", "function": "Prezeska fundacji", "email": scan}],
        ),
        pilot_story(
            tatary,
            [
                {"full_name": "Franciszek Baran", "email": tatary, "is_adult_confirmed": True},
                {
                    "full_name": "Zuzanna Lis",
                    "email": "zuzanna.lis@example.org",
                    "is_adult_confirmed": True,
                },
                {
                    "full_name": "Paweł Sowa",
                    "email": "pawel.sowa@example.org",
                    "is_adult_confirmed": True,
                },
            ],
            group_signing=GroupSigning.THREE_MEMBERS,
            holder_name="Franciszek Baran",
        ),
        pilot_story(
            plock,
            [
                {"full_name": "Alicja Olszewska", "email": plock, "is_adult_confirmed": True},
                {
                    "full_name": "Róża Urban",
                    "email": "roza.urban@example.org",
                    "is_adult_confirmed": True,
                },
                {
                    "full_name": "Michał Mróz",
                    "email": "michal.mroz@example.org",
                    "is_adult_confirmed": True,
                },
            ],
            group_signing=GroupSigning.THREE_MEMBERS,
            holder_name="Alicja Olszewska",
        ),
    ]


def demo_projects_load(
    *, calls: dict[str, GrantCall], coordinator: User, password: str
) -> dict[str, int]:
    """Give every call its grant terms and move the decided calls' grants through their
    agreements, unless they have moved already. Returns the number of grants per state."""
    for call in calls.values():
        _ensure_terms(call, CALL_TERMS[call.slug], by=coordinator)
    _grants_made_when_accepted(calls)
    plans = [plan for plan in _plans(timezone.now()) if _untouched(_grant(plan))]
    if not plans and all(
        User.objects.filter(email=member.email).exists() for member in GNIEZNO_MEMBERS
    ):
        demo_spending_load()  # documents of grants under way, if they have none yet
        return _states(calls)  # loaded before: nothing to hash, nothing to do
    # One hash with a fixed salt, as for the demo's applicants (demo.applications).
    password_hash = make_password(password, salt="aktywnidlaklimatu")
    for member in GNIEZNO_MEMBERS:
        _ensure_member_account(member, password_hash)
    countersigned: dict[int, datetime] = {}
    for plan in plans:
        countersigned |= _carry_out(
            plan, coordinator=coordinator, password=password, password_hash=password_hash
        )
    if countersigned:
        transaction.on_commit(lambda: _countersigned_emails_sent(countersigned))
    # The pilot's three projects have ended: Tatary Oddychają's grant is closed and on the
    # public page, Płockie Ogrody Deszczowe's settled with money to return, and Fundacja
    # Łódzki Cień's still open: its documents, amendments and a report to correct.
    demo_publicdata_load(calls=calls, coordinator=coordinator)
    demo_settlement_load(calls=calls, coordinator=coordinator)
    demo_amendments_load(calls=calls, coordinator=coordinator)
    demo_spending_load()
    demo_reports_load(calls=calls, coordinator=coordinator)
    return _states(calls)


def _states(calls: dict[str, GrantCall]) -> dict[str, int]:
    return dict(
        Counter(Grant.objects.filter(call__in=calls.values()).values_list("state", flat=True))
    )
