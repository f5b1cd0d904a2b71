"""Forms of amendments: the grantee's request (the budget lines, the end date, the schedule,
why) and the coordinator's answer."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from applicants.forms import (
    BudgetLineForm,
    BudgetRowsFormSet,
    DateInput,
    ScheduleFormSet,
)
from grants.limits import MAX_BUDGET_LINES


class AmendmentLineForm(BudgetLineForm):
    # Which line of the grant this row is (empty: a line to add); a hidden input.
    line = forms.IntegerField(required=False, widget=forms.HiddenInput)


AmendmentBudgetFormSet = formset_factory(
    AmendmentLineForm,
    formset=BudgetRowsFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_BUDGET_LINES,
    validate_max=True,
    absolute_max=2 * MAX_BUDGET_LINES,
)
AmendmentScheduleFormSet = ScheduleFormSet


class AmendmentForm(forms.Form):
    ends_on = forms.DateField(
        label=_("The project ends"),
        widget=DateInput(),
        help_text=_("A later date needs the coordinator's approval; an earlier one is notified."),
    )
    justification = forms.CharField(
        label=_("Why is the change needed?"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say it plainly: the coordinator reads it, and an annex quotes it."),
    )


class AmendmentAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (the grantee reads it)"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
