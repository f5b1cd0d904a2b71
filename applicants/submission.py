"""What stands between an application and its submission: every problem, by section and field."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants.budget import BudgetTotals, budget_totals, own_share_meets
from applicants.consents import submission_consents
from applicants.consents_selectors import guardian_consent_problems
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import Application, age_on
from core.formatting import format_deadline, format_money
from grants.enums import CallStatus
from grants.models import GrantCall, QuestionKind


@dataclass(frozen=True)
class SubmissionProblem:
    section: str  # the form section to fix it in (see applicants.sections)
    field: str  # the field's name in that section's form, for the link's #anchor
    message: str


REQUIRED_TEXT = {
    "basics": ["title", "summary"],
    "problem": ["problem", "goals", "target_group"],
    "activities": ["activities"],
    "results": ["expected_results", "results_measurement"],
    "team": ["team_description"],
}

MIN_GROUP_MEMBERS = 3


def _moment(value: datetime) -> str:
    return date_format(timezone.localtime(value), "j E Y, H:i")


def deadline_problem(application: Application, arrived_at: datetime) -> SubmissionProblem | None:
    """Whether a submission arriving at `arrived_at` is too late (or too early)."""
    call = application.call
    if application.status == ApplicationStatus.CORRECTION_REQUESTED:
        deadline = application.correction_deadline
        if deadline is not None and arrived_at >= deadline:
            return SubmissionProblem(
                "submit",
                "",
                _(
                    "The time for corrections ended on %(deadline)s. "
                    "Your changes are kept, but the application can no longer be resubmitted."
                )
                % {"deadline": format_deadline(deadline)},
            )
        return None
    if call.accepts_submission_at(arrived_at):
        return None
    if call.status == CallStatus.OPEN and arrived_at < call.opens_at:
        return SubmissionProblem(
            "submit",
            "",
            _("The call opens on %(moment)s Polish time; you can submit from then on.")
            % {"moment": _moment(call.opens_at)},
        )
    return SubmissionProblem(
        "submit",
        "",
        _(
            "The deadline passed on %(moment)s Polish time. Your draft is kept, "
            "but it can no longer be submitted."
        )
        % {"moment": _moment(min(call.closes_at, arrived_at))},
    )


def closed_notice(application: Application, *, now: datetime) -> str:
    """Why this editable application can never be submitted any more ("" while it still can).

    A draft whose call has closed, or a correction whose time has ended: its pages and its
    autosave say so, while the text stays readable and editable (deadline_problem is what
    refuses the submission itself).
    """
    if application.status == ApplicationStatus.CORRECTION_REQUESTED:
        deadline = application.correction_deadline
        if deadline is not None and now >= deadline:
            return _(
                "The time for corrections ended on %(moment)s — the corrected application "
                "can no longer be submitted."
            ) % {"moment": _moment(deadline)}
        return ""
    if application.status != ApplicationStatus.DRAFT:
        return ""
    call = application.call
    if call.accepts_submission_at(now) or (call.status == CallStatus.OPEN and now < call.opens_at):
        return ""
    return _("The call closed on %(moment)s — this application can no longer be submitted.") % {
        "moment": _moment(min(call.closes_at, now))
    }


def _age_problems(call, ages: list[tuple[str, int]]) -> list[str]:
    problems = []
    for who, age in ages:
        if call.min_age is not None and age < call.min_age:
            problems.append(
                _("%(who)s is %(age)s; this call is for people aged at least %(min)s.")
                % {"who": who, "age": age, "min": call.min_age}
            )
        if call.max_age is not None and age > call.max_age:
            problems.append(
                _("%(who)s is %(age)s; this call is for people aged at most %(max)s.")
                % {"who": who, "age": age, "max": call.max_age}
            )
    return problems


def profile_problems(application: Application, arrived_at: datetime) -> list[SubmissionProblem]:
    call = application.call
    try:
        profile = application.applicant.applicant_profile
    except ObjectDoesNotExist:
        return [
            SubmissionProblem(
                "profile", "kind", _("Tell us who is applying: you, a group or an organisation.")
            )
        ]
    problems: list[SubmissionProblem] = []
    today = timezone.localtime(arrived_at).date()
    if profile.kind == ApplicantKind.INDIVIDUAL:
        if profile.date_of_birth is None:
            problems.append(
                SubmissionProblem("profile", "date_of_birth", _("Enter your date of birth."))
            )
        else:
            for message in _age_problems(call, [(_("You"), age_on(profile.date_of_birth, today))]):
                problems.append(SubmissionProblem("profile", "date_of_birth", message))
    elif profile.kind == ApplicantKind.GROUP:
        members = list(profile.members.all())
        if not profile.group_name:
            problems.append(
                SubmissionProblem("profile", "group_name", _("Give your group a name."))
            )
        if len(members) < MIN_GROUP_MEMBERS:
            problems.append(
                SubmissionProblem(
                    "profile",
                    "members",
                    ngettext(
                        "An informal group needs at least %(count)s member.",
                        "An informal group needs at least %(count)s members.",
                        MIN_GROUP_MEMBERS,
                    )
                    % {"count": MIN_GROUP_MEMBERS},
                )
            )
        if sum(1 for m in members if m.is_leader) != 1:
            problems.append(
                SubmissionProblem("profile", "members", _("Mark exactly one member as the leader."))
            )
        for message in _age_problems(call, [(m.full_name, m.age) for m in members]):
            problems.append(SubmissionProblem("profile", "members", message))
    elif profile.kind == ApplicantKind.NGO:
        for field, message in [
            ("organisation_name", _("Enter the organisation's name.")),
            ("krs", _("Enter the organisation's KRS number.")),
            ("nip", _("Enter the organisation's NIP.")),
            ("regon", _("Enter the organisation's REGON.")),
        ]:
            if not getattr(profile, field):
                problems.append(SubmissionProblem("profile", field, message))
    # Letters are addressed to it. Profiles made before it was asked for have none:
    # they keep working (drafts, the profile page), and submitting asks for it.
    if not profile.street or not profile.postcode:
        problems.append(
            SubmissionProblem(
                "profile",
                "street",
                _(
                    "Enter your postal address (street, postcode and town): decision letters are addressed to it."
                ),
            )
        )
    return problems


def _over_maximum(amount: str, maximum: str, over: str) -> str:
    return _(
        "The requested amount of %(amount)s is more than the call's maximum (%(max)s) by %(over)s."
    ) % {"amount": amount, "max": maximum, "over": over}


def _under_minimum(amount: str, minimum: str, under: str) -> str:
    return _(
        "The requested amount of %(amount)s is less than the call's minimum (%(min)s) by %(under)s."
    ) % {"amount": amount, "min": minimum, "under": under}


def _own_share_missed(share: str, required: Decimal) -> str:
    return _(
        "Your own contribution is %(share)s%% of the total cost; this call requires at least %(required)s%%."
    ) % {"share": share, "required": f"{required.normalize():f}".replace(".", ",")}


def budget_problems(*, call: GrantCall, totals: BudgetTotals) -> list[str]:
    """What the call's rules say of a budget with these totals: the requested amount
    against the call's minimum and maximum, the own contribution against its share.

    The budget page shows these beside the total as soon as the section is saved
    (the draft is saved all the same); submission refuses them.
    """
    problems = []
    requested = totals.requested_amount
    if requested > call.max_amount:
        problems.append(
            _over_maximum(
                format_money(requested),
                format_money(call.max_amount),
                format_money(requested - call.max_amount),
            )
        )
    elif requested < call.min_amount:
        problems.append(
            _under_minimum(
                format_money(requested),
                format_money(call.min_amount),
                format_money(call.min_amount - requested),
            )
        )
    if call.own_contribution_percent and not own_share_meets(totals, call.own_contribution_percent):
        share = f"{totals.own_share_percent}".replace(".", ",")
        problems.append(_own_share_missed(share, call.own_contribution_percent))
    return problems


def budget_problem_templates(call: GrantCall) -> dict[str, str]:
    """The same messages with {amount}, {over}, {under} and {share} for the page to fill in
    while the applicant types (static/js/budget.js); the server's are the ones that count."""
    return {
        "over": _over_maximum("{amount}", format_money(call.max_amount), "{over}"),
        "under": _under_minimum("{amount}", format_money(call.min_amount), "{under}"),
        "share": _own_share_missed("{share}", call.own_contribution_percent),
    }


