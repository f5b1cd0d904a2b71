"""The ranking's arithmetic: the one SQL query held to the Python reference in reviews.scoring.

Most tests write reviews straight into the tables (a declared assignment and a
submitted review with its `total`): the ranking only reads them, and exact totals
such as 70.01 can't be reached through criteria points. How a total is computed
on submission is tested through the services (builders.submit_review).
"""

import random
import statistics
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory
from grants.enums import FinalScoreRule
from grants.models import Criterion
from grants.tests.factories import GrantCallFactory
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import Review, ReviewAssignment
from reviews.ranking import call_ranking
from reviews.scoring import (
    closest_two_mean,
    is_discrepant,
    mean,
    spread,
    weighted_total,
    z_scores,
)
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)

pytestmark = pytest.mark.django_db

TOLERANCE = 1e-6


def ranked_application(call, *, amount="3000.00", status=ApplicationStatus.IN_REVIEW, **kwargs):
    return ApplicationFactory(
        call=call, status=status, requested_amount=Decimal(amount), version=False, **kwargs
    )


def scored(
    application,
    reviewer,
    total,
    *,
    assignment_status=AssignmentStatus.DECLARED,
    review_status=ReviewStatus.SUBMITTED,
):
    """`reviewer` has reviewed `application` with `total` (written directly: a read-path test)."""
    assignment = ReviewAssignment.objects.create(
        application=application,
        call_id=application.call_id,
        reviewer=reviewer,
        status=assignment_status,
        due_at=timezone.now(),
    )
    Review.objects.create(
        assignment=assignment,
        status=review_status,
        total=Decimal(str(total)) if total is not None else None,
    )
    return assignment


def row_of(ranking, application):
    return next(row for row in ranking.rows if row.id == application.pk)


def ranked_ids(ranking) -> list[int]:
    return [row.id for row in ranking.rows]


# --- Weighted totals --------------------------------------------------------------


def test_weighted_total_divides_weighted_points_by_the_sum_of_weights():
    # 7/10 × 2 + 3/5 × 0.5 = 1.7, over weights 2.5 → 68 out of 100.
    assert weighted_total([(7, 10, Decimal("2")), (3, 5, Decimal("0.5"))]) == Decimal("68.00")


def test_weighted_total_rounds_half_up_to_hundredths():
    assert weighted_total([(1, 3, Decimal("1"))]) == Decimal("33.33")
    assert weighted_total([(2, 3, Decimal("1"))]) == Decimal("66.67")
    # 1/8 × 0.5 over 0.5 = 12.5 %: no binary rounding on the way.
    assert weighted_total([(1, 8, Decimal("0.5"))]) == Decimal("12.50")


def test_weighted_total_does_not_depend_on_the_number_of_criteria():
    assert weighted_total([(10, 10, Decimal("1"))]) == Decimal("100.00")
    assert weighted_total([(10, 10, Decimal("1"))] * 7) == Decimal("100.00")
    assert weighted_total([(0, 5, Decimal("0.5")), (5, 5, Decimal("0.5"))]) == Decimal("50.00")


def test_submitted_review_stores_the_weighted_total_of_its_points():
    call = call_with_criteria()  # Pomysł 0–10 × 2, Budżet 0–5 × 1
    Criterion.objects.create(
        call=call, name="Harmonogram", max_points=5, weight=Decimal("0.5"), position=2
    )
    application = accepted_application(call)
    reviewers_in_pool(call, 2)
    assign_all(call)
    assignment = ReviewAssignment.objects.filter(application=application).first()

    review = submit_review(assignment, {"Pomysł": 7, "Budżet": 3, "Harmonogram": 4})

    review.refresh_from_db()
    expected = weighted_total([(7, 10, Decimal("2")), (3, 5, Decimal("1")), (4, 5, Decimal("0.5"))])
    assert expected == Decimal("68.57")  # (1.4 + 0.6 + 0.4) / 3.5
    assert review.total == expected
    row = row_of(call_ranking(call), application)
    assert (row.reviews, row.assigned_reviewers) == (1, 2)
    assert row.mean == pytest.approx(68.57, abs=TOLERANCE)
    assert not row.complete


