"""A call's own letter texts: bounded, saved only after a real test render; a broken one fails only its letters."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from decisions.enums import DecisionOutcome, LetterKind, LetterState
from decisions.letter_templates import letter_template_save
from decisions.models import Decision, LetterTemplate
from decisions.services import decision_record, results_publish
from decisions.tests.test_manage_pages import ranked_application
from grants.tests.factories import GrantCallFactory
from reviews.tests.builders import call_with_criteria

pytestmark = pytest.mark.django_db

STORED = "Dzień dobry, {{ applicant }}!\n\nProjekt „{{ title }}” otrzymał grant."

# 2 000 levels of quotation, and list items each indented one level deeper than the last.
NESTED_QUOTES = "> " * 2000 + "Gratulacje"
NESTED_LIST = "\n".join("    " * level + "- punkt" for level in range(60))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def editor(client):
    """A coordinator in the editor of the call's Polish award letter, which has its own text."""
    call = call_with_criteria()
    coordinator = CoordinatorFactory()
    LetterTemplate.objects.create(
        call=call, kind=LetterKind.AWARD, language="pl", body=STORED, updated_by=coordinator
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(coordinator)
    return (
        client,
        call,
        reverse("decisions:letter_template_edit", args=[call.pk, LetterKind.AWARD, "pl"]),
    )


def error_beside_body(html: str) -> str:
    match = re.search(r'id="id_body_error"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


@pytest.mark.parametrize("typed", [NESTED_QUOTES, NESTED_LIST], ids=["quotes", "list"])
def test_letter_template_editor_refuses_deep_nesting_beside_the_field_and_keeps_the_text(
    editor, typed
):
    client, _call, url = editor

    response = client.post(url, {"body": typed, "action": "save"})

    assert response.status_code == 200
    assert "nested too deeply" in error_beside_body(response.content.decode())
    assert response.context["form"]["body"].value() == typed  # nothing typed is lost
    assert LetterTemplate.objects.get().body == STORED


@pytest.mark.parametrize("typed", [NESTED_QUOTES, NESTED_LIST], ids=["quotes", "list"])
def test_letter_template_preview_of_a_deeply_nested_text_is_refused_not_crashed(editor, typed):
    client, _call, url = editor

    response = client.post(url, {"body": typed, "action": "preview"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "nested too deeply" in error_beside_body(response.content.decode())


def test_letter_template_save_refuses_a_huge_text_even_without_the_form(editor):
    _client, call, _url = editor

    with pytest.raises(ValidationError) as refused:
        letter_template_save(
            call=call,
            kind=LetterKind.AWARD,
            language="pl",
            body="Gratulacje! " * 5000,
            by=CoordinatorFactory(),
        )

    assert refused.value.message_dict["body"] == [
        "Tekst ma 60000 znaków; pismo może mieć najwyżej 10000."
    ]
    assert LetterTemplate.objects.get().body == STORED


def test_letter_template_editor_refuses_a_text_the_renderer_fails_on(editor, monkeypatch):
    client, _call, url = editor

    def renderer_gives_up(html, **kwargs):
        raise RuntimeError("Pango could not lay out the page")

    monkeypatch.setattr("decisions.letter_templates.render_pdf", renderer_gives_up)

    response = client.post(url, {"body": "Nowy tekst {{ title }}", "action": "save"})

    error = error_beside_body(response.content.decode())
    assert "Pango could not lay out the page" in error
    assert "Nothing was saved" in error
    assert LetterTemplate.objects.get().body == STORED


def test_letter_template_editor_saves_a_text_of_ordinary_depth_after_rendering_it(editor):
    client, _call, url = editor
    typed = (
        "Dzień dobry, {{ applicant }}!\n\n"
        "> Cytat z regulaminu:\n>\n> - punkt\n>     - podpunkt **ważny**\n\n"
        "Kwota: {{ amount }} ({{ amount_in_words }})."
    )

    response = client.post(url, {"body": typed, "action": "save"})

    assert response.status_code == 302
    assert LetterTemplate.objects.get().body == typed


def test_publish_with_a_broken_stored_template_fails_those_letters_only(
    client, django_capture_on_commit_callbacks
):
    """A text saved before the bounds existed: its letters fail, naming it; the others are issued."""
    call = GrantCallFactory(past_deadline=True, total_budget=Decimal("10000"))
    coordinator = CoordinatorFactory()
    LetterTemplate.objects.create(
        call=call, kind=LetterKind.REJECTION, language="pl", body=NESTED_QUOTES
    )
    awarded = ranked_application(call, score=90, applicant=UserFactory(language="pl"))
    rejected = [
        ranked_application(call, score=score, applicant=UserFactory(language="pl"))
        for score in (30, 20)
    ]
    decision_record(
        application=awarded,
        outcome=DecisionOutcome.AWARDED,
        amount=Decimal("3000"),
        by=coordinator,
    )
    for application in rejected:
        decision_record(application=application, outcome=DecisionOutcome.REJECTED, by=coordinator)
    client.force_login(coordinator)
    data = {"decisions": [str(d.pk) for d in Decision.objects.filter(call=call)]}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("decisions:publish", args=[call.pk]), data)

    assert response.status_code == 302
    award = Decision.objects.get(application=awarded)
    assert award.letter_state == LetterState.ISSUED
    assert [m.to for m in mail.outbox] == [[awarded.applicant.email]]
    for application in rejected:
        decision = Decision.objects.get(application=application)
        assert decision.letter_state == LetterState.FAILED
        assert not decision.letters.exists()
        # In the programme's language (Polish), naming the text: its kind and language.
        assert "„Odrzucenie merytoryczne” (polski)" in decision.letter_error
    progress = client.get(
        reverse("decisions:progress_counts", args=[call.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert progress.count("data-letter-error") == 2


def test_letters_of_a_corrected_template_are_issued_on_retry(
    client, django_capture_on_commit_callbacks
):
    call = GrantCallFactory(past_deadline=True)
    coordinator = CoordinatorFactory()
    template = LetterTemplate.objects.create(
        call=call, kind=LetterKind.REJECTION, language="pl", body=NESTED_LIST
    )
    application = ranked_application(call, score=30, applicant=UserFactory(language="pl"))
    decision = decision_record(
        application=application, outcome=DecisionOutcome.REJECTED, by=coordinator
    )
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(call=call, by=coordinator)
    decision.refresh_from_db()
    assert decision.letter_state == LetterState.FAILED
    template.body = "Niestety, projekt „{{ title }}” nie otrzymał grantu."
    template.save()
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("decisions:retry_failed", args=[call.pk]))

    decision.refresh_from_db()
    assert decision.letter_state == LetterState.ISSUED
    assert decision.letters.get().version == 1
