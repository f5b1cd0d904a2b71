"""Guardians' consents and patron organisations' confirmations: asked by the applicant,
answered by people without an account through an e-mailed link (core.link_tokens).

Imported at the end of applicants.models, so Django sees them as the applicants app's models.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants.consents_enums import GuardianConsentState, PatronConfirmationState
from core.fields import BoundedTextField
from core.link_tokens import DIGEST_LENGTH

# How long an e-mailed link may be answered; sending it again starts the time again.
LINK_VALID_FOR = timedelta(days=30)


class GuardianConsent(models.Model):
    """A parent's or guardian's consent for one young person on one application's team.

    The young person is the lead (the application's applicant) or an editor
    (ApplicationMember): `child` is their account, `child_name` their name as the guardian
    read it. Once answered, `text` holds exactly what the guardian was shown.
    """

    application = models.ForeignKey(
        "applicants.Application", on_delete=models.CASCADE, related_name="guardian_consents"
    )
    child = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian_consents",
    )
    child_name = models.CharField(_("young person's name"), max_length=200)
    guardian_name = models.CharField(_("guardian's full name"), max_length=200)
    guardian_email = models.EmailField(_("guardian's e-mail"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=GuardianConsentState.choices,
        default=GuardianConsentState.REQUESTED,
    )
    token_digest = models.CharField(max_length=DIGEST_LENGTH, unique=True)
    link_expires_at = models.DateTimeField()
    requested_at = models.DateTimeField(default=timezone.now)
    # The answer: what the guardian read, the name they typed, and when.
    text = models.TextField(blank=True)
    signed_name = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("guardian's consent")
        verbose_name_plural = _("guardians' consents")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "child"], name="one_guardian_consent_per_child"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_name} ({self.get_state_display()})"

    @property
    def badge(self) -> str:
        return GuardianConsentState(self.state).badge

    @property
    def is_given(self) -> bool:
        return self.state == GuardianConsentState.GIVEN

    @staticmethod
    def link_expiry(now=None):
        return (now or timezone.now()) + LINK_VALID_FOR


class GuardianConsentChange(models.Model):
    """Audit trail of a consent: every request, answer and withdrawal, who did it and when."""

    consent = models.ForeignKey(GuardianConsent, on_delete=models.CASCADE, related_name="changes")
    old_state = models.CharField(max_length=16, choices=GuardianConsentState.choices, blank=True)
    new_state = models.CharField(max_length=16, choices=GuardianConsentState.choices)
    # The applicant who asked (an account); None when the guardian answered by the link.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(max_length=200, blank=True)
    note = BoundedTextField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.consent_id}: {self.old_state} → {self.new_state}"


class PatronConfirmation(models.Model):
    """An informal group's patron organisation confirming that it takes the group under its wing.

    One per application: the organisation (from the group's profile) and its
    representative's name and e-mail are given per application, since the confirmation
    is about this project. Once answered, `text` holds what the representative read.
    """

    application = models.OneToOneField(
        "applicants.Application", on_delete=models.CASCADE, related_name="patron_confirmation"
    )
    organisation_name = models.CharField(_("patron organisation"), max_length=200)
    representative_name = models.CharField(_("representative's full name"), max_length=200)
    representative_email = models.EmailField(_("representative's e-mail"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=PatronConfirmationState.choices,
        default=PatronConfirmationState.REQUESTED,
    )
    token_digest = models.CharField(max_length=DIGEST_LENGTH, unique=True)
    link_expires_at = models.DateTimeField()
    requested_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(blank=True)
    signed_name = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("patron organisation's confirmation")
        verbose_name_plural = _("patron organisations' confirmations")

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.get_state_display()})"

    @property
    def badge(self) -> str:
        return PatronConfirmationState(self.state).badge

    @property
    def is_confirmed(self) -> bool:
        return self.state == PatronConfirmationState.CONFIRMED


class PatronConfirmationChange(models.Model):
    """Audit trail of a patron confirmation."""

    confirmation = models.ForeignKey(
        PatronConfirmation, on_delete=models.CASCADE, related_name="changes"
    )
    old_state = models.CharField(max_length=16, choices=PatronConfirmationState.choices, blank=True)
    new_state = models.CharField(max_length=16, choices=PatronConfirmationState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(max_length=200, blank=True)
    note = BoundedTextField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.confirmation_id}: {self.old_state} → {self.new_state}"
