"""A shared application in a browser: the lead invites by e-mail, the invited person creates an
account through the link, comes back, joins, and both see the application
(var/screenshots/team-*.png at 1366 and 390 px)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from applicants.tests.builders import complete_draft
from core.models import OutgoingEmail
from tests.e2e.steps import label, log_in

pytestmark = pytest.mark.django_db(transaction=True)

INVITED = "tymon.kaczmarek@example.org"


def test_team_lead_invites_and_the_invited_person_signs_up_and_joins(
    page, browser, browser_context_args, live_server, axe, screenshot
):
    application = complete_draft(texts={"title": "Szkolny ogród deszczowy"})
    log_in(page, live_server.url, application.applicant.email)
    page.goto(live_server.url + application.get_absolute_url())
    page.locator("[data-team-link]").first.click()
    expect(page.get_by_role("heading", name="Kto pracuje nad wnioskiem")).to_be_visible()
    page.get_by_label(label("Adres e-mail osoby, którą zapraszasz")).fill(INVITED)
    page.get_by_role("button", name="Wyślij zaproszenie").click()
    expect(page.locator("[data-invitations]")).to_contain_text(INVITED)
    axe(page, "team page of the lead")
    screenshot("team-lead")

    # Sent at once here (the task runs in the request), its text then erased from the outbox.
    assert OutgoingEmail.objects.filter(to=INVITED, kind="applicants/team_invitation").exists()
    (body,) = [message.body for message in mail.outbox if message.to == [INVITED]]
    join_path = re.search(r"/applications/join/[\w-]+/", body).group(0)

    invitee = browser.new_context(**browser_context_args).new_page()  # another person
    invitee.goto(live_server.url + join_path)
    expect(invitee.locator("[data-state=login]")).to_contain_text(INVITED)
    axe(invitee, "invitation for a visitor")
    invitee.locator("#content").get_by_role("link", name="Załóż konto").click()
    invitee.get_by_label(label("Adres e-mail")).fill(INVITED)
    invitee.get_by_label(label("Hasło")).fill("zielone-miasto-2027")
    invitee.get_by_label(label("Hasło (ponownie)")).fill("zielone-miasto-2027")
    invitee.get_by_role("button", name=re.compile("Zarejestruj")).click()
    expect(invitee).to_have_url(re.compile(r"/accounts/confirm-email/"))
    confirm = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    invitee.goto(confirm)
    invitee.get_by_role("button", name=re.compile("Potwierdź")).click()
    # Back to the invitation (the link from the e-mail again, if the sign-up didn't bring it).
    if join_path not in invitee.url:
        invitee.goto(live_server.url + join_path)
    invitee.get_by_label(label("Twoje imię i nazwisko")).fill("Tymon Kaczmarek")
    invitee.get_by_label(label("Twoja data urodzenia")).fill("2010-05-20")
    axe(invitee, "joining the team")
    invitee.get_by_role("button", name="Dołącz do zespołu").click()
    expect(invitee.get_by_role("heading", name="Szkolny ogród deszczowy")).to_be_visible()
    invitee.goto(live_server.url + reverse("applicants:my_applications"))
    expect(invitee.locator("[data-role]")).to_contain_text("Tworzysz go razem z liderem(-ką).")
    axe(invitee, "my applications of an editor")

    page.goto(live_server.url + reverse("applicants:team", args=[application.pk]))
    expect(page.locator("[data-team]")).to_contain_text("Tymon Kaczmarek")
    screenshot("team-joined")
