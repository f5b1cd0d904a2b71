"""Signing a grant's agreement: in the system (each signatory re-enters their password), by a
scan of the paper signed by hand (the coordinator confirms it), or by an electronically signed
PDF (checked by projects.pades); then the coordinator's countersignature, and the reminders
of signatures still missing before the signing deadline.

Only the agreement in force (state "sent") is signed, by a method the call allows.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applicants.uploads import JPEG, PDF, PNG, attachment_check
from core.mail import email_enqueue, email_subject
from core.states import InvalidMove
from projects.enums import (
    FINAL_GRANT_STATES,
    SIGNED_DOCUMENT_TRANSITIONS,
    AgreementState,
    GrantState,
    SignedDocumentState,
    SigningMethod,
)
from projects.models import (
    Agreement,
    CallGrantTerms,
    Grant,
    Signatory,
    Signature,
    SignatureReminder,
    SignedDocument,
)
from projects.services import agreement_transition, grant_transition
from projects.signing_status import signing_methods

SIGNED_FILE_MAX_MB = 20
SCAN_TYPES = {PDF, PNG, JPEG}
# Wrong passwords before signing in the system stops for a while (per account).
PASSWORD_ATTEMPTS = 5
PASSWORD_LOCKOUT = timedelta(minutes=15)
# Reminders of a missing signature, days before the signing deadline (largest first).
REMINDER_DAYS = (3, 1)


class SigningRefused(Exception):
    """A signing step that can't be done now; `message` says why, for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidSignedDocumentTransition(InvalidMove):
    subject = "A signed agreement"


# --- Reads --------------------------------------------------------------------------------


def signatures_complete(agreement: Agreement) -> bool:
    """Every signatory of the grant has signed `agreement`."""
    signatories = set(agreement.grant.signatories.values_list("pk", flat=True))
    signed = set(agreement.signatures.values_list("signatory_id", flat=True))
    return bool(signatories) and signatories <= signed


def signatory_for_user(*, grant: Grant, user) -> Signatory | None:
    """The grant's signatory `user` is: linked to their account, or named with its e-mail
    address (then linked to it from now on)."""
    if not user.is_authenticated:
        return None
    signatory = (
        grant.signatories.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))
        .order_by("position", "pk")
        .first()
    )
    if signatory is not None and signatory.user_id is None:
        # Named by address: only an address the account has confirmed proves it is theirs.
        if not EmailAddress.objects.filter(
            user=user, email__iexact=signatory.email, verified=True
        ).exists():
            return None
        Signatory.objects.filter(pk=signatory.pk, user__isnull=True).update(user=user)
        signatory.user = user
    return signatory


# --- Signing in the system ----------------------------------------------------------------


def _attempts_key(user) -> str:
    return f"projects:signing-password:{user.pk}"


def _record_signature(
    *, agreement, signatory, method, user=None, ip_address=None, user_agent="", document=None
):
    return Signature.objects.create(
        agreement=agreement,
        signatory=signatory,
        signer_name=signatory.full_name,
        signer_email=signatory.email,
        method=method,
        user=user,
        ip_address=ip_address,
        user_agent=(user_agent or "")[:300],
        document=document,
    )


def _sent_agreement(agreement: Agreement) -> Agreement:
    locked = Agreement.objects.select_for_update().select_related("grant").get(pk=agreement.pk)
    if locked.state != AgreementState.SENT:
        raise SigningRefused(_("This agreement is no longer waiting for signatures."))
    if locked.grant.state in FINAL_GRANT_STATES:
        raise SigningRefused(_("This grant is terminated: its agreement is no longer signed."))
    return locked


@transaction.atomic
def signature_in_system(
    *,
    agreement: Agreement,
    signatory: Signatory,
    user,
    password: str,
    terms: CallGrantTerms,
    ip_address: str | None,
    user_agent: str = "",
) -> Signature:
    """Record `signatory`'s acceptance of `agreement` in the system, confirmed by `user`
    re-entering their password. Raises SigningRefused (a wrong password counts towards a
    short lock-out)."""
    key = _attempts_key(user)
    if cache.get(key, 0) >= PASSWORD_ATTEMPTS:
        raise SigningRefused(
            _("Too many wrong passwords. Wait a quarter of an hour and try again.")
        )
    agreement = _sent_agreement(agreement)
    if signatory.grant_id != agreement.grant_id or signatory.user_id != user.pk:
        raise SigningRefused(_("You are not named to sign this agreement."))
    if SigningMethod.IN_SYSTEM not in signing_methods(grant=agreement.grant, terms=terms):
        raise SigningRefused(_("This agreement can't be accepted in the system."))
    if not user.check_password(password):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, PASSWORD_LOCKOUT.total_seconds())
        raise SigningRefused(_("That password is wrong."))
    cache.delete(key)
    if Signature.objects.filter(agreement=agreement, signatory=signatory).exists():
        raise SigningRefused(_("You have signed this agreement already."))
    return _record_signature(
        agreement=agreement,
        signatory=signatory,
        method=SigningMethod.IN_SYSTEM,
        user=user,
        ip_address=ip_address,
        user_agent=user_agent,
    )


