"""Queueing of e-mail: pages never talk to an SMTP server themselves."""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from core.tasks import send_email


def email_enqueue(message: EmailMessage) -> None:
    """Queue `message` for the task worker once the current transaction commits."""
    html_body = None
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html_body = content
    kwargs = {
        "subject": message.subject,
        "body": message.body,
        "to": list(message.to),
        "from_email": message.from_email,
        "html_body": html_body,
        "headers": dict(message.extra_headers),
    }
    transaction.on_commit(lambda: send_email.enqueue(**kwargs))


def email_subject(template: str, context: dict) -> str:
    """Render a subject template on one line, after the site's subject prefix."""
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(
        render_to_string(template, context).split()
    )
