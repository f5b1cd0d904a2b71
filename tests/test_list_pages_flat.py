"""Every page that lists things costs what its visible rows cost: the same number of queries for
a few rows or for more than a page of them, and never more than a page of rows on screen.

One table: each list page, who looks at it, how to add a row to it, where its page size lives
(shrunk to PER_PAGE here so "more than a page" stays a handful of rows) and how to count the
rows it shows. Pages bounded by something small and fixed (a grant's instalments, the call's
criteria) are in the table with `per_page=None`: they show every row, in fixed queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.paginator import Page
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory, ApplicationMemberFactory
from conversations.services import message_send
from decisions.enums import DecisionOutcome
from decisions.models import Decision, DecisionLetter, OutboxMessage
from grants.enums import CallStatus
from grants.tests.factories import GrantCallFactory
from projects.enums import AmendmentState
from projects.models import Amendment
from projects.tests.progress_rows import grant_at
from projects.tests.report_rows import financial_document
from reviews.enums import AssignmentStatus
from reviews.models import PoolMember, ReviewAssignment

pytestmark = pytest.mark.django_db

PER_PAGE = 3
FEW = 2
MANY = 2 * PER_PAGE + 1  # three pages: full, full, one row


@dataclass
class Scene:
    """What one list page needs: who looks, the URL, and the rows' owner (a call, a grant…)."""

    user: object
    url: str
    owner: object
    added: int = 0


@dataclass(frozen=True)
class ListPage:
    name: str
    scene: Callable[[], Scene]
    add_row: Callable[[Scene], None]
    shown: Callable[[object], int]  # the rows a response shows
    per_page: tuple[str, str] | None  # (module, attribute) of its page size; None: bounded


def _context_page(name="page_obj"):
    return lambda response: len(response.context[name].object_list)


def _marker(text):
    return lambda response: response.content.decode().count(text)


# --- coordinator: a call's lists ------------------------------------------------------------


def _call_scene(url_name, *, status=CallStatus.OPEN, kwarg="pk", **call_fields) -> Scene:
    call = GrantCallFactory(status=status, **call_fields)
    return Scene(CoordinatorFactory(), reverse(url_name, kwargs={kwarg: call.pk}), call)


def _application(scene):
    ApplicationFactory(call=scene.owner)


def _assigned_application(scene):
    call = scene.owner
    application = ApplicationFactory(call=call, status=ApplicationStatus.IN_REVIEW)
    reviewer = UserFactory()
    PoolMember.objects.get_or_create(call=call, reviewer=reviewer)
    ReviewAssignment.objects.create(
        application=application,
        call=call,
        reviewer=reviewer,
        status=AssignmentStatus.DECLARED,
        due_at=timezone.now() + timedelta(days=7),
    )


def _pool_member(scene):
    PoolMember.objects.create(call=scene.owner, reviewer=UserFactory())


def _decision(call, **fields):
    return Decision.objects.create(
        application=ApplicationFactory(call=call, status=ApplicationStatus.REJECTED),
        call=call,
        outcome=DecisionOutcome.REJECTED,
        decided_by=CoordinatorFactory(),
        **fields,
    )


def _outbox_message(scene):
    decision = _decision(scene.owner)
    OutboxMessage.objects.create(
        decision=decision, to=decision.application.applicant.email, subject="Wyniki naboru"
    )


def _issued_letter(scene):
    decision = _decision(scene.owner, state="published", published_at=timezone.now())
    for version in (1, 2):  # a corrected letter: only its current version is a row
        DecisionLetter.objects.create(
            decision=decision,
            number=f"{decision.application.reference_number}/D{version}",
            version=version,
            language="pl",
            kind="rejection",
            pdf="letters/letter.pdf",
            sha256="0" * 64,
            size=8,
            is_current=version == 2,  # as decisions.issuing.letter_current_mark() leaves them
        )


def _conversation(scene):
    application = ApplicationFactory(call=scene.owner)
    message_send(
        application=application, author=application.applicant, body="Pytanie", from_programme=False
    )


def _grant_at(stage):
    def add(scene):
        if scene.added == 0:
            return  # the scene's own first grant is the first row
        grant_at(stage, application__call=scene.owner)

    return add


