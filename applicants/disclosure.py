"""What reviewers may see of an application: the one place that decides it.

Reviewers see an application at two levels, each an allow-list here:

1. **Identity for the conflict declaration** (`conflict_declaration_identity()`),
   before they declare impartiality: the call, the reference number and who
   applies, by name — the kind of applicant, the individual's or the contact
   person's full name, the group's name and its members' names (and who leads
   it), the organisation, the patron organisation and the town. Nothing of the
   project, not even its title: the declaration comes before the content.
   The contact person's name is shown here (and only here) because a reviewer
   who knows the person who wrote the application has a tie to declare even
   when they don't know the group or the organisation.
2. **Content for the review** (`reviewer_version()`), once they declared
   impartiality, as follows.

Every representation of an application made for reviewers — the review page,
the reviewers' PDF copy, anything sent or exported to them later — is built
from `reviewer_version()` (or `reviewer_content()` for a bare snapshot), never
from a version's own `content`. It copies from the frozen snapshot
(applicants/snapshot.py) only what is listed here, so a field added to the
snapshot later stays hidden from reviewers until someone decides otherwise.

The decision, field by field, follows the privacy notice applicants accept
(grants.models.DEFAULT_PRIVACY_NOTICE: "Recenzenci widzą treść wniosku, ale
nie Twoje dane kontaktowe" — reviewers see the application's content, never
the applicant's contact data):

Shown at level 2 — what reviewers score, and who applies:
- the call, the reference number, every text of the project, the schedule,
  the planned indicators, the budget, the answers to the call's questions,
  the list of attachments (name, what it is, size);
- who applies, by name: the kind of applicant and its name (an individual's
  full name, the group's or the organisation's name), the patron
  organisation, the group members' names, ages and who leads the group, the
  organisation's KRS, NIP and REGON (public records of a legal entity), and
  the town. Reviewers declare that they do not know the applicants, are not
  in the group or the organisation and will not gain from the grant; they can
  only keep that promise if they know who applies. Names identify; they do
  not let anyone get in touch, which is what the notice rules out.

Never shown:
- contact data: e-mail, phone, the contact person (for an organisation or
  a group the person who filled in the form; an individual's own name is
  shown as the applicant's name, never as a contact; the name alone is shown
  at level 1, for the declaration), and any address;
- the date of birth (age checks are the coordinators' formal check);
- the answers to the eligibility questions (also the formal check's) and the
  consents with the moments they were given (the applicant's declarations
  to the operator, not part of what is scored);
- anything in the snapshot not listed above.

The files applicants attach reach reviewers as they were uploaded: what is
inside them is not (and cannot be) filtered here.
"""

from dataclasses import dataclass, field
from datetime import datetime

from applicants.enums import ApplicantKind
from applicants.models import ApplicationVersion
from applicants.snapshot import TEXT_FIELDS

# Top-level snapshot keys copied as they are.
REVIEWER_CONTENT_KEYS = ("call", "reference_number", *TEXT_FIELDS, "schedule", "budget")
# Of the "applicant" block (see the module's docstring for why).
REVIEWER_APPLICANT_KEYS = (
    "kind",
    "display_name",
    "city",
    "group_name",
    "patron_organisation",
    "organisation_name",
    "krs",
    "nip",
    "regon",
)
REVIEWER_MEMBER_KEYS = ("full_name", "age", "is_leader")
REVIEWER_ANSWER_KEYS = ("question_id", "question", "kind", "answer")
REVIEWER_ATTACHMENT_KEYS = ("id", "name", "size", "requirement")
REVIEWER_INDICATOR_KEYS = ("name", "unit", "planned", "call_indicator_id")


def _only(mapping, keys) -> dict:
    if not isinstance(mapping, dict):
        return {}
    return {key: mapping[key] for key in keys if key in mapping}


def _rows(rows, keys) -> list[dict]:
    return [_only(row, keys) for row in rows or [] if isinstance(row, dict)]


def reviewer_content(content: dict) -> dict:
    """The part of a version's frozen snapshot that reviewers may see (a new dict; `content` is untouched)."""
    content = content if isinstance(content, dict) else {}
    shown = _only(content, REVIEWER_CONTENT_KEYS)
    applicant = _only(content.get("applicant"), REVIEWER_APPLICANT_KEYS)
    if "members" in (content.get("applicant") or {}):
        applicant["members"] = _rows(content["applicant"]["members"], REVIEWER_MEMBER_KEYS)
    shown["applicant"] = applicant
    shown["answers"] = _rows(content.get("answers"), REVIEWER_ANSWER_KEYS)
    shown["attachments"] = _rows(content.get("attachments"), REVIEWER_ATTACHMENT_KEYS)
    if "indicators" in content:  # versions from before indicators have none
        shown["indicators"] = _rows(content["indicators"], REVIEWER_INDICATOR_KEYS)
    return shown


@dataclass(frozen=True)
class ReviewerVersion:
    """A submitted version as reviewers see it: its number, when it came, and the content they may read."""

    application_id: int
    number: int
    submitted_at: datetime
    content: dict
    consents: list = field(default_factory=list)  # never shown to reviewers


def reviewer_version(version: ApplicationVersion) -> ReviewerVersion:
    """`version` as reviewers may see it (pages and the reviewers' PDF copy take this, not the version)."""
    return ReviewerVersion(
        application_id=version.application_id,
        number=version.number,
        submitted_at=version.submitted_at,
        content=reviewer_content(version.content),
    )


# --- 1. Identity for the conflict declaration ------------------------------------------------

# Of the "applicant" block: names that say who applies, nothing that reaches them.
IDENTITY_APPLICANT_KEYS = (
    "kind",
    "display_name",
    "contact_name",
    "city",
    "group_name",
    "patron_organisation",
    "organisation_name",
)
IDENTITY_MEMBER_KEYS = ("full_name", "is_leader")


@dataclass(frozen=True)
class ConflictDeclarationIdentity:
    """Who applies, as a reviewer sees it before declaring impartiality (no content at all)."""

    call_title: str
    reference_number: str
    kind: str
    display_name: str
    contact_name: str = ""
    city: str = ""
    group_name: str = ""
    patron_organisation: str = ""
    organisation_name: str = ""
    members: tuple[dict, ...] = ()

    @property
    def kind_label(self) -> str:
        return ApplicantKind(self.kind).label if self.kind in ApplicantKind.values else ""

    @property
    def is_individual(self) -> bool:
        return self.kind == ApplicantKind.INDIVIDUAL


def conflict_declaration_identity(version: ApplicationVersion) -> ConflictDeclarationIdentity:
    """Who applies in `version`, for the declaration of impartiality: names only, no content."""
    content = version.content if isinstance(version.content, dict) else {}
    applicant = _only(content.get("applicant"), IDENTITY_APPLICANT_KEYS)
    members = _rows((content.get("applicant") or {}).get("members"), IDENTITY_MEMBER_KEYS)
    call = content.get("call") if isinstance(content.get("call"), dict) else {}
    return ConflictDeclarationIdentity(
        call_title=str(call.get("title") or ""),
        reference_number=str(content.get("reference_number") or ""),
        **{key: str(applicant.get(key) or "") for key in IDENTITY_APPLICANT_KEYS},
        members=tuple(members),
    )
