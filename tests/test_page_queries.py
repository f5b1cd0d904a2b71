"""The coordinators', reviewers' and applicants' busiest pages in at most PAGE_QUERY_LIMIT queries,
and in as many for a few rows as for more.

Each page is built with a few rows of what it shows (versions, status changes, section saves,
formal checks, editors, applications, assignments, scores, letters…), opened once to warm what a
process reads once, counted, given more rows and counted again. The scenes are the worst common
case: a team with someone young enough to need a guardian's consent, a patron organisation, a
submitted application waiting for its formal check (the page then shows the check's form).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.consents_models import PatronConfirmation
from applicants.enums import ApplicantKind, ApplicationStatus, FormalCheckOutcome
from applicants.models import (
    ApplicantProfile,
    ApplicationMember,
    ApplicationVersion,
    FormalCheck,
    SectionSave,
    StatusChange,
)
from applicants.tests.builders import submitted_application
from decisions.enums import DecisionOutcome
from decisions.models import Decision, DecisionLetter
from grants.enums import CallStatus
from grants.tests.factories import GrantCallFactory
from reviews.enums import AssignmentStatus
from reviews.models import PoolMember, ReviewAssignment
from reviews.tests.builders import accepted_application, call_with_criteria, submit_review
from tests.test_list_pages_flat import LIST_PAGES
from tests.test_list_pages_flat import Scene as ListScene

pytestmark = pytest.mark.django_db

# Issue 14: every page in at most twelve queries, whatever the size of the call.
PAGE_QUERY_LIMIT = 12
FEW = 2  # rows of a list before the first count
MORE = 4  # rows added between the two counts


@dataclass
class Scene:
    user: object  # None: an anonymous visitor
    url: str
    owner: object  # what rows are added to
    added: int = 0


@dataclass(frozen=True)
class Page:
    name: str
    scene: Callable[[], Scene]
    add_row: Callable[[Scene], None]


# --- one application: the coordinator's page and the applicant's -----------------------------


def _young_team_application(**kwargs):
    """A submitted application of a group with a patron organisation and a 16-year-old editor."""
    application = submitted_application(**kwargs)
    ApplicantProfile.objects.filter(user=application.applicant).update(
        kind=ApplicantKind.GROUP, patron_organisation="Fundacja Zielone Miasto"
    )
    PatronConfirmation.objects.create(
        application=application,
        organisation_name="Fundacja Zielone Miasto",
        representative_name="Ewa Las",
        representative_email="ewa@example.org",
        token_digest="patron-link-" + str(application.pk),
        link_expires_at=timezone.now() + timedelta(days=14),
    )
    ApplicationMember.objects.create(
        application=application,
        user=UserFactory(),
        full_name="Jaś Młody",
        date_of_birth=timezone.localdate() - timedelta(days=16 * 365),
    )
    return application


def _application_history(scene):
    """One more of everything the application's page lists: a version, a formal check asking for
    a correction, a status change, a section save and an editor."""
    application = scene.owner
    number = application.versions.count() + 1
    version = ApplicationVersion.objects.create(
        application=application,
        number=number,
        submitted_at=timezone.now(),
        submitted_by=application.applicant,
        content={**application.versions.get(number=1).content, "title": f"Wersja {number}"},
    )
    FormalCheck.objects.create(
        application=application,
        version=version,
        outcome=FormalCheckOutcome.CORRECTION,
        checklist=[{"item": "Podpis", "ok": False}],
        message="Prosimy o podpis.",
        by=CoordinatorFactory(),
    )
    StatusChange.objects.create(
        application=application,
        old_status=ApplicationStatus.SUBMITTED,
        new_status=ApplicationStatus.SUBMITTED,
        by=application.applicant,
    )
    SectionSave.objects.create(
        application=application,
        section="description",
        revision=100 + scene.added,
        by=application.applicant,
    )
    ApplicationMember.objects.create(
        application=application,
        user=UserFactory(),
        full_name=f"Osoba {scene.added}",
        date_of_birth=date(2000, 1, 1),
    )


def _coordinator_application_scene():
    application = _young_team_application()
    return Scene(
        CoordinatorFactory(),
        reverse("applicants_manage:detail", args=[application.pk]),
        application,
    )


def _applicant_application_scene():
    application = _young_team_application()
    return Scene(
        application.applicant,
        reverse("applicants:application_detail", args=[application.pk]),
        application,
    )


# --- a call's lists -------------------------------------------------------------------------


def _formal_check_list_scene():
    call = GrantCallFactory()
    scene = Scene(
        CoordinatorFactory(),
        reverse("applicants_manage:list", args=[call.pk]) + "?status=submitted",
        call,
    )
    _young_team_application(call=call)
    return scene


def _submitted_application(scene):
    submitted_application(call=scene.owner)


# --- a reviewer's assignment ------------------------------------------------------------------


def _assignment_scene():
    call = call_with_criteria()
    application = accepted_application(call)
    reviewer = UserFactory()
    PoolMember.objects.create(call=call, reviewer=reviewer)
    assignment = ReviewAssignment.objects.create(
        application=application,
        call=call,
        reviewer=reviewer,
        status=AssignmentStatus.ASSIGNED,
        due_at=timezone.now() + timedelta(days=7),
    )
    submit_review(assignment, {"Pomysł": 8, "Budżet": 4})
    return Scene(reviewer, reverse("reviews:assignment", args=[assignment.pk]), assignment)


def _other_assignment_of_the_reviewer(scene):
    """Another application to review in the same call: the page shows one assignment still."""
    call = scene.owner.call
    ReviewAssignment.objects.create(
        application=accepted_application(call),
        call=call,
        reviewer=scene.user,
        status=AssignmentStatus.DECLARED,
        due_at=timezone.now() + timedelta(days=7),
    )


# --- the decided call's letters ---------------------------------------------------------------


def _letters_scene():
    call = GrantCallFactory(status=CallStatus.DECIDED, past_deadline=True)
    scene = Scene(CoordinatorFactory(), reverse("decisions:progress", args=[call.pk]), call)
    _issued_letter(scene)
    return scene


def _issued_letter(scene):
    from applicants.tests.factories import ApplicationFactory

    call = scene.owner
    decision = Decision.objects.create(
        application=ApplicationFactory(call=call, status=ApplicationStatus.REJECTED),
        call=call,
        outcome=DecisionOutcome.REJECTED,
        decided_by=CoordinatorFactory(),
        state="published",
        published_at=timezone.now(),
        letter_state="issued",
    )
    for version in (1, 2):  # an older version stays, only the current one is listed
        DecisionLetter.objects.create(
            decision=decision,
            number=f"{call.reference_code}/D/{decision.pk}",
            version=version,
            language="pl",
            kind="rejection",
            pdf=ContentFile(b"%PDF-1.4", name="letter.pdf"),
            sha256="0" * 64,
            size=8,
            is_current=version == 2,  # as decisions.issuing.letter_current_mark() leaves them
        )


# --- the public call page ---------------------------------------------------------------------


def _public_call_scene():
    call = call_with_criteria(status=CallStatus.OPEN)
    return Scene(None, reverse("grants:call_detail", args=[call.slug]), call)


def _applicant_in_call(scene):
    submitted_application(call=scene.owner)


def _from_list_pages(name, label=None):
    """A page of tests/test_list_pages_flat.py: its scene with FEW rows, its way to add one."""
    (page,) = [page for page in LIST_PAGES if page.name == name]

    def scene():
        listed = page.scene()
        for _ in range(FEW):
            page.add_row(listed)
            listed.added += 1
        return Scene(listed.user, listed.url, listed.owner, listed.added)

    def add_row(scene):
        listed = ListScene(scene.user, scene.url, scene.owner, scene.added)
        page.add_row(listed)
        scene.owner = listed.owner

    return Page(label or name, scene, add_row)


PAGES = [
    Page("coordinator's application page", _coordinator_application_scene, _application_history),
    Page("applicant's application page", _applicant_application_scene, _application_history),
    _from_list_pages("applications", "application list"),
    Page("formal-check list", _formal_check_list_scene, _submitted_application),
    _from_list_pages("assignments"),
    _from_list_pages("reviewers of a call", "reviewer pool"),
    _from_list_pages("messages inbox"),
    _from_list_pages("reviewer's dashboard"),
    Page("reviewer's assignment page", _assignment_scene, _other_assignment_of_the_reviewer),
    Page("letters list", _letters_scene, _issued_letter),
    Page("public call page", _public_call_scene, _applicant_in_call),
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_page_takes_at_most_twelve_queries_for_a_few_rows_or_more(client, page):
    scene = page.scene()
    if scene.user is not None:
        client.force_login(scene.user)
    client.get(scene.url)  # once to warm what every page reads once per process

    few = _count(client, scene.url)
    for _ in range(MORE):
        page.add_row(scene)
        scene.added += 1
    # Warm again: the page asks once for a new version's PDF copies (a write, then stored).
    client.get(scene.url)
    more = _count(client, scene.url)

    assert few <= PAGE_QUERY_LIMIT, f"{page.name}: {few} queries"
    assert more == few, f"{page.name}: {few} queries for a few rows, {more} for more"
