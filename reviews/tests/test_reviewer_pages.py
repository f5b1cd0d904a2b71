"""The reviewer's pages: dashboard, declaration, scoring, files, invitations, navigation."""

import io
from datetime import timedelta
from decimal import Decimal

import pypdf
import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.models import Attachment
from applicants.services import application_submit, attachment_add, formal_check_record
from applicants.tests.builders import CONSENTS, complete_draft, render_waiting_pdf_copies
from applicants.uploads import attachment_check
from reviews.context_processors import review_navigation
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import (
    Invitation,
    PoolMember,
    Review,
    ReviewAssignment,
    invitation_token_hash,
)
from reviews.services import (
    assignment_declare,
    assignment_remove,
    pool_invite,
    review_submit,
)
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

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TITLE = "Tajny ogród na dachu biblioteki"
SUMMARY = "Streszczenie widoczne dopiero po oświadczeniu"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def application_with_attachment(call):
    """An application accepted for review whose submitted version lists one PDF file."""
    application = complete_draft(call=call, texts={"title": TITLE, "summary": SUMMARY})
    upload = SimpleUploadedFile("plan-dzialan.pdf", PDF_BYTES, content_type="application/pdf")
    attachment_add(
        application=application, upload=upload, checked=attachment_check(upload, max_mb=10)
    )
    application_submit(
        application=application,
        by=application.applicant,
        consents=CONSENTS,
        arrived_at=timezone.now(),
    )
    formal_check_record(application=application, outcome="accepted", by=CoordinatorFactory())
    application.refresh_from_db()
    return application


@pytest.fixture
def scene():
    """One application with a file, two reviewers assigned to it and a third one in the pool who isn't."""
    call = call_with_criteria(reviewers_per_application=2)
    application = application_with_attachment(call)
    reviewers = reviewers_in_pool(call, 3)
    assign_all(call)
    assignments = list(ReviewAssignment.objects.filter(application=application).order_by("pk"))
    assigned = {a.reviewer_id for a in assignments}
    outsider = next(r for r in reviewers if r.pk not in assigned)
    return {
        "call": call,
        "application": application,
        "assignment": assignments[0],
        "other_assignment": assignments[1],
        "outsider": outsider,
        "attachment": application.versions.get().attachments.get(),
    }


def page(assignment):
    return reverse("reviews:assignment", args=[assignment.pk])


def attachment_url(application, attachment):
    return reverse("reviews:attachment", args=[application.pk, attachment.pk])


def pdf_url(application):
    return reverse("reviews:application_pdf", args=[application.pk])


def declared(assignment):
    return assignment_declare(assignment=assignment, impartial=True, by=assignment.reviewer)


def criteria_of(call):
    return {c.name: c for c in call.criteria.all()}


def review_post(call, *, action, points=None, justifications=None, recommendation="fund"):
    """POST data for the review form, by criterion name."""
    criteria = criteria_of(call)
    data = {
        "action": action,
        "comment_for_applicant": "Komentarz dla wnioskodawcy",
        "note_for_committee": "Notatka dla komisji",
        "recommendation": recommendation,
    }
    for name, criterion in criteria.items():
        value = (points or {}).get(name)
        data[f"points_{criterion.pk}"] = "" if value is None else str(value)
        data[f"justification_{criterion.pk}"] = (justifications or {}).get(name, "")
    return data


# --- the declaration --------------------------------------------------------------------


def test_assignment_page_hides_the_application_before_the_declaration(client, scene):
    assignment = scene["assignment"]
    client.force_login(assignment.reviewer)
    response = client.get(page(assignment))
    html = response.content.decode()
    assert response.status_code == 200
    assert TITLE not in html
    assert SUMMARY not in html
    assert "plan-dzialan.pdf" not in html
    assert scene["application"].reference_number in html
    assert scene["call"].title in html
    assert scene["call"].impartiality_declaration in html


