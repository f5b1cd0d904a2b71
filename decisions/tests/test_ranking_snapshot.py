"""The ranking snapshot against the reference ranking: any sequence of events, the same numbers.

Kept with the decision stage's tests, as a decision is one of the events. Events go
through the real services; the rebuild each queues runs when its
transaction commits (the immediate task backend), or later, when a test holds
the commits back: the snapshot may then lag, but it must say so.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.services import application_withdraw
from core.states import InvalidMove
from decisions.enums import DecisionOutcome
from decisions.services import decision_record
from grants.enums import FinalScoreRule
from grants.models import GrantCall
from grants.services import call_save
from reviews.enums import ACTIVE_ASSIGNMENT_STATUSES, ReviewStatus
from reviews.models import RankingEntry, RankingState, Review, ReviewAssignment
from reviews.ranking import call_ranking
from reviews.ranking_snapshot import ranking_rebuild
from reviews.selectors import applications_short_of_reviewers
from reviews.services import (
    assignment_add,
    assignment_remove,
    pool_add,
    review_reopen,
)
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    bulk_ranked_call,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)
from reviews.tests.test_ranking import ranked_application

pytestmark = pytest.mark.django_db

TOLERANCE = 1e-9


def snapshot_differences(call: GrantCall) -> list[str]:
    """How the stored snapshot differs from the ranking computed now (empty when equal)."""
    call = GrantCall.objects.get(pk=call.pk)
    state = RankingState.objects.get(call_id=call.pk)
    entries = {entry.application_id: entry for entry in RankingEntry.objects.filter(call=call)}
    problems = []
    for order in ("final", "normalised"):
        reference = call_ranking(call, order=order)
        if set(entries) != {row.id for row in reference.rows}:
            problems.append(f"rows differ: {sorted(entries)} vs {[r.id for r in reference.rows]}")
            continue
        for row in reference.rows:
            entry = entries[row.id]
            exact = {
                "position": (getattr(entry, f"position_{order}"), row.position),
                "running_total": (getattr(entry, f"running_total_{order}"), row.running_total),
                "above_line": (getattr(entry, f"above_line_{order}"), row.above_funding_line),
                "reviews": (entry.reviews, row.reviews),
                "assigned": (entry.assigned_reviewers, row.assigned_reviewers),
                "expected": (entry.reviews_expected, row.reviews_expected),
                "flagged": (entry.flagged, row.flagged),
                "below": (entry.below_threshold, row.below_threshold),
                "complete": (entry.complete, row.complete),
            }
            for name, (stored, computed) in exact.items():
                if stored != computed:
                    problems.append(f"{order} #{row.id} {name}: {stored} != {computed}")
            for name in ("mean", "spread", "final_score", "normalised"):
                stored, computed = getattr(entry, name), getattr(row, name)
                if (stored is None) != (computed is None) or (
                    stored is not None and abs(stored - computed) > TOLERANCE
                ):
                    problems.append(f"{order} #{row.id} {name}: {stored} != {computed}")
        summary = {
            "line_after": reference.funding_line_after,
            "above_line_count": reference.above_line_count,
            "requested_above_line": reference.requested_above_line,
            "budget_runs_out": reference.budget_runs_out,
        }
        for name, computed in summary.items():
            if getattr(state, f"{name}_{order}") != computed:
                problems.append(f"summary {name}_{order}: {getattr(state, f'{name}_{order}')}")
    reference = call_ranking(call)
    for name in ("flagged_count", "below_threshold_count", "reviews_submitted", "reviews_expected"):
        if getattr(state, name) != getattr(reference, name):
            problems.append(f"summary {name}: {getattr(state, name)} != {getattr(reference, name)}")
    if state.row_count != len(reference.rows):
        problems.append(f"summary row_count: {state.row_count} != {len(reference.rows)}")
    short = applications_short_of_reviewers().filter(call=call).count()
    if state.short_of_reviewers != short:
        problems.append(f"summary short_of_reviewers: {state.short_of_reviewers} != {short}")
    return problems


def small_call(*, applications: int = 3, reviewers: int = 3):
    """A call in review: `applications` applications, `reviewers` reviewers in its pool, the
    first two of them assigned to every application."""
    call = call_with_criteria(
        past_deadline=True,
        total_budget=Decimal("7000"),
        min_score=Decimal("40"),
        discrepancy_threshold=Decimal("20"),
        reviewers_per_application=2,
    )
    coordinator = CoordinatorFactory()
    people = [UserFactory() for _ in range(reviewers)]
    for reviewer in people:
        pool_add(call=call, reviewer=reviewer, by=coordinator)
    apps = [
        ranked_application(call, amount=f"{2000 + 500 * index}.00") for index in range(applications)
    ]
    for app in apps:
        for reviewer in people[:2]:
            assignment_add(
                application=app,
                reviewer=reviewer,
                due_at=timezone.now() + timedelta(days=7),
                by=coordinator,
            )
    ranking_rebuild(call_id=call.pk)
    return call, apps, people, coordinator


def _active(application, reviewer):
    return (
        ReviewAssignment.objects.filter(
            application=application, reviewer=reviewer, status__in=ACTIVE_ASSIGNMENT_STATUSES
        )
        .select_related("call")
        .first()
    )


def apply_event(event, *, call, apps, people, coordinator) -> None:
    """Run one event through the services; a refusal (the service says no) changes nothing."""
    kind, *args = event
    try:
        if kind == "add":
            app, reviewer = apps[args[0]], people[args[1]]
            if _active(app, reviewer) is None:
                assignment_add(
                    application=app,
                    reviewer=reviewer,
                    due_at=timezone.now() + timedelta(days=7),
                    by=coordinator,
                )
        elif kind == "submit":  # the k-th assignment still waiting for its review
            waiting = list(
                ReviewAssignment.objects.filter(call=call, status__in=ACTIVE_ASSIGNMENT_STATUSES)
                .exclude(review__status=ReviewStatus.SUBMITTED)
                .select_related("call")
                .order_by("pk")
            )
            if waiting:
                submit_review(
                    waiting[args[0] % len(waiting)], {"Pomysł": args[1], "Budżet": args[2]}
                )
        elif kind == "reopen":  # the k-th submitted review
            submitted = list(
                Review.objects.filter(
                    assignment__call=call, status=ReviewStatus.SUBMITTED
                ).order_by("pk")
            )
            if submitted:
                review_reopen(
                    review=submitted[args[0] % len(submitted)], by=coordinator, note="Popraw."
                )
        elif kind == "remove":  # the k-th active assignment
            active = list(
                ReviewAssignment.objects.filter(
                    call=call, status__in=ACTIVE_ASSIGNMENT_STATUSES
                ).order_by("pk")
            )
            if active:
                assignment_remove(assignment=active[args[0] % len(active)], by=coordinator)
        elif kind == "withdraw":
            app = apps[args[0]]
            app.refresh_from_db()
            application_withdraw(application=app, by=app.applicant)
        elif kind == "decide":
            app = apps[args[0]]
            app.refresh_from_db()
            decision_record(
                application=app,
                outcome=DecisionOutcome.REJECTED,
                justification="Za mało punktów.",
                by=coordinator,
            )
        elif kind == "call":
            stored = GrantCall.objects.get(pk=call.pk)
            setattr(stored, args[0], args[1])
            call_save(call=stored, criteria_to_save=list(stored.criteria.all()), by=coordinator)
    except (ValidationError, InvalidMove):
        pass


app = st.integers(0, 2)
call_changes = st.one_of(
    st.tuples(
        st.just("total_budget"),
        st.sampled_from([Decimal("2500"), Decimal("6000"), Decimal("20000")]),
    ),
    st.tuples(st.just("min_score"), st.sampled_from([Decimal("0"), Decimal("55")])),
    st.tuples(st.just("discrepancy_threshold"), st.sampled_from([Decimal("5"), Decimal("30")])),
    st.tuples(st.just("final_score_rule"), st.sampled_from(FinalScoreRule)),
    st.tuples(st.just("reviewers_per_application"), st.sampled_from([1, 3])),
)
# Reviews come and go most often, as in a real call: listed more than once to be drawn more often.
events = st.one_of(
    st.tuples(st.just("submit"), st.integers(0, 9), st.integers(0, 10), st.integers(0, 5)),
    st.tuples(st.just("submit"), st.integers(0, 9), st.integers(0, 10), st.integers(0, 5)),
    st.tuples(st.just("reopen"), st.integers(0, 9)),
    st.tuples(st.just("add"), app, st.integers(0, 2)),
    st.tuples(st.just("remove"), st.integers(0, 9)),
    st.tuples(st.just("withdraw"), app),
    st.tuples(st.just("decide"), app),
    call_changes.map(lambda change: ("call", *change)),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(events, st.booleans()), min_size=3, max_size=12))
def test_ranking_snapshot_equals_the_reference_after_any_events(
    django_capture_on_commit_callbacks, steps
):
    call, apps, people, coordinator = small_call()
    held_back = []
    for event, commits in steps:
        with django_capture_on_commit_callbacks(execute=commits) as callbacks:
            apply_event(event, call=call, apps=apps, people=people, coordinator=coordinator)
        if not commits:
            held_back.extend(callbacks)
        state = RankingState.objects.get(call_id=call.pk)
        if state.is_current:
            # Current by its own word: then it is equal to the ranking computed now.
            assert snapshot_differences(call) == [], event
    # The rebuilds held back run late (a busy worker): in the end the snapshot is current.
    for callback in held_back:
        callback()
    assert RankingState.objects.get(call_id=call.pk).is_current
    assert snapshot_differences(call) == []


def test_ranking_snapshot_says_it_is_behind_until_its_rebuild_runs(
    django_capture_on_commit_callbacks,
):
    call, apps, people, coordinator = small_call()
    with django_capture_on_commit_callbacks(execute=False) as held:
        apply_event(("add", 0, 2), call=call, apps=apps, people=people, coordinator=coordinator)

    assert not RankingState.objects.get(call_id=call.pk).is_current
    assert RankingEntry.objects.get(application=apps[0]).assigned_reviewers == 2  # the old one
    for callback in held:
        callback()
    assert RankingState.objects.get(call_id=call.pk).is_current
    assert RankingEntry.objects.get(application=apps[0]).assigned_reviewers == 3


@pytest.mark.parametrize(
    "event",
    [
        ("add", 0, 2),
        ("remove", 0),
        ("withdraw", 1),
        ("call", "total_budget", Decimal("2500")),
        ("call", "min_score", Decimal("55")),
        ("call", "final_score_rule", FinalScoreRule.CLOSEST_TWO),
        ("call", "discrepancy_threshold", Decimal("5")),
        ("call", "reviewers_per_application", 3),
    ],
)
def test_ranking_snapshot_follows_each_event(django_capture_on_commit_callbacks, event):
    call, apps, people, coordinator = small_call()
    before = RankingState.objects.get(call_id=call.pk).changes

    with django_capture_on_commit_callbacks(execute=True):
        apply_event(event, call=call, apps=apps, people=people, coordinator=coordinator)

    state = RankingState.objects.get(call_id=call.pk)
    assert state.changes > before
    assert state.is_current
    assert snapshot_differences(call) == []


def test_ranking_snapshot_follows_reviews_submitted_and_reopened(
    django_capture_on_commit_callbacks,
):
    call, apps, people, coordinator = small_call()
    env = {"call": call, "apps": apps, "people": people, "coordinator": coordinator}
    with django_capture_on_commit_callbacks(execute=True):
        apply_event(("submit", 0, 9, 4), **env)  # the first application's first reviewer
    with django_capture_on_commit_callbacks(execute=True):
        apply_event(("submit", 0, 2, 1), **env)  # and its second
    entry = RankingEntry.objects.get(application=apps[0])
    assert entry.reviews == 2 and entry.position_final == 1
    assert snapshot_differences(call) == []

    with django_capture_on_commit_callbacks(execute=True):
        apply_event(("reopen", 0), **env)
    assert RankingEntry.objects.get(application=apps[0]).reviews == 1
    assert snapshot_differences(call) == []


def test_assignments_auto_queues_one_ranking_rebuild_for_its_call(
    settings, django_capture_on_commit_callbacks
):
    """Assigning a whole call's reviewers makes a change per assignment and per application
    moved into review: the queue gets one rebuild, which brings the ranking up to date."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call = call_with_criteria(reviewers_per_application=2)
    for _ in range(5):
        accepted_application(call)
    reviewers_in_pool(call, 4)
    ranking_rebuild(call_id=call.pk)

    with django_capture_on_commit_callbacks(execute=True):
        result = assign_all(call)

    assert result["created"] == 10
    (rebuild,) = DBTaskResult.objects.filter(task_path="reviews.tasks.ranking_rebuild")
    assert rebuild.args_kwargs == {"args": [], "kwargs": {"call_id": call.pk}}
    assert not RankingState.objects.get(call_id=call.pk).is_current  # "updating…" till it runs
    rebuild.task.call(**rebuild.args_kwargs["kwargs"])
    assert RankingState.objects.get(call_id=call.pk).is_current
    assert {entry.assigned_reviewers for entry in RankingEntry.objects.filter(call=call)} == {2}
    assert snapshot_differences(call) == []


