"""The conversation between an application's team and the programme's coordinators.

One conversation per application, made with its first message: questions before
submitting ("konsultacje"), the formal check, the agreement and the reports. Reviewers never
see it. Read state is kept per person (the last message they read), for unread counts.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants.models import Application
from conversations.enums import MESSAGE_MAX_LENGTH, MessageNotice


class Conversation(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="conversation"
    )
    started_at = models.DateTimeField(default=timezone.now)
    # Kept by conversations.services.message_send, for the inbox's order and filters.
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The last message came from the team: the programme owes an answer.
    awaits_programme = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # The inbox's order, newest first: a page of it is read from the index.
            models.Index(fields=["-last_message_at", "-id"], name="conversation_latest_first"),
        ]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return str(self.application)


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # None once the author deleted their account: the message stays for the record,
    # shown as from a deleted person.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_programme = models.BooleanField(default=False)
    body = models.TextField(_("message"), validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)])
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.conversation} #{self.pk}"


def message_file_path(instance: "MessageFile", filename: str) -> str:
    # Random names on disk: the sender's file name is kept in the database only.
    return f"messages/{instance.message.conversation_id}/{uuid.uuid4().hex}{instance.extension}"


class MessageFile(models.Model):
    """A file sent with a message, checked as application attachments are (applicants.uploads)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=message_file_path, max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ConversationRead(models.Model):
    """How far a person has read a conversation: every later message is unread for them."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_reads"
    )
    last_read_message_id = models.PositiveBigIntegerField(default=0)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="conversation_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.conversation_id} up to {self.last_read_message_id}"


class NotificationPreference(models.Model):
    """How a person wants to hear of new messages; without a row: at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    messages = models.CharField(
        _("new messages"),
        max_length=10,
        choices=MessageNotice.choices,
        default=MessageNotice.AT_ONCE,
    )
    # When the last daily digest was made (sent or, with nothing unread, skipped).
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.messages}"
