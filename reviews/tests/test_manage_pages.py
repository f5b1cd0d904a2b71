"""The coordinator's review pages, tested through their URLs: pool, assignments, one application's reviews."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import ApplicantProfile
from applicants.tests.builders import profile_for
from grants.tests.test_manage_views import call_post_data
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import (
    Invitation,
    PoolMember,
    Review,
    ReviewAssignment,
    ReviewEvent,
    ReviewScore,
)
from reviews.services import assignment_declare, pool_add
from reviews.tasks import remind_reviewer
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    invitation_link,
    reviewers_in_pool,
    submit_review,
)

pytestmark = pytest.mark.django_db

TITLE = "Zielony dach na bibliotece"


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    # English pages, so that the messages asserted below are the msgids however they're translated.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def call():
    return call_with_criteria(title="Klimat na podwórku 2027", reviewers_per_application=2)


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def live(application):
    return ReviewAssignment.objects.filter(application=application).active()


def page_url(application):
    return reverse("review_manage:application", args=[application.pk])


def in_review(call, *, reviewers=3, title=TITLE):
    """An application in review with the call's reviewers assigned, and the whole pool."""
    application = accepted_application(call, texts={"title": title})
    pool = reviewers_in_pool(call, reviewers)
    assign_all(call)
    application.refresh_from_db()
    return application, pool


# --- permissions ------------------------------------------------------------------------------


def every_url(call, application, assignment, review):
    return [
        reverse("review_manage:pool", args=[call.pk]),
        reverse("review_manage:assignments", args=[call.pk]),
        reverse("review_manage:application", args=[application.pk]),
        reverse("review_manage:assignment_add", args=[application.pk]),
        reverse("review_manage:extra_reviewer_add", args=[application.pk]),
        reverse("review_manage:assignment_remove", args=[application.pk, assignment.pk]),
        reverse("review_manage:assignment_replace", args=[application.pk, assignment.pk]),
        reverse("review_manage:review_reopen", args=[application.pk, review.pk]),
        # Unknown objects answer the same: a visitor can't probe which ones exist.
        reverse("review_manage:pool", args=[999999]),
        reverse("review_manage:application", args=[999999]),
    ]


@pytest.mark.parametrize("who", ["anonymous", "applicant", "reviewer"])
def test_review_manage_urls_refuse_everyone_but_coordinators(client, call, who):
    application, pool = in_review(call)
    assignment = live(application).first()
    review = submit_review(assignment, {"Pomysł": 8, "Budżet": 4})
    if who == "applicant":
        client.force_login(application.applicant)
    elif who == "reviewer":
        client.force_login(assignment.reviewer)
    before = (ReviewAssignment.objects.count(), ReviewEvent.objects.count())
    for url in every_url(call, application, assignment, review):
        for method in (client.get, client.post):
            response = method(url, {"add-reviewer": pool[-1].pk, "emails": "x@example.org"})
            if who == "anonymous":
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("account_login")), url
            else:
                assert response.status_code == 403, url
            assert call.title.encode() not in response.content, url
            assert TITLE.encode() not in response.content, url
    assert (ReviewAssignment.objects.count(), ReviewEvent.objects.count()) == before
    assert not Invitation.objects.exists()
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_coordinator_sees_every_page(coordinator_client, call):
    application, _pool = in_review(call)
    for url in [
        reverse("review_manage:pool", args=[call.pk]),
        reverse("review_manage:assignments", args=[call.pk]),
        page_url(application),
    ]:
        response = coordinator_client.get(url)
        assert response.status_code == 200, url
        assert call.title in response.text


def test_call_nav_links_to_reviewers_and_assignments(coordinator_client, call):
    # The call's "Reviews" group leads to its first page, the reviewers; its pages link each other.
    response = coordinator_client.get(reverse("manage:call_edit", args=[call.pk]))
    assert reverse("review_manage:pool", args=[call.pk]) in response.text
    response = coordinator_client.get(reverse("review_manage:pool", args=[call.pk]))
    assert 'aria-current="page">Reviewers<' in response.text
    assert reverse("review_manage:assignments", args=[call.pk]) in response.text


