"""<time datetime="…">: a value the HTML standard accepts (the Nu Html Checker refuses microseconds)."""

from datetime import UTC, date, datetime

from django.template import Context, Template


def render(value) -> str:
    return Template("{% load core_tags %}{{ value|datetime_attribute }}").render(
        Context({"value": value})
    )


def test_datetime_attribute_is_warsaw_time_to_the_second_with_its_offset():
    moment = datetime(2026, 12, 7, 5, 15, 1, 366488, tzinfo=UTC)
    assert render(moment) == "2026-12-07T06:15:01+01:00"


def test_datetime_attribute_of_a_summer_moment_has_the_summer_offset():
    assert render(datetime(2026, 7, 1, 10, 0, 0, 1, tzinfo=UTC)) == "2026-07-01T12:00:00+02:00"


def test_datetime_attribute_of_a_date_is_the_date_and_of_nothing_is_empty():
    assert render(date(2026, 12, 14)) == "2026-12-14"
    assert render(None) == ""
