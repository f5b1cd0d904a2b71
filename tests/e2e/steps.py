"""Steps several browser tests take."""

import re

from django.urls import reverse

from accounts.tests.factories import PASSWORD


def label(text: str) -> re.Pattern:
    """A field's label exactly, with or without the required-field asterisk."""
    return re.compile(r"^\s*" + re.escape(text) + r"\s*\*?\s*$")


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, whatever the page's language."""
    page.goto(base + reverse("account_login"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit]").click()
