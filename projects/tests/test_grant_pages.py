"""The grant's pages: its grantee and coordinators see it; nobody else learns it exists."""

import pytest
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from projects.tests.factories import GrantFactory

pytestmark = pytest.mark.django_db


def test_grant_page_shows_the_grantee_their_grant(client):
    grant = GrantFactory(title="Ogród deszczowy na Bałutach")
    client.force_login(grant.application.applicant)
    response = client.get(reverse("projects:grant", kwargs={"pk": grant.pk}))
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())  # (amounts are spaced with NBSPs)
    assert "Ogród deszczowy na Bałutach" in page
    assert "3 000,00 zł" in page
    assert "Umowa do przygotowania" in page


@pytest.mark.parametrize("who", ["another applicant", "a reviewer", "anonymous"])
def test_grant_page_is_not_found_for_anyone_but_its_grantee(client, who):
    grant = GrantFactory()
    if who != "anonymous":
        client.force_login(UserFactory())
    response = client.get(reverse("projects:grant", kwargs={"pk": grant.pk}))
    if who == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404


def test_call_grants_lists_the_grants_for_coordinators_only(client):
    grant = GrantFactory(title="Ogród deszczowy")
    url = reverse("projects_manage:grants", kwargs={"pk": grant.call_id})
    client.force_login(grant.application.applicant)
    assert client.get(url).status_code == 403
    client.force_login(CoordinatorFactory())
    page = client.get(url).content.decode()
    assert "Ogród deszczowy" in page
    assert reverse("projects_manage:grant", kwargs={"pk": grant.pk}) in page
    detail = client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk}))
    assert detail.status_code == 200
