"""Queueing of e-mail: pages never talk to an SMTP server themselves.

A message is stored as an OutgoingEmail and the task worker sends it by id, so
the task queue never holds a message's text. Once sent (or given up) the text
is erased and only the record of who got what and when remains.
"""

from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.enums import ALLOWED_EMAIL_TRANSITIONS, EXPIRABLE_EMAIL_STATES, EmailState
from core.models import OutgoingEmail
from core.queue import task_enqueue
from core.selectors import emails_sent_to, programme_profile
from core.states import InvalidMove

SEND_EMAIL_TASK = "core.tasks.send_email"


class InvalidEmailTransition(InvalidMove):
    """An e-mail was asked to move to a state not allowed from its current one."""

    subject = "An e-mail"


def programme_sender() -> tuple[str, list[str]]:
    """From and Reply-To of every message: the programme's sender name at the site's own
    address (DEFAULT_FROM_EMAIL, the one its mail server sends for), replies to the programme."""
    profile = programme_profile()
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    # No line breaks can reach a header; Address quotes a name with commas or quotes.
    name = " ".join(profile.sender_name.split())
    sender = str(Address(display_name=name, addr_spec=address)) if name else address
    return sender, [profile.reply_to] if profile.reply_to else []


def _from_the_programme(message: EmailMessage) -> EmailMessage:
    """`message` sent in the programme's name (programme_sender()), whoever built it."""
    message.from_email, message.reply_to = programme_sender()
    return message


def email_enqueue(message: EmailMessage, *, kind: str = "", user=None) -> list[OutgoingEmail]:
    """Store `message` (one row per recipient) and queue its sending after the transaction commits.

    `kind` names the message (e.g. its template), `user` is the account it was
    sent to when known; both stay on the record after the text is erased.
    It goes from the programme (programme_sender()): its own from and reply-to are replaced.
    Attachments, cc and bcc are not stored: send those from a task instead.
    """
    if message.attachments or message.cc or message.bcc:
        raise ValueError("Queued e-mails have no attachments, cc or bcc.")
    _from_the_programme(message)
    headers = dict(message.extra_headers)
    if message.reply_to:
        headers["Reply-To"] = ", ".join(message.reply_to)
    html_body = ""
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html_body = content
    emails = []
    for address in message.to:
        email = OutgoingEmail(
            user=user if user is not None and user.pk else None,
            to=address,
            kind=kind[:100],
            subject=message.subject,
            from_email=message.from_email or "",
            body=message.body,
            html_body=html_body,
            headers=headers,
        )
        email.full_clean()
        email.save()
        task_enqueue(SEND_EMAIL_TASK, email_id=email.pk)
        emails.append(email)
    return emails


@transaction.atomic
def email_transition(email: OutgoingEmail, to: EmailState, *, error: str = "") -> OutgoingEmail:
    """Move `email` to `to`; on the way to a final state erase its text.

    SENDING counts an attempt; SENT stamps the time; FAILED keeps the error.
    Raises InvalidEmailTransition for a move ALLOWED_EMAIL_TRANSITIONS does not
    list, e.g. sending a message another worker is already sending.
    """
    email = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
    if to not in ALLOWED_EMAIL_TRANSITIONS[email.state]:
        raise InvalidEmailTransition(email.state, to)
    email.state = to
    fields = ["state"]
    if to == EmailState.SENDING:
        email.attempts += 1
        fields.append("attempts")
    elif to == EmailState.SENT:
        email.sent_at = timezone.now()
        email.error = ""
        fields += ["sent_at", "error"]
    elif to == EmailState.FAILED:
        email.error = error[:2000]
        fields.append("error")
    if to in EmailState.erased():
        email.body = email.html_body = ""
        email.headers = {}
        fields += ["body", "html_body", "headers"]
    email.save(update_fields=fields)
    return email


def email_send_now(message: EmailMessage, *, kind: str, user=None) -> int:
    """Send `message` from a task now (e.g. with a PDF attached) and keep the record that it was sent.

    For the tasks that build their message themselves and claim it first (so a
    retry sends nothing twice): the text and attachments are never stored, only
    the record of each recipient (kind, subject, when), as for queued e-mails, so
    that "My data" shows it and erasure finds it. It goes from the programme
    (programme_sender()). Raises what the backend raises, recording nothing.
    Returns the number of messages sent (0 or 1).
    """
    sent = _from_the_programme(message).send()
    if sent:
        for address in message.to:
            email = OutgoingEmail.objects.create(
                user=user if user is not None and user.pk else None,
                to=address,
                kind=kind[:100],
                subject=message.subject,
                from_email=message.from_email or "",
            )
            email_transition(email, EmailState.SENDING)
            email_transition(email, EmailState.SENT)
    return sent


def email_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    """The message stored in `email`, ready for the mail backend."""
    message = EmailMultiAlternatives(
        email.subject, email.body, email.from_email or None, [email.to], headers=email.headers
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def emails_expire_unsent() -> int:
    """Give up the messages not sent within EMAIL_UNSENT_LIFETIME, erasing their text. Returns how many."""
    cutoff = timezone.now() - settings.EMAIL_UNSENT_LIFETIME
    expired = 0
    for email in OutgoingEmail.objects.filter(
        state__in=EXPIRABLE_EMAIL_STATES,
        created_at__lt=cutoff,
    ).only("pk"):
        try:
            email_transition(email, EmailState.EXPIRED)
        except InvalidEmailTransition:  # sent (or expired) meanwhile
            continue
        expired += 1
    return expired


def emails_erase_for(*, user) -> int:
    """Delete the record (and any unsent text) of every e-mail to `user`. Returns how many."""
    deleted, _ = emails_sent_to(user=user).delete()
    return deleted


def email_subject_prefix() -> str:
    """What every subject starts with: the service's name in brackets, e.g. "[Mikrogranty] "."""
    return f"[{programme_profile().site_name}] "


def email_subject(template: str, context: dict) -> str:
    """Render a subject template on one line, after the site's subject prefix."""
    return email_subject_prefix() + " ".join(render_to_string(template, context).split())
