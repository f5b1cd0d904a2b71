"""The letter template's preview is rendered by a task worker, once; saving what was previewed
renders nothing more."""

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from core.pdf import renders_started
from decisions.enums import LetterKind
from decisions.models import LetterTemplate
from reviews.tests.builders import call_with_criteria

pytestmark = pytest.mark.django_db

TYPED = "Cześć, {{ applicant }}!\r\n\r\nDziękujemy za udział w programie."


def _edit_url(call) -> str:
    return reverse("decisions:letter_template_edit", args=[call.pk, LetterKind.AWARD, "pl"])


def test_letter_preview_is_not_rendered_in_the_web_request(
    client, django_capture_on_commit_callbacks
):
    call = call_with_criteria()
    client.force_login(CoordinatorFactory())
    before = renders_started()

    with django_capture_on_commit_callbacks() as queued:
        asked = client.post(_edit_url(call), {"body": TYPED, "action": "preview"})
    waiting = client.get(asked.url)

    assert renders_started() == before
    assert asked.status_code == 302
    assert waiting.status_code == 202
    assert "PDF jest przygotowywany" in waiting.text
    assert f'href="{_edit_url(call)}"' in waiting.text  # back to the editor

    for callback in queued:  # the task worker's turn
        callback()
    ready = client.get(asked.url)

    assert renders_started() == before + 1
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/pdf"


def test_letter_previewed_twice_then_saved_is_rendered_once(
    client, django_capture_on_commit_callbacks
):
    call = call_with_criteria()
    client.force_login(CoordinatorFactory())
    before = renders_started()

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_edit_url(call), {"body": TYPED, "action": "preview"})
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(_edit_url(call), {"body": TYPED, "action": "preview"})
    saved = client.post(_edit_url(call), {"body": TYPED, "action": "save"})

    assert first.url == second.url
    assert client.get(second.url)["Content-Type"] == "application/pdf"
    assert saved.status_code == 302
    assert LetterTemplate.objects.get().body == TYPED.replace("\r\n", "\n")
    assert renders_started() == before + 1


def test_letter_saved_without_a_preview_is_test_rendered_before_saving(client):
    call = call_with_criteria()
    client.force_login(CoordinatorFactory())
    before = renders_started()

    saved = client.post(_edit_url(call), {"body": TYPED, "action": "save"})

    assert saved.status_code == 302
    assert LetterTemplate.objects.exists()
    assert renders_started() == before + 1