def test_coordinator_application_page_links_to_its_reviews(coordinator_client, call):
    application = accepted_application(call)
    response = coordinator_client.get(reverse("applicants_manage:detail", args=[application.pk]))
    assert page_url(application) in response.text


# --- the pool -----------------------------------------------------------------------------------


def test_pool_invite_adds_an_existing_user_at_once(coordinator_client, call):
    user = UserFactory(email="ekspertka@example.org")
    response = coordinator_client.post(
        reverse("review_manage:pool", args=[call.pk]), {"emails": "  Ekspertka@Example.org \n"}
    )
    assert response.status_code == 302
    assert PoolMember.objects.filter(call=call, reviewer=user).exists()
    assert "1 person joined the pool of reviewers." in flashed(response)
    page = coordinator_client.get(reverse("review_manage:pool", args=[call.pk]))
    assert user.display_name in page.text


def test_pool_invite_emails_a_link_to_a_new_address(
    coordinator_client, call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("review_manage:pool", args=[call.pk]),
            {"emails": "nowa.osoba@example.org, druga@example.org"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(call=call, email="nowa.osoba@example.org")
    assert invitation.accepted_at is None
    assert not PoolMember.objects.filter(call=call).exists()
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == ["nowa.osoba@example.org"])
    assert Client().get(invitation_link(message)).context["invitation"] == invitation
    page = coordinator_client.get(reverse("review_manage:pool", args=[call.pk]))
    assert "nowa.osoba@example.org" in page.text  # listed as not accepted yet


def test_pool_invite_refuses_an_invalid_address_beside_the_field(coordinator_client, call):
    typed = "dobra@example.org\nto-nie-jest-adres\nteż@zły@example"
    response = coordinator_client.post(
        reverse("review_manage:pool", args=[call.pk]), {"emails": typed}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["emails"]
    assert "to-nie-jest-adres" in errors[0] and "też@zły@example" in errors[0]
    assert 'aria-invalid="true"' in response.text
    assert typed in response.text.replace("&#x27;", "'")  # nothing typed is lost
    assert not Invitation.objects.exists()
    assert not PoolMember.objects.exists()


def test_pool_shows_progress_per_reviewer(coordinator_client, call):
    application, _pool = in_review(call, reviewers=2)
    first, second = live(application).order_by("pk")
    submit_review(first, {"Pomysł": 8, "Budżet": 4})
    assignment_declare(
        assignment=second, impartial=False, reason="Znam wnioskodawcę", by=second.reviewer
    )
    response = coordinator_client.get(reverse("review_manage:pool", args=[call.pk]))
    members = {member.pk: member for member in response.context["page_obj"].object_list}
    done = members[first.reviewer_id]
    assert (done.assigned_count, done.declared_count, done.submitted_count) == (1, 1, 1)
    assert (done.drafted_count, done.overdue_count, done.conflict_count) == (0, 0, 0)
    conflicted = members[second.reviewer_id]
    assert (conflicted.assigned_count, conflicted.conflict_count) == (0, 1)


def test_pool_counts_overdue_assignments(coordinator_client, call):
    application, _pool = in_review(call, reviewers=2)
    late, on_time = live(application).order_by("pk")
    ReviewAssignment.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    submit_review(on_time, {"Pomysł": 5, "Budżet": 5})
    ReviewAssignment.objects.filter(pk=on_time.pk).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    response = coordinator_client.get(reverse("review_manage:pool", args=[call.pk]))
    members = {member.pk: member for member in response.context["page_obj"].object_list}
    assert members[late.reviewer_id].overdue_count == 1
    assert members[on_time.reviewer_id].overdue_count == 0  # submitted, however late


def test_pool_page_runs_fixed_number_of_queries(
    coordinator_client, call, django_assert_max_num_queries
):
    in_review(call, reviewers=2)
    url = reverse("review_manage:pool", args=[call.pk])
    with django_assert_max_num_queries(15) as few:
        coordinator_client.get(url)
    for _ in range(5):
        accepted_application(call)
    reviewers_in_pool(call, 10)
    assign_all(call)
    Invitation.objects.create(call=call, email="ktos@example.org")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(url)
    assert len(response.context["page_obj"].object_list) == 12


# --- automatic assignment --------------------------------------------------------------------------


def test_auto_assignment_respects_own_applications_and_organisations(coordinator_client, call):
    own = accepted_application(call, texts={"title": "Własny wniosek recenzenta"})
    organisation = accepted_application(call, texts={"title": "Wniosek fundacji"})
    other = accepted_application(call, texts={"title": "Inny wniosek"})
    ApplicantProfile.objects.filter(user=organisation.applicant).update(
        kind=ApplicantKind.NGO, organisation_name="Fundacja Zielona", krs="0000123456"
    )
    self_reviewer = own.applicant  # applies in this call and reviews in it too
    colleague = UserFactory()
    profile_for(colleague)
    ApplicantProfile.objects.filter(user=colleague).update(krs="0000123456")
    free = UserFactory()
    for reviewer in (self_reviewer, colleague, free):
        pool_add(call=call, reviewer=reviewer, by=CoordinatorFactory())

    response = coordinator_client.post(
        reverse("review_manage:assignments", args=[call.pk]), {"due_at": "2099-06-30T23:59"}
    )

    assert response.status_code == 302
    assert flashed(response) == ["6 assignments created."]
    for application in (own, organisation, other):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.IN_REVIEW
        assert live(application).count() == 2
    assert set(live(own).values_list("reviewer", flat=True)) == {colleague.pk, free.pk}
    assert set(live(organisation).values_list("reviewer", flat=True)) == {self_reviewer.pk, free.pk}
    assignment = live(other).first()
    assert timezone.localtime(assignment.due_at).strftime("%Y-%m-%d %H:%M") == "2099-06-30 23:59"
    assert ReviewEvent.objects.filter(kind=ReviewEvent.Kind.ASSIGNED).count() == 6


def test_auto_assignment_reports_applications_still_short(coordinator_client, call):
    for _ in range(2):
        accepted_application(call)
    reviewers_in_pool(call, 1)
    response = coordinator_client.post(
        reverse("review_manage:assignments", args=[call.pk]), {"due_at": "2099-06-30T23:59"}
    )
    assert flashed(response) == [
        "2 assignments created. 2 applications still need reviewers "
        "(not enough reviewers without conflicts)."
    ]
    page = coordinator_client.get(reverse("review_manage:assignments", args=[call.pk]))
    assert [row.still_needed for row in page.context["rows"]] == [1, 1]


def test_auto_assignment_refuses_a_past_due_date_and_keeps_it(coordinator_client, call):
    accepted_application(call)
    reviewers_in_pool(call, 2)
    response = coordinator_client.post(
        reverse("review_manage:assignments", args=[call.pk]), {"due_at": "2001-01-01T12:00"}
    )
    assert response.status_code == 400
    assert "due_at" in response.context["form"].errors
    assert 'value="2001-01-01T12:00"' in response.text
    assert not ReviewAssignment.objects.exists()


def test_auto_assignment_due_date_defaults_to_14_days_at_2359(coordinator_client, call):
    response = coordinator_client.get(reverse("review_manage:assignments", args=[call.pk]))
    initial = response.context["form"]["due_at"].value()
    expected = (timezone.localtime() + timedelta(days=14)).date()
    assert (initial.date(), initial.hour, initial.minute) == (expected, 23, 59)


def test_assignments_page_shows_each_reviewers_state(coordinator_client, call):
    application, _pool = in_review(call)
    submitted, late = live(application).order_by("pk")
    submit_review(submitted, {"Pomysł": 8, "Budżet": 4})
    ReviewAssignment.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))
    response = coordinator_client.get(reverse("review_manage:assignments", args=[call.pk]))
    (row,) = response.context["rows"]
    states = {r.assignment.pk: r.progress for r in row.rows}
    assert states == {submitted.pk: "submitted", late.pk: "overdue"}
    assert row.still_needed == 0
    assert page_url(application) in response.text


