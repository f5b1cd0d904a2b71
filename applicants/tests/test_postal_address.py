"""The applicant's postal address: asked in the profile, checked, required to submit, in "My data"."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from applicants.enums import ApplicationStatus
from applicants.models import ApplicantProfile
from applicants.services import SubmissionRefused, application_submit
from applicants.tests.builders import CONSENTS, complete_draft

pytestmark = pytest.mark.django_db

NO_MEMBERS = {
    "members-TOTAL_FORMS": "0",
    "members-INITIAL_FORMS": "0",
    "members-MIN_NUM_FORMS": "0",
    "members-MAX_NUM_FORMS": "1000",
}


def individual(**address) -> dict:
    return {
        "kind": "individual",
        "contact_name": "Ola Nowak",
        "date_of_birth": "2004-05-01",
        "city": "Gdańsk",
        **address,
        **NO_MEMBERS,
    }


def test_profile_saves_the_postal_address(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("applicants:profile"), individual(street="ul. Długa 5/2", postcode="80-831")
    )
    assert response.status_code == 302
    profile = ApplicantProfile.objects.get(user=user)
    assert (profile.street, profile.postcode, profile.city) == ("ul. Długa 5/2", "80-831", "Gdańsk")


def test_profile_writes_a_postcode_typed_without_the_dash_with_it(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("applicants:profile"), individual(street="ul. Długa 5", postcode="80831"))
    assert ApplicantProfile.objects.get(user=user).postcode == "80-831"


def test_profile_says_beside_the_field_how_to_write_the_postcode(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("applicants:profile"), individual(street="ul. Długa 5", postcode="80-83")
    )
    assert response.status_code == 200
    page = response.text
    field = page[page.index('id="id_postcode"') :]
    # The message is the field's own feedback, right after the input.
    feedback = field[: field.index("</div>") + 200]
    assert "Wpisz kod pocztowy w formacie NN-NNN, np. 00-950." in feedback
    assert 'value="80-83"' in page and 'value="ul. Długa 5"' in page  # nothing typed is lost
    assert not ApplicantProfile.objects.exists()


def test_profile_asks_for_the_street_and_postcode(client):
    client.force_login(UserFactory())
    response = client.post(reverse("applicants:profile"), individual())
    assert {"street", "postcode"} <= set(response.context["form"].errors)


def test_profile_made_before_addresses_were_asked_still_opens_and_keeps_its_drafts(client):
    application = complete_draft()
    ApplicantProfile.objects.filter(user=application.applicant).update(street="", postcode="")
    client.force_login(application.applicant)
    assert client.get(reverse("applicants:profile")).status_code == 200
    assert client.get(reverse("applicants:my_applications")).status_code == 200


def test_submission_asks_for_the_postal_address_of_an_older_profile(client):
    application = complete_draft()
    ApplicantProfile.objects.filter(user=application.applicant).update(street="", postcode="")
    client.force_login(application.applicant)
    page = client.get(reverse("applicants:submit", args=[application.pk])).text
    assert "Podaj adres do korespondencji" in page
    with pytest.raises(SubmissionRefused) as refused:
        application_submit(
            application=application,
            by=application.applicant,
            consents=CONSENTS,
            arrived_at=timezone.now(),
        )
    assert [p.field for p in refused.value.problems] == ["street"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT

    ApplicantProfile.objects.filter(user=application.applicant).update(
        street="ul. Lipowa 5", postcode="20-001"
    )
    application_submit(
        application=application,
        by=application.applicant,
        consents=CONSENTS,
        arrived_at=timezone.now(),
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.versions.get().content["applicant"]["street"] == "ul. Lipowa 5"


def test_my_data_holds_the_postal_address(client):
    application = complete_draft()
    client.force_login(application.applicant)
    response = client.post(reverse("privacy:export"))
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    assert data["applicant_profile"]["street"] == "ul. Lipowa 5/12"
    assert data["applicant_profile"]["postcode"] == "20-001"
