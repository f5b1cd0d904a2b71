"""What a person chooses to get by e-mail about messages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageNotice(models.TextChoices):
    AT_ONCE = "at_once", _("At once: one e-mail for each new message")
    DAILY = "daily", _("Once a day: one e-mail listing the unread messages")
    NONE = "none", _("Never: I'll check the messages myself")


# Messages and their attachments: bounded so that one message stays readable on a phone.
MESSAGE_MAX_LENGTH = 5000
MESSAGE_MAX_FILES = 3
