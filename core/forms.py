"""Form fields shared by the apps: amounts and other decimal numbers typed the Polish way, and
deadlines chosen as a day.

A browser's `<input type="number">` guesses what a comma means from its own
locale: in a Polish Chromium `185,50` reached the server as `18550`. Every
decimal the product asks for (money, quantities, percentages, weights) is
therefore an ordinary text input with `inputmode="decimal"` (a phone still
shows its number pad) and the server reads what was typed:

- the decimal separator is a comma or a dot: `185,50` and `185.50` are the same;
- thousands may be separated by spaces (an ordinary, a no-break U+00A0, a
  narrow no-break U+202F or a thin U+2009 space), in groups of three:
  `1 234,56`; a trailing `zł` or `PLN` is ignored;
- a comma is never a thousands separator: `1,234` reads as 1.234 and is refused
  for money (three decimals) with a message that says to separate thousands
  with a space, rather than silently taking it as 1234 or as 1,23;
- anything else (`12,3,4`, `1.234,56`, `abc`, `12 34`) is refused with a clear
  message beside the field, and what was typed is shown again unchanged.

Values are shown back the way the reader writes them: `185,50` and
`1 234,56` (no-break spaces) in Polish, `185.50` in English.
"""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.deadlines import WARSAW, end_of_day
from core.formatting import MINUS, format_money

# Spaces people (and the pages' own formatting) put between thousands.
THOUSANDS_SPACES = " \u00a0\u202f\u2009"
NUMBER_PATTERN = re.compile(
    r"""^(?P<sign>[-\u2212]?)
    (?P<whole>\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+|\d*)
    (?:[.,](?P<fraction>\d*))?$""",
    re.VERBOSE,
)
CURRENCY_SUFFIX = re.compile(r"\s*(zł|pln)\s*$", re.IGNORECASE)