def test_assignments_page_runs_fixed_number_of_queries(
    coordinator_client, call, django_assert_max_num_queries
):
    for _ in range(3):
        accepted_application(call)
    reviewers_in_pool(call, 4)
    assign_all(call)
    url = reverse("review_manage:assignments", args=[call.pk])
    with django_assert_max_num_queries(15) as few:
        coordinator_client.get(url)
    for _ in range(37):
        accepted_application(call)
    assign_all(call)
    first = ReviewAssignment.objects.order_by("pk").first()
    submit_review(first, {"Pomysł": 7, "Budżet": 3})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(url)
    assert len(response.context["rows"]) == 40


# --- one application: add, remove, replace, reopen, extra reviewer --------------------------------


def test_coordinator_adds_a_reviewer(coordinator_client, coordinator, call):
    application, pool = in_review(call)
    newcomer = next(r for r in pool if not live(application).filter(reviewer=r).exists())
    response = coordinator_client.post(
        reverse("review_manage:assignment_add", args=[application.pk]),
        {"add-reviewer": newcomer.pk, "add-due_at": "2099-01-31T23:59"},
    )
    assert response.status_code == 302
    assignment = live(application).get(reviewer=newcomer)
    event = assignment.events.get()
    assert (event.kind, event.by) == (ReviewEvent.Kind.ASSIGNED, coordinator)


