"""Who reviews what: a plan of assignments that respects conflicts and spreads the load evenly.

Pure functions on plain data, so the rules can be tested with hypothesis
without a database; reviews.services turns a plan into rows.
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CandidateApplication:
    id: int
    applicant_id: int | None
    organisation_keys: frozenset[str] = (
        frozenset()
    )  # e.g. {"krs:0000123456", "name:fundacja zielona"}
    team_ids: frozenset[int] = frozenset()  # the editors on its team (the lead is applicant_id)


@dataclass(frozen=True)
class CandidateReviewer:
    id: int
    organisation_keys: frozenset[str] = frozenset()


@dataclass
class AssignmentPlan:
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (application id, reviewer id)
    short: dict[int, int] = field(default_factory=dict)  # application id -> reviewers still missing


def may_review(
    application: CandidateApplication, reviewer: CandidateReviewer, conflicts: set[tuple[int, int]]
) -> bool:
    """Never one's own application (led or edited), one's organisation's, or one with a
    declared conflict."""
    if application.applicant_id is not None and application.applicant_id == reviewer.id:
        return False
    if reviewer.id in application.team_ids:
        return False
    if application.organisation_keys & reviewer.organisation_keys:
        return False
    return (application.id, reviewer.id) not in conflicts


def plan_assignments(
    applications: Iterable[CandidateApplication],
    reviewers: Iterable[CandidateReviewer],
    *,
    per_application: int,
    existing: Iterable[tuple[int, int]] = (),
    conflicts: Iterable[tuple[int, int]] = (),
    seed: int = 0,
) -> AssignmentPlan:
    """Give every application `per_application` reviewers, the least loaded first.

    Existing (application, reviewer) pairs count towards both the application's
    reviewers and the reviewer's load. Applications with the fewest possible
    reviewers are served first, so conflicts don't leave them short; among
    reviewers with the same load the order is shuffled with `seed`, so the same
    people don't always come first.
    """
    applications = list(applications)
    reviewers = list(reviewers)
    conflicts = set(conflicts)
    existing = set(existing)
    rng = random.Random(seed)  # noqa: S311 -- a reproducible tie-break, not a secret
    tiebreak = {reviewer.id: rng.random() for reviewer in reviewers}
    load = {reviewer.id: 0 for reviewer in reviewers}
    assigned: dict[int, set[int]] = {application.id: set() for application in applications}
    for application_id, reviewer_id in existing:
        if reviewer_id in load:
            load[reviewer_id] += 1
        if application_id in assigned:
            assigned[application_id].add(reviewer_id)

    eligible = {
        application.id: [r for r in reviewers if may_review(application, r, conflicts)]
        for application in applications
    }
    plan = AssignmentPlan()
    # Scarce applications first; then by id for a stable, reproducible order.
    for application in sorted(applications, key=lambda a: (len(eligible[a.id]), a.id)):
        needed = per_application - len(assigned[application.id])
        if needed <= 0:
            continue
        candidates = [r for r in eligible[application.id] if r.id not in assigned[application.id]]
        candidates.sort(key=lambda r: (load[r.id], tiebreak[r.id]))
        for reviewer in candidates[:needed]:
            plan.pairs.append((application.id, reviewer.id))
            assigned[application.id].add(reviewer.id)
            load[reviewer.id] += 1
        missing = per_application - len(assigned[application.id])
        if missing > 0:
            plan.short[application.id] = missing
    return plan


def organisation_keys(*, krs: str = "", organisation_name: str = "") -> frozenset[str]:
    """How an organisation is recognised across profiles: its KRS number, or its name."""
    keys = set()
    if krs:
        keys.add(f"krs:{krs.strip()}")
    if organisation_name.strip():
        keys.add("name:" + " ".join(organisation_name.casefold().split()))
    return frozenset(keys)
