"""Writes to applications: starting, saving sections, submitting, the formal check, withdrawing.

Every change of status goes through application_transition(), which checks the
move against ALLOWED_TRANSITIONS, records who made it, and queues the e-mail
after the transaction commits.
"""

from collections.abc import Iterable, Sequence, Sized
from datetime import UTC, datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.budget import budget_totals
from applicants.consents import PUBLISH_NAME
from applicants.enums import (
    ALLOWED_TRANSITIONS,
    EDITABLE_STATUSES,
    ApplicantKind,
    ApplicationStatus,
    FormalCheckOutcome,
    HistoryNote,
)
from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationVersion,
    Attachment,
    BudgetLine,
    CallSequence,
    FormalCheck,
    GroupMember,
    ScheduleItem,
    StatusChange,
)
from applicants.pdf_copies import version_pdfs_create
from applicants.selectors import live_application
from applicants.signals import application_status_changed
from applicants.snapshot import application_snapshot
from applicants.submission import SubmissionProblem, application_problems
from core.deadlines import deadline_in
from core.queue import task_enqueue
from core.states import InvalidMove
from grants.limits import MAX_BUDGET_LINES, MAX_GROUP_MEMBERS, MAX_SCHEDULE_ROWS
from grants.models import CallQuestion, GrantCall, QuestionKind


class InvalidTransition(InvalidMove):
    """An application was asked to move to a status not allowed from its current one."""

    subject = "An application"


class ApplicationLocked(Exception):
    """The working copy can't change: the application is neither a draft nor under correction."""


class SubmissionRefused(Exception):
    """The application can't be submitted; `problems` says why, field by field."""

    def __init__(self, problems: Sequence[SubmissionProblem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)


NOTIFY_APPLICANT_ON = {
    ApplicationStatus.CORRECTION_REQUESTED,
    ApplicationStatus.FORMALLY_REJECTED,
    ApplicationStatus.ACCEPTED_FOR_REVIEW,
}


@transaction.atomic
def application_transition(
    application: Application,
    to: str,
    *,
    by,
    note: str = "",
    note_code: str = "",
    note_params: dict | None = None,
    changes: dict | None = None,
) -> Application:
    """Move `application` to status `to` (with field `changes`), record it, queue the e-mail.

    The history row keeps `note` (a person's words, shown as written) and/or
    `note_code` (a HistoryNote, with `note_params`), worded in each reader's
    language when shown. The row is locked first, so two coordinators acting
    at once can't both move it from the same state.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if to not in ALLOWED_TRANSITIONS[locked.status]:
        raise InvalidTransition(locked.status, to)
    change = StatusChange.objects.create(
        application=locked,
        old_status=locked.status,
        new_status=to,
        by=by,
        note=note,
        note_code=note_code,
        note_params=note_params or {},
    )
    locked.status = to
    update_fields = ["status", "updated_at"]
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
        update_fields.append(field)
    locked.save(update_fields=update_fields)
    # Later stages settle what depends on the status (e.g. a draft decision lapses on withdrawal).
    application_status_changed.send(
        sender=Application,
        application=locked,
        old_status=change.old_status,
        new_status=to,
        by=by,
        note=note,
    )
    if to in NOTIFY_APPLICANT_ON:
        task_enqueue("applicants.tasks.notify_applicant_of_status", status_change_id=change.pk)
    application.refresh_from_db()
    return application


def _refuse_too_many_rows(rows: Sized, *, limit: int, table: str, message: str) -> None:
    """Raise a ValidationError keyed by `table` when `rows` has more than `limit` rows."""
    if len(rows) > limit:
        raise ValidationError(
            {table: ValidationError(message % {"num": limit}, code="too_many_rows")}
        )


@transaction.atomic
def profile_save(*, profile: ApplicantProfile, members: Sequence[dict]) -> ApplicantProfile:
    """Save who applies; a group's members are replaced by `members`, in order.

    More than MAX_GROUP_MEMBERS members is refused (ValidationError on "members").
    """
    if profile.kind == ApplicantKind.GROUP:
        _refuse_too_many_rows(
            members,
            limit=MAX_GROUP_MEMBERS,
            table="members",
            message=_("A group can list at most %(num)d members."),
        )
    profile.full_clean()
    profile.save()
    profile.members.all().delete()
    if profile.kind == ApplicantKind.GROUP:
        GroupMember.objects.bulk_create(
            GroupMember(profile=profile, position=position, **member)
            for position, member in enumerate(members)
        )
    return profile


def application_start(*, call: GrantCall, applicant, eligibility_answers: dict) -> Application:
    """Return the applicant's live application to `call`, creating the draft if there is none.

    Safe to call twice at the same moment: the database allows one live
    application per applicant per call, and the loser of a race gets the winner's.
    """
    existing = live_application(call=call, applicant=applicant)
    if existing:
        return existing
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=call, applicant=applicant, eligibility_answers=eligibility_answers
            )
            StatusChange.objects.create(
                application=application,
                old_status="",
                new_status=ApplicationStatus.DRAFT,
                by=applicant,
            )
    except IntegrityError:
        application = live_application(call=call, applicant=applicant)
        if application is None:
            raise
    return application


def _ensure_editable(application: Application) -> None:
    if application.status not in EDITABLE_STATUSES:
        raise ApplicationLocked(application.pk)


@transaction.atomic
def application_update(*, application: Application, fields: dict) -> Application:
    """Save some of the working copy's text fields; the other sections stay as they are."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(application)
    for name, value in fields.items():
        setattr(application, name, value)
    application.full_clean(
        exclude=["call", "applicant"], validate_unique=False, validate_constraints=False
    )
    application.save(update_fields=[*fields, "updated_at"])
    return application


@transaction.atomic
def application_schedule_save(*, application: Application, items: Iterable[dict]) -> None:
    """Replace the schedule with `items` (dicts of starts_on, ends_on, activity), in order.

    More than MAX_SCHEDULE_ROWS rows is refused (ValidationError on "schedule").
    """
    items = list(items)
    _refuse_too_many_rows(
        items,
        limit=MAX_SCHEDULE_ROWS,
        table="schedule",
        message=_("The schedule can have at most %(num)d rows. Join some steps into one row."),
    )
    application = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(application)
    application.schedule.all().delete()
    ScheduleItem.objects.bulk_create(
        ScheduleItem(application=application, position=position, **item)
        for position, item in enumerate(items)
    )
    application.save(update_fields=["updated_at"])


@transaction.atomic
def application_budget_save(*, application: Application, lines: Iterable[dict]) -> Application:
    """Replace the budget with `lines` and store the totals computed here, on the server.

    More than MAX_BUDGET_LINES lines is refused (ValidationError on "budget").
    """
    lines = list(lines)
    _refuse_too_many_rows(
        lines,
        limit=MAX_BUDGET_LINES,
        table="budget",
        message=_("The budget can have at most %(num)d lines. Join similar costs into one line."),
    )
    application = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(application)
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, position=position, **line)
        for position, line in enumerate(lines)
    )
    totals = budget_totals(
        (line["quantity"], line["unit_cost"], line["own_contribution"]) for line in lines
    )
    application.total_cost = totals.total_cost
    application.own_contribution = totals.own_contribution
    application.requested_amount = totals.requested_amount
    application.save(
        update_fields=["total_cost", "own_contribution", "requested_amount", "updated_at"]
    )
    return application


