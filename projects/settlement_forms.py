"""The coordinator's forms of a settlement: a return received, a withdrawal with its reason."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.termination import REASON_MAX_LENGTH


class ReturnReceivedForm(forms.Form):
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Bank reference"), required=False, max_length=100)

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("The date received can't be in the future."))
        return received_on


class SettlementWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is corrected"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea
    )
