"""Kinds of applicants and the states of an application, with the moves allowed between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Informal group")
    NGO = "ngo", _("Organisation (NGO)")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    FORMALLY_REJECTED = "formally_rejected", _("Formally rejected")
    ACCEPTED_FOR_REVIEW = "accepted_for_review", _("Accepted for review")
    IN_REVIEW = "in_review", _("In review")
    REVIEWED = "reviewed", _("Reviewed")
    # Set when the committee's decisions are published (decisions app).
    AWARDED = "awarded", _("Grant awarded")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Not funded")
    DECLINED = "declined", _("Grant declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ApplicationStatus

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.ACCEPTED_FOR_REVIEW, S.CORRECTION_REQUESTED, S.FORMALLY_REJECTED, S.WITHDRAWN},
    S.CORRECTION_REQUESTED: {S.SUBMITTED, S.FORMALLY_REJECTED, S.WITHDRAWN},
    S.FORMALLY_REJECTED: set(),
    S.ACCEPTED_FOR_REVIEW: {S.IN_REVIEW, S.AWARDED, S.RESERVE, S.REJECTED, S.WITHDRAWN},
    S.IN_REVIEW: {S.REVIEWED, S.AWARDED, S.RESERVE, S.REJECTED, S.WITHDRAWN},
    S.REVIEWED: {S.AWARDED, S.RESERVE, S.REJECTED, S.WITHDRAWN},
    S.RESERVE: {S.AWARDED, S.REJECTED},
    S.AWARDED: {S.DECLINED},
    S.REJECTED: set(),
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
}

# The applicant may change the working copy only in these states.
EDITABLE_STATUSES = {S.DRAFT, S.CORRECTION_REQUESTED}
# States in which the applicant may withdraw (any time before a decision).
WITHDRAWABLE_STATUSES = {
    status for status, moves in ALLOWED_TRANSITIONS.items() if S.WITHDRAWN in moves
}
# States after a submission (what reviewers and coordinators work with).
SUBMITTED_STATUSES = {s for s in ApplicationStatus if s not in {S.DRAFT, S.WITHDRAWN}}


class FormalCheckOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted for review")
    CORRECTION = "correction", _("Correction requested")
    REJECTED = "rejected", _("Formally rejected")


class BudgetCategory(models.TextChoices):
    MATERIALS = "materials", _("Materials and supplies")
    SERVICES = "services", _("Services")
    EQUIPMENT = "equipment", _("Equipment")
    PROMOTION = "promotion", _("Promotion and printing")
    TRAVEL = "travel", _("Travel and transport")
    CATERING = "catering", _("Catering")
    FEES = "fees", _("Fees and honoraria")
    OTHER = "other", _("Other")


class VersionPdfKind(models.TextChoices):
    """Who a stored PDF copy of a submitted version is for."""

    FULL = "full", _("Full copy (applicant and coordinators)")
    REVIEWER = "reviewer", _("Reviewers' copy (no contact details)")


class VersionPdfStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be prepared")
    RENDERING = "rendering", _("Being prepared")
    RENDERED = "rendered", _("Ready")
    FAILED = "failed", _("Failed")

    @property
    def color(self) -> str:
        """The Bootstrap colour of the state's badge."""
        return {"rendered": "success", "failed": "danger"}.get(self.value, "secondary")


P = VersionPdfStatus

VERSION_PDF_TRANSITIONS: dict[str, set[str]] = {
    P.PENDING: {P.RENDERING},
    # Back to PENDING when the worker rendering it died (the claim is abandoned).
    P.RENDERING: {P.RENDERED, P.FAILED, P.PENDING},
    # Rendered again when the snapshot changed under it (an account deleted: anonymised).
    P.RENDERED: {P.PENDING},
    # A coordinator (or render_version_pdfs --retry-failed) tries again.
    P.FAILED: {P.PENDING},
}
