"""The ranking of a call, computed in the database in one query.

For every application accepted for review: the mean, spread and number of
submitted reviews, the final score (mean of all, or mean of the two closest),
the discrepancy flag, a normalised score that removes each reviewer's own
leniency or severity (z-scores against their own mean and spread, mapped back
onto the 0–100 scale of the whole call), the running total of the amounts
requested by fundable applications (scored, at or above the call's minimum) in
ranking order, and where the call's budget runs out.

One SQL statement with common table expressions and window functions, which
SQLite (3.25+) and PostgreSQL both run; STDDEV_POP is native in PostgreSQL and
registered by Django's SQLite backend. The reference arithmetic lives in
reviews.scoring and the tests hold this query to it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from applicants.enums import DECIDED_STATUSES, REVIEW_STAGE_STATUSES, ApplicationStatus
from grants.enums import FinalScoreRule
from grants.models import GrantCall
from reviews.enums import ACTIVE_ASSIGNMENT_STATUSES, ReviewStatus

ZERO = Decimal("0.00")

# Published outcomes stay in the ranking: the committee's table doesn't lose
# rows (or move its funding line) when results are published. (In the pipeline's order.)
RANKED_STATUSES = [
    status
    for status in ApplicationStatus
    if status in REVIEW_STAGE_STATUSES or status in DECIDED_STATUSES
]

# Scores are compared rounded to 6 decimals: the same mean reached by different
# sums can differ in the last binary digit ((10 + 55.46) / 2 is 32.730000000000004,
# not 32.73), and that noise must not decide a tie the reference number decides.
ORDERS = {
    # Unscored applications go last; ties by reference number.
    "final": (
        "CASE WHEN j.final_score IS NULL THEN 1 ELSE 0 END, "
        "ROUND(CAST(j.final_score AS NUMERIC), 6) DESC, j.number_in_call, j.id"
    ),
    "normalised": (
        "CASE WHEN j.normalised IS NULL THEN 1 ELSE 0 END, "
        "ROUND(CAST(j.normalised AS NUMERIC), 6) DESC, j.number_in_call, j.id"
    ),
}

# {m} is MATERIALIZED on PostgreSQL: each step is then computed once. Left to itself,
# PostgreSQL inlines a step used once and, when its row estimates are off (a call's
# reviews just written, statistics not yet refreshed), re-runs the call's averages for
# every pair of rows: 500 applications took 100 seconds instead of 30 milliseconds.
# SQLite computes them once as it is (and knows MATERIALIZED only from 3.35).
RANKING_SQL = """
WITH r AS {m} (
    -- A submitted review always has its total; the guard keeps a stray NULL from reaching
    -- STDDEV_POP, which on SQLite is Python's statistics.pstdev and fails on None.
    SELECT rv.id AS review_id, ra.application_id, ra.reviewer_id,
           CAST(rv.total AS DOUBLE PRECISION) AS total
    FROM reviews_review rv
    JOIN reviews_reviewassignment ra ON ra.id = rv.assignment_id
    WHERE ra.call_id = %(call_id)s AND rv.status = %(review_submitted)s
          AND ra.status IN ({active_assignment})
          AND rv.total IS NOT NULL
),
reviewer_stats AS {m} (
    SELECT reviewer_id, AVG(total) AS m, STDDEV_POP(total) AS sd, COUNT(*) AS n
    FROM r GROUP BY reviewer_id
),
call_stats AS {m} (
    SELECT AVG(total) AS m, STDDEV_POP(total) AS sd FROM r
),
rz AS {m} (
    -- The two closest of an application's reviews are neighbours once its totals are
    -- sorted: each review is paired with the one just below it.
    SELECT r.application_id, r.total,
           CASE WHEN rs.n > 1 AND rs.sd > 1e-9 THEN (r.total - rs.m) / rs.sd ELSE 0 END AS z,
           r.total - LAG(r.total) OVER (PARTITION BY r.application_id ORDER BY r.total, r.review_id)
               AS gap,
           (r.total + LAG(r.total) OVER (PARTITION BY r.application_id ORDER BY r.total, r.review_id))
               / 2.0 AS pair_mean
    FROM r JOIN reviewer_stats rs ON rs.reviewer_id = r.reviewer_id
),
paired AS {m} (
    -- Totals have two decimals: gaps are compared in whole hundredths, or binary noise
    -- (45.33 - 22.01 > 68.65 - 45.33) would break a tie; a tie goes to the higher pair.
    SELECT application_id, total, z, pair_mean,
           ROW_NUMBER() OVER (
               PARTITION BY application_id
               ORDER BY CASE WHEN gap IS NULL THEN 1 ELSE 0 END, ROUND(gap * 100), pair_mean DESC
           ) AS pair_rank
    FROM rz
),
agg AS {m} (
    SELECT application_id, AVG(total) AS mean, MAX(total) - MIN(total) AS spread,
           COUNT(*) AS reviews, AVG(z) AS mean_z,
           MAX(CASE WHEN pair_rank = 1 THEN pair_mean END) AS closest_pair_mean
    FROM paired GROUP BY application_id
),
scored AS {m} (
    SELECT agg.application_id, agg.mean, agg.spread, agg.reviews,
           CASE WHEN %(closest_two)s = 1 AND agg.reviews >= 3 THEN agg.closest_pair_mean
                ELSE agg.mean END AS final_score,
           cs.m + COALESCE(cs.sd, 0) * agg.mean_z AS normalised
    FROM agg CROSS JOIN call_stats cs
),
assigned AS {m} (
    SELECT application_id, COUNT(*) AS active
    FROM reviews_reviewassignment
    WHERE call_id = %(call_id)s AND status IN ({active_assignment})
    GROUP BY application_id
),
-- Applications, their scores and their reviewer counts side by side, one row each: a
-- UNION ALL grouped by application (a sort) rather than joins on the computed steps,
-- which SQLite would run as a scan per application (quadratic at thousands of rows).
combined AS (
    SELECT a.id AS application_id, 1 AS is_application, a.reference_number, a.title,
           a.applicant_name, a.applicant_kind, a.status, a.requested_amount, a.number_in_call,
           CAST(NULL AS DOUBLE PRECISION) AS mean, CAST(NULL AS DOUBLE PRECISION) AS spread,
           CAST(NULL AS BIGINT) AS reviews, CAST(NULL AS DOUBLE PRECISION) AS final_score,
           CAST(NULL AS DOUBLE PRECISION) AS normalised, CAST(NULL AS BIGINT) AS active
    FROM applicants_application a
    WHERE a.call_id = %(call_id)s AND a.status IN ({ranked})
    UNION ALL
    SELECT application_id, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           mean, spread, reviews, final_score, normalised, NULL
    FROM scored
    UNION ALL
    SELECT application_id, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, active
    FROM assigned
),
joined AS {m} (
    SELECT application_id AS id, MAX(reference_number) AS reference_number, MAX(title) AS title,
           MAX(applicant_name) AS applicant_name, MAX(applicant_kind) AS applicant_kind,
           MAX(status) AS status, MAX(requested_amount) AS requested_amount,
           MAX(number_in_call) AS number_in_call, MAX(mean) AS mean, MAX(spread) AS spread,
           MAX(reviews) AS reviews, MAX(final_score) AS final_score, MAX(normalised) AS normalised,
           MAX(active) AS active
    FROM combined
    GROUP BY application_id
    HAVING MAX(is_application) = 1
),
ranked AS (
    SELECT j.id, j.reference_number, j.title, j.applicant_name, j.applicant_kind, j.status,
           j.requested_amount, j.number_in_call,
           j.mean, j.spread, COALESCE(j.reviews, 0) AS reviews, j.final_score, j.normalised,
           COALESCE(j.active, 0) AS assigned_reviewers,
           ROW_NUMBER() OVER (ORDER BY {order}) AS position,
           -- Only what can be funded uses up the budget: an application without a final
           -- score or below the minimum adds nothing (in the normalised order it can
           -- stand above fundable ones).
           SUM(CASE WHEN j.final_score >= %(fundable_from)s THEN j.requested_amount ELSE 0 END)
               OVER (ORDER BY {order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
               AS running_total
    FROM joined j
)
SELECT * FROM ranked ORDER BY position
"""


@dataclass(frozen=True)
class RankingRow:
    id: int
    position: int
    reference_number: str
    title: str
    applicant_name: str
    applicant_kind: str
    status: str
    requested_amount: Decimal
    running_total: Decimal
    reviews: int
    assigned_reviewers: int
    mean: float | None
    spread: float | None
    final_score: float | None
    normalised: float | None
    flagged: bool
    below_threshold: bool
    above_funding_line: bool
    # The call's reviewers per application, or more if more are assigned.
    reviews_expected: int = 0

    @property
    def fundable(self) -> bool:
        """Scored and at or above the call's minimum: its request counts in the running total."""
        return self.final_score is not None and not self.below_threshold

    @property
    def complete(self) -> bool:
        """Every expected review is in."""
        return self.final_score is not None and self.reviews >= self.reviews_expected


@dataclass(frozen=True)
class Ranking:
    call: GrantCall
    order: str
    rows: list[RankingRow]

    @property
    def funding_line_after(self) -> int | None:
        """Position of the last application the budget covers in full (None if none fits)."""
        inside = [row.position for row in self.rows if row.above_funding_line]
        return max(inside) if inside else None

    @property
    def flagged_count(self) -> int:
        return sum(1 for row in self.rows if row.flagged)

    @property
    def budget_runs_out(self) -> bool:
        """Some application that could be funded doesn't fit in the budget any more."""
        return any(row.fundable and not row.above_funding_line for row in self.rows)

    @property
    def above_line_count(self) -> int:
        return sum(1 for row in self.rows if row.above_funding_line)

    @property
    def below_threshold_count(self) -> int:
        return sum(1 for row in self.rows if row.below_threshold)

    @property
    def requested_above_line(self) -> Decimal:
        return sum((row.requested_amount for row in self.rows if row.above_funding_line), ZERO)

    @property
    def budget_left_at_line(self) -> Decimal:
        return self.call.total_budget - self.requested_above_line

    @property
    def reviews_submitted(self) -> int:
        return sum(row.reviews for row in self.rows)

    @property
    def reviews_expected(self) -> int:
        return sum(row.reviews_expected for row in self.rows)


def _in_list(name: str, values) -> tuple[str, dict[str, str]]:
    """Placeholders for `IN (…)` and their parameters: the statuses come from the enums,
    passed as parameters like any value, never pasted into the SQL."""
    params = {f"{name}_{i}": str(value) for i, value in enumerate(sorted(values))}
    return ", ".join(f"%({key})s" for key in params), params


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else ZERO


def call_ranking(call: GrantCall, *, order: str = "final") -> Ranking:
    """Every application of `call` accepted for review, ranked; one query whatever the size."""
    if order not in ORDERS:
        order = "final"
    ranked, ranked_params = _in_list("ranked", RANKED_STATUSES)
    active, active_params = _in_list("active", ACTIVE_ASSIGNMENT_STATUSES)
    materialized = "MATERIALIZED" if connection.vendor == "postgresql" else ""
    sql = RANKING_SQL.format(
        order=ORDERS[order], ranked=ranked, active_assignment=active, m=materialized
    )
    min_score = float(call.min_score)
    params = {
        **ranked_params,
        **active_params,
        "review_submitted": str(ReviewStatus.SUBMITTED),
        "call_id": call.pk,
        "closest_two": 1 if call.final_score_rule == FinalScoreRule.CLOSEST_TWO else 0,
        # The same tolerance as below_threshold, so the SQL and the flags agree.
        "fundable_from": min_score - 1e-9,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        raw = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    threshold = float(call.discrepancy_threshold)
    budget = call.total_budget
    rows = []
    for item in raw:
        final = float(item["final_score"]) if item["final_score"] is not None else None
        spread = float(item["spread"]) if item["spread"] is not None else None
        running_total = _money(item["running_total"])
        rows.append(
            RankingRow(
                id=item["id"],
                position=item["position"],
                reference_number=item["reference_number"] or "",
                title=item["title"],
                applicant_name=item["applicant_name"],
                applicant_kind=item["applicant_kind"],
                status=item["status"],
                requested_amount=_money(item["requested_amount"]),
                running_total=running_total,
                reviews=item["reviews"],
                assigned_reviewers=item["assigned_reviewers"],
                mean=float(item["mean"]) if item["mean"] is not None else None,
                spread=spread,
                final_score=final,
                normalised=float(item["normalised"]) if item["normalised"] is not None else None,
                flagged=spread is not None and item["reviews"] >= 2 and spread > threshold + 1e-9,
                below_threshold=final is not None and final < min_score - 1e-9,
                # The running total counts only fundable requests in ranking order, so
                # the fundable rows that fit come first among the fundable ones.
                above_funding_line=final is not None
                and final >= min_score - 1e-9
                and running_total <= budget,
                reviews_expected=max(item["assigned_reviewers"], call.reviewers_per_application),
            )
        )
    return Ranking(call=call, order=order, rows=rows)