class AmountInput(forms.TextInput):
    """A text input a phone opens with its decimal keypad; the browser never reinterprets it."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class AmountField(forms.DecimalField):
    """A decimal typed with a comma or a dot and spaces between thousands, shown back Polish-style.

    `money=True` (the default) shows two decimals always (`185,50`, `1 234,00`)
    and says "amount" in its messages; `money=False` (quantities, percentages,
    weights) shows as few decimals as needed (`2`, `1,5`).
    """

    widget = AmountInput

    def __init__(
        self,
        *,
        money: bool = True,
        max_digits: int | None = 12,
        decimal_places: int | None = 2,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        **kwargs,
    ):
        self.money = money
        # Checked in validate() with the limit written the reader's way ("0,01"),
        # not by Django's validators, whose messages print Decimal("0.01") as "0.01".
        self.amount_min = Decimal(min_value) if min_value is not None else None
        self.amount_max = Decimal(max_value) if max_value is not None else None
        invalid = (
            _("Enter an amount in figures, e.g. 185.50 or 1 234.56.")
            if money
            else _("Enter a number in figures, e.g. 2 or 1.5.")
        )
        too_many_decimals = (
            ngettext_lazy(
                "Use at most %(max)s digit after the decimal separator. "
                "Separate thousands with a space (1 234), not a comma.",
                "Use at most %(max)s digits after the decimal separator. "
                "Separate thousands with a space (1 234), not a comma.",
                "max",
            )
            if money
            else ngettext_lazy(
                "Use at most %(max)s digit after the decimal separator.",
                "Use at most %(max)s digits after the decimal separator.",
                "max",
            )
        )
        error_messages = {
            "invalid": invalid,
            "max_decimal_places": too_many_decimals,
            "max_digits": _("This number is too large."),
            "max_whole_digits": _("This number is too large."),
            **kwargs.pop("error_messages", {}),
        }
        kwargs.setdefault("localize", False)
        super().__init__(
            max_digits=max_digits,
            decimal_places=decimal_places,
            error_messages=error_messages,
            **kwargs,
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int):
            return Decimal(value)
        text = CURRENCY_SUFFIX.sub("", str(value).strip()).strip()
        if text == "":
            return None
        match = NUMBER_PATTERN.match(text)
        if not match or not (match["whole"] or match["fraction"]):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        whole = match["whole"] or "0"
        for space in THOUSANDS_SPACES:
            whole = whole.replace(space, "")
        sign = "-" if match["sign"] else ""
        fraction = f".{match['fraction']}" if match["fraction"] else ""
        try:
            return Decimal(f"{sign}{whole}{fraction}")
        except InvalidOperation:  # the pattern lets only digits through; kept as a guard
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        if self.amount_min is not None and value < self.amount_min:
            if self.amount_min == 0:
                message = (
                    _("The amount can't be negative.")
                    if self.money
                    else _("The number can't be negative.")
                )
                raise ValidationError(message, code="min_value")
            raise ValidationError(
                _("Enter at least %(limit)s."),
                code="min_value",
                params={"limit": self.display(self.amount_min)},
            )
        if self.amount_max is not None and value > self.amount_max:
            raise ValidationError(
                _("Enter at most %(limit)s."),
                code="max_value",
                params={"limit": self.display(self.amount_max)},
            )

    def display(self, value: Decimal) -> str:
        """`value` as this field shows it in the active language: 1 234,56 (Polish) or 1234.56."""
        value = Decimal(value)
        comma = get_format("DECIMAL_SEPARATOR") == ","
        if self.money:
            places = self.decimal_places if self.decimal_places is not None else 2
            value = value.quantize(Decimal(1).scaleb(-places))
            if comma and places == 2:
                return format_money(value, currency="")
            text = f"{value:f}"
        else:
            text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
        if text.startswith("-"):
            text = MINUS + text[1:] if comma else text
        return text.replace(".", ",") if comma else text

    def prepare_value(self, value):
        # What the person typed (a string) is shown again exactly as typed; stored
        # values (Decimal, int, or a Decimal kept as text in JSON) are written their way.
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return self.display(value)
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)  # a text input has no step
        return attrs


def decimals_as_amounts(*money_fields: str):
    """A ModelForm `formfield_callback`: every DecimalField becomes an AmountField.

    The fields named in `money_fields` are money (two decimals always shown);
    the others are plain numbers. The model's MinValueValidator and
    MaxValueValidator limits become the form field's, so "-5" is refused beside
    the field with the limit written the reader's way.
    """

    def callback(db_field: models.Field, **kwargs) -> forms.Field | None:
        if not isinstance(db_field, models.DecimalField):
            return db_field.formfield(**kwargs)
        limits = {}
        for validator in db_field.validators:
            if isinstance(validator, MinValueValidator):
                limits["min_value"] = validator.limit_value
            elif isinstance(validator, MaxValueValidator):
                limits["max_value"] = validator.limit_value
        kwargs.setdefault("form_class", AmountField)
        return db_field.formfield(money=db_field.name in money_fields, **{**limits, **kwargs})

    return callback


class DeadlineDateInput(forms.DateInput):
    """A native date picker showing the day a deadline ends."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DeadlineDateField(forms.DateField):
    """A deadline given to a person, chosen as a day: it ends at 23:59 Polish time that day.

    Cleans to the aware datetime core.deadlines.end_of_day() gives; a day already
    over is refused. A date-and-time value ("2027-01-31T12:00", from a form
    written before deadlines were days) counts as its day.
    """

    widget = DeadlineDateInput
    input_formats = ["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
    default_error_messages = {"past": _("Choose today or a later day.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Until 23:59 Polish time on that day."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # A stored deadline (UTC) is shown as its day in Poland.
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value, WARSAW)
        return value

    def clean(self, value):
        day = super().clean(value)
        if day is None:
            return None
        moment = end_of_day(day)
        if moment <= timezone.now():
            raise ValidationError(self.error_messages["past"], code="past")
        return moment
