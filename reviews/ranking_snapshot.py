"""Keeping each call's ranking snapshot current (reviews.models_ranking).

Every event that changes a call's ranking calls ranking_changed() in its own
transaction: a review submitted, reopened or corrected, a reviewer assigned,
released or declaring, an application's status moving into, within or out of
the ranked ones, a change of the call's budget or scoring rules. It counts the
change and queues a rebuild; ranking_rebuild() computes the ranking with the
reference query (reviews.ranking.call_ranking) for both orders and replaces the
call's snapshot. Until the rebuild is done the pages show the last snapshot and
say that it is being updated (ranking_snapshot_ensure()).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from applicants.models import Application
from core.queue import task_enqueue
from core.services import change_count
from grants.models import GrantCall
from reviews.models_ranking import RankingEntry, RankingState
from reviews.ranking import RANKED_STATUSES, Ranking, call_ranking
from reviews.selectors import applications_short_of_reviewers

# A stale snapshot of at most this many applications is rebuilt by the page that reads it, at
# once, rather than waiting for the task worker: it costs about as much as reading one page of
# a large call, and the committee of a small call never sees "updating…".
INLINE_REBUILD_UP_TO = 200
# A rebuild queued this long ago without being done (a worker lost it) is queued again.
REQUEUE_AFTER = timedelta(minutes=2)
BULK_BATCH = 1000


def ranking_changed(*, call_id: int) -> None:
    """Count a change of the call's ranking and queue its rebuild (after the transaction commits,
    once however many changes the transaction makes)."""
    change_count(RankingState, call_id=call_id, also={"queued_at": timezone.now()})
    # One rebuild per call and transaction: it runs after the commit and sees every change the
    # transaction made (assigning a call's reviewers makes hundreds).
    task_enqueue("reviews.tasks.ranking_rebuild", once=True, call_id=call_id)


def _entries(call: GrantCall, final: Ranking, normalised: Ranking) -> list[RankingEntry]:
    by_normalised = {row.id: row for row in normalised.rows}
    entries = []
    for row in final.rows:
        other = by_normalised[row.id]
        entries.append(
            RankingEntry(
                call_id=call.pk,
                application_id=row.id,
                reviews=row.reviews,
                assigned_reviewers=row.assigned_reviewers,
                reviews_expected=row.reviews_expected,
                mean=row.mean,
                spread=row.spread,
                final_score=row.final_score,
                normalised=row.normalised,
                flagged=row.flagged,
                below_threshold=row.below_threshold,
                complete=row.complete,
                position_final=row.position,
                running_total_final=row.running_total,
                above_line_final=row.above_funding_line,
                position_normalised=other.position,
                running_total_normalised=other.running_total,
                above_line_normalised=other.above_funding_line,
            )
        )
    return entries


def _summary(final: Ranking, normalised: Ranking) -> dict:
    summary = {
        "row_count": len(final.rows),
        "flagged_count": final.flagged_count,
        "below_threshold_count": final.below_threshold_count,
        "reviews_submitted": final.reviews_submitted,
        "reviews_expected": final.reviews_expected,
    }
    for suffix, ranking in (("final", final), ("normalised", normalised)):
        summary[f"line_after_{suffix}"] = ranking.funding_line_after
        summary[f"above_line_count_{suffix}"] = ranking.above_line_count
        summary[f"requested_above_line_{suffix}"] = ranking.requested_above_line
        summary[f"budget_runs_out_{suffix}"] = ranking.budget_runs_out
    return summary


def ranking_rebuild(*, call_id: int, force: bool = False) -> bool:
    """Replace the call's snapshot with its ranking computed now; whether it was rebuilt.

    Nothing is done when the snapshot is current already (unless `force`). The
    count of changes is read before computing, so a change committed meanwhile
    leaves the snapshot marked stale (its own rebuild follows). The ranking is
    computed outside any lock: events on the call (a review submitted) never wait
    for a rebuild's arithmetic, only for the short write of its rows. Two rebuilds
    of one call take turns for that write, and an older one never replaces a
    newer one's rows.
    """
    state, _created = RankingState.objects.get_or_create(call_id=call_id)
    if state.is_current and not force:
        return False
    seen = state.changes
    call = GrantCall.objects.filter(pk=call_id).first()
    if call is None:
        return False
    final = call_ranking(call, order="final")
    normalised = call_ranking(call, order="normalised")
    short = applications_short_of_reviewers().filter(call_id=call_id).count()
    with transaction.atomic():
        state = RankingState.objects.select_for_update().get(call_id=call_id)
        if state.built_at is not None and state.built_changes > seen:
            return False  # a rebuild that started later wrote newer rows meanwhile
        if state.built_at is not None and state.built_changes == seen and not force:
            return False  # the same changes are built already
        RankingEntry.objects.filter(call_id=call_id).delete()
        RankingEntry.objects.bulk_create(_entries(call, final, normalised), batch_size=BULK_BATCH)
        RankingState.objects.filter(call_id=call_id).update(
            built_changes=seen,
            built_at=timezone.now(),
            short_of_reviewers=short,
            **_summary(final, normalised),
        )
    return True


def ranking_snapshot_ensure(*, call: GrantCall) -> RankingState | None:
    """The call's snapshot state for a page about to read it, made current when that is cheap.

    A small call's stale (or never built) snapshot is rebuilt at once. A large
    one's rebuild is queued if none is (a database from before snapshots, or a
    rebuild lost long ago); the page then shows the last snapshot and says so.
    Returns the state (None for a large call never built yet).
    """
    state = RankingState.objects.filter(call_id=call.pk).first()
    if state is not None and state.is_current:
        return state
    size = state.row_count if state is not None and state.built_at is not None else None
    if size is None:
        size = call_ranked_count(call)
    if size <= INLINE_REBUILD_UP_TO:
        ranking_rebuild(call_id=call.pk)
        return RankingState.objects.get(call_id=call.pk)
    if state is None or state.queued_at is None or state.queued_at < timezone.now() - REQUEUE_AFTER:
        ranking_changed(call_id=call.pk)
        state = RankingState.objects.get(call_id=call.pk)
    return state


def call_ranked_count(call: GrantCall) -> int:
    return Application.objects.filter(call=call, status__in=RANKED_STATUSES).count()


def ranking_rebuild_all(*, call_ids=None, force: bool = True) -> int:
    """Rebuild the snapshots of the calls given (every call by default); how many were rebuilt.

    With `force=False` a current snapshot is left as it is (the demo, loaded again, changes
    nothing that is there).
    """
    ids = (
        list(call_ids)
        if call_ids is not None
        else list(GrantCall.objects.order_by("pk").values_list("pk", flat=True))
    )
    return sum(1 for call_id in ids if ranking_rebuild(call_id=call_id, force=force))


# --- Receivers of the earlier stages' events (connected in reviews.apps) -----------------------

# The call's fields the ranking is computed from (grants.services.RANKING_FIELDS and the budget).
CALL_RANKING_FIELDS = frozenset(
    {
        "total_budget",
        "min_score",
        "discrepancy_threshold",
        "final_score_rule",
        "reviewers_per_application",
    }
)


def ranking_follow_application_status(*, application, old_status, new_status, **kwargs) -> None:
    """Receiver of applicants.signals.application_status_changed, in the move's transaction:
    an application entering, leaving or moving within the ranked statuses changes its call's
    ranking (its row, and the scores of the call every normalised score is measured against)."""
    if old_status in RANKED_STATUSES or new_status in RANKED_STATUSES:
        ranking_changed(call_id=application.call_id)


def ranking_follow_call_save(*, instance, created, update_fields=None, raw=False, **kwargs) -> None:
    """Receiver of post_save for GrantCall: a saved budget or scoring rule changes the ranking.

    A save naming only other fields (a status move) changes nothing here; a save of
    every field may have changed one of them, so it counts as a change.
    """
    if created or raw:
        return
    if update_fields is not None and not CALL_RANKING_FIELDS & set(update_fields):
        return
    ranking_changed(call_id=instance.pk)
