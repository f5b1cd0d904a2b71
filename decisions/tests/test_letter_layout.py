"""A letter's pages: the signature never stands alone on a page, whatever the letter's length.

The letter is read back with pdftotext page by page. Its length is grown one line
of justification at a time until the signature is pushed to the next page (a
binary search, a handful of renders): at that length the closing section and the
signature must move together.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core.pdf import render_pdf
from core.tests.programme import OPERATOR, programme_saved
from decisions.enums import LetterKind
from decisions.letters import default_letter_body, letter_html, letter_values_context
from decisions.tests.letter_pages import page_of, pages_text, pages_with_only_the_signature
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db

ISSUED_AT = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
GREETING = "Z pozdrowieniami,"
SIGNATURE = [
    GREETING,
    OPERATOR["signatory_name"],
    OPERATOR["signatory_role"],
    OPERATOR["operator_name"],
]
MOST_LINES = 96  # enough to fill a page more with the longest line of justification


def letter(call, lines: int) -> bytes:
    """An award letter whose committee's justification runs to `lines` lines."""
    justification = "\n".join(
        f"Punkt {number}: komisja doceniła plan działań i współpracę z sąsiadami."
        for number in range(1, lines + 1)
    )
    with translation.override("pl"):
        context = letter_values_context(
            language="pl",
            kind=LetterKind.AWARD,
            number="AK/2026/0042/D1",
            issued_at=ISSUED_AT,
            call=call,
            applicant="Ola Nowak",
            title="Ogród deszczowy przy szkole",
            reference_number="AK/2026/0042",
            amount=Decimal("3500"),
            requested_amount=Decimal("3500"),
            acceptance_deadline=ISSUED_AT,
            reserve_position=None,
            justification=justification,
            feedback=None,
            recipient_address=["ul. Lipowa 5/12", "20-001 Lublin"],
        )
        html = letter_html(default_letter_body(LetterKind.AWARD, "pl"), context)
    return render_pdf(html, title="AK/2026/0042/D1", author=context["operator"], language="pl")


def test_letter_signature_moves_to_the_next_page_with_the_closing_section():
    programme_saved()
    call = GrantCallFactory()
    short = letter(call, 0)
    first_page = page_of(short, GREETING)
    assert first_page is not None
    # The fewest lines that push the signature to a later page.
    low, high = 0, MOST_LINES
    assert page_of(letter(call, high), GREETING) > first_page
    while high - low > 1:
        middle = (low + high) // 2
        if page_of(letter(call, middle), GREETING) > first_page:
            high = middle
        else:
            low = middle
    pushed = letter(call, high)

    assert pages_with_only_the_signature(pushed, SIGNATURE) == []
    # The closing section went with it: the signature is never without the words before it.
    assert page_of(pushed, "Co dalej") == page_of(pushed, GREETING)
    assert len(pages_text(pushed)) == page_of(pushed, GREETING)