# --- The SQL against the Python reference -----------------------------------------


def random_call_with_reviews(seed: int):
    """3–6 reviewers, 5–15 applications, 2–3 reviews each with totals like 73.45.

    Returns the call and, per application, its (reviewer id, total) pairs.
    """
    rng = random.Random(seed)
    call = GrantCallFactory(total_budget=Decimal(rng.choice(["8000", "20000", "35000"])))
    reviewers = [UserFactory() for _ in range(rng.randint(3, 6))]
    reviews: dict[int, list[tuple[int, float]]] = {}
    applications = {}
    for _ in range(rng.randint(5, 15)):
        application = ranked_application(
            call, amount=f"{rng.randint(1000, 5000)}.{rng.randint(0, 99):02d}"
        )
        applications[application.pk] = application
        reviews[application.pk] = []
        for reviewer in rng.sample(reviewers, rng.randint(2, 3)):
            total = rng.randint(0, 10000) / 100
            scored(application, reviewer, total)
            reviews[application.pk].append((reviewer.pk, total))
    return call, applications, reviews


def reference_normalised(reviews: dict[int, list[tuple[int, float]]]) -> dict[int, float]:
    """call mean + call sd (population) × the mean of the application's z-scores."""
    by_reviewer: dict[int, list[tuple[int, float]]] = {}
    for application_id, pairs in reviews.items():
        for reviewer_id, total in pairs:
            by_reviewer.setdefault(reviewer_id, []).append((application_id, total))
    z_of: dict[tuple[int, int], float] = {}
    for reviewer_id, pairs in by_reviewer.items():
        for (application_id, _total), z in zip(
            pairs, z_scores([t for _a, t in pairs]), strict=True
        ):
            z_of[(application_id, reviewer_id)] = z
    everything = [total for pairs in reviews.values() for _r, total in pairs]
    call_mean, call_sd = statistics.fmean(everything), statistics.pstdev(everything)
    return {
        application_id: call_mean
        + call_sd * mean([z_of[(application_id, reviewer_id)] for reviewer_id, _t in pairs])
        for application_id, pairs in reviews.items()
    }


@pytest.mark.parametrize("rule", [FinalScoreRule.MEAN_ALL, FinalScoreRule.CLOSEST_TWO])
@pytest.mark.parametrize("seed", range(8))
def test_ranking_agrees_with_the_python_reference(seed, rule):
    call, applications, reviews = random_call_with_reviews(seed)
    call.final_score_rule = rule
    call.save(update_fields=["final_score_rule"])
    threshold, min_score = float(call.discrepancy_threshold), float(call.min_score)
    normalised = reference_normalised(reviews)

    ranking = call_ranking(call)

    assert sorted(ranked_ids(ranking)) == sorted(reviews)
    for row in ranking.rows:
        totals = [total for _reviewer, total in reviews[row.id]]
        final = closest_two_mean(totals) if rule == FinalScoreRule.CLOSEST_TWO else mean(totals)
        assert row.reviews == len(totals)
        assert row.mean == pytest.approx(mean(totals), abs=TOLERANCE)
        assert row.spread == pytest.approx(spread(totals), abs=TOLERANCE)
        assert row.final_score == pytest.approx(final, abs=TOLERANCE)
        assert row.normalised == pytest.approx(normalised[row.id], abs=TOLERANCE)
        assert row.flagged == is_discrepant(totals, threshold)
        assert row.below_threshold == (final < min_score)
    # Best final score first, ties by reference number; running totals of fundable requests.
    expected_order = sorted(
        ranking.rows,
        key=lambda row: (-round(row.final_score, 6), applications[row.id].number_in_call),
    )
    assert ranked_ids(ranking) == [row.id for row in expected_order]
    running = Decimal("0")
    for row in ranking.rows:
        if row.final_score >= min_score:
            running += applications[row.id].requested_amount
        assert row.running_total == running
        assert row.above_funding_line == (
            row.final_score >= min_score and running <= call.total_budget
        )