def test_assignment_declaring_impartiality_shows_the_application(client, scene):
    assignment = scene["assignment"]
    client.force_login(assignment.reviewer)
    response = client.post(page(assignment), {"declare": "impartial"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DECLARED
    html = client.get(page(assignment)).content.decode()
    assert TITLE in html
    assert SUMMARY in html
    assert attachment_url(scene["application"], scene["attachment"]) in html
    assert scene["application"].applicant.email not in html  # no contact details for reviewers


def test_assignment_conflict_releases_it_and_tells_the_coordinators(
    client, scene, django_capture_on_commit_callbacks
):
    assignment = scene["assignment"]
    client.force_login(assignment.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page(assignment), {"declare": "conflict", "reason": "Znam wnioskodawczynię."}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:dashboard")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CONFLICT
    assert assignment.conflict_reason == "Znam wnioskodawczynię."
    coordinators = set(
        CoordinatorFactory._meta.model.objects.coordinators().values_list("email", flat=True)
    )
    sent = [m for m in mail.outbox if scene["application"].reference_number in m.subject]
    assert len(sent) == 1
    assert set(sent[0].to) == coordinators
    assert "Znam wnioskodawczynię." in sent[0].body
    assert client.get(page(assignment)).status_code == 404


def test_assignment_conflict_needs_a_reason(client, scene):
    assignment = scene["assignment"]
    client.force_login(assignment.reviewer)
    response = client.post(page(assignment), {"declare": "conflict", "reason": "  "})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED
    assert TITLE not in response.content.decode()


# --- who may see what -------------------------------------------------------------------


def test_assignment_other_reviewer_gets_404(client, scene):
    declared(scene["assignment"])
    declared(scene["other_assignment"])
    client.force_login(scene["other_assignment"].reviewer)
    assert client.get(page(scene["assignment"])).status_code == 404
    assert client.post(page(scene["assignment"]), {"declare": "impartial"}).status_code == 404


def test_files_of_an_application_are_404_for_a_reviewer_not_assigned_to_it(client, scene):
    declared(scene["assignment"])
    client.force_login(scene["outsider"])
    application, attachment = scene["application"], scene["attachment"]
    assert client.get(page(scene["assignment"])).status_code == 404
    assert client.get(attachment_url(application, attachment)).status_code == 404
    assert client.get(pdf_url(application)).status_code == 404
    # Guessing other ids gets nothing either.
    assert (
        client.get(
            attachment_url(application, attachment).replace(str(attachment.pk), "999999")
        ).status_code
        == 404
    )
    assert client.get(reverse("reviews:application_pdf", args=[999999])).status_code == 404


@pytest.mark.parametrize("who", ["applicant", "coordinator"])
def test_assignment_applicant_and_coordinator_get_404(client, scene, who):
    declared(scene["assignment"])
    application = scene["application"]
    user = application.applicant if who == "applicant" else CoordinatorFactory()
    client.force_login(user)
    assert client.get(page(scene["assignment"])).status_code == 404
    assert client.get(attachment_url(application, scene["attachment"])).status_code == 404
    assert client.get(pdf_url(application)).status_code == 404


def test_assignment_anonymous_is_sent_to_log_in(client, scene):
    application = scene["application"]
    login = reverse("account_login")
    for url in (
        page(scene["assignment"]),
        attachment_url(application, scene["attachment"]),
        pdf_url(application),
        reverse("reviews:dashboard"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(login)


def test_assignment_released_by_the_coordinator_is_404_for_its_reviewer(client, scene):
    assignment = declared(scene["assignment"])
    assignment_remove(assignment=assignment, by=CoordinatorFactory())
    client.force_login(assignment.reviewer)
    assert client.get(page(assignment)).status_code == 404
    assert client.get(attachment_url(scene["application"], scene["attachment"])).status_code == 404
    assert client.get(pdf_url(scene["application"])).status_code == 404


def test_attachment_undeclared_reviewer_can_not_download(client, scene):
    client.force_login(scene["assignment"].reviewer)
    assert client.get(attachment_url(scene["application"], scene["attachment"])).status_code == 404
    assert client.get(pdf_url(scene["application"])).status_code == 404


def test_attachment_declared_reviewer_downloads_the_file_of_the_version(client, scene):
    declared(scene["assignment"])
    client.force_login(scene["assignment"].reviewer)
    response = client.get(attachment_url(scene["application"], scene["attachment"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"]


def test_attachment_not_listed_by_the_submitted_version_is_404(client, scene):
    application = scene["application"]
    unsubmitted = Attachment(
        application=application,
        original_name="nowy.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
    )
    unsubmitted.file.save("nowy.pdf", ContentFile(PDF_BYTES), save=False)
    unsubmitted.save()
    declared(scene["assignment"])
    client.force_login(scene["assignment"].reviewer)
    assert client.get(attachment_url(application, unsubmitted)).status_code == 404


def test_application_pdf_declared_reviewer_downloads_it(client, scene):
    render_waiting_pdf_copies()  # as the task worker does after the submission
    declared(scene["assignment"])
    client.force_login(scene["assignment"].reviewer)
    response = client.get(pdf_url(scene["application"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- independence -----------------------------------------------------------------------


def test_assignment_never_shows_another_reviewers_review(client, scene):
    first, second = scene["assignment"], scene["other_assignment"]
    justification = "Uzasadnienie-recenzenta-A-7f3c"
    note = "Notatka-dla-komisji-A-91d2"
    comment = "Komentarz-dla-wnioskodawcy-A-b54e"
    declared(first)
    review_submit(
        assignment=first,
        by=first.reviewer,
        scores={
            c.pk: {"points": 1, "justification": justification}
            for c in scene["call"].criteria.all()
        },
        comment_for_applicant=comment,
        note_for_committee=note,
        recommendation="do_not_fund",
    )
    # The first review really holds all three (else the checks below could not fail).
    stored = Review.objects.get(assignment=first)
    assert stored.status == ReviewStatus.SUBMITTED
    assert set(stored.scores.values_list("justification", flat=True)) == {justification}
    assert (stored.comment_for_applicant, stored.note_for_committee) == (comment, note)
    render_waiting_pdf_copies()

    client.force_login(second.reviewer)
    before_declaring = client.get(page(second)).content.decode()
    declared(second)
    before_submitting = client.get(page(second)).content.decode()
    pdf = b"".join(client.get(pdf_url(scene["application"])).streaming_content)
    submit_review(second, {"Pomysł": 9, "Budżet": 4})
    after_submitting = client.get(page(second)).content.decode()
    dashboard = client.get(reverse("reviews:dashboard")).content.decode()
    pdf_text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for shown in (before_declaring, before_submitting, after_submitting, dashboard, pdf_text):
        for secret in (justification, note, comment):
            assert secret not in shown
        assert first.reviewer.display_name not in shown
        assert first.reviewer.email not in shown


# --- scoring ----------------------------------------------------------------------------


def test_review_points_outside_the_range_are_refused_beside_the_field(client, scene):
    assignment = declared(scene["assignment"])
    call = scene["call"]
    client.force_login(assignment.reviewer)
    response = client.post(
        page(assignment),
        review_post(
            call,
            action="save",
            points={"Pomysł": 11, "Budżet": 3},
            justifications={"Pomysł": "Świetny pomysł", "Budżet": "Rozsądny"},
        ),
    )
    assert response.status_code == 400
    pomysl = criteria_of(call)["Pomysł"]
    assert list(response.context["form"].errors) == [f"points_{pomysl.pk}"]
    html = response.content.decode()
    assert f'id="id_points_{pomysl.pk}_error"' in html or f"error_1_id_points_{pomysl.pk}" in html
    assert f'href="#id_points_{pomysl.pk}"' in html  # the summary at the top links to the field
    assert "Świetny pomysł" in html  # nothing typed is lost
    assert not Review.objects.filter(assignment=assignment).exists()


def test_review_submit_without_a_justification_is_refused_and_keeps_what_was_typed(client, scene):
    assignment = declared(scene["assignment"])
    call = scene["call"]
    client.force_login(assignment.reviewer)
    response = client.post(
        page(assignment),
        review_post(
            call,
            action="submit",
            points={"Pomysł": 8, "Budżet": 3},
            justifications={"Pomysł": "Mocne uzasadnienie pomysłu"},
        ),
    )
    assert response.status_code == 400
    budzet = criteria_of(call)["Budżet"]
    assert list(response.context["form"].errors) == [f"justification_{budzet.pk}"]
    html = response.content.decode()
    assert f'href="#id_justification_{budzet.pk}"' in html
    assert "Mocne uzasadnienie pomysłu" in html
    assert "Komentarz dla wnioskodawcy" in html
    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.DRAFT  # kept as a draft, not submitted
    assert review.scores.get(criterion__name="Pomysł").justification == "Mocne uzasadnienie pomysłu"


def test_review_save_draft_needs_nothing_and_shows_the_values_again(client, scene):
    assignment = declared(scene["assignment"])
    call = scene["call"]
    client.force_login(assignment.reviewer)
    response = client.post(
        page(assignment),
        review_post(call, action="save", points={"Pomysł": 6}, recommendation=""),
    )
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.DRAFT
    form = client.get(page(assignment)).context["form"]
    assert form.initial[f"points_{criteria_of(call)['Pomysł'].pk}"] == 6


def test_review_valid_submission_stores_the_weighted_total_and_is_read_only(client, scene):
    assignment = declared(scene["assignment"])
    call = scene["call"]
    client.force_login(assignment.reviewer)
    response = client.post(
        page(assignment),
        review_post(
            call,
            action="submit",
            points={"Pomysł": 8, "Budżet": 3},
            justifications={"Pomysł": "Dobry", "Budżet": "Za drogo"},
        ),
    )
    # First the confirmation, with the total and the recommendation; then it is submitted.
    assert response.status_code == 302
    assert response.url == reverse("reviews:review_confirm", args=[assignment.pk])
    assert Review.objects.get(assignment=assignment).status == ReviewStatus.DRAFT
    confirmation = client.get(response.url)
    response = client.post(response.url, {"fingerprint": confirmation.context["fingerprint"]})
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.total == Decimal("73.33")  # (0.8 × 2 + 0.6 × 1) / 3 × 100
    after = client.get(page(assignment))
    html = after.content.decode()
    assert "73,33" in html
    assert "form" not in after.context
    assert 'name="action"' not in html


def test_review_post_after_submission_changes_nothing(client, scene):
    assignment = scene["assignment"]
    submit_review(assignment, {"Pomysł": 8, "Budżet": 3})
    call = scene["call"]
    client.force_login(assignment.reviewer)
    for action in ("save", "submit"):
        response = client.post(
            page(assignment),
            review_post(
                call,
                action=action,
                points={"Pomysł": 1, "Budżet": 1},
                justifications={"Pomysł": "Zmiana", "Budżet": "Zmiana"},
                recommendation="do_not_fund",
            ),
        )
        assert response.status_code == 403
    review = Review.objects.get(assignment=assignment)
    assert review.total == Decimal("73.33")
    assert review.recommendation == "fund"
    assert set(review.scores.values_list("points", flat=True)) == {8, 3}


def test_review_form_carries_what_the_live_total_needs(client, scene):
    assignment = declared(scene["assignment"])
    client.force_login(assignment.reviewer)
    html = client.get(page(assignment)).content.decode()
    assert 'data-max="10"' in html
    assert 'data-weight="2.00"' in html
    assert 'aria-live="polite"' in html
    assert "js/review-total" in html


# --- the dashboard ----------------------------------------------------------------------


def dashboard_with(assignments: int):
    """One reviewer with `assignments` live assignments in two calls, in every state."""
    reviewer = UserFactory()
    coordinator = CoordinatorFactory()
    calls = [call_with_criteria(reviewers_per_application=1) for _ in range(2)]
    for call in calls:
        PoolMember.objects.create(call=call, reviewer=reviewer, added_by=coordinator)
    for index in range(assignments):
        accepted_application(calls[index % 2])
    for call in calls:
        assign_all(call)
    mine = list(ReviewAssignment.objects.filter(reviewer=reviewer).order_by("pk"))
    assert len(mine) == assignments
    submit_review(mine[0], {"Pomysł": 5, "Budżet": 5})
    declared(mine[1])
    return reviewer


def dashboard_queries(client, reviewer) -> int:
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reviews:dashboard"))
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def _with_review_navigation(settings):
    """The context processor as the lead adds it to settings, so the count is the real one."""
    templates = [dict(engine) for engine in settings.TEMPLATES]
    options = dict(templates[0]["OPTIONS"])
    processor = "reviews.context_processors.review_navigation"
    if processor not in options["context_processors"]:
        options["context_processors"] = [*options["context_processors"], processor]
    templates[0]["OPTIONS"] = options
    settings.TEMPLATES = templates


@pytest.mark.usefixtures("_with_review_navigation")
def test_dashboard_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    few = dashboard_queries(client, dashboard_with(2))
    many_reviewer = dashboard_with(25)
    client.force_login(many_reviewer)
    with django_assert_max_num_queries(few):
        response = client.get(reverse("reviews:dashboard"))
    assert sum(group.total for group in response.context["groups"]) == 25
    # The session, the user; the page of assignments (its count, its rows, its calls' counts)
    # and the invitations to answer; the "waiting for you" summary (the roles: the groups, the
    # reviewer's EXISTS, the applications' EXISTS; the reviews to do, the invitations);
    # the navigation's EXISTS.
    assert few <= 12


def test_dashboard_shows_overdue_and_hides_titles_before_the_declaration(client):
    call = call_with_criteria(reviewers_per_application=1)
    application = accepted_application(call, texts={"title": TITLE})
    (reviewer,) = reviewers_in_pool(call, 1)
    assign_all(call)
    ReviewAssignment.objects.filter(reviewer=reviewer).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(reviewer)
    response = client.get(reverse("reviews:dashboard"))
    html = response.content.decode()
    (group,) = response.context["groups"]
    (row,) = group.rows
    assert row.overdue and row.state == "to_declare"
    assert "badge text-bg-danger" in html
    assert application.reference_number in html
    assert TITLE not in html
    assert (group.submitted, group.total) == (0, 1)


def test_dashboard_shows_the_title_after_the_declaration_and_no_overdue_once_submitted(client):
    call = call_with_criteria(reviewers_per_application=1)
    accepted_application(call, texts={"title": TITLE})
    (reviewer,) = reviewers_in_pool(call, 1)
    assign_all(call)
    assignment = ReviewAssignment.objects.get(reviewer=reviewer)
    submit_review(assignment, {"Pomysł": 5, "Budżet": 5})
    ReviewAssignment.objects.filter(pk=assignment.pk).update(
        due_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(reviewer)
    response = client.get(reverse("reviews:dashboard"))
    (group,) = response.context["groups"]
    assert group.rows[0].state == "submitted"
    assert not group.rows[0].overdue
    assert TITLE in response.content.decode()
    assert (group.submitted, group.total, group.left) == (1, 1, 0)


def test_dashboard_shows_each_assignments_state_and_its_next_step(client):
    call = call_with_criteria(reviewers_per_application=1)
    waiting = accepted_application(call)
    done = accepted_application(call)
    (reviewer,) = reviewers_in_pool(call, 1)
    assign_all(call)
    submit_review(ReviewAssignment.objects.get(application=done), {"Pomysł": 5, "Budżet": 5})
    client.force_login(reviewer)

    html = " ".join(client.get(reverse("reviews:dashboard")).content.decode().split())

    declare = reverse("reviews:assignment", args=[waiting.review_assignments.get().pk])
    view = reverse("reviews:assignment", args=[done.review_assignments.get().pk])
    assert '<span class="badge text-bg-warning">czeka na oświadczenie</span>' in html
    assert f'<a class="btn btn-sm btn-primary" href="{declare}"> Złóż oświadczenie<' in html
    assert '<span class="badge text-bg-success">przesłana</span>' in html
    assert f'<a class="btn btn-sm btn-outline-secondary" href="{view}"> Zobacz<' in html


# --- invitations ------------------------------------------------------------------------


# The token an invitation's e-mail carried; the database keeps only its hash.
TOKEN = "link-z-zaproszenia"


@pytest.fixture
def invitation():
    call = call_with_criteria()
    return Invitation.objects.create(
        call=call,
        email="nowa.recenzentka@example.org",
        invited_by=CoordinatorFactory(),
        token_hash=invitation_token_hash(TOKEN),
    )


def test_invitation_anonymous_sees_the_call_and_how_to_join(client, invitation):
    url = reverse("reviews:invitation", args=[TOKEN])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert invitation.call.title in html
    assert invitation.invited_by.display_name in html
    assert f"{reverse('account_signup')}?next={url}" in html
    assert f"{reverse('account_login')}?next={url}" in html


def test_invitation_anonymous_post_is_sent_to_log_in(client, invitation):
    response = client.post(reverse("reviews:invitation", args=[TOKEN]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not PoolMember.objects.exists()


def test_invitation_accepted_by_a_signed_in_user_joins_the_pool(client, invitation):
    user = UserFactory(email="nowa.recenzentka@example.org")
    client.force_login(user)
    response = client.post(reverse("reviews:invitation", args=[TOKEN]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:dashboard")
    assert PoolMember.objects.filter(call=invitation.call, reviewer=user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_invitation_for_another_address_is_refused(client, invitation):
    """A forwarded link doesn't make the person who opens it a reviewer."""
    client.force_login(UserFactory(email="ktos.inny@example.org"))
    client.post(reverse("reviews:invitation", args=[TOKEN]))
    assert not PoolMember.objects.filter(call=invitation.call).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_used_by_someone_else_is_refused(client, invitation):
    first = UserFactory(email="nowa.recenzentka@example.org")
    client.force_login(first)
    client.post(reverse("reviews:invitation", args=[TOKEN]))
    second = UserFactory()
    client.force_login(second)
    page_response = client.get(reverse("reviews:invitation", args=[TOKEN]))
    assert page_response.context["used_by_someone_else"]
    assert 'method="post"' not in page_response.content.decode().split("<main", 1)[1]
    response = client.post(reverse("reviews:invitation", args=[TOKEN]))
    assert response.status_code == 409
    assert response.context["used_by_someone_else"]
    assert not PoolMember.objects.filter(reviewer=second).exists()


def test_invitation_unknown_token_is_404(client):
    assert client.get(reverse("reviews:invitation", args=["no-such-token"])).status_code == 404


# --- e-mails ----------------------------------------------------------------------------


def test_invitation_email_links_to_the_invitation_page(django_capture_on_commit_callbacks):
    call = call_with_criteria()
    with django_capture_on_commit_callbacks(execute=True):
        pool_invite(call=call, emails=["ktos.nowy@example.org"], by=CoordinatorFactory())
    invitation = Invitation.objects.get(email="ktos.nowy@example.org")
    (message,) = mail.outbox
    assert message.to == ["ktos.nowy@example.org"]
    assert call.title in message.subject
    page = Client().get(invitation_link(message))
    assert page.status_code == 200
    assert page.context["invitation"] == invitation
    assert "&" not in message.subject + message.body  # plain text, nothing HTML-escaped


def test_reminder_email_names_the_number_not_the_title_before_the_declaration(scene):
    assignment = scene["assignment"]
    remind_reviewer.enqueue(assignment_id=assignment.pk)
    (message,) = [m for m in mail.outbox if m.to == [assignment.reviewer.email]]
    assert scene["application"].reference_number in message.subject
    assert reverse("reviews:assignment", args=[assignment.pk]) in message.body
    assert TITLE not in message.body


# --- navigation -------------------------------------------------------------------------


def navigation_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return review_navigation(request)


def test_review_navigation_only_for_people_with_review_work():
    from django.contrib.auth.models import AnonymousUser

    call = call_with_criteria()
    (member,) = reviewers_in_pool(call, 1)
    assert navigation_for(member) == {"has_review_work": True}
    assert navigation_for(UserFactory()) == {"has_review_work": False}
    assert navigation_for(AnonymousUser()) == {"has_review_work": False}


def test_review_navigation_costs_one_query(django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(1):
        navigation_for(user)


@pytest.mark.usefixtures("_with_review_navigation")
def test_navbar_links_my_reviews_for_pool_members(client):
    call = call_with_criteria()
    (member,) = reviewers_in_pool(call, 1)
    client.force_login(member)
    assert reverse("reviews:dashboard") in client.get(reverse("home")).content.decode()
    client.force_login(UserFactory())
    assert reverse("reviews:dashboard") not in client.get(reverse("home")).content.decode()
