"""Writes for guardians' consents and patron organisations' confirmations.

Each state has one owner: guardian_consent_transition() and patron_confirmation_transition()
check the move against its table (applicants.consents_enums), save, and write an audit row.
The applicant asks (guardian_consent_request, patron_confirmation_request: a new link each
time, mailed through the outbox); the guardian or the representative answers by the link.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.consents_enums import (
    GUARDIAN_CONSENT_MOVES,
    PATRON_CONFIRMATION_MOVES,
    GuardianConsentState,
    PatronConfirmationState,
)
from applicants.consents_selectors import (
    consent_summary,
    guardian_consent_sections,
    guardian_consent_statement,
    link_expired,
    patron_confirmation_sections,
    patron_confirmation_statement,
    sections_text,
)
from applicants.enums import ApplicationStatus
from applicants.models import (
    Application,
    GuardianConsent,
    GuardianConsentChange,
    PatronConfirmation,
    PatronConfirmationChange,
)
from core.link_tokens import link_token_new
from core.mail import email_enqueue, email_subject
from core.states import InvalidMove

# Nobody asks for a consent or a confirmation for an application that has ended.
CLOSED_STATUSES = frozenset(
    {
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.FORMALLY_REJECTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.DECLINED,
    }
)


class InvalidConsentMove(InvalidMove):
    subject = "A guardian's consent"


class InvalidPatronMove(InvalidMove):
    subject = "A patron confirmation"


def _clean_person(name: str, email: str) -> tuple[str, str]:
    name = " ".join(name.split())
    email = email.strip()
    errors = {}
    if len(name) < 3:
        errors["name"] = _("Enter the full name.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address.")
    if errors:
        raise ValidationError(errors)
    return name, email


def _ensure_open(application: Application) -> None:
    if application.status in CLOSED_STATUSES:
        raise ValidationError(_("This application has ended: nothing more can be asked for it."))


# --- Guardians' consents -------------------------------------------------------------------------


@transaction.atomic
def guardian_consent_transition(
    consent: GuardianConsent,
    to: str,
    *,
    by=None,
    by_name: str = "",
    note: str = "",
    changes: dict | None = None,
    at: datetime | None = None,
) -> GuardianConsent:
    """Move `consent` to state `to` (with field `changes`) and record who did it.

    The row is locked first, so a guardian answering twice at once (two tabs) can't both
    move it from the same state. Giving or refusing stamps answered_at, withdrawing
    revoked_at.
    """
    locked = GuardianConsent.objects.select_for_update().get(pk=consent.pk)
    if to not in GUARDIAN_CONSENT_MOVES[locked.state]:
        raise InvalidConsentMove(locked.state, to)
    now = at or timezone.now()
    GuardianConsentChange.objects.create(
        consent=locked,
        old_state=locked.state,
        new_state=to,
        by=by,
        by_name=by_name,
        note=note,
        at=now,
    )
    update_fields = ["state"]
    locked.state = to
    if to in (GuardianConsentState.GIVEN, GuardianConsentState.REFUSED):
        locked.answered_at = now
        update_fields.append("answered_at")
    elif to == GuardianConsentState.WITHDRAWN:
        locked.revoked_at = now
        update_fields.append("revoked_at")
    elif to == GuardianConsentState.REQUESTED:
        locked.answered_at = locked.revoked_at = None
        update_fields += ["answered_at", "revoked_at"]
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
        update_fields.append(name)
    locked.save(update_fields=update_fields)
    return locked


@transaction.atomic
def guardian_consent_request(
    *,
    application: Application,
    child_id: int,
    guardian_name: str,
    guardian_email: str,
    by,
    at: datetime | None = None,
) -> GuardianConsent:
    """Ask the guardian of one young person on the team (the first time, again, or another
    guardian): a new 30-day link goes to `guardian_email` and the old link stops working.

    Refused once the consent is given (it can only be withdrawn by the guardian) and for a
    person who needs none (not on the team, or old enough by the call's age).
    """
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    _ensure_open(application)
    at = at or timezone.now()
    people = consent_summary(application, now=at).people
    person = next((p for p in people if p.user_id == child_id), None)
    if person is None:
        raise ValidationError(_("This person does not need a guardian's consent."))
    guardian_name, guardian_email = _clean_person(guardian_name, guardian_email)
    raw, digest = link_token_new()
    details = {
        "guardian_name": guardian_name,
        "guardian_email": guardian_email,
        "child_name": person.name,
        "token_digest": digest,
        "link_expires_at": GuardianConsent.link_expiry(at),
        "requested_at": at,
        "text": "",
        "signed_name": "",
    }
    consent = person.consent
    if consent is None:
        consent = GuardianConsent.objects.create(
            application=application, child_id=child_id, **details
        )
        GuardianConsentChange.objects.create(
            consent=consent, new_state=GuardianConsentState.REQUESTED, by=by, at=at
        )
    else:
        if consent.state == GuardianConsentState.GIVEN:
            raise ValidationError(_("The guardian has already given consent."))
        consent = guardian_consent_transition(
            consent,
            GuardianConsentState.REQUESTED,
            by=by,
            note=_("Sent again"),
            changes=details,
            at=at,
        )
    _guardian_email(consent, raw)
    return consent


def _link(name: str, raw: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"token": raw})


def _guardian_email(consent: GuardianConsent, raw: str) -> None:
    # The guardian has no account: written in the site's language (Polish by default).
    context = {
        "consent": consent,
        "application": consent.application,
        "url": _link("links:guardian", raw),
    }
    message = EmailMessage(
        subject=email_subject("applicants/email/guardian_consent_subject.txt", context),
        body=render_to_string("applicants/email/guardian_consent_body.txt", context),
        to=[consent.guardian_email],
    )
    email_enqueue(message, kind="applicants/guardian_consent")


@transaction.atomic
def guardian_consent_answer(
    *, consent: GuardianConsent, give: bool, signed_name: str, now: datetime
) -> GuardianConsent:
    """The guardian gives or refuses consent by the link, typing their full name; the text they
    read is stored with the answer."""
    signed_name = " ".join(signed_name.split())
    if len(signed_name) < 3:
        raise ValidationError({"signed_name": _("Type your full name.")})
    if link_expired(consent, now=now):
        raise ValidationError(_("This link has expired."))
    text = sections_text(
        guardian_consent_sections(consent), guardian_consent_statement(consent, give=give)
    )
    return guardian_consent_transition(
        consent,
        GuardianConsentState.GIVEN if give else GuardianConsentState.REFUSED,
        by_name=signed_name,
        changes={"text": text, "signed_name": signed_name},
        at=now,
    )


@transaction.atomic
def guardian_consent_withdraw(*, consent: GuardianConsent, signed_name: str) -> GuardianConsent:
    """The guardian withdraws a given consent by the same link (the record of it stays)."""
    signed_name = " ".join(signed_name.split())
    if len(signed_name) < 3:
        raise ValidationError({"signed_name": _("Type your full name.")})
    return guardian_consent_transition(
        consent,
        GuardianConsentState.WITHDRAWN,
        by_name=signed_name,
        note=_("Withdrawn by the guardian"),
    )


# --- Patron organisations ------------------------------------------------------------------------


@transaction.atomic
def patron_confirmation_transition(
    confirmation: PatronConfirmation,
    to: str,
    *,
    by=None,
    by_name: str = "",
    note: str = "",
    changes: dict | None = None,
    at: datetime | None = None,
) -> PatronConfirmation:
    """Move `confirmation` to state `to` (with field `changes`) and record who did it."""
    locked = PatronConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    if to not in PATRON_CONFIRMATION_MOVES[locked.state]:
        raise InvalidPatronMove(locked.state, to)
    now = at or timezone.now()
    PatronConfirmationChange.objects.create(
        confirmation=locked,
        old_state=locked.state,
        new_state=to,
        by=by,
        by_name=by_name,
        note=note,
        at=now,
    )
    update_fields = ["state"]
    locked.state = to
    locked.answered_at = now if to != PatronConfirmationState.REQUESTED else None
    update_fields.append("answered_at")
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
        update_fields.append(name)
    locked.save(update_fields=update_fields)
    return locked


@transaction.atomic
def patron_confirmation_request(
    *, application: Application, representative_name: str, representative_email: str, by
) -> PatronConfirmation:
    """Ask the group's patron organisation (named in the profile) to confirm: a new 30-day link
    to its representative. Refused for an application without a patron to ask, or once confirmed."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    _ensure_open(application)
    summary = consent_summary(application)
    if not summary.patron_needed:
        raise ValidationError(_("Name your group's patron organisation in your profile first."))
    name, email = _clean_person(representative_name, representative_email)
    raw, digest = link_token_new()
    details = {
        "organisation_name": summary.patron_organisation,
        "representative_name": name,
        "representative_email": email,
        "token_digest": digest,
        "link_expires_at": GuardianConsent.link_expiry(),
        "requested_at": timezone.now(),
        "text": "",
        "signed_name": "",
    }
    confirmation = summary.patron
    if confirmation is None:
        confirmation = PatronConfirmation.objects.create(application=application, **details)
        PatronConfirmationChange.objects.create(
            confirmation=confirmation, new_state=PatronConfirmationState.REQUESTED, by=by
        )
    else:
        if confirmation.is_confirmed:
            raise ValidationError(_("The patron organisation has already confirmed."))
        confirmation = patron_confirmation_transition(
            confirmation,
            PatronConfirmationState.REQUESTED,
            by=by,
            note=_("Sent again"),
            changes=details,
        )
    context = {
        "confirmation": confirmation,
        "application": application,
        "url": _link("links:patron", raw),
    }
    message = EmailMessage(
        subject=email_subject("applicants/email/patron_confirmation_subject.txt", context),
        body=render_to_string("applicants/email/patron_confirmation_body.txt", context),
        to=[confirmation.representative_email],
    )
    email_enqueue(message, kind="applicants/patron_confirmation")
    return confirmation


@transaction.atomic
def patron_confirmation_answer(
    *, confirmation: PatronConfirmation, confirm: bool, signed_name: str, now: datetime
) -> PatronConfirmation:
    """The representative confirms or declines by the link, typing their full name."""
    signed_name = " ".join(signed_name.split())
    if len(signed_name) < 3:
        raise ValidationError({"signed_name": _("Type your full name.")})
    if link_expired(confirmation, now=now):
        raise ValidationError(_("This link has expired."))
    text = sections_text(
        patron_confirmation_sections(confirmation),
        patron_confirmation_statement(confirmation, confirm=confirm),
    )
    return patron_confirmation_transition(
        confirmation,
        PatronConfirmationState.CONFIRMED if confirm else PatronConfirmationState.DECLINED,
        by_name=signed_name,
        changes={"text": text, "signed_name": signed_name},
        at=now,
    )