def _answer_problem(question: CallQuestion, answer) -> str | None:
    """Why `answer` can't be stored for `question` (None when it can); empty answers can."""
    if answer is None or answer == "":
        return None
    if question.kind in {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}:
        if not isinstance(answer, str):
            return _("Enter text.")
        if len(answer) > question.effective_max_length:
            return _("Up to %(count)s characters.") % {"count": question.effective_max_length}
        return None
    if question.kind == QuestionKind.CHOICE:
        allowed = question.choice_list
    elif question.kind == QuestionKind.YES_NO:
        allowed = ["yes", "no"]
    else:
        # The form sends a number as text: up to 14 digits, a sign and a decimal point.
        if not isinstance(answer, str) or len(answer) > 20:
            return _("Enter a number.")
        try:
            number = Decimal(answer)
        except ArithmeticError:
            return _("Enter a number.")
        return None if number.is_finite() else _("Enter a number.")
    return None if answer in allowed else _("Choose one of the options.")


@transaction.atomic
def application_answers_save(*, application: Application, answers: dict) -> Application:
    """Store the answers to the call's own questions, keyed by question id.

    An answer to a question the call doesn't have, a text longer than its
    question allows or a choice not offered raises ValidationError keyed by the
    form field ("q<id>"); nothing is stored then.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(application)
    questions = {str(question.pk): question for question in application.call.questions.all()}
    problems = {}
    for key, answer in answers.items():
        question = questions.get(str(key))
        if question is None:
            problems[NON_FIELD_ERRORS] = _("The call has no such question; reload the page.")
        elif problem := _answer_problem(question, answer):
            problems[f"q{key}"] = problem
    if problems:
        raise ValidationError(problems)
    # Only answers given are kept: a key in `answers` is an answer (grants.usage counts them).
    application.answers = {
        str(key): value for key, value in answers.items() if value not in (None, "")
    }
    application.save(update_fields=["answers", "updated_at"])
    return application


@transaction.atomic
def attachment_add(*, application: Application, upload, requirement=None, checked) -> Attachment:
    """Store an uploaded file already checked by applicants.uploads.attachment_check()."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(application)
    attachment = Attachment(
        application=application,
        requirement=requirement,
        original_name=checked.name,
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
        sha256=checked.sha256,
    )
    attachment.file.save(checked.name, upload, save=False)
    attachment.save()
    application.save(update_fields=["updated_at"])
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment) -> None:
    """Take a file off the working copy; a file that a submitted version lists is kept for it."""
    application = Application.objects.select_for_update().get(pk=attachment.application_id)
    _ensure_editable(application)
    if attachment.versions.exists():
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
    else:
        attachment.file.delete(save=False)
        attachment.delete()