def test_adding_a_reviewer_who_declared_a_conflict_is_refused_beside_the_field(
    coordinator_client, call
):
    application, _pool = in_review(call, reviewers=2)
    assignment = live(application).first()
    assignment_declare(
        assignment=assignment, impartial=False, reason="To mój kuzyn", by=assignment.reviewer
    )
    response = coordinator_client.post(
        reverse("review_manage:assignment_add", args=[application.pk]),
        {"add-reviewer": assignment.reviewer_id, "add-due_at": "2099-01-31T23:59"},
    )
    assert response.status_code == 400
    errors = response.context["add_form"].errors["reviewer"]
    assert "can't review this application" in errors[0]
    assert "is-invalid" in response.text
    assert 'value="2099-01-31T23:59"' in response.text
    assert not live(application).filter(reviewer=assignment.reviewer).exists()


def test_add_list_offers_only_reviewers_who_may_review(coordinator_client, call):
    application, _pool = in_review(call, reviewers=2)
    outsider = UserFactory(full_name="Recenzentka Spoza")
    pool_add(call=call, reviewer=outsider, by=CoordinatorFactory())
    applicant_as_reviewer = application.applicant
    pool_add(call=call, reviewer=applicant_as_reviewer, by=CoordinatorFactory())
    response = coordinator_client.get(page_url(application))
    offered = [
        value for value, _label in response.context["add_form"].fields["reviewer"].widget.choices
    ]
    assert offered == ["", outsider.pk]


