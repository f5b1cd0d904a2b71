import re
import pytest
from playwright.sync_api import expect
from accounts.tests.factories import CoordinatorFactory, PASSWORD
from grants.tests.factories import GrantCallFactory
from grants.models import CallQuestion

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_tmp_parts(page, live_server, axe):
    user = CoordinatorFactory()
    call = GrantCallFactory(draft=True)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label(re.compile("E-mail|Adres e-mail", re.I)).first.fill(user.email)
    page.get_by_label(re.compile("Hasło")).first.fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Zaloguj")).click()
    page.goto(live_server.url + f"/manage/calls/{call.pk}/parts/questions/")
    axe(page, "parts")
    first = page.locator("[data-formset-row]").nth(0)
    first.get_by_label(re.compile("^\\s*Question")).fill("Pierwsze")
    first.get_by_label(re.compile("Kind of answer")).select_option("long_text")
    page.get_by_role("button", name="Add a question").click()
    second = page.locator("[data-formset-row]").nth(1)
    # move the empty new row up before typing into it
    second.get_by_role("button", name="Przesuń w górę").click()
    row = page.locator("[data-formset-row]").nth(0)
    row.get_by_label(re.compile("^\\s*Question")).fill("Drugie ale na górze")
    row.get_by_label(re.compile("Kind of answer")).select_option("choice")
    row.get_by_label(re.compile("Choices")).fill("Tak")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#form-errors")).to_be_visible()
    axe(page, "parts errors")
    page.screenshot(path="/tmp/parts-errors.png", full_page=True)
    row = page.locator("[data-formset-row]").nth(0)
    expect(row.get_by_label(re.compile("Choices"))).to_have_value("Tak")
    row.get_by_label(re.compile("Choices")).fill("Tak\nNie")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert [q.label for q in CallQuestion.objects.filter(call=call)] == ["Drugie ale na górze", "Pierwsze"]
    page.screenshot(path="/tmp/parts-ok.png", full_page=True)
    page.goto(live_server.url + f"/manage/calls/{call.pk}/")
    axe(page, "call form with nav")
