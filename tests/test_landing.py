"""What each person sees first: after logging in, everyone lands where their work is, and each
start page opens with a short "waiting for you" summary, the person's other roles beside it.

Coordinators land on /manage/, reviewers on "My reviews", applicants on "My applications";
a person with several roles lands in the one with the nearest deadline (a week or less away),
else in the first role with anything waiting (coordination, reviews, applications).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.tests.factories import PASSWORD, CoordinatorFactory, UserFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory
from core.formatting import format_deadline
from decisions.enums import DecisionOutcome, DecisionState, LetterState
from decisions.models import Decision
from grants.enums import CallStatus
from grants.tests.factories import GrantCallFactory
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import Invitation, PoolMember, Review, ReviewAssignment

pytestmark = pytest.mark.django_db


def polish_date(moment) -> str:
    with translation.override("pl"):
        return date_format(timezone.localtime(moment), "j E Y")


def deadline_text(moment) -> str:
    """How a waiting item's deadline is written in Polish (core.formatting.format_deadline)."""
    with translation.override("pl"):
        return f"do {format_deadline(moment)}"


def flat(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def log_in(client, user, **query) -> str:
    """Log in through allauth's form; where the browser is sent next."""
    url = reverse("account_login")
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    response = client.post(url, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def landing(client, user) -> str:
    """Log in and follow /start/: the start page the person lands on."""
    assert log_in(client, user) == reverse("start")
    response = client.get(reverse("start"))
    assert response.status_code == 302
    return response["Location"]


# --- builders -----------------------------------------------------------------------------


def review_call(**kwargs):
    return GrantCallFactory(status=CallStatus.IN_REVIEW, past_deadline=True, **kwargs)


def assignment(reviewer, *, call=None, due_in=timedelta(days=10), status=AssignmentStatus.ASSIGNED):
    call = call or review_call()
    application = ApplicationFactory(call=call, status=ApplicationStatus.IN_REVIEW)
    PoolMember.objects.get_or_create(call=call, reviewer=reviewer)
    return ReviewAssignment.objects.create(
        application=application,
        call=call,
        reviewer=reviewer,
        status=status,
        due_at=timezone.now() + due_in,
    )


def draft(applicant, *, closes_in=timedelta(days=20), **kwargs):
    call = GrantCallFactory(closes_at=timezone.now() + closes_in)
    return ApplicationFactory(call=call, applicant=applicant, draft=True, **kwargs)


def award(applicant, *, answer_in=timedelta(days=5), amount="2500.00", **kwargs):
    call = GrantCallFactory(status=CallStatus.DECIDED, past_deadline=True)
    application = ApplicationFactory(
        call=call, applicant=applicant, status=ApplicationStatus.AWARDED, **kwargs
    )
    now = timezone.now()
    return Decision.objects.create(
        application=application,
        call=call,
        outcome=DecisionOutcome.AWARDED,
        amount=Decimal(amount),
        decided_by=CoordinatorFactory(),
        state=DecisionState.PUBLISHED,
        published_at=now,
        acceptance_deadline=now + answer_in,
    )


# --- where each person lands -------------------------------------------------------------


def test_login_lands_a_coordinator_on_the_coordination_page(client):
    coordinator = CoordinatorFactory()
    assert landing(client, coordinator) == reverse("manage_root")
    page = flat(client.get(reverse("manage_root")))
    assert '<h1 class="h2 mb-3">Koordynacja</h1>' in page
    assert "Czeka na Ciebie" in page


def test_login_lands_a_reviewer_on_my_reviews(client):
    reviewer = UserFactory()
    assignment(reviewer)
    assert landing(client, reviewer) == reverse("reviews:dashboard")


def test_login_lands_an_applicant_on_my_applications(client):
    applicant = UserFactory()
    draft(applicant)
    assert landing(client, applicant) == reverse("applicants:my_applications")


def test_login_lands_a_new_person_without_any_role_on_my_applications(client):
    assert landing(client, UserFactory()) == reverse("applicants:my_applications")


def test_login_follows_next_whatever_the_role(client):
    coordinator = CoordinatorFactory()
    call = GrantCallFactory()
    assert log_in(client, coordinator, next=call.get_absolute_url()) == call.get_absolute_url()


def test_login_ignores_a_next_to_another_site(client):
    assert log_in(client, UserFactory(), next="https://example.com/") == reverse("start")


def test_start_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("start"))
    assert response["Location"].startswith(reverse("account_login"))


def test_reviewer_who_applies_lands_where_the_nearer_deadline_is(client):
    person = UserFactory()
    assignment(person, due_in=timedelta(days=14))  # not urgent yet
    application = draft(person, closes_in=timedelta(days=2), title="Łąka przy szkole")
    assert landing(client, person) == reverse("applicants:my_applications")
    # The other role is beside it, with what waits there and the way to it.
    page = flat(client.get(reverse("applicants:my_applications")))
    assert "Dokończ i złóż wersję roboczą „Łąka przy szkole”" in page
    assert deadline_text(application.call.closes_at) in page
    assert "Twoje recenzje" in page
    assert "1 recenzja do zrobienia" in page
    assert "Przejdź do „Moich recenzji”" in page


def test_applicant_whose_review_is_due_tomorrow_lands_on_my_reviews(client):
    person = UserFactory()
    due = assignment(person, due_in=timedelta(days=1))
    draft(person, closes_in=timedelta(days=30), title="Rowerownia")
    assert landing(client, person) == reverse("reviews:dashboard")
    page = flat(client.get(reverse("reviews:dashboard")))
    assert "1 recenzja do zrobienia" in page and deadline_text(due.due_at) in page
    assert "Twoje wnioski" in page
    assert "Dokończ i złóż wersję roboczą „Rowerownia”" in page
    assert "Przejdź do „Moich wniosków”" in page


def test_coordinator_who_reviews_lands_on_coordination_while_nothing_is_urgent(client):
    person = CoordinatorFactory()
    assignment(person, due_in=timedelta(days=20))
    assert landing(client, person) == reverse("manage_root")
    page = flat(client.get(reverse("manage_root")))
    assert "Twoje recenzje" in page and "1 recenzja do zrobienia" in page


def test_applicant_with_an_award_to_answer_this_week_lands_on_my_applications(client):
    person = CoordinatorFactory()
    award(person, answer_in=timedelta(days=3))
    assert landing(client, person) == reverse("applicants:my_applications")


# --- what each summary says ----------------------------------------------------------------


def test_coordinator_summary_counts_applications_to_check_and_corrections_returned(client):
    call = GrantCallFactory(title="Nabór Deszczówka")
    ApplicationFactory.create_batch(2, call=call)
    earlier = timezone.now() - timedelta(days=5)
    ApplicationFactory(call=call, first_submitted_at=earlier)  # corrected and sent again
    ApplicationFactory(call=call, status=ApplicationStatus.ACCEPTED_FOR_REVIEW)
    ApplicationFactory(call=call, draft=True)
    client.force_login(CoordinatorFactory())
    page = flat(client.get(reverse("manage_root")))
    assert "2 wnioski do oceny formalnej" in page
    assert "1 poprawiony wniosek wrócił do ponownej oceny" in page
    listing = reverse("applicants_manage:list", args=[call.pk]) + "?status=submitted"
    assert f'href="{listing}"' in page
    assert "Nabór Deszczówka" in page


def test_coordinator_summary_counts_reviews_overdue_and_applications_short_of_reviewers(client):
    call = review_call(title="Nabór Zieleń", reviewers_per_application=2)
    reviewer = UserFactory()
    late = assignment(reviewer, call=call, due_in=-timedelta(days=2))
    assignment(reviewer, call=call, due_in=-timedelta(days=1), status=AssignmentStatus.DECLARED)
    done = assignment(reviewer, call=call, due_in=-timedelta(days=1))
    Review.objects.create(assignment=done, status=ReviewStatus.SUBMITTED, total=Decimal("50"))
    assert late.application.status == ApplicationStatus.IN_REVIEW
    client.force_login(CoordinatorFactory())
    page = flat(client.get(reverse("manage_root")))
    assert "2 recenzje po terminie" in page  # the submitted one is not late
    # Each of the three applications has one reviewer of the two the call asks for.
    assert "3 wnioski wciąż potrzebują recenzentów" in page
    assert f'href="{reverse("review_manage:assignments", args=[call.pk])}"' in page


def test_coordinator_summary_names_calls_ready_for_decisions_and_failed_letters(client):
    ready = review_call(title="Nabór gotowy do decyzji")
    ApplicationFactory.create_batch(2, call=ready, status=ApplicationStatus.REVIEWED)
    ApplicationFactory(call=ready, status=ApplicationStatus.FORMALLY_REJECTED)
    not_ready = review_call(title="Nabór w trakcie recenzji")
    ApplicationFactory(call=not_ready, status=ApplicationStatus.REVIEWED)
    ApplicationFactory(call=not_ready, status=ApplicationStatus.IN_REVIEW)
    failed = award(UserFactory())
    Decision.objects.filter(pk=failed.pk).update(letter_state=LetterState.FAILED)
    client.force_login(CoordinatorFactory())
    page = flat(client.get(reverse("manage_root")))
    assert page.count("Wszystkie recenzje są gotowe: czas na decyzje komisji") == 1
    assert f'href="{reverse("decisions:call", args=[ready.pk])}"' in page
    assert f'href="{reverse("decisions:call", args=[not_ready.pk])}"' not in page
    assert "Nie udało się wystawić 1 pisma" in page
    assert f'href="{reverse("decisions:progress", args=[failed.call_id])}"' in page


def test_coordinator_with_nothing_waiting_is_told_so_and_sees_the_calls(client):
    call = GrantCallFactory(title="Nabór bez zaległości")
    client.force_login(CoordinatorFactory())
    page = flat(client.get(reverse("manage_root")))
    assert "Nic teraz na Ciebie nie czeka." in page
    assert call.title in page
    assert f'href="{reverse("manage:home")}"' in page


def test_reviewer_summary_gives_reviews_due_with_their_dates_and_overdue_ones_apart(client):
    reviewer = UserFactory()
    call = review_call(title="Nabór Klimat")
    soon = assignment(reviewer, call=call, due_in=timedelta(days=3))
    assignment(reviewer, call=call, due_in=timedelta(days=9), status=AssignmentStatus.DECLARED)
    late = assignment(reviewer, call=call, due_in=-timedelta(days=2))
    finished = assignment(reviewer, call=call, due_in=timedelta(days=1))
    Review.objects.create(assignment=finished, status=ReviewStatus.SUBMITTED, total=Decimal("70"))
    client.force_login(reviewer)
    page = flat(client.get(reverse("reviews:dashboard")))
    summary = page.split('id="waiting-heading"')[1].split("</section>")[0]
    assert "2 recenzje do zrobienia" in summary
    assert deadline_text(soon.due_at) in summary  # the nearest due date
    assert "1 recenzja po terminie" in summary
    assert f"po terminie od {polish_date(late.due_at)}" in summary
    assert "Nabór Klimat" in summary


def test_reviewer_summary_lists_invitations_to_answer_and_joining_takes_one_click(client):
    person = UserFactory(email="nowa.recenzentka@example.org")
    call = review_call(title="Nabór z zaproszeniem")
    Invitation.objects.create(call=call, email="Nowa.Recenzentka@example.org")
    Invitation.objects.create(call=GrantCallFactory(), email="ktos.inny@example.org")
    assert landing(client, person) == reverse("reviews:dashboard")
    page = flat(client.get(reverse("reviews:dashboard")))
    assert "Zaproszenie do recenzowania: dołącz do puli recenzentów" in page
    assert page.count("Dołącz do puli") == 1  # only the invitation sent to this person
    invitation = Invitation.objects.get(call=call)
    response = client.post(reverse("reviews:invitation_join", args=[invitation.pk]))
    assert response["Location"] == reverse("reviews:dashboard")
    assert PoolMember.objects.filter(call=call, reviewer=person).exists()
    page = flat(client.get(reverse("reviews:dashboard")))
    assert "Zaproszenie do recenzowania" not in page


def test_reviewer_cannot_join_a_pool_with_someone_elses_invitation(client):
    invitation = Invitation.objects.create(call=review_call(), email="adresat@example.org")
    client.force_login(UserFactory(email="ktos.inny@example.org"))
    response = client.post(reverse("reviews:invitation_join", args=[invitation.pk]))
    assert response.status_code == 404
    assert not PoolMember.objects.exists()


def test_applicant_summary_gives_drafts_corrections_and_awards_with_their_deadlines(client):
    applicant = UserFactory()
    open_draft = draft(applicant, title="Ogród na dachu")
    # A draft whose call has closed can no longer be submitted: not listed.
    late_draft = draft(applicant, title="Spóźniony szkic")
    late_draft.call.closes_at = timezone.now() - timedelta(hours=1)
    late_draft.call.save()
    correction = ApplicationFactory(
        applicant=applicant,
        title="Rowery dla seniorów",
        status=ApplicationStatus.CORRECTION_REQUESTED,
        correction_deadline=timezone.now() + timedelta(days=4),
    )
    decision = award(applicant, title="Kompostownik osiedlowy", amount="3450.50")
    client.force_login(applicant)
    page = flat(client.get(reverse("applicants:my_applications")))
    summary = page.split('id="waiting-heading"')[1].split("</section>")[0]
    assert "Dokończ i złóż wersję roboczą „Ogród na dachu”" in summary
    assert deadline_text(open_draft.call.closes_at) in summary
    assert "Spóźniony szkic" not in summary
    assert "Wyślij poprawki wniosku „Rowery dla seniorów”" in summary
    assert deadline_text(correction.correction_deadline) in summary
    # (flat() turns the amount's no-break spaces into spaces.)
    assert "Przyjmij grant 3 450,50 zł na „Kompostownik osiedlowy” lub zrezygnuj" in summary
    assert deadline_text(decision.acceptance_deadline) in summary
    # The soonest deadline first: the correction (4 days), the award (5), the draft (20).
    assert summary.index("Rowery") < summary.index("Kompostownik") < summary.index("Ogród")


# --- who sees what --------------------------------------------------------------------------


def test_reviewer_cannot_open_the_coordinators_start_page(client):
    reviewer = UserFactory()
    assignment(reviewer)
    client.force_login(reviewer)
    assert client.get(reverse("manage_root")).status_code == 403


def test_applicant_summary_and_list_show_only_their_own_applications(client):
    me, someone = UserFactory(), UserFactory()
    draft(me, title="Mój projekt")
    draft(someone, title="Cudzy projekt")
    award(someone, title="Cudza nagroda")
    client.force_login(me)
    page = flat(client.get(reverse("applicants:my_applications")))
    assert "Mój projekt" in page
    assert "Cudzy projekt" not in page and "Cudza nagroda" not in page


def test_coordinator_summary_is_not_shown_to_applicants(client):
    ApplicationFactory.create_batch(3)  # waiting for the formal check
    applicant = UserFactory()
    draft(applicant)
    client.force_login(applicant)
    page = flat(client.get(reverse("applicants:my_applications")))
    assert "do oceny formalnej" not in page
    assert "Koordynacja" not in page


# --- a fixed number of queries per summary ------------------------------------------------


def queries_of(client, django_assert_max_num_queries, url, user, *, at_most=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    if at_most is not None:
        with django_assert_max_num_queries(at_most):
            assert client.get(url).status_code == 200
        return at_most
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def coordinators_work(count: int) -> None:
    """`count` of each thing a coordinator's summary counts, in `count` calls."""
    for _ in range(count):
        call = review_call()
        ApplicationFactory(call=call)
        ApplicationFactory(call=call, first_submitted_at=timezone.now() - timedelta(days=3))
        assignment(UserFactory(), call=call, due_in=-timedelta(days=1))
        ready = review_call()
        ApplicationFactory(call=ready, status=ApplicationStatus.REVIEWED)
        failed = award(UserFactory())
        Decision.objects.filter(pk=failed.pk).update(letter_state=LetterState.FAILED)


def test_coordinator_start_page_takes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    coordinator = CoordinatorFactory()
    coordinators_work(1)
    few = queries_of(client, django_assert_max_num_queries, reverse("manage_root"), coordinator)
    coordinators_work(6)
    queries_of(
        client, django_assert_max_num_queries, reverse("manage_root"), coordinator, at_most=few
    )
    page = flat(client.get(reverse("manage_root")))
    assert page.count("Wszystkie recenzje są gotowe") == 7


def reviewers_and_applicants_work(person, count: int) -> None:
    for _ in range(count):
        call = review_call()
        assignment(person, call=call, due_in=timedelta(days=2))
        assignment(person, call=call, due_in=-timedelta(days=2))
        Invitation.objects.create(call=review_call(), email=person.email)
        draft(person)
        ApplicationFactory(
            applicant=person,
            status=ApplicationStatus.CORRECTION_REQUESTED,
            correction_deadline=timezone.now() + timedelta(days=3),
        )
        award(person)


@pytest.mark.parametrize("page", ["reviews:dashboard", "applicants:my_applications"])
def test_reviewer_and_applicant_start_pages_take_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, page
):
    person = UserFactory()
    reviewers_and_applicants_work(person, 1)
    few = queries_of(client, django_assert_max_num_queries, reverse(page), person)
    reviewers_and_applicants_work(person, 6)
    queries_of(client, django_assert_max_num_queries, reverse(page), person, at_most=few)
    html = flat(client.get(reverse(page)))
    assert html.count("Przyjmij grant") >= 7