# --- The pages ---------------------------------------------------------------------------------


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory())
    return client


def test_ranking_page_says_it_is_updating_while_a_large_calls_rebuild_waits(
    coordinator_client, django_capture_on_commit_callbacks, monkeypatch
):
    from reviews import ranking_snapshot

    monkeypatch.setattr(ranking_snapshot, "INLINE_REBUILD_UP_TO", 0)  # every call is "large"
    call, apps, people, coordinator = small_call()
    url = reverse("review_manage:ranking", args=[call.pk])
    status_url = reverse("review_manage:ranking_status", args=[call.pk])
    with django_capture_on_commit_callbacks(execute=False) as held:
        apply_event(("withdraw", 0), call=call, apps=apps, people=people, coordinator=coordinator)

    stale = coordinator_client.get(url)
    polled = coordinator_client.get(status_url)
    for callback in held:
        callback()
    done = coordinator_client.get(status_url)
    fresh = coordinator_client.get(url)

    assert "Ranking jest aktualizowany" in stale.text
    assert apps[0].reference_number in stale.text  # the last snapshot, withdrawn or not
    assert f'data-hx-get="{status_url}"' in stale.text
    assert "Ranking jest aktualizowany" in polled.text
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    assert "Ranking jest aktualizowany" not in fresh.text
    assert apps[0].reference_number not in fresh.text


