"""python manage.py issue_letters --call <slug> [--out DIR]."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.tests.factories import CoordinatorFactory
from decisions.enums import DecisionOutcome, LetterState
from decisions.models import Decision, DecisionLetter
from decisions.services import decision_record, results_publish
from decisions.tests.test_manage_pages import fake_letter_pdf, ranked_application
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_fake_pdf(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("decisions.letters.render_letter_pdf", fake_letter_pdf)


@pytest.fixture
def published_call():
    """Three decisions, two of them published (their queued letters never ran: no commit in a test)."""
    call = GrantCallFactory(past_deadline=True, slug="klimat-2026")
    coordinator = CoordinatorFactory()
    decisions = [
        decision_record(
            application=ranked_application(call, score=score),
            outcome=DecisionOutcome.REJECTED,
            by=coordinator,
        )
        for score in (50, 40, 30)
    ]
    results_publish(call=call, by=coordinator, decisions=decisions[:2])
    return call, decisions


def run(*args) -> str:
    out = StringIO()
    call_command("issue_letters", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_issue_letters_issues_the_missing_letters_of_published_decisions(published_call):
    call, decisions = published_call

    output = run("--call", call.slug)

    assert "Issued 2 letter(s)" in output
    assert set(DecisionLetter.objects.values_list("decision_id", flat=True)) == {
        decisions[0].pk,
        decisions[1].pk,
    }
    assert set(
        Decision.objects.filter(pk__in=[d.pk for d in decisions[:2]]).values_list(
            "letter_state", flat=True
        )
    ) == {LetterState.ISSUED}


def test_issue_letters_twice_issues_nothing_new(published_call):
    call, _decisions = published_call
    run("--call", call.slug)

    output = run("--call", call.slug)

    assert "Issued 0 letter(s)" in output
    assert DecisionLetter.objects.count() == 2


def test_issue_letters_copies_the_current_letters_into_a_new_folder(published_call, tmp_path):
    call, _decisions = published_call
    out = tmp_path / "export" / "pisma"

    output = run("--call", call.slug, "--out", str(out))

    letters = DecisionLetter.objects.all()
    assert sorted(path.name for path in out.iterdir()) == sorted(
        letter.number.replace("/", "-") + ".pdf" for letter in letters
    )
    for letter in letters:
        assert (out / (letter.number.replace("/", "-") + ".pdf")).read_bytes() == letter.pdf.open(
            "rb"
        ).read()
    assert f"Copied 2 letter(s) to {out}" in output


def test_issue_letters_unknown_call_is_an_error():
    with pytest.raises(CommandError, match="nie-ma"):
        run("--call", "nie-ma")


def test_issue_letters_reports_a_failed_letter_and_issues_the_others(published_call, monkeypatch):
    call, decisions = published_call
    failing = decisions[0].application.reference_number

    def render(decision, *, language, number, issued_at):
        if number.startswith(failing):
            raise RuntimeError("Brak szablonu")
        return fake_letter_pdf(decision, language=language, number=number, issued_at=issued_at)

    monkeypatch.setattr("decisions.letters.render_letter_pdf", render)

    with pytest.raises(CommandError, match="1 letter"):
        run("--call", call.slug)

    assert list(DecisionLetter.objects.values_list("decision_id", flat=True)) == [decisions[1].pk]