# --- Uploaded signed agreements -----------------------------------------------------------


@transaction.atomic
def signed_document_transition(
    document: SignedDocument, to: str, *, by, note: str = ""
) -> SignedDocument:
    """Move an uploaded signed agreement to `to` (accepted, refused), stamping who answered;
    a refusal keeps its reason (`note`)."""
    locked = SignedDocument.objects.select_for_update().get(pk=document.pk)
    old = locked.state
    if to not in SIGNED_DOCUMENT_TRANSITIONS[old]:
        raise InvalidSignedDocumentTransition(old, to)
    update_fields = ["state", "answered_by", "answered_at"]
    if to == SignedDocumentState.REFUSED:
        if not note.strip():
            raise InvalidSignedDocumentTransition(old, to, "a refusal says why")
        locked.refusal_reason = note
        update_fields.append("refusal_reason")
    locked.state = to
    locked.answered_by = by
    locked.answered_at = timezone.now()
    locked.save(update_fields=update_fields)
    return locked


def _sign_all_with(document: SignedDocument, *, by) -> None:
    signed = set(document.agreement.signatures.values_list("signatory_id", flat=True))
    for signatory in document.agreement.grant.signatories.all():
        if signatory.pk not in signed:
            _record_signature(
                agreement=document.agreement,
                signatory=signatory,
                method=document.method,
                user=by,
                document=document,
            )


@transaction.atomic
def signed_document_upload(
    *, agreement: Agreement, method: str, upload, terms: CallGrantTerms, by
) -> SignedDocument:
    """Keep the grantee's signed agreement: a scan waits for the coordinator; an electronically
    signed PDF is checked now and, when it is the issued agreement validly signed, counts as
    every signatory's signature. Raises ValidationError (for the upload field) or SigningRefused."""
    agreement = _sent_agreement(agreement)
    if method not in signing_methods(grant=agreement.grant, terms=terms) or method not in (
        SigningMethod.SCAN,
        SigningMethod.ELECTRONIC,
    ):
        raise SigningRefused(_("The call doesn't allow signing this way."))
    if not agreement.grant.signatories.exists():
        raise SigningRefused(_("Enter who signs the agreement first."))
    if agreement.signed_documents.filter(state=SignedDocumentState.WAITING).exists():
        raise SigningRefused(_("A signed agreement is already waiting for the coordinator."))
    checked = attachment_check(upload, max_mb=SIGNED_FILE_MAX_MB)
    if (checked.extension, checked.content_type) not in SCAN_TYPES:
        raise ValidationError(_("Upload a PDF, JPEG or PNG file."), code="bad_type")
    verification = {}
    if method == SigningMethod.ELECTRONIC:
        # Imported here: pyHanko is heavy (and warns on import); only this upload needs it.
        from projects.pades import SignedPdfRefused, pades_check

        if checked.content_type != PDF[1]:
            raise ValidationError(_("An electronically signed agreement is a PDF file."))
        upload.seek(0)
        signed = upload.read()
        with agreement.pdf.open("rb") as issued_file:
            issued = issued_file.read()
        try:
            report = pades_check(signed=signed, issued=issued, issued_sha256=agreement.sha256)
        except SignedPdfRefused as refused:
            raise ValidationError(refused.message, code="signature") from refused
        verification = report.as_json()
        upload.seek(0)
    document = SignedDocument(
        agreement=agreement,
        method=method,
        extension=checked.extension,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        verification=verification,
        uploaded_by=by,
    )
    upload.seek(0)
    document.file.save(f"signed{checked.extension}", ContentFile(upload.read()), save=False)
    document.save()
    if method == SigningMethod.ELECTRONIC:
        # The check above is the acceptance; the coordinator's countersignature follows.
        document = signed_document_transition(document, SignedDocumentState.ACCEPTED, by=None)
        _sign_all_with(document, by=by)
    return document


@transaction.atomic
def scan_accept(*, document: SignedDocument, by) -> SignedDocument:
    """The coordinator confirms a scan: every signatory's signature is recorded as "scan"."""
    _sent_agreement(document.agreement)
    document = signed_document_transition(document, SignedDocumentState.ACCEPTED, by=by)
    _sign_all_with(document, by=by)
    return document


def scan_refuse(*, document: SignedDocument, by, reason: str) -> SignedDocument:
    """The coordinator refuses a scan, saying why; the grantee can upload another."""
    return signed_document_transition(document, SignedDocumentState.REFUSED, by=by, note=reason)


