"""Background work for applications: the stored PDF copies, confirmation e-mails, status notices.

Tasks take ids and are idempotent: running one twice renders nothing twice and
sends nothing twice.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from accounts.models import User
from applicants.enums import VERSION_PDF_FINISHED_STATUSES, VersionPdfKind
from applicants.models import ApplicationVersion, StatusChange, VersionPdfChange
from applicants.pdf_copies import version_pdf_filename, version_pdf_render, version_pdf_request
from core.mail import email_send_now, email_subject


@task()
def render_version_pdf(*, pdf_id: int) -> bool:
    """Render and store one PDF copy of a submitted version, if it is still waiting for it."""
    return version_pdf_render(pdf_id=pdf_id) is not None


@task()
def send_submission_confirmation(*, version_id: int) -> bool:
    """E-mail the applicant that a version was submitted, with its stored PDF copy attached.

    Waits for the copy: while it is not rendered (nor failed) this sends
    nothing, and the render queues this task again when it ends (a copy that
    does not exist yet is created and queued). Never renders. Claims the version
    first (confirmation_sent_at), so two workers running the same task send one
    e-mail; if sending fails the claim is released for a retry. A copy that
    failed is left out: the e-mail says it comes later.
    """
    version = ApplicationVersion.objects.select_related(
        "application__call", "application__applicant"
    ).get(pk=version_id)
    if version.confirmation_sent_at is not None:
        return False
    pdf = version_pdf_request(version=version, kind=VersionPdfKind.FULL)
    if pdf.status not in VERSION_PDF_FINISHED_STATUSES:
        return False
    claimed = ApplicationVersion.objects.filter(
        pk=version_id, confirmation_sent_at__isnull=True
    ).update(confirmation_sent_at=timezone.now())
    if not claimed:
        return False
    application = version.application
    applicant = application.applicant
    if applicant is None:
        return False
    try:
        with translation.override(applicant.language):
            context = {
                "application": application,
                "version": version,
                "user": applicant,
                "pdf_attached": pdf.is_ready,
            }
            message = EmailMessage(
                subject=email_subject("applicants/email/submitted_subject.txt", context),
                body=render_to_string("applicants/email/submitted_body.txt", context),
                to=[applicant.email],
            )
            if pdf.is_ready:
                with pdf.file.open("rb") as stored:
                    message.attach(version_pdf_filename(version), stored.read(), "application/pdf")
            email_send_now(message, kind="applicants/submitted", user=applicant)
    except Exception:
        ApplicationVersion.objects.filter(pk=version_id).update(confirmation_sent_at=None)
        raise
    return True


@task()
def notify_coordinators_of_pdf_failure(*, change_id: int) -> int:
    """Tell the coordinators that a PDF copy could not be rendered, and where to retry it."""
    recipients = list(User.objects.coordinators().values_list("email", flat=True))
    claimed = VersionPdfChange.objects.filter(pk=change_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed or not recipients:
        return 0
    change = VersionPdfChange.objects.select_related("pdf__version__application__call").get(
        pk=change_id
    )
    application = change.pdf.version.application
    context = {
        "change": change,
        "pdf": change.pdf,
        "version": change.pdf.version,
        "application": application,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("applicants_manage:detail", kwargs={"pk": application.pk})
        + f"?version={change.pdf.version.number}",
    }
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMessage(
            subject=email_subject("applicants/email/pdf_failed_subject.txt", context),
            body=render_to_string("applicants/email/pdf_failed_body.txt", context),
            to=recipients,
        )
    return email_send_now(message, kind="applicants/pdf_failed")


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
            message = EmailMessage(
                subject=email_subject("applicants/email/status_subject.txt", context),
                body=render_to_string("applicants/email/status_body.txt", context),
                to=[applicant.email],
            )
            email_send_now(message, kind="applicants/status", user=applicant)
    except Exception:
        StatusChange.objects.filter(pk=status_change_id).update(notified_at=None)
        raise
    return True