@pytest.mark.parametrize("seed", range(4))
def test_ranking_by_normalised_score_agrees_with_the_python_reference(seed):
    call, applications, reviews = random_call_with_reviews(seed)
    normalised = reference_normalised(reviews)

    ranking = call_ranking(call, order="normalised")

    expected = sorted(
        reviews, key=lambda pk: (-round(normalised[pk], 6), applications[pk].number_in_call)
    )
    assert ranked_ids(ranking) == expected
    assert [row.position for row in ranking.rows] == list(range(1, len(expected) + 1))


def test_ranking_counts_only_submitted_reviews_of_active_assignments_in_the_call():
    call = GrantCallFactory()
    reviewers = [UserFactory() for _ in range(5)]
    application = ranked_application(call)
    scored(application, reviewers[0], 80)
    scored(application, reviewers[1], 60)
    scored(application, reviewers[2], 10, review_status=ReviewStatus.DRAFT)
    scored(application, reviewers[3], 0, assignment_status=AssignmentStatus.REMOVED)
    scored(application, reviewers[4], 0, assignment_status=AssignmentStatus.CONFLICT)
    other_call_application = ranked_application(GrantCallFactory())
    scored(other_call_application, reviewers[0], 0)

    row = row_of(call_ranking(call), application)

    assert row.reviews == 2
    assert row.assigned_reviewers == 3  # the draft's assignment is still active
    assert row.final_score == pytest.approx(70)


def test_ranking_ignores_a_submitted_review_without_a_total():
    # Never written by review_submit, but a single such row once made SQLite's
    # STDDEV_POP (Python's statistics.pstdev) fail and took the whole page down.
    call = GrantCallFactory()
    application = ranked_application(call)
    scored(application, UserFactory(), 70)
    scored(application, UserFactory(), None)

    row = row_of(call_ranking(call), application)

    assert (row.reviews, row.final_score, row.normalised) == (1, 70, 70)


def test_ranking_lists_only_applications_accepted_for_review():
    call = GrantCallFactory()
    ranked = [
        ranked_application(call, status=status)
        for status in (
            ApplicationStatus.ACCEPTED_FOR_REVIEW,
            ApplicationStatus.IN_REVIEW,
            ApplicationStatus.REVIEWED,
        )
    ]
    for status in (ApplicationStatus.SUBMITTED, ApplicationStatus.FORMALLY_REJECTED):
        ranked_application(call, status=status)
    ranked_application(call, status=ApplicationStatus.WITHDRAWN)
    ranked_application(GrantCallFactory())

    assert sorted(ranked_ids(call_ranking(call))) == sorted(a.pk for a in ranked)


def test_ranking_puts_unscored_applications_last_in_reference_order():
    call = GrantCallFactory()
    unscored_first = ranked_application(call)
    weaker = ranked_application(call)
    unscored_second = ranked_application(call)
    stronger = ranked_application(call)
    reviewer = UserFactory()
    scored(weaker, reviewer, 40)
    scored(stronger, reviewer, 90)

    for order in ("final", "normalised"):
        ranking = call_ranking(call, order=order)
        assert ranked_ids(ranking) == [
            stronger.pk,
            weaker.pk,
            unscored_first.pk,
            unscored_second.pk,
        ]
        assert [row.position for row in ranking.rows] == [1, 2, 3, 4]
    unscored = row_of(ranking, unscored_first)
    assert (unscored.final_score, unscored.normalised, unscored.spread) == (None, None, None)
    assert not (unscored.flagged or unscored.below_threshold or unscored.above_funding_line)


def test_ranking_breaks_equal_scores_by_reference_number_not_by_rounding_noise():
    # Both means are 32.73, but in binary floating point (10 + 55.46) / 2 is 32.730000000000004.
    call = GrantCallFactory()
    reviewers = [UserFactory(), UserFactory()]
    first, second = ranked_application(call), ranked_application(call)
    for application, totals in ((first, (32.73, 32.73)), (second, (10, 55.46))):
        for reviewer, total in zip(reviewers, totals, strict=True):
            scored(application, reviewer, total)

    assert ranked_ids(call_ranking(call)) == [first.pk, second.pk]


