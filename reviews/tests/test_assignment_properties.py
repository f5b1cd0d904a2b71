"""Properties of the assignment planner (reviews.assignment.plan_assignments), with hypothesis.

Pure data, no database: reviewers have ids 1–12, applicants ids 1000 and up
unless an application is a reviewer's own; organisation keys come from a small
alphabet so that shared ones are frequent.
"""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.assignment import (
    CandidateApplication,
    CandidateReviewer,
    may_review,
    plan_assignments,
)

ORGANISATIONS = ["krs:0000000001", "krs:0000000002", "name:fundacja zielona", "name:klub"]
organisation_keys = st.frozensets(st.sampled_from(ORGANISATIONS), max_size=2)


@st.composite
def problems(draw, *, constrained: bool = True):
    """(applications, reviewers, per_application, conflicts) for one call."""
    reviewer_count = draw(st.integers(0, 12))
    reviewers = [
        CandidateReviewer(rid, draw(organisation_keys) if constrained else frozenset())
        for rid in range(1, reviewer_count + 1)
    ]
    application_count = draw(st.integers(0, 40))
    applications = []
    for index in range(application_count):
        applicant_id = 1000 + index
        if constrained and reviewers and draw(st.booleans()):
            applicant_id = draw(st.sampled_from(reviewers)).id  # a reviewer's own application
        applications.append(
            CandidateApplication(
                id=100 + index,
                applicant_id=applicant_id,
                organisation_keys=draw(organisation_keys) if constrained else frozenset(),
            )
        )
    conflicts: set[tuple[int, int]] = set()
    if constrained and applications and reviewers:
        conflicts = draw(
            st.sets(
                st.tuples(
                    st.sampled_from([a.id for a in applications]),
                    st.sampled_from([r.id for r in reviewers]),
                ),
                max_size=30,
            )
        )
    per_application = draw(st.integers(1, 3))
    return applications, reviewers, per_application, conflicts


def plan_for(applications, reviewers, per_application, conflicts, seed=0):
    return plan_assignments(
        applications,
        reviewers,
        per_application=per_application,
        conflicts=conflicts,
        seed=seed,
    )


@settings(max_examples=300)
@given(problems(), st.integers(0, 2**16))
def test_plan_never_pairs_anyone_who_may_not_review(problem, seed):
    applications, reviewers, per_application, conflicts = problem
    plan = plan_for(applications, reviewers, per_application, conflicts, seed)
    by_id = {a.id: a for a in applications}
    reviewer_by_id = {r.id: r for r in reviewers}
    for application_id, reviewer_id in plan.pairs:
        application = by_id[application_id]
        reviewer = reviewer_by_id[reviewer_id]
        assert application.applicant_id != reviewer.id  # never one's own application
        assert not application.organisation_keys & reviewer.organisation_keys
        assert (application_id, reviewer_id) not in conflicts


@settings(max_examples=300)
@given(problems(), st.integers(0, 2**16))
def test_plan_never_assigns_a_reviewer_twice_to_an_application(problem, seed):
    plan = plan_for(*problem, seed=seed)
    assert len(plan.pairs) == len(set(plan.pairs))


@settings(max_examples=300)
@given(problems())
def test_plan_reports_exactly_what_is_missing(problem):
    applications, reviewers, per_application, conflicts = problem
    plan = plan_for(applications, reviewers, per_application, conflicts)
    given_ = Counter(application_id for application_id, _reviewer in plan.pairs)
    for application in applications:
        eligible = sum(1 for r in reviewers if may_review(application, r, conflicts))
        # Reviewers have no upper limit, so only the eligible count can leave one short.
        assert given_[application.id] == min(per_application, eligible)
        missing = per_application - given_[application.id]
        assert plan.short.get(application.id, 0) == missing
    assert all(missing > 0 for missing in plan.short.values())
    assert set(plan.short) <= {a.id for a in applications}


@settings(max_examples=300)
@given(problems(constrained=False), st.integers(0, 2**16))
def test_plan_without_constraints_gives_everyone_k_and_spreads_the_load(problem, seed):
    applications, reviewers, per_application, _conflicts = problem
    plan = plan_for(applications, reviewers, per_application, set(), seed)
    if len(reviewers) < per_application:
        return  # covered by test_plan_reports_exactly_what_is_missing
    given_ = Counter(application_id for application_id, _reviewer in plan.pairs)
    assert all(given_[a.id] == per_application for a in applications)
    assert plan.short == {}
    load = Counter(reviewer_id for _application, reviewer_id in plan.pairs)
    loads = [load[r.id] for r in reviewers]
    assert max(loads) - min(loads) <= 1


@settings(max_examples=200)
@given(problems(), st.data())
def test_plan_counts_existing_assignments_towards_k(problem, data):
    applications, reviewers, per_application, conflicts = problem
    possible = [
        (a.id, r.id) for a in applications for r in reviewers if may_review(a, r, conflicts)
    ]
    existing = data.draw(st.sets(st.sampled_from(possible), max_size=20)) if possible else set()
    plan = plan_assignments(
        applications,
        reviewers,
        per_application=per_application,
        existing=existing,
        conflicts=conflicts,
    )
    assert not set(plan.pairs) & existing
    total = Counter(application_id for application_id, _reviewer in [*plan.pairs, *existing])
    already = Counter(application_id for application_id, _reviewer in existing)
    for application in applications:
        if already[application.id] >= per_application:
            assert total[application.id] == already[application.id]  # nobody added
        else:
            assert total[application.id] + plan.short.get(application.id, 0) == per_application


def test_plan_is_reproducible_with_the_same_seed():
    applications = [CandidateApplication(100 + i, 1000 + i) for i in range(10)]
    reviewers = [CandidateReviewer(i) for i in range(1, 6)]
    first = plan_assignments(applications, reviewers, per_application=2, seed=7)
    again = plan_assignments(applications, reviewers, per_application=2, seed=7)
    assert first.pairs == again.pairs
