"""E-mails about new messages, through the outbox (core.mail), as each person chose.

Messages are optional notices: each person picks at once, a daily digest or none
(conversations.models.NotificationPreference). E-mails the law or the programme requires
(decisions, correction requests, agreements, consents, password resets…) are sent by their
own stages regardless of this choice.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from applicants.models import Application
from applicants.selectors import application_team_users
from conversations.enums import MessageNotice
from conversations.models import Message, NotificationPreference
from core.mail import email_enqueue, email_subject


def conversation_url(application: Application, *, as_programme: bool) -> str:
    name = "conversations_manage:conversation" if as_programme else "conversations:conversation"
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"pk": application.pk})


def message_recipients(message: Message) -> list[tuple[User, bool]]:
    """Who hears of `message`, each with whether they read it as the programme: the team's
    other members, and, for a message from the team, the coordinators."""
    application = message.conversation.application
    team = application_team_users(application)
    team_ids = {user.pk for user in team}
    recipients = [(user, False) for user in team if user.pk != message.author_id]
    if not message.from_programme:
        recipients += [
            (user, True)
            for user in User.objects.coordinators().order_by("pk")
            if user.pk != message.author_id and user.pk not in team_ids
        ]
    return recipients


def _send(user: User, *, template: str, context: dict) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, **context}
        email = EmailMessage(
            subject=email_subject(f"conversations/email/{template}_subject.txt", context),
            body=render_to_string(f"conversations/email/{template}_body.txt", context),
            to=[user.email],
        )
    email_enqueue(email, kind=f"conversations/{template}", user=user)


def message_notify(message: Message) -> int:
    """Queue one e-mail about `message` to each recipient who chose "at once"; how many."""
    recipients = [(user, as_programme) for user, as_programme in message_recipients(message)]
    if not recipients:
        return 0
    choices = dict(
        NotificationPreference.objects.filter(
            user__in=[user.pk for user, _ in recipients]
        ).values_list("user_id", "messages")
    )
    application = message.conversation.application
    sent = 0
    for user, as_programme in recipients:
        if not user.email or choices.get(user.pk, MessageNotice.AT_ONCE) != MessageNotice.AT_ONCE:
            continue
        _send(
            user,
            template="message",
            context={
                "application": application,
                "message": message,
                "as_programme": as_programme,
                "url": conversation_url(application, as_programme=as_programme),
            },
        )
        sent += 1
    return sent


def digest_notify(user: User, *, messages: list[Message], as_programme: bool) -> None:
    """Queue the daily digest of `messages` (unread, oldest first) to `user`."""
    conversations: dict[int, dict] = {}
    for message in messages:
        application = message.conversation.application
        entry = conversations.setdefault(
            application.pk,
            {
                "application": application,
                "count": 0,
                "url": conversation_url(application, as_programme=as_programme),
            },
        )
        entry["count"] += 1
    _send(
        user,
        template="digest",
        context={"conversations": list(conversations.values()), "total": len(messages)},
    )
