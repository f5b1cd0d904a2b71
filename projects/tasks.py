"""Background work of funded projects: issuing agreements, telling coordinators of a failure,
rendering settlements.

Tasks carry ids only and call the services of projects.agreement_issuing, which
own the states and make each task safe to run twice.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from accounts.models import User
from core.mail import email_send_now, email_subject
from projects.agreement_issuing import agreement_request_issue
from projects.amendment_annex import amendment_annex_issue
from projects.models import AgreementRequestChange
from projects.settlement_pdf import settlement_pdf_store


@task()
def issue_agreement(*, agreement_request_id: int) -> int | None:
    """Render, store and send the requested agreement. Its id (None if not ours to issue)."""
    agreement = agreement_request_issue(request_id=agreement_request_id)
    return agreement.pk if agreement is not None else None


@task()
def notify_coordinators_of_agreement_failure(*, change_id: int) -> int:
    """Tell the coordinators that an agreement could not be issued, why, and where to retry it."""
    recipients = list(User.objects.coordinators().values_list("email", flat=True))
    # Claim first: a retried task (or a second worker) sends nothing twice.
    claimed = AgreementRequestChange.objects.filter(pk=change_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed or not recipients:
        return 0
    change = AgreementRequestChange.objects.select_related("request__grant__call").get(pk=change_id)
    grant = change.request.grant
    context = {
        "change": change,
        "grant": grant,
        "number": f"{grant.agreement_number_base}{change.request.version}",
        "url": settings.SITE_URL.rstrip("/")
        + reverse("projects_manage:grant", kwargs={"pk": grant.pk}),
    }
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMessage(
            subject=email_subject("projects/email/agreement_failed_subject.txt", context),
            body=render_to_string("projects/email/agreement_failed_body.txt", context),
            to=recipients,
        )
    return email_send_now(message, kind="projects/agreement_failed")


@task()
def issue_amendment_annex(*, amendment_id: int) -> int | None:
    """Render and store an approved amendment's annex PDF (once). Its id, None if not approved."""
    amendment = amendment_annex_issue(amendment_id=amendment_id)
    return amendment.pk if amendment is not None else None


@task()
def render_settlement_pdf(*, settlement_id: int) -> int:
    """Render and store an issued settlement's PDF (once; a second run finds it stored)."""
    return settlement_pdf_store(settlement_id=settlement_id).pk
