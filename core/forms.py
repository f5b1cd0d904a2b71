"""Form fields shared by every stage."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.deadlines import WARSAW, end_of_day


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
