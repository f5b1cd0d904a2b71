"""Deadlines given to people end at 23:59 Polish time and are written as dates; numbers have one form."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import ngettext

from core.deadlines import deadline_in, end_of_day
from core.formatting import format_deadline

WARSAW = ZoneInfo("Europe/Warsaw")
NBSP = "\u00a0"


def render(template: str, **context) -> str:
    return Template("{% load core_tags %}" + template).render(Context(context))


# --- The end of the day ----------------------------------------------------------------------


def test_deadline_in_across_the_spring_clock_change_ends_at_2359_summer_time():
    # Published on 20 March (CET, UTC+1) with 14 days: the clocks go forward on 29 March.
    published = datetime(2026, 3, 20, 10, 17, tzinfo=WARSAW)

    deadline = deadline_in(14, now=published)

    assert deadline.astimezone(WARSAW).replace(tzinfo=None) == datetime(2026, 4, 3, 23, 59, 59)
    assert deadline.astimezone(UTC) == datetime(2026, 4, 3, 21, 59, 59, tzinfo=UTC)  # CEST, +2


def test_deadline_in_across_the_autumn_clock_change_ends_at_2359_winter_time():
    # Published on 20 October (CEST, UTC+2); the clocks go back on 25 October.
    published = datetime(2026, 10, 20, 16, 45, tzinfo=WARSAW)

    deadline = deadline_in(7, now=published)

    assert deadline.astimezone(WARSAW).replace(tzinfo=None) == datetime(2026, 10, 27, 23, 59, 59)
    assert deadline.astimezone(UTC) == datetime(2026, 10, 27, 22, 59, 59, tzinfo=UTC)  # CET, +1


def test_deadline_in_counts_from_the_polish_date_not_the_utc_one():
    # 23:30 UTC on 28 March is already 29 March, 01:30, in Warsaw.
    published = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)

    assert deadline_in(1, now=published) == end_of_day(date(2026, 3, 30))


def test_deadline_in_never_depends_on_the_hour_it_was_set():
    morning = deadline_in(7, now=datetime(2026, 12, 7, 0, 5, tzinfo=WARSAW))
    evening = deadline_in(7, now=datetime(2026, 12, 7, 23, 55, tzinfo=WARSAW))

    assert morning == evening == end_of_day(date(2026, 12, 14))


# --- Written as a date -------------------------------------------------------------------------


def test_format_deadline_writes_the_day_in_polish_and_english():
    deadline = end_of_day(date(2026, 12, 14))

    with translation.override("pl"):
        assert format_deadline(deadline) == "14 grudnia 2026 r."
    with translation.override("en"):
        assert format_deadline(deadline) == "14 December 2026"


def test_format_deadline_of_a_deadline_stored_to_the_minute_keeps_its_time():
    # Set before deadlines were whole days: the words never promise the rest of the day.
    older = datetime(2026, 12, 14, 15, 37, tzinfo=WARSAW)

    with translation.override("pl"):
        assert format_deadline(older) == "godz. 15:37 dnia 14 grudnia 2026 r."
    with translation.override("en"):
        assert format_deadline(older) == "14 December 2026, 15:37"


def test_deadline_filter_writes_a_summer_deadline_stored_in_utc_as_its_polish_day():
    # 21:59:59 UTC on 3 April is 23:59:59 in Warsaw (CEST).
    stored = datetime(2026, 4, 3, 21, 59, 59, tzinfo=UTC)

    with translation.override("pl"):
        assert render("do {{ moment|deadline }}", moment=stored) == "do 3 kwietnia 2026 r."


def test_date_words_filter_writes_iso_dates_in_words():
    with translation.override("pl"):
        assert render("{{ day|date_words }}", day="2026-05-03") == "3 maja 2026"
    with translation.override("en"):
        assert render("{{ day|date_words }}", day=date(2026, 5, 3)) == "3 May 2026"


# --- One way to write numbers ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["pl", "en"])
def test_number_filters_write_a_decimal_comma_in_every_language(language):
    with translation.override(language):
        assert render("{{ v|score }}", v=74.155) == "74,16"
        assert render("{{ v|score }}", v=Decimal("70")) == "70,00"
        assert render("{{ v|percent }}", v="21.99") == "21,99%"
        assert render('{{ v|percent:"-2" }}', v=Decimal("10.00")) == "10%"
        assert render('{{ v|number:"-2" }}', v=Decimal("1234.50")) == f"1{NBSP}234,50"
        assert render('{{ v|number:"-2" }}', v=Decimal("12.00")) == "12"


def test_score_filter_has_one_precision_for_a_total_and_a_mean():
    assert render("{{ a|score }} {{ b|score }}", a=Decimal("74.16"), b=Decimal("3.5")) == (
        "74,16 3,50"
    )


# --- Polish plural forms -----------------------------------------------------------------------

FUNDING_LINE = (
    "Budget runs out here — %(counter)s application above the line; funding it as "
    "requested would leave %(left)s of the budget.",
    "Budget runs out here — %(counter)s applications above the line; funding them as "
    "requested would leave %(left)s of the budget.",
)


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "1 wniosek powyżej"),
        (2, "2 wnioski powyżej"),
        (5, "5 wniosków powyżej"),
        (12, "12 wniosków powyżej"),
        (22, "22 wnioski powyżej"),
    ],
)
def test_polish_counts_take_the_plural_form_of_their_number(count, words):
    with translation.override("pl"):
        text = ngettext(*FUNDING_LINE, count) % {"counter": count, "left": "0,00 zł"}
    assert words in text


@pytest.mark.parametrize(
    ("count", "form"), [(1, "osobę"), (2, "osoby"), (5, "osób"), (12, "osób"), (22, "osoby")]
)
def test_polish_plural_of_a_group_size(count, form):
    with translation.override("pl"):
        text = ngettext(
            "An informal group needs at least %(count)s member.",
            "An informal group needs at least %(count)s members.",
            count,
        ) % {"count": count}
    assert text == f"Grupa nieformalna musi mieć co najmniej {count} {form}."
