"""What each person sees first, walked in a Polish browser: a coordinator, a reviewer and an
applicant of the demo programme log in and land where their work is, each start page saying
what is waiting for them; a reviewer declares impartiality knowing who applies; a person with
two roles sees both. Screenshots: var/screenshots/landing-*.png (1366 and 390 px).
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import ApplicantProfile, GroupMember
from applicants.tests.factories import ApplicationFactory
from grants.tests.factories import GrantCallFactory
from reviews.models import ReviewAssignment
from reviews.services import pool_add
from reviews.tests.builders import accepted_application, assign_all, call_with_criteria
from tests.e2e.steps import log_in

pytestmark = [pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "mikrogranty-demo"


def as_user(page, base: str, email: str, password: str = PASSWORD, next_url: str = "") -> None:
    """Whoever used the browser before leaves; `email` logs in through the form."""
    page.context.clear_cookies()
    if next_url:
        page.goto(base + reverse("account_login") + "?next=" + next_url)
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(password)
        page.locator("form button[type=submit]").click()
    else:
        log_in(page, base, email, password)


def path_is(url_name: str) -> re.Pattern:
    return re.compile(re.escape(reverse(url_name)) + r"$")


def test_each_role_of_the_demo_lands_where_their_work_is(
    page, live_server, demo, axe, screenshot, no_foreign_requests
):
    base = live_server.url
    summary = page.locator("[data-waiting]")

    # The coordinator: /manage/, with the applications to check and the calls.
    as_user(page, base, "koordynator@example.org", DEMO_PASSWORD)
    expect(page).to_have_url(path_is("manage_root"))
    expect(page.get_by_role("heading", name="Koordynacja", exact=True)).to_be_visible()
    expect(summary).to_contain_text("do oceny formalnej")
    expect(summary).to_contain_text("recenzje po terminie")
    expect(page.locator("#calls-in-use")).to_contain_text("Klimat w sąsiedztwie")
    axe(page, "coordinator's start page")
    screenshot("landing-coordinator")

    # A reviewer: My reviews, the reviews due with their date, open work first.
    as_user(page, base, "recenzent1@example.org", DEMO_PASSWORD)
    expect(page).to_have_url(path_is("reviews:dashboard"))
    expect(summary).to_contain_text("recenzji do zrobienia")
    # A review is due at the end of a day, written as the date: "do 17 grudnia 2026 r."
    expect(summary).to_contain_text(re.compile(r"do \d{1,2} \w+ \d{4} r\."))
    axe(page, "reviewer's start page")
    screenshot("landing-reviewer")

    # Declaring impartiality: who applies is shown, the project is not.
    page.get_by_role("link", name=re.compile("^Złóż oświadczenie")).first.click()
    expect(page.get_by_role("heading", name="Oświadczenie o bezstronności")).to_be_visible()
    who = page.locator("#who-applies")
    expect(who.get_by_role("heading", name="Kto składa wniosek")).to_be_visible()
    expect(who).to_contain_text("Imię i nazwisko lub nazwa")
    assert "@" not in who.inner_text()
    axe(page, "declaration of impartiality")
    screenshot("landing-declaration")

    # An applicant: My applications, the award to answer and by when.
    as_user(page, base, "wnioskodawca1@example.org", DEMO_PASSWORD)
    expect(page).to_have_url(path_is("applicants:my_applications"))
    expect(summary).to_contain_text("Przyjmij grant")
    card = page.locator("article", has=page.locator("[data-award]"))
    expect(card.locator("[data-award]")).to_contain_text("Przyznana kwota:")
    expect(card.locator("[data-accept-by]")).to_contain_text(
        re.compile(r"Na odpowiedź masz czas do \d{1,2} \w+ \d{4} r\.")
    )
    axe(page, "applicant's start page")
    screenshot("landing-applicant")
    card.get_by_role("link", name=re.compile("^Przyjmij grant lub zrezygnuj")).click()
    expect(page.get_by_role("button", name="Przyjmuję grant")).to_be_visible()


def test_a_reviewer_who_applies_sees_both_and_a_login_link_keeps_its_way(
    page, live_server, axe, screenshot, no_foreign_requests
):
    person = UserFactory(full_name="Iga Dwurolowa")
    # Her review is due in two weeks; her draft must be submitted in three days.
    call = call_with_criteria(title="Nabór recenzowany", reviewers_per_application=1)
    group_owner = UserFactory(full_name="Bartek Grupowy")
    profile = ApplicantProfile.objects.create(
        user=group_owner,
        kind=ApplicantKind.GROUP,
        contact_name="Bartek Grupowy",
        street="ul. Tumska 4",
        postcode="09-400",
        city="Płock",
        group_name="Młodzi dla Wisły",
        patron_organisation="Fundacja Nadwiślańska",
    )
    for position, name in enumerate(["Bartek Grupowy", "Ala Nurt", "Kuba Brzeg"]):
        GroupMember.objects.create(
            profile=profile,
            full_name=name,
            age=18 + position,
            is_leader=position == 0,
            position=position,
        )
    accepted_application(call, user=group_owner)
    pool_add(call=call, reviewer=person, by=CoordinatorFactory())
    assign_all(call, due_in_days=14)
    assert ReviewAssignment.objects.get().reviewer == person
    applying_to = GrantCallFactory(
        title="Nabór z bliskim terminem", closes_at=timezone.now() + timedelta(days=3)
    )
    ApplicationFactory(
        call=applying_to, applicant=person, draft=True, title="Kwietna łąka nad Wisłą"
    )
    ApplicationFactory(applicant=person, status=ApplicationStatus.REVIEWED)
    base = live_server.url

    # A link that asked her to log in first still takes her where it pointed.
    as_user(page, base, person.email, next_url=applying_to.get_absolute_url())
    expect(page).to_have_url(re.compile(re.escape(applying_to.get_absolute_url()) + "$"))

    # Without one, the nearer deadline wins: her draft; her reviews are beside it.
    as_user(page, base, person.email)
    expect(page).to_have_url(path_is("applicants:my_applications"))
    summary = page.locator("[data-waiting]")
    expect(summary).to_contain_text("Dokończ i złóż wersję roboczą „Kwietna łąka nad Wisłą”")
    reviews = page.locator('[data-waiting-role="reviewer"]')
    expect(reviews).to_contain_text("1 recenzja do zrobienia")
    axe(page, "two roles on the applicant's start page")
    screenshot("landing-two-roles")

    reviews.get_by_role("link", name="Przejdź do „Moich recenzji”").click()
    expect(page).to_have_url(path_is("reviews:dashboard"))
    expect(page.locator('[data-waiting-role="applicant"]')).to_contain_text("Kwietna łąka")
    page.get_by_role("link", name=re.compile("^Złóż oświadczenie")).click()
    who = page.locator("#who-applies")
    expect(who).to_contain_text("Młodzi dla Wisły")
    expect(who).to_contain_text("Ala Nurt")
    expect(who).to_contain_text("Fundacja Nadwiślańska")
    expect(who).to_contain_text("Bartek Grupowy")
    screenshot("landing-declaration-group")
