"""Deadlines given to people: the end of a day in Polish time, never "now + 7 days" to the minute.

A person told "accept by 14 December" has the whole of 14 December, until 23:59
Polish time, whatever the hour they were told. Every deadline the programme sets
for someone (accept an award, correct an application, finish a review, use an
invitation) comes from here; core.formatting.format_deadline writes it as a date.

The moment is 23:59:59 (the last second of the minute 23:59), without
microseconds: HTML's `datetime` attribute takes at most three decimals of a second.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

WARSAW = ZoneInfo("Europe/Warsaw")
END_OF_DAY = time(23, 59, 59)


def end_of_day(day: date) -> datetime:
    """23:59:59 Polish time on `day`, an aware datetime (CET or CEST as that day has it)."""
    return datetime.combine(day, END_OF_DAY, tzinfo=WARSAW)


def deadline_in(days: int, *, now: datetime | None = None) -> datetime:
    """The end of the day `days` calendar days after today in Poland (today being `now`'s date there).

    Counted in calendar days, so a change of clocks (DST) in between moves nothing:
    published on 20 March at 10:00, with 14 days, the deadline is 3 April, 23:59 CEST.
    """
    today = timezone.localtime(now or timezone.now(), WARSAW).date()
    return end_of_day(today + timedelta(days=days))


def is_end_of_day(moment: datetime) -> bool:
    """Whether `moment` falls in the last minute of its day in Poland (23:59), as deadlines do."""
    local = timezone.localtime(moment, WARSAW)
    return (local.hour, local.minute) == (23, 59)
