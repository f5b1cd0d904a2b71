"""The inline widget renderer writes what Django's widget templates write, for the decision
rows' controls: fresh, with a decision shown, and typed back with errors."""

from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from core.widget_render import InlineWidgetRenderer
from decisions.forms import DecisionForm


def _both(form: forms.Form) -> list[tuple[str, str]]:
    pairs = []
    for name in form.fields:
        form.renderer = InlineWidgetRenderer()
        inline = str(form[name])
        form.renderer = DjangoTemplates()
        pairs.append((inline, str(form[name])))
    return pairs


@pytest.mark.parametrize(
    "form",
    [
        lambda: DecisionForm.for_row(application_id=7, requested_amount=Decimal("12345.50")),
        lambda: DecisionForm(
            prefix="decision-8",
            initial={
                "outcome": "awarded",
                "amount": Decimal("1000"),
                "justification": 'Mniej o "1 000 zł" <bo> & tak',
                "below_threshold_reason": "Wyjątek",
            },
        ),
    ],
    ids=["fresh", "with a decision"],
)
def test_inline_renderer_writes_the_controls_as_the_widget_templates_do(form):
    for inline, templated in _both(form()):
        assert inline == templated


@pytest.mark.django_db
def test_inline_renderer_writes_a_refused_form_as_the_widget_templates_do():
    form = DecisionForm(
        {
            "decision-9-outcome": "nonsense",
            "decision-9-amount": "12,345,6x",
            "decision-9-justification": "<b>",
        },
        prefix="decision-9",
    )
    assert not form.is_valid()
    form.add_error("justification", "Za krótko.")
    pairs = _both(form)
    assert 'aria-invalid="true"' in pairs[0][0]
    assert "&lt;b&gt;" in pairs[2][0]
    for inline, templated in pairs:
        assert inline == templated


def test_inline_renderer_leaves_other_widgets_to_the_templates():
    class Other(forms.Form):
        default_renderer = InlineWidgetRenderer()
        agree = forms.BooleanField()
        when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    form = Other()
    assert 'type="checkbox"' in str(form["agree"])
    assert 'type="date"' in str(form["when"])