def application_budget_problems(application: Application) -> list[str]:
    """budget_problems() of the application's saved budget; none while it has no line."""
    lines = list(application.budget_lines.all())
    if not lines:
        return []
    totals = budget_totals((line.quantity, line.unit_cost, line.own_contribution) for line in lines)
    return budget_problems(call=application.call, totals=totals)


def indicator_problems(application: Application) -> list[SubmissionProblem]:
    """The call's indicators still without a planned number, each linked to its row.

    The call's indicators are the first rows of the results section's table, in
    the call's order (applicants.forms_indicators), so the n-th is "indicators-n".
    """
    indicators = list(application.call.indicators.all())
    if not indicators:
        return []
    planned = set(
        application.indicators.filter(call_indicator__isnull=False).values_list(
            "call_indicator_id", flat=True
        )
    )
    return [
        SubmissionProblem(
            "results",
            f"indicators-{index}-planned",
            _("Give the planned number for “%(name)s” (%(unit)s).")
            % {"name": indicator.name, "unit": indicator.unit},
        )
        for index, indicator in enumerate(indicators)
        if indicator.pk not in planned
    ]


def content_problems(application: Application) -> list[SubmissionProblem]:
    """Missing answers and broken call rules in the working copy (not the deadline)."""
    call = application.call
    problems: list[SubmissionProblem] = []
    for section, fields in REQUIRED_TEXT.items():
        for field in fields:
            if not getattr(application, field).strip():
                label = Application._meta.get_field(field).verbose_name
                problems.append(
                    SubmissionProblem(section, field, _("Fill in “%(label)s”.") % {"label": label})
                )
    if not application.schedule.exists():
        problems.append(
            SubmissionProblem("activities", "schedule", _("Add at least one row to the schedule."))
        )

    problems += indicator_problems(application)

    lines = list(application.budget_lines.all())
    if not lines:
        problems.append(
            SubmissionProblem("budget", "budget", _("Add at least one line to the budget."))
        )
    else:
        totals = budget_totals(
            (line.quantity, line.unit_cost, line.own_contribution) for line in lines
        )
        problems += [
            SubmissionProblem("budget", "budget", message)
            for message in budget_problems(call=call, totals=totals)
        ]

    for question in call.questions.all():
        answer = application.answers.get(str(question.pk))
        empty = answer is None or (isinstance(answer, str) and not answer.strip())
        if question.required and empty:
            problems.append(
                SubmissionProblem(
                    "questions",
                    f"q{question.pk}",
                    _("Answer “%(question)s”.") % {"question": question.label},
                )
            )
        elif (
            not empty
            and question.kind in {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}
            and len(str(answer)) > question.effective_max_length
        ):
            problems.append(
                SubmissionProblem(
                    "questions",
                    f"q{question.pk}",
                    _("The answer to “%(question)s” is longer than %(limit)s characters.")
                    % {"question": question.label, "limit": question.effective_max_length},
                )
            )

    attachments = list(application.attachments.filter(removed_at__isnull=True))
    covered = {attachment.requirement_id for attachment in attachments}
    for requirement in call.attachment_requirements.all():
        if requirement.required and requirement.pk not in covered:
            problems.append(
                SubmissionProblem(
                    "attachments", "file", _("Attach “%(name)s”.") % {"name": requirement.name}
                )
            )
    if len(attachments) > call.max_attachments:
        problems.append(
            SubmissionProblem(
                "attachments",
                "file",
                _("This call accepts at most %(count)s attachments.")
                % {"count": call.max_attachments},
            )
        )
    return problems


def consent_problems(application: Application, consents) -> list[SubmissionProblem]:
    given = {consent["key"] for consent in consents}
    return [
        SubmissionProblem(
            "submit",
            f"consent_{consent['key']}",
            _("Tick: %(label)s") % {"label": consent["label"]},
        )
        for consent in submission_consents(application.call)
        if consent["required"] and consent["key"] not in given
    ]


def application_problems(
    application: Application, *, arrived_at: datetime, consents=None
) -> list[SubmissionProblem]:
    """Every reason the application can't be submitted at `arrived_at`, in form order.

    With consents=None the consents are not checked (for the progress shown
    while the applicant is still filling in the form).
    """
    problems = []
    late = deadline_problem(application, arrived_at)
    if late:
        problems.append(late)
    problems += profile_problems(application, arrived_at)
    problems += content_problems(application)
    # Guardians' consents and the patron's confirmation, as the call asks (links to the
    # submit page's "Consents" panel).
    problems += [
        SubmissionProblem("submit", anchor, message)
        for anchor, message in guardian_consent_problems(application, arrived_at=arrived_at)
    ]
    if consents is not None:
        problems += consent_problems(application, consents)
    return problems