def test_coordinator_removes_an_assignment(coordinator_client, coordinator, call):
    application, _pool = in_review(call)
    assignment = live(application).first()
    response = coordinator_client.post(
        reverse("review_manage:assignment_remove", args=[application.pk, assignment.pk])
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.REMOVED
    assert assignment.events.filter(kind=ReviewEvent.Kind.REMOVED, by=coordinator).exists()
    page = coordinator_client.get(page_url(application))
    assert "Assignment removed" in page.text


def test_remove_button_says_whom_it_removes(coordinator_client, call):
    application, _pool = in_review(call)
    assignment = live(application).first()
    response = coordinator_client.get(page_url(application))
    assert f"Remove {assignment.reviewer.display_name} from this application" in response.text


def test_coordinator_replaces_a_reviewer(coordinator_client, coordinator, call):
    application, pool = in_review(call)
    old = live(application).first()
    newcomer = next(r for r in pool if not live(application).filter(reviewer=r).exists())
    response = coordinator_client.post(
        reverse("review_manage:assignment_replace", args=[application.pk, old.pk]),
        {f"replace-{old.pk}-reviewer": newcomer.pk},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == AssignmentStatus.REMOVED
    assert old.events.filter(kind=ReviewEvent.Kind.REPLACED, by=coordinator).exists()
    new = live(application).get(reviewer=newcomer)
    assert new.due_at == old.due_at
    assert new.events.filter(kind=ReviewEvent.Kind.ASSIGNED, by=coordinator).exists()


def test_replacing_with_someone_who_may_not_review_changes_nothing(coordinator_client, call):
    application, _pool = in_review(call)
    old = live(application).first()
    own = application.applicant
    pool_add(call=call, reviewer=own, by=CoordinatorFactory())
    response = coordinator_client.post(
        reverse("review_manage:assignment_replace", args=[application.pk, old.pk]),
        {f"replace-{old.pk}-reviewer": own.pk},
    )
    assert response.status_code == 400
    row_form = next(form for row, form in response.context["rows"] if row.assignment.pk == old.pk)
    assert row_form.errors["reviewer"]
    old.refresh_from_db()
    assert old.status == AssignmentStatus.ASSIGNED  # the removal was rolled back too


def test_coordinator_reopens_a_submitted_review(coordinator_client, coordinator, call):
    application, _pool = in_review(call)
    assignment = live(application).first()
    review = submit_review(assignment, {"Pomysł": 9, "Budżet": 5})
    response = coordinator_client.post(
        reverse("review_manage:review_reopen", args=[application.pk, review.pk]),
        {f"reopen-{review.pk}-note": "Uzasadnienie budżetu jest zbyt krótkie."},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.total, review.submitted_at) == (ReviewStatus.DRAFT, None, None)
    event = assignment.events.get(kind=ReviewEvent.Kind.REOPENED)
    assert (event.by, event.note) == (coordinator, "Uzasadnienie budżetu jest zbyt krótkie.")
    page = coordinator_client.get(page_url(application))
    assert "Uzasadnienie budżetu jest zbyt krótkie." in page.text


def test_application_page_shows_submitted_reviews_in_full(coordinator_client, call):
    application, _pool = in_review(call)
    first, second = live(application).order_by("pk")
    submit_review(first, {"Pomysł": 10, "Budżet": 5})
    submit_review(second, {"Pomysł": 6, "Budżet": 3})
    Review.objects.filter(assignment=first).update(note_for_committee="Tylko dla komisji")
    response = coordinator_client.get(page_url(application))
    summary = response.context["summary"]
    assert (summary.mean, summary.spread, summary.discrepant) == (80.0, 40.0, True)
    assert "Uzasadnienie dla Pomysł." in response.text
    assert "Tylko dla komisji" in response.text
    assert "100,00 / 100" in response.text and "60,00 / 100" in response.text
    assert "btn-lg" in response.text  # the extra reviewer, offered prominently


def test_close_reviews_are_not_flagged(coordinator_client, call):
    application, _pool = in_review(call)
    first, second = live(application).order_by("pk")
    submit_review(first, {"Pomysł": 8, "Budżet": 4})
    submit_review(second, {"Pomysł": 7, "Budżet": 4})
    response = coordinator_client.get(page_url(application))
    assert not response.context["summary"].discrepant
    assert "btn-lg" not in response.text


def test_coordinator_adds_an_extra_reviewer_due_with_the_others(
    coordinator_client, coordinator, call
):
    application, _pool = in_review(call, reviewers=3)
    first, second = live(application).order_by("pk")
    submit_review(first, {"Pomysł": 10, "Budżet": 5})
    submit_review(second, {"Pomysł": 2, "Budżet": 1})
    latest = timezone.now() + timedelta(days=20)
    ReviewAssignment.objects.filter(pk=second.pk).update(due_at=latest)
    response = coordinator_client.post(
        reverse("review_manage:extra_reviewer_add", args=[application.pk])
    )
    assert response.status_code == 302
    assert live(application).count() == 3
    extra = live(application).exclude(pk__in=[first.pk, second.pk]).get()
    assert extra.due_at == latest
    assert extra.events.filter(kind=ReviewEvent.Kind.ASSIGNED, by=coordinator).exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REVIEWED  # never moves backwards


def test_extra_reviewer_gets_at_least_seven_days(coordinator_client, call):
    application, _pool = in_review(call, reviewers=3)
    live(application).update(due_at=timezone.now() + timedelta(hours=1))
    before = timezone.now()
    coordinator_client.post(reverse("review_manage:extra_reviewer_add", args=[application.pk]))
    extra = live(application).order_by("-pk").first()
    assert extra.due_at >= before + timedelta(days=7)


def test_extra_reviewer_with_nobody_left_says_so(coordinator_client, call):
    application, _pool = in_review(call, reviewers=2)
    response = coordinator_client.post(
        reverse("review_manage:extra_reviewer_add", args=[application.pk])
    )
    assert live(application).count() == 2
    assert flashed(response) == [
        "Nobody else in the pool may review this application. Invite more reviewers."
    ]


def test_reviewers_cannot_be_added_before_the_formal_check(coordinator_client, call):
    from applicants.tests.builders import submitted_application

    application = submitted_application(call=call)
    (reviewer,) = reviewers_in_pool(call, 1)
    response = coordinator_client.post(
        reverse("review_manage:assignment_add", args=[application.pk]),
        {"add-reviewer": reviewer.pk, "add-due_at": "2099-01-31T23:59"},
    )
    assert response.status_code in {302, 400}
    assert not ReviewAssignment.objects.exists()


# --- reminders --------------------------------------------------------------------------------------


def test_remind_reviewer_sends_one_email_however_often_it_runs(call):
    application, _pool = in_review(call)
    assignment = live(application).first()
    assert remind_reviewer.call(assignment_id=assignment.pk) is True
    assert remind_reviewer.call(assignment_id=assignment.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [assignment.reviewer.email]
    assert reverse("reviews:assignment", kwargs={"pk": assignment.pk}) in mail.outbox[0].body


def test_remind_reviewer_sends_nothing_for_a_submitted_review(call):
    application, _pool = in_review(call)
    assignment = live(application).first()
    submit_review(assignment, {"Pomysł": 8, "Budżet": 4})
    mail.outbox.clear()
    assert remind_reviewer.call(assignment_id=assignment.pk) is False
    assert mail.outbox == []


# --- criteria with scores are protected -------------------------------------------------------------


def test_call_edit_page_refuses_to_delete_a_scored_criterion(coordinator_client, call):
    application, _pool = in_review(call)
    submit_review(live(application).first(), {"Pomysł": 8, "Budżet": 4})
    criteria = list(call.criteria.order_by("position"))
    data = call_post_data(
        slug=call.slug,
        reference_code=call.reference_code,
        title=call.title,
        **{"criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "2"},
    )
    for index, criterion in enumerate(criteria):
        data.update(
            {
                f"criteria-{index}-id": str(criterion.pk),
                f"criteria-{index}-name": criterion.name,
                f"criteria-{index}-guidance": "",
                f"criteria-{index}-max_points": str(criterion.max_points),
                f"criteria-{index}-weight": str(criterion.weight),
                f"criteria-{index}-ORDER": str(index + 1),
            }
        )
    data["criteria-1-DELETE"] = "on"
    data["criteria-0-guidance"] = "Czy pomysł odpowiada na problem?"  # typed in the same save
    scores = ReviewScore.objects.filter(criterion__name="Budżet").count()
    response = coordinator_client.post(reverse("manage:call_edit", args=[call.pk]), data)
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [
        "The criterion “Budżet” already has review scores and can't be removed."
    ]
    assert "already has review scores and can&#x27;t be removed" in response.text
    # Nothing of that save happened, and what was typed is still on the page.
    assert [(c.name, c.guidance) for c in call.criteria.order_by("position")] == [
        ("Pomysł", ""),
        ("Budżet", ""),
    ]
    assert ReviewScore.objects.filter(criterion__name="Budżet").count() == scores == 1
    assert "Czy pomysł odpowiada na problem?" in response.text


@pytest.mark.parametrize("page", ["review_manage:assignments", "review_manage:pool"])
def test_progress_pages_need_the_same_queries_for_10_or_500_applications(
    coordinator_client, django_assert_max_num_queries, page
):
    from reviews.tests.builders import bulk_ranked_call

    small, large = bulk_ranked_call(10), bulk_ranked_call(500)
    for call in (small, large):
        for reviewer_id in (
            ReviewAssignment.objects.filter(call=call)
            .values_list("reviewer_id", flat=True)
            .distinct()
        ):
            PoolMember.objects.get_or_create(call=call, reviewer_id=reviewer_id)
    with django_assert_max_num_queries(15) as few:
        assert coordinator_client.get(reverse(page, args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert coordinator_client.get(reverse(page, args=[large.pk])).status_code == 200
