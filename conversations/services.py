"""Writes of conversations: sending a message, reading, choosing how to hear of them."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import Application
from applicants.uploads import CheckedUpload
from conversations.enums import MESSAGE_MAX_FILES
from conversations.models import (
    Conversation,
    ConversationRead,
    Message,
    MessageFile,
    NotificationPreference,
)
from conversations.notices import message_notify


@transaction.atomic
def message_send(
    *,
    application: Application,
    author,
    body: str,
    from_programme: bool,
    files: Sequence[tuple[object, CheckedUpload]] = (),
) -> Message:
    """Add a message (and its files, already checked by applicants.uploads.attachment_check)
    to the application's conversation, starting it with the first one; the author has read
    everything up to it; e-mail those who chose "at once" (queued, sent once this commits)."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a message."), code="empty")
    if len(files) > MESSAGE_MAX_FILES:
        raise ValidationError(
            _("At most %(count)s files with one message.") % {"count": MESSAGE_MAX_FILES},
            code="too_many_files",
        )
    # The application's row lock keeps two first messages from starting two conversations.
    application = Application.objects.select_for_update().get(pk=application.pk)
    now = timezone.now()
    conversation, _created = Conversation.objects.get_or_create(
        application=application, defaults={"started_at": now, "last_message_at": now}
    )
    message = Message(
        conversation=conversation,
        author=author,
        from_programme=from_programme,
        body=body,
        sent_at=now,
    )
    message.full_clean()
    message.save()
    for upload, checked in files:
        stored = MessageFile(
            message=message,
            original_name=checked.name,
            content_type=checked.content_type,
            extension=checked.extension,
            size=checked.size,
            sha256=checked.sha256,
        )
        stored.file.save(checked.name, upload, save=False)
        stored.save()
    conversation.last_message_at = now
    conversation.awaits_programme = not from_programme
    conversation.save(update_fields=["last_message_at", "awaits_programme"])
    conversation_mark_read(conversation=conversation, user=author, up_to=message.pk)
    message_notify(message)
    return message


def conversation_mark_read(*, conversation: Conversation, user, up_to: int) -> None:
    """`user` has read the conversation up to the message `up_to` (never moves backwards)."""
    if not up_to:
        return
    read, created = ConversationRead.objects.get_or_create(
        conversation=conversation,
        user=user,
        defaults={"last_read_message_id": up_to, "read_at": timezone.now()},
    )
    if not created and read.last_read_message_id < up_to:
        ConversationRead.objects.filter(pk=read.pk, last_read_message_id__lt=up_to).update(
            last_read_message_id=up_to, read_at=timezone.now()
        )


def message_notice_choose(*, user, choice: str) -> NotificationPreference:
    """Record how `user` wants to hear of new messages."""
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    preference.messages = choice
    preference.full_clean()
    preference.save(update_fields=["messages", "updated_at"])
    return preference