def test_ranking_page_of_a_call_never_built_builds_or_queues_it(coordinator_client):
    call = GrantCall.objects.get(pk=bulk_ranked_call(3).pk)
    RankingState.objects.filter(call=call).delete()
    RankingEntry.objects.filter(call=call).delete()

    response = coordinator_client.get(reverse("review_manage:ranking", args=[call.pk]))

    assert len(response.context["rows"]) == 3
    assert RankingState.objects.get(call=call).is_current


def test_ranking_page_reads_the_same_queries_for_3_or_130_rows_on_any_page(
    coordinator_client, django_assert_max_num_queries
):
    small, large = bulk_ranked_call(3), bulk_ranked_call(130)
    url = reverse("review_manage:ranking", args=[small.pk])
    coordinator_client.get(url)
    with django_assert_max_num_queries(8) as few:
        coordinator_client.get(url)
    for query in ("", "?page=2", "?page=2&q=projekt&order=normalised"):
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = coordinator_client.get(
                reverse("review_manage:ranking", args=[large.pk]) + query
            )
        assert response.status_code == 200


def test_ranking_rebuild_command_builds_every_call(capsys):
    call = bulk_ranked_call(2)
    RankingEntry.objects.filter(call=call).delete()
    RankingState.objects.filter(call=call).delete()

    call_command("ranking_rebuild", "--call", str(call.pk))

    assert RankingEntry.objects.filter(call=call).count() == 2
    assert RankingState.objects.get(call=call).is_current
    assert snapshot_differences(call) == []


@pytest.mark.parametrize("rebuilt", [True, False], ids=["snapshot current", "snapshot behind"])
def test_coordinator_start_page_counts_applications_short_of_reviewers_from_the_snapshot_or_live(
    coordinator_client, django_capture_on_commit_callbacks, django_assert_max_num_queries, rebuilt
):
    call, apps, people, coordinator = small_call()
    with django_capture_on_commit_callbacks(execute=rebuilt):
        for app in apps[:2]:  # two applications lose one of their two reviewers
            assignment_remove(assignment=_active(app, people[0]), by=coordinator)
    assert RankingState.objects.get(call_id=call.pk).is_current is rebuilt

    with django_assert_max_num_queries(14):
        response = coordinator_client.get(reverse("manage_root"))

    assert "2 wnioski wciąż potrzebują recenzentów" in response.content.decode()
