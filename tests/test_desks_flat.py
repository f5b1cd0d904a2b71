"""The start pages ("desks") cost what their own rows cost: the same queries, never more than
12, whether the programme holds a few grants and applications or many more (other people's,
in other calls), and they still say everything that waits.

/manage/ counts per call what waits for coordinators; "My applications" lists what waits for
an applicant, a grantee and a signatory of someone else's agreement.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import core.waiting
from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory
from grants.enums import CallStatus
from grants.tests.factories import GrantCallFactory
from projects.tests.progress_rows import grant_at
from reviews.enums import AssignmentStatus
from reviews.models import PoolMember, ReviewAssignment

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12

# Every stage a grant waits in, and some where it waits for nobody or for its grantee.
STAGES = (
    "new",
    "ready",
    "sent",
    "signed_by_grantee",
    "payment_due",
    "active",
    "account_change",
    "report_due",
    "report_submitted",
    "settled_return",
    "settled",
    "closed",
    "terminated",
)


def flat(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def queries_of(client, url, django_assert_max_num_queries) -> tuple[int, str]:
    """The page's queries (asked a second time: the first visit may write the session) and text."""
    client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), flat(response)


def other_peoples_programme(times: int) -> None:
    """Grants of other people in every stage, in a call of their own; applications waiting for
    the formal check and reviews overdue in another call."""
    call = GrantCallFactory(status=CallStatus.DECIDED)
    for _ in range(times):
        for stage in STAGES:
            grant_at(stage, application__call=call)
    review_call = GrantCallFactory(status=CallStatus.IN_REVIEW)
    reviewer = UserFactory()
    PoolMember.objects.get_or_create(call=review_call, reviewer=reviewer)
    for _ in range(times):
        ApplicationFactory(call=review_call)
        application = ApplicationFactory(call=review_call, status=ApplicationStatus.IN_REVIEW)
        ReviewAssignment.objects.create(
            call=review_call,
            application=application,
            reviewer=reviewer,
            status=AssignmentStatus.ASSIGNED,
            due_at=review_call.closes_at.replace(year=2020),
        )


def test_manage_start_page_costs_the_same_with_more_grants_and_calls(
    client, django_assert_max_num_queries
):
    client.force_login(CoordinatorFactory())
    url = reverse("manage_root")
    call = GrantCallFactory(status=CallStatus.DECIDED, title="Nabór podwórkowy")
    for stage in ("ready", "signed_by_grantee", "payment_due", "settled"):
        grant_at(stage, application__call=call)
    grant_at("ready", application__call=call)
    few, page = queries_of(client, url, django_assert_max_num_queries)
    assert "2 umowy do wysłania" in page

    other_peoples_programme(3)
    more, page = queries_of(client, url, django_assert_max_num_queries)

    assert more == few
    # The call's own counts are unchanged; the other call's are counted apart.
    assert "2 umowy do wysłania" in page
    assert "3 umowy do wysłania" in page
    assert "3 recenzje po terminie" in page
    assert "3 wnioski do oceny formalnej" in page


def test_applicant_start_page_costs_the_same_with_more_grants_of_other_people(
    client, django_assert_max_num_queries
):
    person = UserFactory()
    client.force_login(person)
    url = reverse("applicants:my_applications")
    ApplicationFactory(applicant=person, status=ApplicationStatus.DRAFT, title="Ogród deszczowy")
    few, page = queries_of(client, url, django_assert_max_num_queries)
    assert "Dokończ i złóż wersję roboczą „Ogród deszczowy”" in page

    other_peoples_programme(3)
    more, page = queries_of(client, url, django_assert_max_num_queries)

    assert more == few
    assert "Dokończ i złóż wersję roboczą „Ogród deszczowy”" in page
    assert "Podpisz umowę" not in page


def test_grantee_start_page_costs_the_same_with_more_grants_of_other_people(
    client, django_assert_max_num_queries
):
    grantee = UserFactory()
    client.force_login(grantee)
    url = reverse("applicants:my_applications")
    own = grant_at("sent", signatory_user=grantee, application__applicant=grantee)
    # Someone else's agreement names the grantee as a signatory (e.g. a group's member).
    theirs = grant_at("sent", signatory_user=grantee)
    few, page = queries_of(client, url, django_assert_max_num_queries)
    assert f"Podpisz umowę dla „{own.title}”" in page
    assert reverse("projects:sign", kwargs={"pk": theirs.pk}) in page

    other_peoples_programme(3)
    more, page = queries_of(client, url, django_assert_max_num_queries)

    assert more == few
    assert page.count("Podpisz umowę dla") == 2
    assert f"Podpisz umowę dla „{theirs.title}”" in page


def review_call_short_of_reviewers(*, short: int, enough: int = 0, title: str):
    """A call in review (its ranking snapshot never built: counted live) whose `short`
    applications have one reviewer of the two it asks for and `enough` applications two."""
    call = GrantCallFactory(
        status=CallStatus.IN_REVIEW, past_deadline=True, reviewers_per_application=2, title=title
    )
    pool = [UserFactory(), UserFactory()]
    for reviewer in pool:
        PoolMember.objects.create(call=call, reviewer=reviewer)
    for reviewers in [1] * short + [2] * enough:
        application = ApplicationFactory(call=call, status=ApplicationStatus.IN_REVIEW)
        for reviewer in pool[:reviewers]:
            ReviewAssignment.objects.create(
                call=call,
                application=application,
                reviewer=reviewer,
                status=AssignmentStatus.ASSIGNED,
                due_at=call.closes_at.replace(year=2099),
            )
    return call


