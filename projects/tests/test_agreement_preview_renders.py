"""A grant's agreement preview is rendered by a task worker once, then served from storage."""

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from core.pdf import renders_started
from projects.tests.test_agreements import pdf_text, ready_grant

pytestmark = pytest.mark.django_db


def test_agreement_preview_is_rendered_once_by_the_worker_and_never_in_the_request(
    client, django_capture_on_commit_callbacks
):
    grant = ready_grant()
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:agreement_preview", kwargs={"pk": grant.pk})
    before = renders_started()

    with django_capture_on_commit_callbacks() as queued:
        asked = client.get(url)
    waiting = client.get(asked.url)
    assert renders_started() == before
    assert waiting.status_code == 202
    assert "PDF jest przygotowywany" in waiting.text

    for callback in queued:  # the task worker's turn
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.get(url)  # the coordinator opens the preview again
    first = client.get(asked.url)
    second = client.get(again.url)

    assert again.url == asked.url
    assert renders_started() == before + 1
    for response in (first, second):
        assert response.status_code == 200
        assert "Podgląd" in pdf_text(b"".join(response.streaming_content))
    assert not grant.agreements.exists()
