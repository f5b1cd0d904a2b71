"""The planned indicators' table in the form's "results" section.

The call's own indicators come first, one row each: their name and unit are fixed and
only the number is typed (a hidden field says which indicator a row is for, so a
coordinator reordering the call's indicators while the page is open moves no number
to another one). Then the applicant's own rows, added and removed freely up to
MAX_OWN_INDICATORS. Nothing is required while drafting; submission asks for the
numbers the call requires.
"""

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField
from grants.limits import MAX_OWN_INDICATORS
from grants.models import CallIndicator


class IndicatorForm(forms.Form):
    call_indicator = forms.IntegerField(
        label=_("Indicator"), widget=forms.HiddenInput, required=False
    )
    name = forms.CharField(
        label=_("Indicator"),
        max_length=200,
        required=False,
        help_text=_("What you will count, e.g. workshop participants"),
    )
    planned = AmountField(
        label=_("Planned number"),
        money=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=30, required=False, help_text=_("e.g. people, hours, events")
    )

    def __init__(self, *args, call_indicators: dict[int, CallIndicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.call_indicators = call_indicators
        fixed = self.fixed
        if fixed is not None:
            # The row says what it is in its number's label: nothing else is typed here.
            planned = self.fields["planned"]
            planned.label = f"{fixed.name} *"
            unit = _("In: %(unit)s.") % {"unit": fixed.unit}
            planned.help_text = f"{fixed.help_text} {unit}" if fixed.help_text else unit

    @property
    def fixed(self) -> CallIndicator | None:
        """The call's indicator this row is for (its name and unit can't be typed), if any."""
        value = self["call_indicator"].value()
        try:
            return self.call_indicators.get(int(value)) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean_call_indicator(self):
        value = self.cleaned_data.get("call_indicator")
        if value is not None and value not in self.call_indicators:
            raise forms.ValidationError(
                _("This indicator is not one of the call's. Reload the page and try again."),
                code="not_of_call",
            )
        return self.call_indicators.get(value) if value is not None else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("call_indicator") is not None or "call_indicator" in self.errors:
            return cleaned
        # One of the applicant's own: a row begun is finished, an empty one is skipped.
        name = (cleaned.get("name") or "").strip()
        unit = (cleaned.get("unit") or "").strip()
        begun = name or unit or cleaned.get("planned") is not None or "planned" in self.errors
        if not begun:
            return cleaned
        if not name and "name" not in self.errors:
            self.add_error("name", _("Say what you will count."))
        if cleaned.get("planned") is None and "planned" not in self.errors:
            self.add_error("planned", _("Enter the planned number."))
        if not unit and "unit" not in self.errors:
            self.add_error("unit", _("Enter the unit, e.g. people."))
        return cleaned


class IndicatorRowsFormSet(forms.BaseFormSet):
    """The call's indicators, then the applicant's own; `rows()` are those to store."""

    default_error_messages = {
        "too_many_forms": _("The table can have at most %(num)d indicators."),
    }

    def __init__(self, *args, call_indicators: list[CallIndicator], **kwargs):
        self.call_indicators = {indicator.pk: indicator for indicator in call_indicators}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "call_indicators": self.call_indicators}

    own_limit = MAX_OWN_INDICATORS

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen: set[int] = set()
        own = 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            indicator = form.cleaned_data.get("call_indicator")
            if indicator is not None:
                if indicator.pk in seen:
                    raise forms.ValidationError(
                        _("An indicator of the call is listed twice. Reload the page."),
                        code="duplicate",
                    )
                seen.add(indicator.pk)
            elif (form.cleaned_data.get("name") or "").strip():
                own += 1
        if own > MAX_OWN_INDICATORS:
            raise forms.ValidationError(
                _("You can add at most %(num)d indicators of your own. Join similar ones into one.")
                % {"num": MAX_OWN_INDICATORS},
                code="too_many_forms",
            )

    def rows(self) -> list[dict]:
        """The rows to store, the call's first: its indicators with a number, own rows filled in."""
        fixed, own = [], []
        for form in self.forms:
            data = form.cleaned_data
            if not data:
                continue
            indicator = data.get("call_indicator")
            if indicator is not None:
                # A call's row can't be removed, only left without a number.
                if data.get("planned") is not None:
                    fixed.append({"call_indicator": indicator, "planned": data["planned"]})
            elif not data.get("DELETE") and (data.get("name") or "").strip():
                own.append(
                    {
                        "call_indicator": None,
                        "name": data["name"].strip(),
                        "planned": data["planned"],
                        "unit": data["unit"].strip(),
                    }
                )
        order = list(self.call_indicators)
        fixed.sort(key=lambda row: order.index(row["call_indicator"].pk))
        return [*fixed, *own]


def indicator_formset(data=None, *, application, call_indicators: list[CallIndicator]):
    """The bound (posted) or the stored table of `application`'s planned indicators.

    The stored rows are the initial values only when showing them (see SectionView.forms).
    """
    rows = len(call_indicators) + MAX_OWN_INDICATORS
    formset_class = formset_factory(
        IndicatorForm,
        formset=IndicatorRowsFormSet,
        extra=1,
        can_delete=True,
        max_num=rows,  # formset.js offers no more rows; IndicatorRowsFormSet.clean says why
        absolute_max=2 * rows,
    )
    initial = None
    if data is None:
        stored = list(application.indicators.all())
        planned = {row.call_indicator_id: row.planned for row in stored if row.call_indicator_id}
        initial = [
            {"call_indicator": indicator.pk, "planned": planned.get(indicator.pk)}
            for indicator in call_indicators
        ] + [
            {"name": row.name, "planned": row.planned, "unit": row.unit}
            for row in stored
            if row.call_indicator_id is None
        ]
    return formset_class(
        data, initial=initial, prefix="indicators", call_indicators=call_indicators
    )