def _grant_call_scene_at(url_name, stage):
    def scene():
        first = grant_at(stage)
        return Scene(
            CoordinatorFactory(), reverse(url_name, kwargs={"pk": first.call_id}), first.call
        )

    return scene


def _waiting_amendment(scene):
    grant = grant_at("active", application__call=scene.owner)
    Amendment.objects.create(
        grant=grant,
        state=AmendmentState.REQUESTED,
        kinds=["extension"],
        justification="Potrzebujemy więcej czasu.",
        requested_by=grant.application.applicant,
    )


# --- one grant's lists ----------------------------------------------------------------------


def _documents_scene(url_name, *, grantee: bool):
    def scene():
        grant = grant_at("active")
        user = grant.application.applicant if grantee else CoordinatorFactory()
        return Scene(user, reverse(url_name, kwargs={"pk": grant.pk}), grant)

    return scene


def _document(scene):
    financial_document(scene.owner, number=f"FV/{scene.added + 1}/2027")


# --- reviewer, applicant, public ------------------------------------------------------------


def _dashboard_scene():
    return Scene(UserFactory(), reverse("reviews:dashboard"), None)


def _assignment_of_the_reviewer(scene):
    # A call of its own for every other row: the dashboard groups by call.
    if scene.added % 2 == 0:
        scene.owner = GrantCallFactory(status=CallStatus.IN_REVIEW, past_deadline=True)
    application = ApplicationFactory(call=scene.owner, status=ApplicationStatus.IN_REVIEW)
    PoolMember.objects.get_or_create(call=scene.owner, reviewer=scene.user)
    ReviewAssignment.objects.create(
        application=application,
        call=scene.owner,
        reviewer=scene.user,
        due_at=timezone.now() + timedelta(days=scene.added + 1),
    )


def _my_applications_scene():
    return Scene(UserFactory(), reverse("applicants:my_applications"), None)


def _my_application(scene):
    ApplicationFactory(applicant=scene.user)


def _my_data_scene():
    return Scene(UserFactory(), reverse("privacy:overview"), None)


def _team_membership(scene):
    ApplicationMemberFactory(user=scene.user)


def _calls_scene():
    return Scene(CoordinatorFactory(), reverse("manage:home"), None)


def _call(scene):
    GrantCallFactory()


def _public_results_scene():
    call = GrantCallFactory(status=CallStatus.DECIDED, past_deadline=True, public_results=True)
    return Scene(None, reverse("decisions_public:results", args=[call.slug]), call)


def _published_award(scene):
    application = ApplicationFactory(call=scene.owner, status=ApplicationStatus.AWARDED)
    Decision.objects.create(
        application=application,
        call=scene.owner,
        outcome=DecisionOutcome.AWARDED,
        amount=Decimal("3000.00"),
        decided_by=CoordinatorFactory(),
        state="published",
        published_at=timezone.now(),
    )


