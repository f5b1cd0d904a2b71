"""Background work for applications: confirmation e-mails with the PDF copy, status notices.

Tasks take ids and are idempotent: running one twice sends nothing twice.
"""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from applicants.models import ApplicationVersion, StatusChange
from core.mail import email_subject


@task()
def send_submission_confirmation(*, version_id: int) -> bool:
    """E-mail the applicant that a version was submitted, with its PDF copy attached.

    Claims the version first (confirmation_sent_at), so two workers running the
    same task send one e-mail; if sending fails the claim is released for a retry.
    """
    from applicants.pdf import (  # WeasyPrint loads only in workers
        application_version_filename,
        application_version_pdf,
    )

    claimed = ApplicationVersion.objects.filter(
        pk=version_id, confirmation_sent_at__isnull=True
    ).update(confirmation_sent_at=timezone.now())
    if not claimed:
        return False
    version = ApplicationVersion.objects.select_related(
        "application__call", "application__applicant"
    ).get(pk=version_id)
    application = version.application
    applicant = application.applicant
    if applicant is None:
        return False
    try:
        with translation.override(applicant.language):
            context = {"application": application, "version": version, "user": applicant}
            message = EmailMessage(
                subject=email_subject("applicants/email/submitted_subject.txt", context),
                body=render_to_string("applicants/email/submitted_body.txt", context),
                to=[applicant.email],
            )
            message.attach(
                application_version_filename(version),
                application_version_pdf(version),
                "application/pdf",
            )
            message.send()
    except Exception:
        ApplicationVersion.objects.filter(pk=version_id).update(confirmation_sent_at=None)
        raise
    return True


@task()
def notify_applicant_of_status(*, status_change_id: int) -> bool:
    """Tell the applicant about a formal-check outcome (correction, rejection, acceptance)."""
    claimed = StatusChange.objects.filter(pk=status_change_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    change = StatusChange.objects.select_related("application__call", "application__applicant").get(
        pk=status_change_id
    )
    application = change.application
    applicant = application.applicant
    if applicant is None:
        return False
    try:
        with translation.override(applicant.language):
            context = {"application": application, "change": change, "user": applicant}
            EmailMessage(
                subject=email_subject("applicants/email/status_subject.txt", context),
                body=render_to_string("applicants/email/status_body.txt", context),
                to=[applicant.email],
            ).send()
    except Exception:
        StatusChange.objects.filter(pk=status_change_id).update(notified_at=None)
        raise
    return True
