"""One way to write a deadline and a score: the applicant's page, the e-mail and the letter agree."""

import re
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import CoordinatorFactory
from core.deadlines import end_of_day
from core.formatting import format_deadline, format_money
from decisions.models import Decision, DecisionLetter
from decisions.services import decision_record, results_publish
from grants.tests.factories import deadline_passes
from reviews.models import ReviewAssignment
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    reviewers_in_pool,
    submit_review,
)

pytestmark = pytest.mark.django_db

# Reviews of 7/10 + 3/5 and 9/10 + 4/5 (weights 2 and 1): totals 66,67 and 86,67, final 76,67.
FINAL_SCORE = "76,67"
ONE_DECIMAL = "76,7"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The letter as pdftotext reads it, every run of whitespace as one space."""
    executable = shutil.which("pdftotext")
    assert executable, "pdftotext (poppler-utils) is not installed"
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603 (a fixed poppler-utils program, run on a file the test wrote)
        [executable, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def squeezed(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture
def scored(django_capture_on_commit_callbacks):
    """An application scored 76,67 by two reviewers, awarded (a draft decision)."""
    call = call_with_criteria(acceptance_days=14, total_budget=Decimal("20000"))
    application = accepted_application(call, texts={"title": "Ogród deszczowy przy szkole"})
    reviewers_in_pool(call, 2)
    assign_all(call)
    first, second = ReviewAssignment.objects.filter(application=application).order_by("pk")
    submit_review(first, {"Pomysł": 7, "Budżet": 3})
    submit_review(second, {"Pomysł": 9, "Budżet": 4})
    coordinator = CoordinatorFactory()
    decision_record(
        application=application,
        outcome="awarded",
        amount=application.requested_amount,
        by=coordinator,
    )
    return call, application, coordinator


def test_accept_by_is_the_end_of_a_day_written_as_a_date_on_the_page_in_the_email_and_letter(
    client, scored, django_capture_on_commit_callbacks, tmp_path
):
    call, application, coordinator = scored

    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=deadline_passes(call), by=coordinator)

    decision = Decision.objects.get(application=application)
    polish_day = timezone.localdate(decision.published_at) + timedelta(days=14)
    assert decision.acceptance_deadline == end_of_day(polish_day)
    local = timezone.localtime(decision.acceptance_deadline)
    assert (local.hour, local.minute) == (23, 59)
    with translation.override("pl"):
        words = format_deadline(decision.acceptance_deadline)
    assert re.fullmatch(r"\d{1,2} [a-ząćęłńóśźż]+ \d{4} r\.", words)  # "14 grudnia 2026 r."

    client.force_login(application.applicant)
    page = client.get(reverse("decisions_applicant:decision", args=[application.pk])).text
    assert f"Przyjmij grant albo z niego zrezygnuj do {words}" in page
    assert "23:59" not in page

    (email,) = mail.outbox
    assert f"Potwierdź w serwisie Mikrogranty przyjęcie grantu do {words}" in email.body
    assert "r.." not in email.body

    letter = DecisionLetter.objects.get(decision=decision)
    text = pdf_text(letter.pdf.open("rb").read(), tmp_path)
    assert f"w serwisie Mikrogranty do {words}" in text  # the letter's text and its next steps
    assert "r.." not in text
    assert "23:59" not in text


def test_accept_by_in_english_is_a_date_without_the_polish_abbreviation(
    client, scored, django_capture_on_commit_callbacks
):
    call, application, coordinator = scored
    application.applicant.language = "en"
    application.applicant.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=deadline_passes(call), by=coordinator)

    decision = Decision.objects.get(application=application)
    with translation.override("en"):
        words = format_deadline(decision.acceptance_deadline)
    (email,) = mail.outbox
    assert f"that you accept the grant by {words}." in email.body
    assert " r." not in words


def test_a_score_has_the_same_two_decimals_on_the_ranking_the_decisions_the_page_and_the_letter(
    client, scored, django_capture_on_commit_callbacks, tmp_path
):
    call, application, coordinator = scored
    client.force_login(coordinator)

    ranking = squeezed(client.get(reverse("review_manage:ranking", args=[call.pk])).text)
    decisions_page = squeezed(client.get(reverse("decisions:call", args=[call.pk])).text)
    assert FINAL_SCORE in ranking
    assert FINAL_SCORE in decisions_page

    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=deadline_passes(call), by=coordinator)
    client.force_login(application.applicant)
    page = squeezed(client.get(reverse("decisions_applicant:decision", args=[application.pk])).text)
    letter = pdf_text(
        DecisionLetter.objects.get(decision__application=application).pdf.read(), tmp_path
    )

    assert f"Ocena: {FINAL_SCORE} na 100." in page
    assert "3,50 / 5" in page  # Budżet: the mean of 3 and 4
    assert f"Ocena końcowa (na 100 pkt) {FINAL_SCORE}" in letter
    assert "Budżet 3,50 5" in letter
    for text in (ranking, decisions_page, page, letter):
        assert f"{ONE_DECIMAL} " not in text and "76.67" not in text


def test_english_pages_write_scores_and_percentages_with_the_same_decimal_comma(client, scored):
    call, _application, coordinator = scored
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    decisions_page = squeezed(client.get(reverse("decisions:call", args=[call.pk])).text)

    assert FINAL_SCORE in decisions_page
    assert "76.67" not in decisions_page


def test_decisions_page_names_one_remaining_budget_and_the_hypothetical_one_apart(client, scored):
    call, application, coordinator = scored
    client.force_login(coordinator)

    html = squeezed(client.get(reverse("decisions:call", args=[call.pk])).text)

    # 20 000 zł minus the one award recorded: what is really left.
    left = squeezed(format_money(call.total_budget - application.requested_amount))
    assert re.search(r"Pozostało w budżecie</dt><dd[^>]*>" + re.escape(left), html)
    # The funding line speaks of what funding would leave, never of what is "left".
    assert html.count("Pozostało w budżecie") == 1
    assert "zostałoby w budżecie" in html
    assert ", pozostało " not in html