LIST_PAGES = [
    ListPage(
        "applications",
        lambda: _call_scene("applicants_manage:list", kwarg="call_pk"),
        _application,
        _context_page(),
        ("applicants.views.manage_list", "APPLICATIONS_PER_PAGE"),
    ),
    ListPage(
        "assignments",
        lambda: _call_scene("review_manage:assignments", status=CallStatus.IN_REVIEW),
        _assigned_application,
        _context_page(),
        ("reviews.views.manage", "APPLICATIONS_PER_PAGE"),
    ),
    ListPage(
        "reviewers of a call",
        lambda: _call_scene("review_manage:pool", status=CallStatus.IN_REVIEW),
        _pool_member,
        _marker("data-pool-member"),
        ("reviews.views.manage", "REVIEWERS_PER_PAGE"),
    ),
    ListPage(
        "outbox",
        lambda: _call_scene("decisions:outbox", status=CallStatus.DECIDED, past_deadline=True),
        _outbox_message,
        _marker("data-message="),
        ("core.pagination", "LIST_PAGE_SIZE"),
    ),
    ListPage(
        "letters",
        lambda: _call_scene("decisions:progress", status=CallStatus.DECIDED, past_deadline=True),
        _issued_letter,
        _marker("data-letter="),
        ("decisions.views.manage", "LETTERS_PER_PAGE"),
    ),
    ListPage(
        "messages inbox",
        lambda: _call_scene("conversations_manage:inbox"),
        _conversation,
        _marker("data-conversation"),
        ("conversations.views.manage", "CONVERSATIONS_PER_PAGE"),
    ),
    ListPage(
        "grants",
        _grant_call_scene_at("projects_manage:grants", "active"),
        _grant_at("active"),
        _context_page(),
        ("projects.views.manage", "GRANTS_PER_PAGE"),
    ),
    ListPage(
        "payments",
        _grant_call_scene_at("projects_manage:payments", "payment_due"),
        _grant_at("payment_due"),
        _marker("data-payment-row="),
        ("core.pagination", "LIST_PAGE_SIZE"),
    ),
    ListPage(
        "final reports",
        _grant_call_scene_at("projects_manage:reports", "report_submitted"),
        _grant_at("report_submitted"),
        _marker("data-report-row="),
        ("core.pagination", "LIST_PAGE_SIZE"),
    ),
    ListPage(
        "amendments waiting",
        lambda: _call_scene("projects_manage:amendments", status=CallStatus.DECIDED),
        _waiting_amendment,
        _marker("data-amendment="),
        ("core.pagination", "LIST_PAGE_SIZE"),
    ),
    ListPage(
        "a grant's documents (coordinator)",
        _documents_scene("projects_manage:documents", grantee=False),
        _document,
        _context_page(),
        ("projects.views.spending", "DOCUMENTS_PER_PAGE"),
    ),
    ListPage(
        "a grant's documents (grantee)",
        _documents_scene("projects:documents", grantee=True),
        _document,
        _context_page(),
        ("projects.views.spending", "DOCUMENTS_PER_PAGE"),
    ),
    ListPage(
        "reviewer's dashboard",
        _dashboard_scene,
        _assignment_of_the_reviewer,
        lambda response: sum(len(group.rows) for group in response.context["groups"]),
        ("reviews.selectors", "DASHBOARD_PAGE_SIZE"),
    ),
    ListPage(
        "my applications (bounded by the applicant's own)",
        _my_applications_scene,
        _my_application,
        _marker("data-role>"),
        None,
    ),
    ListPage(
        "my data: the teams I edit (bounded by the person's own)",
        _my_data_scene,
        _team_membership,
        lambda response: len(response.context["memberships"]),
        None,
    ),
    ListPage(
        "the coordinator's calls (bounded by the programme's calls, not its applications)",
        _calls_scene,
        _call,
        lambda response: len(response.context["calls"]),
        None,
    ),
    ListPage(
        "public results",
        _public_results_scene,
        _published_award,
        lambda response: len(response.context["awards"]),
        ("decisions.views.applicant", "PUBLIC_AWARDS_PER_PAGE"),
    ),
]


def _add(page: ListPage, scene: Scene, count: int) -> None:
    for _ in range(count):
        page.add_row(scene)
        scene.added += 1


def _get(client, scene, query=""):
    response = client.get(scene.url + query)
    assert response.status_code == 200, scene.url
    return response


@pytest.mark.parametrize("page", LIST_PAGES, ids=[page.name for page in LIST_PAGES])
def test_list_page_takes_the_same_queries_for_a_few_rows_or_more_than_a_page(
    client, monkeypatch, django_assert_max_num_queries, page
):
    if page.per_page is not None:
        monkeypatch.setattr(f"{page.per_page[0]}.{page.per_page[1]}", PER_PAGE)
    scene = page.scene()
    _add(page, scene, FEW)
    if scene.user is not None:
        client.force_login(scene.user)
    _get(client, scene)  # once to warm what every page reads once per process
    with CaptureQueriesContext(connection) as few:
        assert page.shown(_get(client, scene)) == FEW

    _add(page, scene, MANY - FEW)

    with django_assert_max_num_queries(len(few.captured_queries)):
        first = _get(client, scene)
    if page.per_page is None:
        assert page.shown(first) == MANY  # bounded: every row, in the same queries
        return
    assert page.shown(first) == PER_PAGE
    keys = first.context.keys()  # a ContextList iterates over its contexts, not its keys
    (listed,) = {id(v): v for k in keys if isinstance(v := first.context[k], Page)}.values()
    assert listed.paginator.count == MANY  # every row is somewhere, a page at a time
    with django_assert_max_num_queries(len(few.captured_queries)):
        last = _get(client, scene, "?page=3")
    assert page.shown(last) == MANY - 2 * PER_PAGE