def _next_reference(call: GrantCall) -> tuple[int, str]:
    """Take the call's next number under a row lock: no gaps, no duplicates, in submission order.

    The number is taken inside the submitting transaction, so a submission that
    fails rolls its number back too.
    """
    CallSequence.objects.bulk_create([CallSequence(call=call)], ignore_conflicts=True)
    sequence = CallSequence.objects.select_for_update().get(call=call)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    number = sequence.last_number
    return number, f"{call.reference_code}/{call.reference_year}/{number:04d}"


@transaction.atomic
def application_submit(
    *, application: Application, by, consents: Sequence[dict], arrived_at: datetime
) -> ApplicationVersion:
    """Submit (or, after a correction request, resubmit) the application as it stands.

    `arrived_at` is the moment the request reached the server: the deadline is
    judged then, not when this transaction gets the lock. Freezes the content as
    a new version and queues its PDF copies; the confirmation e-mail follows the full copy.
    """
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    if application.status not in EDITABLE_STATUSES:
        raise SubmissionRefused(
            [SubmissionProblem("submit", "", _("This application has already been submitted."))]
        )
    problems = application_problems(application, arrived_at=arrived_at, consents=consents)
    if problems:
        raise SubmissionRefused(problems)

    changes: dict = {"last_submitted_at": arrived_at}
    profile = application.applicant.applicant_profile
    changes["applicant_kind"] = profile.kind
    changes["applicant_name"] = profile.display_name
    # A person alone agrees (or not) to their name on the public results, at each submission.
    changes["name_publication_agreed"] = profile.kind == ApplicantKind.INDIVIDUAL and any(
        consent["key"] == PUBLISH_NAME for consent in consents
    )
    changes["applicant_contact_name"] = profile.contact_name
    if application.reference_number is None:
        number, reference = _next_reference(application.call)
        changes.update(
            number_in_call=number, reference_number=reference, first_submitted_at=arrived_at
        )
    for field, value in changes.items():
        setattr(application, field, value)

    version = ApplicationVersion.objects.create(
        application=application,
        number=application.versions.count() + 1,
        submitted_at=arrived_at,
        submitted_by=by,
        content=application_snapshot(application),
        consents=[
            {**consent, "accepted_at": arrived_at.astimezone(UTC).isoformat()}
            for consent in consents
        ],
    )
    version.attachments.set(application.attachments.filter(removed_at__isnull=True))
    corrected = version.number > 1
    application_transition(
        application,
        ApplicationStatus.SUBMITTED,
        by=by,
        note_code=HistoryNote.CORRECTED_VERSION if corrected else "",
        note_params={"number": version.number} if corrected else None,
        changes=changes,
    )
    # The copies render in the task queue; the e-mail goes out when the full one is ready.
    version_pdfs_create(version=version)
    return version


@transaction.atomic
def application_withdraw(
    *, application: Application, by, note: str = "", note_code: str = ""
) -> Application:
    """The applicant withdraws the application (any time before a decision).

    `note` is the applicant's reason as typed; `note_code` a HistoryNote the
    system gives instead (e.g. the account was deleted).
    """
    return application_transition(
        application, ApplicationStatus.WITHDRAWN, by=by, note=note, note_code=note_code
    )


@transaction.atomic
def formal_check_record(
    *,
    application: Application,
    outcome: str,
    by,
    checklist: Sequence[dict] = (),
    message: str = "",
    correction_deadline: datetime | None = None,
) -> FormalCheck:
    """Record the formal check of the latest submitted version and move the application on."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    version = application.versions.order_by("-number").first()
    if version is None or application.status != ApplicationStatus.SUBMITTED:
        raise InvalidTransition(application.status, outcome)
    check = FormalCheck.objects.create(
        application=application,
        version=version,
        outcome=outcome,
        checklist=list(checklist),
        message=message,
        by=by,
    )
    if outcome == FormalCheckOutcome.ACCEPTED:
        application_transition(
            application, ApplicationStatus.ACCEPTED_FOR_REVIEW, by=by, note=message
        )
    elif outcome == FormalCheckOutcome.CORRECTION:
        deadline = correction_deadline or deadline_in(application.call.correction_days)
        application_transition(
            application,
            ApplicationStatus.CORRECTION_REQUESTED,
            by=by,
            note=message,
            changes={"correction_message": message, "correction_deadline": deadline},
        )
    elif outcome == FormalCheckOutcome.REJECTED:
        application_transition(
            application,
            ApplicationStatus.FORMALLY_REJECTED,
            by=by,
            note=message,
            changes={"rejection_reasons": message},
        )
    else:
        raise ValueError(f"Unknown outcome {outcome!r}")
    return check


def formal_check_accept_many(*, applications: Iterable[Application], by) -> int:
    """Accept for review every given application that is waiting for the formal check."""
    accepted = 0
    for application in applications:
        if application.status != ApplicationStatus.SUBMITTED:
            continue
        try:
            with transaction.atomic():
                formal_check_record(
                    application=application, outcome=FormalCheckOutcome.ACCEPTED, by=by
                )
        except InvalidTransition:
            # Another coordinator moved it meanwhile; the others still go through.
            continue
        accepted += 1
    return accepted
