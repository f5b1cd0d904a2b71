"""The letters list reads a stored marker of each decision's current letter: after any sequence
of letters, corrections and late workers it names exactly the newest stored version, and the
list shows those letters, in the applications' order, with the count a from-scratch read gives."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from decisions.enums import DecisionOutcome
from decisions.issuing import letter_correction_request, letter_request_issue
from decisions.models import Decision, DecisionLetter
from decisions.services import decision_record, results_publish
from decisions.tests.test_manage_pages import fake_letter_pdf, ranked_application
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_letters(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)


def _newest_from_scratch(call) -> set[int]:
    """Each decision's letter of the highest version, read from every letter of the call."""
    newest: dict[int, DecisionLetter] = {}
    for letter in DecisionLetter.objects.filter(decision__call=call):
        if letter.decision_id not in newest or letter.version > newest[letter.decision_id].version:
            newest[letter.decision_id] = letter
    return {letter.pk for letter in newest.values()}


def _published_call(coordinator, count, django_capture_on_commit_callbacks):
    call = GrantCallFactory(total_budget=Decimal("1000000"), past_deadline=True)
    for score in range(count):
        decision_record(
            application=ranked_application(call, score=40 + score),
            outcome=DecisionOutcome.REJECTED,
            justification="Za mało punktów.",
            by=coordinator,
        )
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=call, by=coordinator)
    return call


def test_letter_current_marker_names_the_newest_version_after_corrections_and_a_late_worker(
    django_capture_on_commit_callbacks,
):
    coordinator = CoordinatorFactory()
    call = _published_call(coordinator, 3, django_capture_on_commit_callbacks)
    first, second, _third = Decision.objects.filter(call=call).order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        letter_correction_request(decision=first, note="Literówka w nazwisku.", by=coordinator)
    # Two corrections queued at once; the workers finish them in the wrong order.
    with django_capture_on_commit_callbacks(execute=False):
        older = letter_correction_request(decision=second, note="Zła data.", by=coordinator)
        newer = letter_correction_request(decision=second, note="Zła kwota.", by=coordinator)
    letter_request_issue(request_id=newer.pk)
    letter_request_issue(request_id=older.pk)

    current = set(DecisionLetter.objects.filter(is_current=True).values_list("pk", flat=True))

    assert current == _newest_from_scratch(call)
    assert second.letters.get(is_current=True).version == 3
    assert DecisionLetter.objects.filter(decision__call=call).count() == 6


def test_letters_page_lists_the_current_letters_in_the_applications_order_with_their_count(
    client, django_capture_on_commit_callbacks
):
    coordinator = CoordinatorFactory()
    call = _published_call(coordinator, 4, django_capture_on_commit_callbacks)
    corrected, waiting = Decision.objects.filter(call=call).order_by("-pk")[:2]
    with django_capture_on_commit_callbacks(execute=True):
        letter_correction_request(decision=corrected, note="Literówka.", by=coordinator)
    # A correction still queued: its first letter stays the one listed.
    with django_capture_on_commit_callbacks(execute=False):
        letter_correction_request(decision=waiting, note="Zła data.", by=coordinator)
    client.force_login(coordinator)

    response = client.get(reverse("decisions:progress", args=[call.pk]))

    page = response.context["letters_page"]
    listed = [letter.pk for letter in page.object_list]
    expected = sorted(
        DecisionLetter.objects.filter(pk__in=_newest_from_scratch(call)).select_related(
            "decision__application"
        ),
        key=lambda letter: (letter.decision.application.number_in_call, letter.decision_id),
    )
    assert listed == [letter.pk for letter in expected]
    assert page.paginator.count == 4
    assert response.content.decode().count("data-letter=") == 4


def test_letters_page_queries_stay_the_same_over_more_than_a_page_of_letters(
    client, monkeypatch, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    monkeypatch.setattr("decisions.views.manage.LETTERS_PER_PAGE", 2)
    coordinator = CoordinatorFactory()
    few = _published_call(coordinator, 1, django_capture_on_commit_callbacks)
    many = _published_call(coordinator, 5, django_capture_on_commit_callbacks)
    client.force_login(coordinator)
    client.get(reverse("decisions:progress", args=[few.pk]))
    with django_assert_max_num_queries(12) as counted:
        client.get(reverse("decisions:progress", args=[few.pk]))

    with django_assert_max_num_queries(len(counted.captured_queries)):
        last = client.get(reverse("decisions:progress", args=[many.pk]) + "?page=3")

    assert last.content.decode().count("data-letter=") == 1
    assert last.context["letters_page"].paginator.count == 5
