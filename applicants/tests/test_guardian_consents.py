"""Guardians' consents and patron organisations' confirmations, tested through the pages
and the services a user acts through."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.consents_enums import GuardianConsentState, PatronConfirmationState
from applicants.consents_guardian import (
    InvalidConsentMove,
    guardian_consent_answer,
    guardian_consent_request,
    guardian_consent_transition,
)
from applicants.consents_selectors import consent_summary
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import (
    ApplicantProfile,
    GuardianConsent,
    GuardianConsentChange,
    PatronConfirmation,
)
from applicants.services import SubmissionRefused, application_submit
from applicants.tests.builders import CONSENTS
from applicants.tests.consent_helpers import (
    born_days_from_birthday,
    draft_with_lead_born,
    group_draft,
    outbox_link,
)
from applicants.tests.factories import ApplicationMemberFactory
from core.models import OutgoingEmail
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db

GUARDIAN_MAIL = "applicants/guardian_consent"
PATRON_MAIL = "applicants/patron_confirmation"


def submit(application):
    version = application_submit(
        application=application,
        by=application.applicant,
        consents=CONSENTS,
        arrived_at=timezone.now(),
    )
    application.refresh_from_db()
    return version


def ask_guardian(
    client, application, *, child_id=None, name="Anna Kowalska", email="mama@example.org"
):
    client.force_login(application.applicant)
    child_id = child_id or application.applicant_id
    return client.post(
        reverse("applicants:consents", args=[application.pk]),
        {
            "action": "guardian",
            "child": child_id,
            f"g{child_id}-child": child_id,
            f"g{child_id}-guardian_name": name,
            f"g{child_id}-guardian_email": email,
        },
    )


def answer(client, path, answer="give", name="Anna Kowalska"):
    page = client.get(path)
    shown = page.context["form"]["shown"].value()
    return client.post(path, {"signed_name": name, "shown": shown, "answer": answer})


# --- Who needs a consent: ages at the boundary ---------------------------------------------------


@pytest.mark.parametrize(
    ("age", "shift", "needed"),
    [
        (18, 1, True),  # turns 18 tomorrow: 17 today
        (18, 0, False),  # 18th birthday today
        (18, -1, False),
        (16, 1, True),  # turns 16 tomorrow, in a call with 16 as the age
        (16, 0, False),
        (16, -1, False),
    ],
)
def test_consent_summary_counts_age_on_the_day(age, shift, needed):
    call = GrantCallFactory(guardian_consent_age=age)
    application = draft_with_lead_born(born_days_from_birthday(age, shift), call=call)
    people = consent_summary(application).people
    assert bool(people) is needed


def test_consent_summary_uses_the_day_of_submission_not_today():
    """Someone who was 17 when the application went in still needs the consent at 18."""
    call = GrantCallFactory(guardian_consents_may_follow=True)
    application = draft_with_lead_born(born_days_from_birthday(18, 1), call=call)
    submit(application)
    application.refresh_from_db()
    later = timezone.now() + timedelta(days=30)
    assert [p.age for p in consent_summary(application, now=later).people] == [17]


def test_consent_summary_includes_an_editor_with_their_date_of_birth():
    application = draft_with_lead_born(born_days_from_birthday(20, 0))
    editor = UserFactory()
    ApplicationMemberFactory(
        application=application,
        user=editor,
        full_name="Kuba Nowak",
        date_of_birth=born_days_from_birthday(16, 30),
    )
    people = consent_summary(application).people
    assert [(p.name, p.age, p.is_lead) for p in people] == [("Kuba Nowak", 15, False)]


# --- Submission waits, unless the call lets consents follow --------------------------------------


def test_submission_is_refused_until_the_guardian_consents(client):
    application = draft_with_lead_born(born_days_from_birthday(18, 1))
    with pytest.raises(SubmissionRefused) as refused:
        submit(application)
    assert any("Zosia Kowalska" in p.message for p in refused.value.problems)
    ask_guardian(client, application)
    response = answer(client, outbox_link(GUARDIAN_MAIL, "mama@example.org"))
    assert response.status_code == 302
    submit(application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_submit_page_lists_the_missing_consent(client):
    application = draft_with_lead_born(born_days_from_birthday(18, 1))
    client.force_login(application.applicant)
    page = client.get(reverse("applicants:submit", args=[application.pk]))
    text = page.content.decode()
    assert "zgoda rodzica lub opiekuna" in text or "guardian" in text
    assert 'href="#id_guardians"' in text


def test_submission_goes_through_when_consents_may_follow_and_the_agreement_waits():
    from projects.readiness import agreement_readiness
    from projects.tests.factories import GrantFactory

    call = GrantCallFactory(guardian_consents_may_follow=True)
    application = draft_with_lead_born(born_days_from_birthday(18, 1), call=call)
    submit(application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    grant = GrantFactory(application=application)
    assert any("Zosia Kowalska" in problem for problem in agreement_readiness(grant))


def test_an_adult_team_submits_without_consents_and_the_agreement_does_not_wait():
    from projects.readiness import agreement_readiness
    from projects.tests.factories import GrantFactory

    application = draft_with_lead_born(born_days_from_birthday(18, 0))
    submit(application)
    grant = GrantFactory(application=application)
    assert not any("Zosia" in problem for problem in agreement_readiness(grant))


# --- The guardian's page -----------------------------------------------------------------------


def test_guardian_page_shows_the_child_project_amount_and_who_processes_data(client):
    application = draft_with_lead_born(born_days_from_birthday(18, 100))
    ask_guardian(client, application)
    client.logout()
    page = client.get(outbox_link(GUARDIAN_MAIL, "mama@example.org"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Zosia Kowalska" in text
    assert application.title in text
    assert application.call.title in text
    assert "zł" in text
    assert "Administratorem" in text or "controller" in text
    assert page["Referrer-Policy"] == "same-origin"  # the token never goes to another site


def test_guardian_consent_records_the_text_shown_the_name_and_the_time(client):
    application = draft_with_lead_born(born_days_from_birthday(18, 100))
    ask_guardian(client, application)
    client.logout()
    path = outbox_link(GUARDIAN_MAIL, "mama@example.org")
    shown_page = client.get(path).content.decode()
    answer(client, path, name="Anna Maria Kowalska")
    consent = GuardianConsent.objects.get()
    assert consent.state == GuardianConsentState.GIVEN
    assert consent.signed_name == "Anna Maria Kowalska"
    assert consent.answered_at is not None
    assert application.title in consent.text
    assert "Zosia Kowalska" in consent.text
    # Every paragraph stored was on the page the guardian read.
    first_paragraph = consent.text.split("\n")[1]
    assert first_paragraph in shown_page.replace("&#x27;", "'").replace("&quot;", '"')
    assert [c.new_state for c in GuardianConsentChange.objects.order_by("pk")] == [
        "requested",
        "given",
    ]


def test_guardian_can_refuse(client):
    application = draft_with_lead_born(born_days_from_birthday(18, 100))
    ask_guardian(client, application)
    answer(client, outbox_link(GUARDIAN_MAIL, "mama@example.org"), answer="refuse")
    assert GuardianConsent.objects.get().state == GuardianConsentState.REFUSED
    with pytest.raises(SubmissionRefused):
        submit(application)


def test_guardian_withdraws_by_the_same_link_and_the_record_stays(client):
    application = draft_with_lead_born(born_days_from_birthday(18, 100))
    ask_guardian(client, application)
    path = outbox_link(GUARDIAN_MAIL, "mama@example.org")
    answer(client, path)
    response = client.post(
        path, {"signed_name": "Anna Kowalska", "shown": "x", "answer": "withdraw"}
    )
    assert response.status_code == 302
    consent = GuardianConsent.objects.get()
    assert consent.state == GuardianConsentState.WITHDRAWN
    assert consent.revoked_at is not None
    assert consent.text  # what was consented to stays on record
    page = client.get(path).content.decode()
    assert 'data-consent-state="withdrawn"' in page
    with pytest.raises(SubmissionRefused):
        submit(application)


def test_withdrawal_after_submission_makes_the_agreement_wait(client):
    from projects.readiness import agreement_readiness
    from projects.tests.factories import GrantFactory

    application = draft_with_lead_born(born_days_from_birthday(18, 100))
    ask_guardian(client, application)
    path = outbox_link(GUARDIAN_MAIL, "mama@example.org")
    answer(client, path)
    submit(application)
    grant = GrantFactory(application=application)
    assert not any("Zosia" in p for p in agreement_readiness(grant))
    client.post(path, {"signed_name": "Anna Kowalska", "shown": "x", "answer": "withdraw"})
    assert any("Zosia" in p for p in agreement_readiness(grant))


def test_resending_renews_the_link_and_the_old_one_stops_working(client):
    application = draft_with_lead_born(born_days_from_birthday(18, 100))
    ask_guardian(client, application)
    old = outbox_link(GUARDIAN_MAIL, "mama@example.org")
    ask_guardian(client, application, name="Piotr Kowalski", email="tata@example.org")
    new = outbox_link(GUARDIAN_MAIL, "tata@example.org")
    assert client.get(old).status_code == 404
    page = client.get(new)
    assert page.status_code == 200
    consent = GuardianConsent.objects.get()
    assert (consent.guardian_name, consent.guardian_email) == ("Piotr Kowalski", "tata@example.org")


def test_a_given_consent_cannot_be_asked_again(client):
    application = draft_with_lead_born(born_days_from_birthday(18, 100))
    ask_guardian(client, application)
    answer(client, outbox_link(GUARDIAN_MAIL, "mama@example.org"))
    response = ask_guardian(client, application, email="ktos@example.org")
    assert response.status_code == 400
    assert not OutgoingEmail.objects.filter(to="ktos@example.org").exists()


def test_an_expired_link_answers_nothing(client):
    application = draft_with_lead_born(born_days_from_birthday(18, 100))
    ask_guardian(client, application)
    path = outbox_link(GUARDIAN_MAIL, "mama@example.org")
    GuardianConsent.objects.update(link_expires_at=timezone.now() - timedelta(minutes=1))
    page = client.get(path)
    assert page.status_code == 410
    assert application.title not in page.content.decode()
    answer_post = client.post(
        path, {"signed_name": "Anna Kowalska", "shown": "x", "answer": "give"}
    )
    assert answer_post.status_code == 400
    assert GuardianConsent.objects.get().state == GuardianConsentState.REQUESTED


def test_guardian_consent_transition_refuses_moves_outside_its_table(client):
    application = draft_with_lead_born(born_days_from_birthday(18, 100))
    consent = guardian_consent_request(
        application=application,
        child_id=application.applicant_id,
        guardian_name="Anna Kowalska",
        guardian_email="mama@example.org",
        by=application.applicant,
    )
    guardian_consent_answer(
        consent=consent, give=True, signed_name="Anna Kowalska", now=timezone.now()
    )
    with pytest.raises(InvalidConsentMove):
        guardian_consent_transition(consent, GuardianConsentState.REFUSED)


def test_no_consent_can_be_asked_for_an_adult(client):
    application = draft_with_lead_born(born_days_from_birthday(18, 0))
    response = ask_guardian(client, application)
    assert response.status_code == 400
    assert not GuardianConsent.objects.exists()


# --- Who gets nothing --------------------------------------------------------------------------


def test_a_guardians_link_opens_only_their_childs_page(client):
    first = draft_with_lead_born(born_days_from_birthday(18, 100))
    second = draft_with_lead_born(
        born_days_from_birthday(18, 50),
        user=UserFactory(full_name="Olek Wiśniewski"),
        texts={"title": "Rowerowa szkoła"},
    )
    ask_guardian(client, first, email="mama@example.org")
    ask_guardian(client, second, email="inna@example.org")
    client.logout()
    page = client.get(outbox_link(GUARDIAN_MAIL, "inna@example.org")).content.decode()
    assert "Olek Wiśniewski" in page
    assert "Zosia Kowalska" not in page and first.title not in page
    # The same token is no patron's link, and a made-up one opens nothing.
    token = outbox_link(GUARDIAN_MAIL, "inna@example.org").split("/")[-2]
    assert client.get(reverse("links:patron", args=[token])).status_code == 404
    assert client.get(reverse("links:guardian", args=["x" * 43])).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "another applicant", "editor elsewhere", "reviewer"])
def test_team_consents_page_is_nobody_elses(client, who):
    from reviews.tests.builders import assign_all, reviewers_in_pool

    call = GrantCallFactory(guardian_consents_may_follow=True, reviewers_per_application=1)
    application = draft_with_lead_born(born_days_from_birthday(18, 100), call=call)
    url = reverse("applicants:consents", args=[application.pk])
    if who == "anonymous":
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
        return
    if who == "another applicant":
        visitor = draft_with_lead_born(born_days_from_birthday(30, 0)).applicant
    elif who == "editor elsewhere":
        other = draft_with_lead_born(born_days_from_birthday(30, 0))
        visitor = UserFactory()
        ApplicationMemberFactory(application=other, user=visitor)
    else:
        from applicants.services import formal_check_record

        submit(application)
        formal_check_record(application=application, outcome="accepted", by=CoordinatorFactory())
        (visitor,) = reviewers_in_pool(call, 1)
        assign_all(call)
    client.force_login(visitor)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "guardian"}).status_code == 404


def test_an_editor_of_the_team_may_ask_for_their_own_guardians_consent(client):
    application = draft_with_lead_born(born_days_from_birthday(25, 0))
    editor = UserFactory()
    ApplicationMemberFactory(
        application=application,
        user=editor,
        full_name="Kuba Nowak",
        date_of_birth=born_days_from_birthday(18, 10),
    )
    client.force_login(editor)
    response = client.post(
        reverse("applicants:consents", args=[application.pk]),
        {
            "action": "guardian",
            "child": editor.pk,
            f"g{editor.pk}-child": editor.pk,
            f"g{editor.pk}-guardian_name": "Ewa Nowak",
            f"g{editor.pk}-guardian_email": "ewa@example.org",
        },
    )
    assert response.status_code == 302
    page = client.get(outbox_link(GUARDIAN_MAIL, "ewa@example.org")).content.decode()
    assert "Kuba Nowak" in page


# --- Patron organisations ----------------------------------------------------------------------


def ask_patron(client, application, email="mdk@example.org"):
    client.force_login(application.applicant)
    return client.post(
        reverse("applicants:consents", args=[application.pk]),
        {
            "action": "patron",
            "patron-representative_name": "Jan Dyrektor",
            "patron-representative_email": email,
        },
    )


def test_patron_confirms_by_the_link_after_reading_the_obligations(client):
    call = GrantCallFactory(
        patron_confirmation_required=True, patron_obligations="Podpiszemy umowę za grupę."
    )
    application = group_draft(call=call)
    with pytest.raises(SubmissionRefused) as refused:
        submit(application)
    assert any("Młodzieżowy Dom Kultury" in p.message for p in refused.value.problems)
    assert ask_patron(client, application).status_code == 302
    client.logout()
    path = outbox_link(PATRON_MAIL, "mdk@example.org")
    page = client.get(path).content.decode()
    assert "Podpiszemy umowę za grupę." in page and application.title in page
    response = answer(client, path, answer="confirm", name="Jan Dyrektor")
    assert response.status_code == 302
    confirmation = PatronConfirmation.objects.get()
    assert confirmation.state == PatronConfirmationState.CONFIRMED
    assert "Podpiszemy umowę za grupę." in confirmation.text
    submit(application)


def test_without_the_calls_requirement_a_group_submits_before_the_patron_answers(client):
    application = group_draft()
    ask_patron(client, application)
    submit(application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_patron_can_decline_and_the_group_asks_again(client):
    application = group_draft(call=GrantCallFactory(patron_confirmation_required=True))
    ask_patron(client, application)
    answer(
        client, outbox_link(PATRON_MAIL, "mdk@example.org"), answer="decline", name="Jan Dyrektor"
    )
    assert PatronConfirmation.objects.get().state == PatronConfirmationState.DECLINED
    ask_patron(client, application, email="inna@example.org")
    assert PatronConfirmation.objects.get().state == PatronConfirmationState.REQUESTED


def test_a_patrons_link_opens_only_their_groups_page(client):
    first = group_draft()
    ask_patron(client, first, email="mdk@example.org")
    user = UserFactory()
    ApplicantProfile.objects.create(
        user=user,
        kind=ApplicantKind.GROUP,
        contact_name="Ola",
        group_name="Inna grupa",
        patron_organisation="Fundacja X",
        street="ul. A 1",
        postcode="00-001",
        city="Łódź",
    )
    second = draft_with_lead_born(None, user=user, texts={"title": "Rowerowa szkoła"})
    ask_patron(client, second, email="fx@example.org")
    client.logout()
    path = outbox_link(PATRON_MAIL, "fx@example.org")
    page = client.get(path).content.decode()
    assert "Fundacja X" in page and first.title not in page
    token = path.split("/")[-2]
    assert client.get(reverse("links:guardian", args=[token])).status_code == 404


def test_an_individual_has_no_patron_to_ask(client):
    application = draft_with_lead_born(born_days_from_birthday(30, 0))
    assert ask_patron(client, application).status_code == 400
    assert not PatronConfirmation.objects.exists()


# --- What coordinators see ---------------------------------------------------------------------


def test_coordinator_sees_missing_consents_on_the_application_and_in_the_list(client):
    call = GrantCallFactory(guardian_consents_may_follow=True)
    application = draft_with_lead_born(born_days_from_birthday(18, 100), call=call)
    submit(application)
    client.force_login(CoordinatorFactory())
    detail = client.get(reverse("applicants_manage:detail", args=[application.pk])).content.decode()
    assert "data-young-person" in detail and "Zosia Kowalska" in detail
    listing = client.get(reverse("applicants_manage:list", args=[call.pk])).content.decode()
    assert "data-consents-missing" in listing


def test_application_list_with_consents_keeps_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    call = GrantCallFactory(guardian_consents_may_follow=True)
    client.force_login(CoordinatorFactory())
    url = reverse("applicants_manage:list", args=[call.pk])
    submit(draft_with_lead_born(born_days_from_birthday(18, 100), call=call))
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(4):
        application = draft_with_lead_born(
            born_days_from_birthday(17, n), call=call, user=UserFactory()
        )
        ApplicationMemberFactory(
            application=application,
            user=UserFactory(),
            date_of_birth=born_days_from_birthday(15, 0),
        )
        submit(application)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("data-consents-missing") == 5


def test_call_form_saves_the_consent_settings(client):
    from grants.forms import GrantCallForm

    call = GrantCallFactory()
    form = GrantCallForm(instance=call)
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        guardian_consent_age="16",
        guardian_consents_may_follow="on",
        patron_confirmation_required="on",
    )
    for key in ("opens_at", "closes_at"):
        data[key] = timezone.localtime(getattr(call, key)).strftime("%Y-%m-%dT%H:%M")
    bound = GrantCallForm(data, instance=call)
    assert bound.is_valid(), bound.errors
    saved = bound.save()
    assert (
        saved.guardian_consent_age,
        saved.guardian_consents_may_follow,
        saved.patron_confirmation_required,
    ) == (16, True, True)


# --- RODO: My data, the export, account deletion -----------------------------------------------


def consented_and_submitted(client, *, call=None):
    application = draft_with_lead_born(born_days_from_birthday(18, 100), call=call)
    ask_guardian(client, application)
    path = outbox_link(GUARDIAN_MAIL, "mama@example.org")
    answer(client, path)
    submit(application)
    return application, path


def test_my_data_lists_the_consents_about_the_person_and_how_long_they_are_kept(client):
    application, _ = consented_and_submitted(client)
    client.force_login(application.applicant)
    page = client.get(reverse("privacy:overview")).content.decode()
    assert "data-consents-about-you" in page
    assert "Anna Kowalska" in page
    assert "art. 7 ust. 1 RODO" in page


def test_my_data_export_has_the_consent_with_its_text(client):
    import io
    import json
    import zipfile

    from applicants.privacy import personal_data_export

    application, _ = consented_and_submitted(client)
    archive = zipfile.ZipFile(io.BytesIO(personal_data_export(user=application.applicant)))
    data = json.loads(archive.read("data.json"))
    (consent,) = data["guardians_consents"]["guardians_consents"]
    assert consent["guardian_name"] == "Anna Kowalska"
    assert consent["state"] == "given"
    assert application.title in consent["text"]


def test_account_delete_keeps_a_given_consent_as_proof_without_the_young_persons_name(client):
    from applicants.privacy import account_delete

    application, path = consented_and_submitted(client)
    account_delete(user=application.applicant)
    consent = GuardianConsent.objects.get()
    assert consent.state == GuardianConsentState.GIVEN
    assert consent.guardian_name == "Anna Kowalska" and consent.answered_at is not None
    assert "Zosia Kowalska" not in consent.child_name + consent.text
    assert application.title in consent.text
    assert client.get(path).status_code == 404


def test_account_delete_anonymises_a_consent_never_given(client):
    from applicants.privacy import account_delete

    call = GrantCallFactory(guardian_consents_may_follow=True)
    application = draft_with_lead_born(born_days_from_birthday(18, 100), call=call)
    ask_guardian(client, application)
    path = outbox_link(GUARDIAN_MAIL, "mama@example.org")
    submit(application)
    account_delete(user=application.applicant)
    consent = GuardianConsent.objects.get()
    assert "Anna Kowalska" not in consent.guardian_name
    assert consent.guardian_email == ""
    assert "Zosia Kowalska" not in consent.child_name
    assert client.get(path).status_code == 404
