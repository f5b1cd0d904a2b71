"""The letter template's preview: rendered by a task worker, bounded, and a failure is said."""

import threading

import pytest
import weasyprint
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from core.pdf import render_pdf, renderers_stop
from decisions.enums import LetterKind
from decisions.models import LetterTemplate
from reviews.tests.builders import call_with_criteria

pytestmark = pytest.mark.django_db


def _stuck(*args, **kwargs):
    threading.Event().wait(60)


def test_letter_preview_that_renders_too_long_is_stopped_and_explained(
    client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    render_pdf("<p>Rozgrzewka</p>", title="-")  # the process's warm-up, before the patch
    settings.PDF_PREVIEW_TIMEOUT = 1
    monkeypatch.setattr(weasyprint.HTML, "render", _stuck)
    renderers_stop()  # renderers forked from now on run the patched render
    call = call_with_criteria()
    client.force_login(CoordinatorFactory())

    with django_capture_on_commit_callbacks(execute=True):  # the task worker tries
        asked = client.post(
            reverse("decisions:letter_template_edit", args=[call.pk, LetterKind.AWARD, "pl"]),
            {"body": "Szanowni Państwo, {{ applicant }}", "action": "preview"},
        )
    response = client.get(asked.url)

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "Nie udało się przygotować tego PDF-a" in response.text
    assert "zbyt długi lub zbyt złożony" in response.text
    assert not LetterTemplate.objects.exists()


def test_letter_save_that_renders_too_long_is_refused_beside_the_text(
    client, settings, monkeypatch
):
    render_pdf("<p>Rozgrzewka</p>", title="-")  # the process's warm-up, before the patch
    settings.PDF_PREVIEW_TIMEOUT = 1
    monkeypatch.setattr(weasyprint.HTML, "render", _stuck)
    renderers_stop()  # renderers forked from now on run the patched render
    call = call_with_criteria()
    client.force_login(CoordinatorFactory())

    response = client.post(
        reverse("decisions:letter_template_edit", args=[call.pk, LetterKind.AWARD, "pl"]),
        {"body": "Szanowni Państwo, {{ applicant }}", "action": "save"},
    )

    assert response.status_code == 200
    assert "jest zbyt długi lub zbyt złożony, by utworzyć z niego PDF" in response.text
    assert "Szanowni Państwo, {{ applicant }}" in response.text  # what was typed is kept
    assert not LetterTemplate.objects.exists()
