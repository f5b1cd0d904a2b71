"""What the conversations keep about a person: their section of "My data" and its erasure.

Registered with core.personal_data by ConversationsConfig.ready(), at order 15: before the
applicants stage (20) deletes the person's drafts, whose conversations go with them, so that
their files are found and deleted from storage first.

Export: every message the person wrote (with the application it was about and the names of
the files sent with it) and their choice of e-mails about messages.

Erasure: a conversation is part of the application's record and stays, but nothing in it
names the person any more: their messages lose their author (shown as from a deleted
person), the files they sent are deleted (their names, sizes and checksums stay), and exact
occurrences of their names, e-mail addresses and phone numbers are replaced in every message
of their applications' conversations and in their own messages elsewhere. Their read marks
and notification choice go with the account.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from applicants.models import Application
from applicants.privacy_sections import was_submitted
from conversations.enums import MessageNotice
from conversations.models import Message, MessageFile, NotificationPreference
from core.personal_data import Erasure, ExportFiles, Notice, redact_rows, register


def messages_export(*, user, files: ExportFiles) -> dict:
    preference = NotificationPreference.objects.filter(user=user).first()
    messages = (
        Message.objects.filter(author=user)
        .select_related("conversation__application")
        .prefetch_related("files")
        .order_by("pk")
    )
    return {
        "notify_of_messages": preference.messages if preference else MessageNotice.AT_ONCE.value,
        "messages": [
            {
                "application": message.conversation.application.reference_number
                or message.conversation.application.title,
                "sent_at": message.sent_at,
                "body": message.body,
                "files": [
                    {
                        "name": stored.original_name,
                        "size": stored.size,
                        "file_in_archive": files.add_stored(
                            f"messages/{message.pk}", stored.original_name, stored.file
                        ),
                    }
                    for stored in message.files.all()
                ],
            }
            for message in messages
        ],
    }


def deletion_notices(*, user) -> list[Notice]:
    if not Message.objects.filter(author=user).exists():
        return []
    return [
        Notice(
            _(
                "Your messages to the programme stay in the conversations of the applications, "
                "for their record, without your name. The files you sent with them are deleted."
            )
        )
    ]


def messages_erase(*, erasure: Erasure) -> None:
    """Anonymise the person's messages; delete their files and those of their drafts."""
    person = erasure.person
    user = person.user
    applications = list(
        Application.objects.filter(applicant=user).prefetch_related("versions").order_by("pk")
    )
    drafts = [a.pk for a in applications if not was_submitted(a)]
    theirs = MessageFile.objects.filter(
        Q(message__author=user) | Q(message__conversation__application__in=drafts)
    )
    for stored in theirs:
        erasure.delete_file(stored.file.storage, stored.file.name)
    theirs.update(file="")
    mine = Message.objects.filter(author=user)
    about_them = Message.objects.filter(conversation__application__in=[a.pk for a in applications])
    redact_rows(mine, ["body"], person=person)
    redact_rows(about_them, ["body"], person=person)
    redact_rows(MessageFile.objects.filter(message__in=mine), ["original_name"], person=person)
    mine.update(author=None)


def register_sections() -> None:
    register(
        "messages", order=15, export=messages_export, erase=messages_erase, notices=deletion_notices
    )
