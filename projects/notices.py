"""E-mails to a grantee about their grant's money, through the outbox (core.mail)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from core.mail import email_enqueue, email_subject
from projects.models import Grant


def grantee_notify(grant: Grant, *, template: str, **context) -> bool:
    """Queue the e-mail `projects/email/<template>_{subject,body}.txt` to the grantee.

    Written in the grantee's language; stored in the caller's transaction and sent by
    the worker once it commits (nothing is sent for a move that is rolled back).
    Returns whether there was anyone to write to.
    """
    applicant = grant.application.applicant
    if applicant is None or not applicant.email:
        return False
    with translation.override(applicant.language or settings.LANGUAGE_CODE):
        context = {
            "grant": grant,
            "user": applicant,
            "url": settings.SITE_URL.rstrip("/") + grant.get_absolute_url(),
            **context,
        }
        message = EmailMessage(
            subject=email_subject(f"projects/email/{template}_subject.txt", context),
            body=render_to_string(f"projects/email/{template}_body.txt", context),
            to=[applicant.email],
        )
    email_enqueue(message, kind=f"projects/{template}", user=applicant)
    return True