# --- The closest-two rule ---------------------------------------------------------


def final_score_of(totals, *, rule=FinalScoreRule.CLOSEST_TWO):
    call = GrantCallFactory(final_score_rule=rule)
    application = ranked_application(call)
    for total in totals:
        scored(application, UserFactory(), total)
    return row_of(call_ranking(call), application).final_score


def test_closest_two_takes_the_mean_of_the_two_closest_reviews():
    assert final_score_of([40, 70, 72]) == pytest.approx(71)
    assert closest_two_mean([40, 70, 72]) == pytest.approx(71)


def test_closest_two_with_two_reviews_is_the_plain_mean():
    assert final_score_of([40, 90]) == pytest.approx(65)
    assert closest_two_mean([40, 90]) == pytest.approx(65)


def test_closest_two_with_equal_gaps_takes_the_higher_pair():
    assert final_score_of([40, 55, 70]) == pytest.approx(62.5)
    assert closest_two_mean([40, 55, 70]) == pytest.approx(62.5)


def test_closest_two_compares_gaps_in_hundredths_of_a_point():
    # 45.33 − 22.01 and 68.65 − 45.33 are both 23.32, but not in binary floating point:
    # compared as floats, the tie would go to the lower pair.
    assert final_score_of([22.01, 45.33, 68.65]) == pytest.approx(56.99)
    assert closest_two_mean([22.01, 45.33, 68.65]) == pytest.approx(56.99)


def test_mean_of_all_rule_ignores_closeness():
    assert final_score_of([40, 70, 72], rule=FinalScoreRule.MEAN_ALL) == pytest.approx(182 / 3)


# --- Discrepancy flag -------------------------------------------------------------


@pytest.mark.parametrize(
    ("totals", "flagged"),
    [
        ([50, 70], False),
        ([50, 70.01], True),
        ([50, 60, 70], False),
        ([49.99, 70], True),
        ([95], False),
    ],
)
def test_discrepancy_flag_needs_a_spread_above_the_threshold(totals, flagged):
    call = GrantCallFactory(discrepancy_threshold=Decimal("20"))
    application = ranked_application(call)
    for total in totals:
        scored(application, UserFactory(), total)

    ranking = call_ranking(call)

    assert row_of(ranking, application).flagged is flagged
    assert ranking.flagged_count == int(flagged)
    assert is_discrepant([float(t) for t in totals], 20) is flagged


# --- Normalised scores ------------------------------------------------------------


def test_z_scores_of_a_single_review_or_equal_reviews_are_zero():
    assert z_scores([73.0]) == [0.0]
    assert z_scores([70.0, 70.0, 70.0]) == [0.0, 0.0, 0.0]
    assert z_scores([]) == []


def test_normalised_score_of_a_reviewer_with_one_review_is_the_call_mean():
    call = GrantCallFactory()
    once, twice = UserFactory(), UserFactory()
    only = ranked_application(call)
    low, high = ranked_application(call), ranked_application(call)
    scored(only, once, 80)
    scored(low, twice, 40)
    scored(high, twice, 60)

    ranking = call_ranking(call)

    call_mean = 60.0  # (80 + 40 + 60) / 3
    call_sd = statistics.pstdev([80, 40, 60])
    assert row_of(ranking, only).normalised == pytest.approx(call_mean, abs=TOLERANCE)
    assert row_of(ranking, low).normalised == pytest.approx(call_mean - call_sd, abs=TOLERANCE)
    assert row_of(ranking, high).normalised == pytest.approx(call_mean + call_sd, abs=TOLERANCE)


