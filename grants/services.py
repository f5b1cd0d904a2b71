"""Writes to grant calls: saving with criteria and other parts, publishing, closing, the review
stage starting, results and archiving.

Every change of a call's status goes through call_transition(), which checks the move
against ALLOWED_TRANSITIONS and records it.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grants.archiving import call_archive_problems
from grants.enums import (
    ALLOWED_TRANSITIONS,
    REVIEW_START_STATUSES,
    REVIEWS_FROZEN_STATUSES,
    CallStatus,
)
from grants.exceptions import InvalidCallTransition
from grants.limits import (
    MAX_CALL_DOCUMENTS,
    MAX_CALL_FAQ_ENTRIES,
    MAX_CALL_INDICATORS,
    MAX_CALL_QUESTIONS,
)
from grants.models import (
    CallDocument,
    CallIndicator,
    CallPart,
    CallQuestion,
    CallStatusChange,
    Criterion,
    FaqEntry,
    GrantCall,
)
from grants.usage import call_part_usage


@transaction.atomic
def call_transition(call: GrantCall, to: str, *, by, note: str = "") -> GrantCall:
    """Move `call` to status `to`, recording who did it; refuses moves not in ALLOWED_TRANSITIONS."""
    locked = GrantCall.objects.select_for_update().get(pk=call.pk)
    if to not in ALLOWED_TRANSITIONS[locked.status]:
        raise InvalidCallTransition(locked.status, to)
    CallStatusChange.objects.create(
        call=locked, old_status=locked.status, new_status=to, by=by, note=note
    )
    locked.status = to
    update_fields = ["status", "updated_at"]
    if to == CallStatus.OPEN and locked.published_at is None:
        locked.published_at = timezone.now()
        update_fields.append("published_at")
    locked.save(update_fields=update_fields)
    call.refresh_from_db()
    return call


def _past_deadline(call: GrantCall, now) -> bool:
    return call.status != CallStatus.OPEN or call.closes_at <= now


@transaction.atomic
def call_review_start(*, call: GrantCall, by, now=None) -> GrantCall:
    """Move the call to "in review" when reviewers are first assigned after its deadline.

    Reviewers assigned while the call still takes applications leave it
    published; the next assignment after the deadline (or after closing) moves
    it. Anything further along is left as it is.
    """
    now = now or timezone.now()
    locked = GrantCall.objects.select_for_update().get(pk=call.pk)
    if locked.status in REVIEW_START_STATUSES and _past_deadline(locked, now):
        call_transition(locked, CallStatus.IN_REVIEW, by=by, note=_("Reviewing started"))
        call.refresh_from_db()
    return call


@transaction.atomic
def call_decide(*, call: GrantCall, by, now=None) -> GrantCall:
    """Mark the call decided when its first results are published: its reviews freeze.

    Results published while the call still takes applications (e.g. formal
    rejections) leave it published; an archived call takes no new results.
    """
    now = now or timezone.now()
    locked = GrantCall.objects.select_for_update().get(pk=call.pk)
    if locked.status == CallStatus.ARCHIVED:
        raise ValidationError(
            _("The call is archived: nothing in it can change."), code="call_archived"
        )
    if CallStatus.DECIDED in ALLOWED_TRANSITIONS[locked.status] and _past_deadline(locked, now):
        call_transition(locked, CallStatus.DECIDED, by=by, note=_("Results published"))
        call.refresh_from_db()
    return call


@transaction.atomic
def call_archive(*, call: GrantCall, by, note: str = "", now=None) -> GrantCall:
    """Archive a decided (or closed) call: it becomes read-only and is listed apart.

    Refused with a ValidationError (code "call_unsettled") while something in
    the call is still under way, such as published awards whose applicants may
    still answer (the later stages say what: grants.archiving). The call is
    locked first, as publishing results and offering reserve places lock it.
    """
    now = now or timezone.now()
    locked = GrantCall.objects.select_for_update().get(pk=call.pk)
    if CallStatus.ARCHIVED not in ALLOWED_TRANSITIONS[locked.status]:
        raise InvalidCallTransition(locked.status, CallStatus.ARCHIVED)
    problems = call_archive_problems(call=locked, now=now)
    if problems:
        raise ValidationError([ValidationError(p, code="call_unsettled") for p in problems])
    return call_transition(call, CallStatus.ARCHIVED, by=by, note=note)


def call_refuse_archived(call: GrantCall) -> None:
    """Raise ValidationError (code "call_archived") if `call`, as just read, is archived.

    An archived call is read-only: every stage's services that would change
    something in it call this on the call they have locked.
    """
    if call.status == CallStatus.ARCHIVED:
        raise ValidationError(
            _("The call is archived: nothing in it can change."), code="call_archived"
        )


# What the ranking is computed from: none of it may change once results are published.
RANKING_FIELDS = (
    "reviewers_per_application",
    "discrepancy_threshold",
    "min_score",
    "final_score_rule",
)
RANKING_CRITERION_FIELDS = ("max_points", "weight")


def _refuse_frozen_call_changes(
    call: GrantCall, criteria_to_save: Sequence[Criterion], criteria_to_delete: Sequence[Criterion]
) -> None:
    """An archived call is read-only; a decided one keeps its ranking inputs as they were."""
    stored = GrantCall.objects.filter(pk=call.pk).first()
    if stored is None or stored.status not in REVIEWS_FROZEN_STATUSES:
        return
    if stored.status == CallStatus.ARCHIVED:
        raise ValidationError(
            _("The call is archived: nothing in it can change."), code="call_archived"
        )
    frozen = ValidationError(
        _(
            "The results of this call are published: its scoring rules and criteria can't "
            "change any more."
        ),
        code="ranking_frozen",
    )
    if any(getattr(stored, name) != getattr(call, name) for name in RANKING_FIELDS):
        raise frozen
    if criteria_to_delete:
        raise frozen
    stored_criteria = {c.pk: c for c in Criterion.objects.filter(call=call)}
    for criterion in criteria_to_save:
        before = stored_criteria.get(criterion.pk)
        if before is None or any(
            getattr(before, name) != getattr(criterion, name) for name in RANKING_CRITERION_FIELDS
        ):
            raise frozen


def _needs_saving(row: models.Model, stored: models.Model | None) -> bool:
    """A new row, or one whose values differ from the stored ones.

    Unchanged rows are not saved again, so their history holds real changes only.
    """
    if stored is None:
        return True
    return any(
        getattr(row, field.attname) != getattr(stored, field.attname)
        for field in type(row)._meta.concrete_fields
    )


def _meaning_changes(row, stored) -> list[str]:
    """Names of the fields whose change alters what answers or scores already given mean."""
    new, old = row.meaning(), stored.meaning()
    return [name for name in new if new[name] != old[name]]


def _field_labels(model: type[models.Model], names: Sequence[str]) -> str:
    return ", ".join(str(model._meta.get_field(name).verbose_name) for name in names)


def _protected_pks(model: type[models.Model], pks: Sequence[int]) -> set[int]:
    """Which of `pks` records of later stages protect from deletion (on_delete=PROTECT).

    Found through the relations the later apps declare, without importing them:
    one query per protecting relation.
    """
    protected: set[int] = set()
    for relation in model._meta.related_objects:
        if pks and relation.on_delete in (models.PROTECT, models.RESTRICT):
            protected.update(
                relation.related_model._base_manager.filter(
                    **{f"{relation.field.name}__in": pks}
                ).values_list(relation.field.attname, flat=True)
            )
    return protected


@transaction.atomic
def call_save(
    *,
    call: GrantCall,
    criteria_to_save: Sequence[Criterion],
    criteria_to_delete: Sequence[Criterion] = (),
    by,
) -> GrantCall:
    """Create or update `call` and its criteria, in the order given.

    Once reviewers have scored any criterion (their scores protect it), no
    criterion can be added or removed and no maximum points or weight can
    change: a ValidationError lists each refusal and nothing is saved. Names
    and guidance can still be fixed; each change is kept in the criterion's
    history, recorded as made `by`.
    """
    if call.pk is None:
        call.created_by = by
    _refuse_frozen_call_changes(call, criteria_to_save, criteria_to_delete)
    call.full_clean()
    call.save()
    stored = Criterion.objects.filter(call=call).in_bulk()
    scored = _protected_pks(Criterion, list(stored))
    problems = []
    if scored and any(criterion.pk is None for criterion in criteria_to_save):
        problems.append(_("Reviewers have started scoring this call: no criterion can be added."))
    for criterion in criteria_to_delete:
        if criterion.pk in scored:
            problems.append(
                _("The criterion “%(name)s” already has review scores and can't be removed.")
                % {"name": criterion.name}
            )
    for criterion in criteria_to_save:
        if criterion.pk in scored and _meaning_changes(criterion, stored[criterion.pk]):
            problems.append(
                _(
                    "The criterion “%(name)s” already has review scores, so its maximum points "
                    "and weight can't change. You can still fix its name and guidance."
                )
                % {"name": criterion.name}
            )
    if problems:
        raise ValidationError(problems, code="criterion_in_use")
    for criterion in criteria_to_delete:
        try:
            with transaction.atomic():
                criterion._history_user = by
                criterion.delete()
        except ProtectedError as exc:
            # Scored between the check above and now.
            raise ValidationError(
                _("The criterion “%(name)s” already has review scores and can't be removed.")
                % {"name": criterion.name},
                code="criterion_in_use",
            ) from exc
    for position, criterion in enumerate(criteria_to_save):
        criterion.call = call
        criterion.position = position
        criterion.full_clean()
        if _needs_saving(criterion, stored.get(criterion.pk)):
            criterion._history_user = by
            criterion.save()
    return call


@transaction.atomic
def call_parts_save(
    *,
    call: GrantCall,
    part_model: type[CallPart],
    rows_to_save: Sequence[CallPart],
    rows_to_delete: Sequence[CallPart] = (),
    by=None,
) -> None:
    """Delete `rows_to_delete` and save `rows_to_save` as rows of one part of `call`.

    Saved rows are numbered 0, 1, 2… in the order given. A row applications
    already use (answers, files, formal checks: see grants.usage) can't be
    deleted and its meaning (part_model.MEANING_FIELDS) can't change: a
    ValidationError lists every such row and nothing changes. Wording can
    always be fixed; only rows that changed are saved, each change kept in the
    row's history as made `by`.
    """
    for row in [*rows_to_save, *rows_to_delete]:
        if not isinstance(row, part_model):
            raise TypeError(f"Expected {part_model.__name__}, got {type(row).__name__}.")
        if row.pk is not None and row.call_id != call.pk:
            raise ValueError(f"{part_model.__name__} {row.pk} belongs to another call.")
    if GrantCall.objects.filter(pk=call.pk, status=CallStatus.ARCHIVED).exists():
        raise ValidationError(
            _("The call is archived: nothing in it can change."), code="call_archived"
        )
    if part_model is CallQuestion and len(rows_to_save) > MAX_CALL_QUESTIONS:
        raise ValidationError(
            _("A call can have at most %(num)d questions of its own.")
            % {"num": MAX_CALL_QUESTIONS},
            code="too_many_rows",
        )
    if part_model is CallIndicator and len(rows_to_save) > MAX_CALL_INDICATORS:
        raise ValidationError(
            _("A call can require at most %(num)d indicators.") % {"num": MAX_CALL_INDICATORS},
            code="too_many_rows",
        )
    if part_model is CallDocument and len(rows_to_save) > MAX_CALL_DOCUMENTS:
        raise ValidationError(
            _("A call can offer at most %(num)d documents.") % {"num": MAX_CALL_DOCUMENTS},
            code="too_many_rows",
        )
    if part_model is FaqEntry and len(rows_to_save) > MAX_CALL_FAQ_ENTRIES:
        raise ValidationError(
            _("A call's FAQ can have at most %(num)d questions.") % {"num": MAX_CALL_FAQ_ENTRIES},
            code="too_many_rows",
        )
    stored = part_model.objects.filter(call=call).in_bulk(
        [row.pk for row in [*rows_to_save, *rows_to_delete] if row.pk is not None]
    )
    meaning_changes = {
        row.pk: changes
        for row in rows_to_save
        if row.pk in stored and (changes := _meaning_changes(row, stored[row.pk]))
    }
    usage = call_part_usage(
        call=call,
        part_model=part_model,
        pks=[*(row.pk for row in rows_to_delete), *meaning_changes],
    )
    problems = []
    for row in rows_to_delete:
        if count := usage.get(row.pk):
            problems.append(
                ngettext(
                    "“%(row)s” is already used by %(count)s application, so it can't be removed. "
                    "You can still fix its wording.",
                    "“%(row)s” is already used by %(count)s applications, so it can't be removed. "
                    "You can still fix its wording.",
                    count,
                )
                % {"row": row, "count": count}
            )
    for row in rows_to_save:
        if (count := usage.get(row.pk)) and row.pk in meaning_changes:
            problems.append(
                ngettext(
                    "“%(row)s” is already used by %(count)s application, so this can't change: "
                    "%(fields)s. You can still fix its wording.",
                    "“%(row)s” is already used by %(count)s applications, so this can't change: "
                    "%(fields)s. You can still fix its wording.",
                    count,
                )
                % {
                    "row": row,
                    "count": count,
                    "fields": _field_labels(part_model, meaning_changes[row.pk]),
                }
            )
    if problems:
        raise ValidationError(problems, code="part_in_use")
    for row in rows_to_delete:
        row._history_user = by
        try:
            with transaction.atomic():
                row.delete()
        except ProtectedError as exc:
            # Used between the check above and now (a file attached to a requirement:
            # Attachment.requirement protects it).
            raise ValidationError(
                _("“%(row)s” is already used by an application, so it can't be removed.")
                % {"row": row},
                code="part_in_use",
            ) from exc
    stale_files = _files_left_behind(part_model, rows_to_save, rows_to_delete, stored)
    for position, row in enumerate(rows_to_save):
        row.call = call
        row.position = position
        # `call` was set just above from a saved call: checking that it exists
        # would cost one query per row and can't fail.
        row.full_clean(exclude=["call"])
        if _needs_saving(row, stored.get(row.pk)):
            row._history_user = by
            row.save()
    if stale_files:
        # Only once the rows no longer point at them: a save rolled back keeps its files.
        transaction.on_commit(lambda: _files_delete(stale_files))


def _files_left_behind(part_model, rows_to_save, rows_to_delete, stored) -> list:
    """(storage, name) of the files of rows being removed and of files being replaced."""
    file_fields = [
        field for field in part_model._meta.concrete_fields if isinstance(field, models.FileField)
    ]
    left = []
    for field in file_fields:
        for row in rows_to_delete:
            if name := getattr(row, field.attname).name:
                left.append((field.storage, name))
        for row in rows_to_save:
            before = stored.get(row.pk)
            old = getattr(before, field.attname).name if before else ""
            if old and old != getattr(row, field.attname).name:
                left.append((field.storage, old))
    return left


def _files_delete(files) -> None:
    for storage, name in files:
        storage.delete(name)


def call_publish_problems(call: GrantCall) -> dict[str, list[str]]:
    """What stops `call` from being published, by field name ("__all__" for the call)."""
    problems: dict[str, list[str]] = {}
    if not call.criteria.exists():
        problems.setdefault("criteria", []).append(
            _("Add at least one scoring criterion before publishing the call.")
        )
    if call.closes_at <= timezone.now():
        problems.setdefault("closes_at", []).append(
            _("The deadline has already passed; set a closing moment in the future.")
        )
    return problems


@transaction.atomic
def call_publish(*, call: GrantCall, by) -> GrantCall:
    """Publish a draft call: it becomes visible to everyone and accepts applications from opens_at."""
    problems = call_publish_problems(call)
    if problems:
        raise ValidationError(problems)
    return call_transition(call, CallStatus.OPEN, by=by)


@transaction.atomic
def call_close(*, call: GrantCall, by, note: str = "") -> GrantCall:
    """Close a published call now; if it was accepting applications, the deadline becomes now."""
    now = timezone.now()
    call = call_transition(call, CallStatus.CLOSED, by=by, note=note)
    if call.opens_at < now < call.closes_at:
        call.closes_at = now
        call.save(update_fields=["closes_at", "updated_at"])
    return call
