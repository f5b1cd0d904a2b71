"""Review arithmetic in plain Python: weighted totals, the final score, spread, z-scores.

The ranking computes the same numbers in the database (reviews.ranking); these
functions are the reference the tests hold it to, and what the review form
uses for a single review.
"""

import itertools
import math
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


def round2(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def weighted_total(scores: Iterable[tuple[int, int, Decimal]]) -> Decimal:
    """A review's total on a 0–100 scale from (points, max points, weight) per criterion.

    Each criterion counts as points / max × weight; the sum is divided by the
    sum of weights, so the total doesn't depend on how many criteria there are.
    """
    numerator = Decimal("0")
    weights = Decimal("0")
    for points, max_points, weight in scores:
        weight = Decimal(weight)
        numerator += Decimal(points) / Decimal(max_points) * weight
        weights += weight
    if weights == 0:
        return Decimal("0.00")
    return round2(numerator / weights * 100)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def spread(values: Sequence[float]) -> float | None:
    return max(values) - min(values) if values else None


def closest_two_mean(values: Sequence[float]) -> float | None:
    """Mean of the two reviews closest to each other (ties: the higher pair); all if fewer than 3."""
    if len(values) < 3:
        return mean(values)
    best = None
    ordered = sorted(values)
    for low, high in itertools.pairwise(ordered):
        # Totals are kept to the hundredth: compare gaps in whole hundredths, so a tie
        # is a tie (in binary floats 45.33 − 22.01 and 68.65 − 45.33 differ).
        key = (round((high - low) * 100), -(low + high))
        if best is None or key < best[0]:
            best = (key, (low + high) / 2)
    return best[1]


def is_discrepant(values: Sequence[float], threshold: float) -> bool:
    """Two reviews differ by more than the threshold (the boundary itself is not a discrepancy)."""
    return len(values) >= 2 and (max(values) - min(values)) > threshold + 1e-9


def z_scores(values: Sequence[float]) -> list[float]:
    """Standardise one reviewer's totals against their own mean and (population) spread.

    With one review, or all reviews equal, there is no spread to divide by: every z is 0.
    """
    if len(values) < 2:
        return [0.0 for _ in values]
    m = sum(values) / len(values)
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / len(values))
    if sd < 1e-9:
        return [0.0 for _ in values]
    return [(v - m) / sd for v in values]