def test_normalised_score_when_a_reviewer_gives_everyone_the_same_total():
    call = GrantCallFactory()
    flat, other = UserFactory(), UserFactory()
    applications = [ranked_application(call) for _ in range(3)]
    for application in applications:
        scored(application, flat, 70)
    scored(applications[0], other, 90)
    scored(applications[1], other, 50)

    ranking = call_ranking(call)

    totals = [70, 70, 70, 90, 50]
    call_mean, call_sd = statistics.fmean(totals), statistics.pstdev(totals)
    # The flat reviewer's z is 0 everywhere; the other one's ±1.
    assert row_of(ranking, applications[0]).normalised == pytest.approx(call_mean + call_sd / 2)
    assert row_of(ranking, applications[1]).normalised == pytest.approx(call_mean - call_sd / 2)
    assert row_of(ranking, applications[2]).normalised == pytest.approx(call_mean)


def test_ranking_of_a_call_with_one_review_in_total():
    call = GrantCallFactory(final_score_rule=FinalScoreRule.CLOSEST_TWO)
    application = ranked_application(call)
    unscored = ranked_application(call)
    scored(application, UserFactory(), 64.5)

    for order in ("final", "normalised"):
        ranking = call_ranking(call, order=order)
        row = row_of(ranking, application)
        assert (row.mean, row.final_score, row.normalised, row.spread) == (64.5, 64.5, 64.5, 0)
        assert not row.flagged
        assert row_of(ranking, unscored).normalised is None


def test_ranking_of_a_call_without_reviews():
    call = GrantCallFactory()
    applications = [ranked_application(call) for _ in range(3)]

    for order in ("final", "normalised"):
        ranking = call_ranking(call, order=order)
        assert ranked_ids(ranking) == [a.pk for a in applications]
        assert all(row.final_score is None and row.normalised is None for row in ranking.rows)
        assert all(row.running_total == 0 for row in ranking.rows)
        assert ranking.funding_line_after is None


def test_ranking_of_a_call_without_applications():
    ranking = call_ranking(GrantCallFactory(), order="normalised")
    assert ranking.rows == []
    assert ranking.funding_line_after is None
    assert ranking.budget_left_at_line == ranking.call.total_budget


def lenient_and_strict_reviewers(call, *, strict_best: float):
    """A strict reviewer (best total `strict_best`, the rest far below) and a lenient one.

    The strict reviewer's best stands 12 points above their own mean; the lenient
    reviewer's best only 5: by z-scores the strict reviewer's best comes first,
    by final score the lenient reviewer's three.
    """
    strict, lenient = UserFactory(), UserFactory()
    by_strict = [ranked_application(call, amount="4000.00") for _ in range(3)]
    by_lenient = [ranked_application(call, amount="4000.00") for _ in range(3)]
    for application, total in zip(
        by_strict, (strict_best, strict_best - 22, strict_best - 14), strict=True
    ):
        scored(application, strict, total)
    for application, total in zip(by_lenient, (90, 80, 85), strict=True):
        scored(application, lenient, total)
    return by_strict, by_lenient


def test_ordering_by_normalised_score_can_differ_from_the_final_score():
    call = GrantCallFactory(min_score=Decimal("30"))
    by_strict, by_lenient = lenient_and_strict_reviewers(call, strict_best=62)
    strict_best, strict_low, strict_mid = by_strict
    lenient_best, lenient_low, lenient_mid = by_lenient

    by_final = call_ranking(call)
    by_normalised = call_ranking(call, order="normalised")

    assert ranked_ids(by_final) == [
        lenient_best.pk,
        lenient_mid.pk,
        lenient_low.pk,
        strict_best.pk,
        strict_mid.pk,
        strict_low.pk,
    ]
    assert ranked_ids(by_normalised) == [
        strict_best.pk,
        lenient_best.pk,
        lenient_mid.pk,
        strict_mid.pk,
        strict_low.pk,
        lenient_low.pk,
    ]
    assert by_normalised.order == "normalised"
    assert call_ranking(call, order="nonsense").order == "final"


# --- The funding line -------------------------------------------------------------


