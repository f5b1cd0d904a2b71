"""Forms of the coordinator's decision pages."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField
from core.widget_render import InlineWidgetRenderer
from decisions.enums import MERIT_OUTCOMES
from decisions.models import Decision


def decision_form_prefix(application_id: int) -> str:
    """Each row of the committee's page has its own prefix, so field ids never clash."""
    return f"decision-{application_id}"


# The paragraph above the committee's table that says the rules of an award's amount.
DECISION_RULES_ID = "decision-rules"


class DecisionForm(forms.Form):
    """The committee's decision on one ranked application (an inline form per row).

    The rules (no more than requested, the call's minimum, a reason for a
    reduced award, the budget) are the service's; this form only parses.
    """

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("— choose —"))]
        + [(outcome.value, outcome.label) for outcome in MERIT_OUTCOMES],
    )
    amount = AmountField(
        label=_("Amount (zł)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("For an award; defaults to the requested amount."),
    )
    justification = forms.CharField(
        label=_("Justification for the applicant"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the award is lower than requested."),
    )
    below_threshold_reason = forms.CharField(
        label=_("Why, below the minimum score"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The score is below the call's minimum: an award or a reserve place needs a reason, "
            "kept on record."
        ),
    )

    # Fifty rows of these on the committee's page: controls written without templates.
    default_renderer = InlineWidgetRenderer()

    # Compact controls for a table row; their labels are visually hidden in the template.
    WIDGET_CLASSES = {
        "outcome": "form-select form-select-sm",
        "amount": "form-control form-control-sm",
        "justification": "form-control form-control-sm",
        "below_threshold_reason": "form-control form-control-sm",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, css in self.WIDGET_CLASSES.items():
            self.fields[name].widget.attrs["class"] = css
        # The labels are visually hidden in the row; the placeholders say what goes where.
        self.fields["amount"].widget.attrs["placeholder"] = _("zł")
        self.fields["justification"].widget.attrs["placeholder"] = _("Justification")
        # Shown with a visible label (only in rows scored below the minimum) and its hint.
        reason = self["below_threshold_reason"]
        reason.field.widget.attrs["aria-describedby"] = f"{reason.auto_id}-help"
        # The amount's and justification's rules are said once above the table, not per row.
        for name in ("amount", "justification"):
            self.fields[name].widget.attrs["aria-describedby"] = DECISION_RULES_ID

    def add_error(self, field, error):
        """Mark the fields in error for the eye (is-invalid) and for screen readers."""
        super().add_error(field, error)
        for name in self._errors:
            if name in self.WIDGET_CLASSES:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{self.WIDGET_CLASSES[name]} is-invalid"
                attrs["aria-invalid"] = "true"
                described = f"{self[name].auto_id}-error"
                if name in ("amount", "justification"):
                    described += f" {DECISION_RULES_ID}"
                attrs["aria-describedby"] = described

    @classmethod
    def for_row(cls, *, application_id: int, requested_amount: Decimal, decision=None):
        """An unbound form showing the current decision, or the requested amount for a new one."""
        initial = {"amount": requested_amount}
        if decision is not None and decision.outcome in MERIT_OUTCOMES:
            initial = {
                "outcome": decision.outcome,
                "amount": decision.amount or requested_amount,
                "justification": decision.justification,
                "below_threshold_reason": decision.below_threshold_reason,
            }
        return cls(prefix=decision_form_prefix(application_id), initial=initial)

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's errors beside the fields they are about (the rest above the form)."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error.messages)


class PublishForm(forms.Form):
    decisions = forms.ModelMultipleChoiceField(
        label=_("Decisions to publish"),
        queryset=Decision.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one decision to publish.")},
    )
    public_results = forms.BooleanField(
        label=_("Publish a public results page"),
        required=False,
        help_text=_(
            "Titles, applicants' names and amounts of the funded projects, on the call's page."
        ),
    )

    # The page renders it as a checkbox whose value is the number of unfinished reviews
    # it listed (unticked, nothing is sent): the service publishes only if at least as
    # many are confirmed (results_publish).
    unfinished_reviews_confirmed = forms.IntegerField(
        label=_("Publish without the unfinished reviews"), required=False, min_value=0
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        # Every decision of the call is a valid choice: publishing one again
        # (a second click, a second tab) is accepted and the service skips it.
        self.fields["decisions"].queryset = decisions


class LetterCorrectionForm(forms.Form):
    note = forms.CharField(
        label=_("What does the corrected letter change, and why?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the new version. The earlier letter stays on record."),
    )

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's refusal beside the note, or above the form when it isn't about the note."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error.messages)
