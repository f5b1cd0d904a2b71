"""Who signs a grant's agreement for the grantee, following who applied.

- an adult individual signs themselves, with their account; a minor's parent or guardian
  signs for them (the grantee names the guardian);
- an NGO signs through its representatives (names, functions, e-mails) under its KRS number;
- an informal group signs through its patron organisation's representative or, where the
  call allows it (CallGrantTerms.group_members_may_sign), through three adult members.

The signatories are the grantee's to change while the agreement is being prepared.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from applicants.enums import ApplicantKind
from applicants.models import age_on
from projects.enums import PREPARING_STATES, GroupSigning, SignatoryRole
from projects.models import CallGrantTerms, Grant, Signatory

ADULT_AGE = 18
GROUP_MEMBERS_WHO_SIGN = 3
MAX_REPRESENTATIVES = 5
KRS_FORMAT = re.compile(r"^\d{10}$")
KRS_MESSAGE = _lazy("The KRS number has exactly 10 digits.")


def krs_validate(value: str) -> str:
    """The KRS number without spaces, or ValidationError. The KRS (court register) number has
    no checksum (unlike NIP or REGON, which python-stdnum checks): ten digits is all there is."""
    cleaned = re.sub(r"[\s-]", "", value or "")
    if not KRS_FORMAT.match(cleaned):
        raise ValidationError(KRS_MESSAGE, code="krs")
    return cleaned


def applicant_details(grant: Grant) -> dict:
    """Who applied, as the version the committee decided on says (the newest submitted one)."""
    if hasattr(grant, "decided_applicant"):  # the grant pages read it with the grant
        return grant.decided_applicant or {}
    cached = getattr(grant, "_applicant_details", None)
    if cached is None:  # once per grant object: the page's panels each ask
        version = grant.application.versions.order_by("-number").first()
        cached = ((version.content if version is not None else {}) or {}).get("applicant") or {}
        grant._applicant_details = cached
    return cached


@dataclass(frozen=True)
class SigningPlan:
    """Who must sign a grant's agreement for the grantee, and what the grantee has to enter."""

    grantee_kind: str
    # The role the signatories have (e.g. representatives of an NGO); "" until a group chooses.
    role: str
    # How many signatories are needed at least.
    needed: int
    applicant_is_minor: bool = False
    group_signing: str = ""
    members_may_sign: bool = False
    adult_members: list[dict] = field(default_factory=list)
    organisation_name: str = ""
    organisation_krs: str = ""
    patron_organisation: str = ""

    @property
    def is_individual(self) -> bool:
        return self.grantee_kind == ApplicantKind.INDIVIDUAL

    @property
    def is_ngo(self) -> bool:
        return self.grantee_kind == ApplicantKind.NGO

    @property
    def is_group(self) -> bool:
        return self.grantee_kind == ApplicantKind.GROUP


def signing_plan(*, grant: Grant, terms: CallGrantTerms, today: date | None = None) -> SigningPlan:
    """Who must sign `grant`'s agreement for the grantee (from the decided version's applicant)."""
    details = applicant_details(grant)
    today = today or timezone.localdate()
    if grant.grantee_kind == ApplicantKind.INDIVIDUAL:
        born = details.get("date_of_birth")
        minor = bool(born) and age_on(date.fromisoformat(born), today) < ADULT_AGE
        return SigningPlan(
            grantee_kind=grant.grantee_kind,
            role=SignatoryRole.GUARDIAN if minor else SignatoryRole.APPLICANT,
            needed=1,
            applicant_is_minor=minor,
        )
    if grant.grantee_kind == ApplicantKind.NGO:
        return SigningPlan(
            grantee_kind=grant.grantee_kind,
            role=SignatoryRole.REPRESENTATIVE,
            needed=1,
            organisation_name=details.get("organisation_name") or grant.grantee_name,
            organisation_krs=details.get("krs") or "",
        )
    members_may_sign = terms.group_members_may_sign
    group_signing = grant.group_signing
    if group_signing == GroupSigning.THREE_MEMBERS and not members_may_sign:
        group_signing = ""  # the call no longer allows it: the group chooses again
    role = {
        GroupSigning.PATRON: SignatoryRole.PATRON_REPRESENTATIVE,
        GroupSigning.THREE_MEMBERS: SignatoryRole.GROUP_MEMBER,
    }.get(group_signing, "")
    return SigningPlan(
        grantee_kind=grant.grantee_kind,
        role=role,
        needed=GROUP_MEMBERS_WHO_SIGN if group_signing == GroupSigning.THREE_MEMBERS else 1,
        group_signing=group_signing,
        members_may_sign=members_may_sign,
        adult_members=[
            member
            for member in details.get("members") or []
            if (member.get("age") or 0) >= ADULT_AGE
        ],
        patron_organisation=details.get("patron_organisation") or "",
    )