# --- The coordinator's countersignature ---------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _notify_countersigned(agreement_id: int) -> None:
    agreement = Agreement.objects.select_related("grant__application__applicant").get(
        pk=agreement_id
    )
    grant = agreement.grant
    applicant = grant.application.applicant
    with translation.override(applicant.language):
        context = {
            "grant": grant,
            "agreement": agreement,
            "user": applicant,
            "url": _absolute(grant.get_absolute_url()),
        }
        message = EmailMessage(
            subject=email_subject("projects/email/countersigned_subject.txt", context),
            body=render_to_string("projects/email/countersigned_body.txt", context),
            to=[applicant.email],
        )
    email_enqueue(message, kind="projects/countersigned", user=applicant)


@transaction.atomic
def agreement_countersign(*, agreement: Agreement, by) -> Agreement:
    """The coordinator countersigns an agreement every signatory has signed: the agreement
    and the grant become signed, and the grantee is told by e-mail. Raises SigningRefused."""
    agreement = _sent_agreement(agreement)
    if not signatures_complete(agreement):
        raise SigningRefused(_("Not every signatory has signed this agreement yet."))
    agreement = agreement_transition(agreement, AgreementState.SIGNED, by=by)
    Agreement.objects.filter(pk=agreement.pk).update(
        countersigned_at=timezone.now(), countersigned_by=by
    )
    grant_transition(agreement.grant, GrantState.SIGNED, by=by)
    agreement_id = agreement.pk
    transaction.on_commit(lambda: _notify_countersigned(agreement_id))
    agreement.refresh_from_db()
    return agreement


@dataclass
class BulkCountersignResult:
    countersigned: list[Agreement]
    refused: list[tuple[Agreement, str]]


def agreements_countersign_bulk(*, agreements, by) -> BulkCountersignResult:
    """Countersign each of `agreements` that is ready; report the others with the reason.
    Each goes in its own transaction: one not ready doesn't stop the rest."""
    result = BulkCountersignResult(countersigned=[], refused=[])
    for agreement in agreements:
        try:
            result.countersigned.append(agreement_countersign(agreement=agreement, by=by))
        except (SigningRefused, InvalidMove) as refused:
            result.refused.append((agreement, getattr(refused, "message", str(refused))))
    return result


# --- Reminders of missing signatures ------------------------------------------------------


def _reminder_due(deadline: datetime, now: datetime) -> int | None:
    """Which reminder (days before the deadline) is due at `now`: the closest window only, so
    a grant first seen a day before its deadline gets one reminder, not two."""
    if now >= deadline:
        return None
    for days in sorted(REMINDER_DAYS):
        if now >= deadline - timedelta(days=days):
            return days
    return None


def _send_reminder(*, signatory: Signatory, grant: Grant, agreement: Agreement, days: int):
    user = signatory.user
    with translation.override(user.language if user else settings.LANGUAGE_CODE):
        path = (
            grant.get_absolute_url()
            if user and user.pk == grant.application.applicant_id
            else reverse("projects:sign", kwargs={"pk": grant.pk})
        )
        context = {
            "grant": grant,
            "agreement": agreement,
            "signatory": signatory,
            "days": days,
            "url": _absolute(path),
        }
        message = EmailMessage(
            subject=email_subject("projects/email/signature_reminder_subject.txt", context),
            body=render_to_string("projects/email/signature_reminder_body.txt", context),
            to=[signatory.email],
        )
    email_enqueue(message, kind="projects/signature_reminder", user=user)


def signature_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each signatory who hasn't signed an agreement of its signing deadline (3 days
    and 1 day before it). Idempotent: a reminder is sent once (SignatureReminder's unique row).
    Grants whose signed file waits for the coordinator are left alone. Returns how many."""
    now = now or timezone.now()
    sent = 0
    agreements = (
        Agreement.objects.filter(
            state=AgreementState.SENT,
            grant__state=GrantState.AGREEMENT_SENT,
            grant__signing_deadline__gt=now,
            grant__signing_deadline__lte=now + timedelta(days=max(REMINDER_DAYS)),
        )
        .exclude(
            signed_documents__state__in=[
                SignedDocumentState.WAITING,
                SignedDocumentState.ACCEPTED,
            ]
        )
        .select_related("grant__application")
        .prefetch_related("grant__signatories__user", "signatures")
    )
    for agreement in agreements:
        grant = agreement.grant
        days = _reminder_due(grant.signing_deadline, now)
        if days is None:
            continue
        signed = {s.signatory_id for s in agreement.signatures.all()}
        for signatory in grant.signatories.all():
            if signatory.pk in signed:
                continue
            try:
                with transaction.atomic():
                    SignatureReminder.objects.create(
                        agreement=agreement, signatory=signatory, days_before=days
                    )
                    _send_reminder(signatory=signatory, grant=grant, agreement=agreement, days=days)
            except IntegrityError:
                continue  # reminded already
            sent += 1
    return sent


def housekeeping_reminders(sender=None, **kwargs) -> int:
    """Receiver of core.signals.housekeeping_ran: the hourly reminders of missing signatures."""
    return signature_reminders_send()
