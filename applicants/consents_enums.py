"""The states of a guardian's consent and of a patron organisation's confirmation, with the
moves allowed between them (each owned by one transition in applicants.consents_guardian)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GuardianConsentState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the guardian")
    GIVEN = "given", _("Consent given")
    REFUSED = "refused", _("Consent refused")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")

    @property
    def badge(self) -> str:
        return {
            "requested": "text-bg-warning",
            "given": "text-bg-success",
            "refused": "text-bg-danger",
            "withdrawn": "text-bg-secondary",
        }[self.value]


G = GuardianConsentState
# Asking again (a re-send, another guardian) is a move to REQUESTED: allowed until the consent
# is given; a given consent can only be withdrawn, and after that asked for again.
GUARDIAN_CONSENT_MOVES: dict[str, set[str]] = {
    G.REQUESTED: {G.REQUESTED, G.GIVEN, G.REFUSED},
    G.REFUSED: {G.REQUESTED},
    G.GIVEN: {G.WITHDRAWN},
    G.WITHDRAWN: {G.REQUESTED},
}
# The guardian's link answers these: giving or refusing while requested, withdrawing once given.
GUARDIAN_ANSWERABLE = frozenset({G.REQUESTED})


class PatronConfirmationState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the organisation")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")

    @property
    def badge(self) -> str:
        return {
            "requested": "text-bg-warning",
            "confirmed": "text-bg-success",
            "declined": "text-bg-danger",
        }[self.value]


P = PatronConfirmationState
PATRON_CONFIRMATION_MOVES: dict[str, set[str]] = {
    P.REQUESTED: {P.REQUESTED, P.CONFIRMED, P.DECLINED},
    P.DECLINED: {P.REQUESTED},
    P.CONFIRMED: set(),
}