def signatories_missing(*, grant: Grant, terms: CallGrantTerms) -> str:
    """What is still missing from the grant's signatories, in words for the grantee ("" if
    nothing). Reads grant.signatories.all() (prefetched by the grant pages)."""
    plan = signing_plan(grant=grant, terms=terms)
    rows = [s for s in grant.signatories.all() if s.role == plan.role]
    if plan.is_group and not plan.group_signing:
        return _("Choose how your group signs the agreement.")
    if len(rows) < plan.needed:
        if plan.applicant_is_minor:
            return _("Name your parent or legal guardian, who signs the agreement for you.")
        if plan.is_individual:
            return _("Confirm that you sign the agreement yourself.")
        if plan.group_signing == GroupSigning.THREE_MEMBERS:
            return _("Choose three adult members of the group who sign the agreement.")
        if plan.is_group:
            return _("Enter the patron organisation's representative who signs the agreement.")
        return _("Enter the people who sign the agreement for your organisation.")
    return ""


def _account_for(email: str):
    return User.objects.filter(email__iexact=email, is_active=True).first()


class SignatoriesLocked(Exception):
    """The agreement is no longer being prepared: its signatories can't change."""


@transaction.atomic
def signatories_replace(
    *,
    grant: Grant,
    terms: CallGrantTerms,
    people: list[dict],
    by,
    group_signing: str = "",
) -> list[Signatory]:
    """Make `people` the grant's signatories, in the role `grant`'s applicant kind asks for.

    `people`: dicts with full_name, email and, as the role needs, function,
    organisation_name, organisation_krs. For an adult individual pass [] (the
    applicant's own account signs). A group's choice of how it signs is kept on the grant.
    Raises SignatoriesLocked after the agreement is sent, ValidationError for wrong input.
    """
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.state not in PREPARING_STATES:
        raise SignatoriesLocked
    if grant.grantee_kind == ApplicantKind.GROUP:
        if group_signing not in GroupSigning.values:
            raise ValidationError(_("Choose how your group signs the agreement."))
        if group_signing == GroupSigning.THREE_MEMBERS and not terms.group_members_may_sign:
            raise ValidationError(_("In this call a group signs through its patron organisation."))
        if grant.group_signing != group_signing:
            grant.group_signing = group_signing
            grant.save(update_fields=["group_signing", "updated_at"])
    plan = signing_plan(grant=grant, terms=terms)
    applicant = grant.application.applicant
    if plan.role == SignatoryRole.APPLICANT:
        people = [{"full_name": grant.grantee_name, "email": applicant.email}]
    rows = []
    for position, person in enumerate(people):
        email = (person.get("email") or "").strip().lower()
        row = Signatory(
            grant=grant,
            role=plan.role,
            full_name=(person.get("full_name") or "").strip(),
            function=(person.get("function") or "").strip(),
            email=email,
            organisation_name=(person.get("organisation_name") or plan.organisation_name).strip(),
            organisation_krs=person.get("organisation_krs") or plan.organisation_krs,
            is_adult_confirmed=plan.role != SignatoryRole.GROUP_MEMBER
            or bool(person.get("is_adult_confirmed")),
            position=position,
        )
        if plan.role in (SignatoryRole.REPRESENTATIVE, SignatoryRole.PATRON_REPRESENTATIVE):
            row.organisation_krs = krs_validate(row.organisation_krs)
        if plan.role == SignatoryRole.APPLICANT:
            row.user = applicant
        else:
            row.user = _account_for(email)
        row.full_clean(exclude=["grant", "user"])
        rows.append(row)
    if len(rows) < plan.needed:
        raise ValidationError(signatories_missing_message(plan))
    if len({row.email for row in rows}) < len(rows):
        raise ValidationError(_("Each person who signs needs their own e-mail address."))
    # Signatures belong to agreement versions; while preparing there are none to keep.
    grant.signatories.all().delete()
    Signatory.objects.bulk_create(rows)
    return rows


def signatories_missing_message(plan: SigningPlan) -> str:
    if plan.group_signing == GroupSigning.THREE_MEMBERS:
        return _("Choose three adult members of the group who sign the agreement.")
    return _("Enter who signs the agreement.")