def test_funding_line_falls_where_the_budget_runs_out():
    call = GrantCallFactory(total_budget=Decimal("10000"), min_score=Decimal("60"))
    reviewer = UserFactory()
    applications = [ranked_application(call, amount="4000.00") for _ in range(3)]
    for application, total in zip(applications, (90, 80, 70), strict=True):
        scored(application, reviewer, total)

    ranking = call_ranking(call)

    assert ranked_ids(ranking) == [a.pk for a in applications]
    assert [row.running_total for row in ranking.rows] == [
        Decimal("4000.00"),
        Decimal("8000.00"),
        Decimal("12000.00"),
    ]
    assert [row.above_funding_line for row in ranking.rows] == [True, True, False]
    assert ranking.funding_line_after == 2
    assert ranking.above_line_count == 2
    assert ranking.requested_above_line == Decimal("8000.00")
    assert ranking.budget_left_at_line == Decimal("2000.00")


def test_funding_line_includes_a_request_that_uses_the_budget_exactly():
    call = GrantCallFactory(total_budget=Decimal("8000.00"), min_score=Decimal("60"))
    reviewer = UserFactory()
    applications = [ranked_application(call, amount="4000.00") for _ in range(3)]
    for application, total in zip(applications, (90, 80, 70), strict=True):
        scored(application, reviewer, total)

    ranking = call_ranking(call)

    assert [row.above_funding_line for row in ranking.rows] == [True, True, False]
    assert ranking.budget_left_at_line == Decimal("0.00")


def test_application_below_the_minimum_score_is_never_above_the_line():
    call = GrantCallFactory(total_budget=Decimal("1000000"), min_score=Decimal("60"))
    reviewer = UserFactory()
    good, just_below, at_minimum = (ranked_application(call) for _ in range(3))
    scored(good, reviewer, 75)
    scored(just_below, reviewer, 59.99)
    scored(at_minimum, reviewer, 60)

    ranking = call_ranking(call)

    assert row_of(ranking, good).above_funding_line
    assert row_of(ranking, at_minimum).above_funding_line
    below = row_of(ranking, just_below)
    assert below.below_threshold and not below.above_funding_line
    assert below.running_total == Decimal("6000.00")  # its own request is not counted
    assert ranking.below_threshold_count == 1


def test_normalised_order_does_not_spend_the_budget_on_applications_below_the_minimum():
    # The strict reviewer's best (58) leads by z-score but is below the minimum of 60.
    call = GrantCallFactory(total_budget=Decimal("10000"), min_score=Decimal("60"))
    by_strict, by_lenient = lenient_and_strict_reviewers(call, strict_best=58)
    lenient_best, _lenient_low, lenient_mid = by_lenient

    ranking = call_ranking(call, order="normalised")

    assert ranking.rows[0].id == by_strict[0].pk
    assert not ranking.rows[0].above_funding_line
    assert ranking.rows[0].running_total == Decimal("0.00")
    above = [row.id for row in ranking.rows if row.above_funding_line]
    assert above == [lenient_best.pk, lenient_mid.pk]
    assert ranking.funding_line_after == row_of(ranking, lenient_mid).position == 3
    assert ranking.budget_left_at_line == Decimal("2000.00")


def test_ranking_counts_reviews_submitted_and_expected():
    call = GrantCallFactory(reviewers_per_application=2)
    reviewers = [UserFactory() for _ in range(3)]
    complete, extra, waiting, unassigned = (ranked_application(call) for _ in range(4))
    scored(complete, reviewers[0], 70)
    scored(complete, reviewers[1], 72)
    for reviewer in reviewers:
        scored(extra, reviewer, 60)  # a third reviewer was added for a dispute
    scored(waiting, reviewers[0], 50)
    scored(waiting, reviewers[1], None, review_status=ReviewStatus.DRAFT)

    ranking = call_ranking(call)

    assert [
        (row_of(ranking, a).reviews, row_of(ranking, a).reviews_expected)
        for a in (complete, extra, waiting, unassigned)
    ] == [(2, 2), (3, 3), (1, 2), (0, 2)]
    assert [row_of(ranking, a).complete for a in (complete, extra, waiting, unassigned)] == [
        True,
        True,
        False,
        False,
    ]
    assert (ranking.reviews_submitted, ranking.reviews_expected) == (6, 9)
