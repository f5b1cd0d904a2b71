"""Rows shared by every app: the e-mails queued for the task worker."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.enums import EmailState


class OutgoingEmail(models.Model):
    """One e-mail to one address: queued for the task worker, then the record that it was sent.

    The message itself (bodies, headers) is kept only until it is sent or given
    up: some carry a link that logs someone in (e-mail confirmation, password
    reset), and nobody needs the text afterwards. What stays is who it went to,
    what kind of message it was, its subject and when it was sent, so that a
    person can be shown, or erase, the e-mails sent to them (`user`, or `to`
    where the address belongs to no account).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outgoing_emails",
    )
    to = models.EmailField(max_length=254)
    kind = models.CharField(max_length=100, blank=True)  # e.g. allauth's template prefix
    subject = models.TextField()
    from_email = models.CharField(max_length=320, blank=True)
    body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=EmailState.choices, default=EmailState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="core_email_state_created"),
            models.Index(fields=["to"], name="core_email_to"),
        ]

    def __str__(self) -> str:
        return f"{self.kind or 'e-mail'} to {self.to} ({self.state})"
