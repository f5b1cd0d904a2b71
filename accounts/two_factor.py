"""Two-factor sign-in (allauth.mfa): who must have it, and who has it.

Coordinators decide on money and see everyone's personal data, so with
settings.REQUIRE_STAFF_2FA (the production profile) they must add a second factor
before they can work (accounts.middleware). Applicants and reviewers may, never must.
"""

from allauth.mfa.models import Authenticator
from django.conf import settings

from accounts.rules import is_coordinator

# What counts as a second factor: an authenticator app or a security key / passkey.
# Recovery codes are only the way back in when the phone is lost.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def two_factor_enabled(*, user) -> bool:
    """True when the person has an authenticator app or a security key."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def two_factor_required(*, user) -> bool:
    """True when this person may not work without a second factor (coordinators, when required)."""
    return bool(
        settings.REQUIRE_STAFF_2FA
        and user.is_authenticated
        and user.is_active
        and is_coordinator.test(user)
    )