def test_manage_start_page_counts_each_call_behind_and_the_grants_of_calls_with_grants_only(
    client, django_assert_max_num_queries
):
    client.force_login(CoordinatorFactory())
    url = reverse("manage_root")
    review_call_short_of_reviewers(short=1, enough=1, title="Nabór Łąki")
    decided = GrantCallFactory(status=CallStatus.DECIDED, title="Nabór Podwórka")
    grant_at("ready", application__call=decided)
    few, page = queries_of(client, url, django_assert_max_num_queries)
    assert "1 wniosek wciąż potrzebuje recenzentów" in page
    assert "1 umowa do wysłania" in page

    # More calls behind (one with every application fully reviewed: nothing to say of it) and
    # decided calls without grants, with many applications and grants elsewhere.
    review_call_short_of_reviewers(short=3, enough=2, title="Nabór Skwery")
    review_call_short_of_reviewers(short=0, enough=3, title="Nabór Ogrody")
    GrantCallFactory.create_batch(2, status=CallStatus.DECIDED)
    grant_at("ready", application__call=decided)
    more, page = queries_of(client, url, django_assert_max_num_queries)

    assert more == few
    waiting = page.split('id="waiting-heading"')[1].split('id="calls-heading"')[0]
    assert waiting.count("potrzeb") == 2
    assert "1 wniosek wciąż potrzebuje recenzentów" in waiting
    assert "3 wnioski wciąż potrzebują recenzentów" in waiting
    assert "Nabór Łąki" in waiting and "Nabór Skwery" in waiting
    assert "Nabór Ogrody" not in waiting
    assert waiting.count("do wysłania") == 1
    assert "2 umowy do wysłania" in waiting


def test_manage_start_page_counts_applications_to_check_up_to_99_plus_at_the_same_cost(
    client, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(core.waiting, "WAITING_CAP", 5)  # "4+" stands for "99+"
    client.force_login(CoordinatorFactory())
    url = reverse("manage_root")
    call = GrantCallFactory(title="Nabór Deszczówka")
    earlier = timezone.now() - timedelta(days=5)
    ApplicationFactory.create_batch(2, call=call)
    ApplicationFactory(call=call, first_submitted_at=earlier)  # corrected and sent again
    ApplicationFactory(call=call, status=ApplicationStatus.ACCEPTED_FOR_REVIEW)
    few, page = queries_of(client, url, django_assert_max_num_queries)
    assert "2 wnioski do oceny formalnej" in page
    assert "1 poprawiony wniosek wrócił do ponownej oceny" in page

    ApplicationFactory(call=call)  # 3: still exact below the cap
    ApplicationFactory.create_batch(4, call=call, first_submitted_at=earlier)  # 5: the cap
    other = GrantCallFactory(title="Nabór Ogrody")
    ApplicationFactory.create_batch(6, call=other)
    more, page = queries_of(client, url, django_assert_max_num_queries)

    assert more == few
    assert "3 wnioski do oceny formalnej" in page
    assert "4+ poprawionych wniosków wróciło do ponownej oceny" in page
    assert "4+ wniosków do oceny formalnej" in page  # the other call's 6
    assert "5 poprawionych" not in page and "6 wniosków" not in page


def test_manage_start_page_names_calls_ready_for_decisions_at_the_same_cost(
    client, django_assert_max_num_queries
):
    client.force_login(CoordinatorFactory())
    url = reverse("manage_root")
    ready = GrantCallFactory(status=CallStatus.IN_REVIEW, past_deadline=True)
    ApplicationFactory(call=ready, status=ApplicationStatus.REVIEWED)
    few, page = queries_of(client, url, django_assert_max_num_queries)
    assert page.count("Wszystkie recenzje są gotowe: czas na decyzje komisji") == 1

    ApplicationFactory.create_batch(3, call=ready, status=ApplicationStatus.REVIEWED)
    ApplicationFactory(call=ready, status=ApplicationStatus.FORMALLY_REJECTED)
    # Calls in review still waiting for an application: one in each status that holds it back.
    for status in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.CORRECTION_REQUESTED,
        ApplicationStatus.ACCEPTED_FOR_REVIEW,
        ApplicationStatus.IN_REVIEW,
    ):
        waiting = GrantCallFactory(status=CallStatus.IN_REVIEW, past_deadline=True)
        ApplicationFactory.create_batch(2, call=waiting, status=ApplicationStatus.REVIEWED)
        ApplicationFactory(call=waiting, status=status)
    # In review with nothing reviewed yet: not ready either.
    nothing = GrantCallFactory(status=CallStatus.IN_REVIEW, past_deadline=True)
    ApplicationFactory(call=nothing, status=ApplicationStatus.FORMALLY_REJECTED)
    more, page = queries_of(client, url, django_assert_max_num_queries)

    assert more == few
    assert page.count("Wszystkie recenzje są gotowe: czas na decyzje komisji") == 1
    assert f'href="{reverse("decisions:call", args=[ready.pk])}"' in page
