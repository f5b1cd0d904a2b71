"""Forms of a grant's money: the grantee's bank account, the coordinators' answers and payments."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.bank_accounts import iban_clean, owners_allowed
from projects.enums import AccountOwner
from projects.models import Grant


class BankAccountForm(forms.Form):
    iban = forms.CharField(
        label=_("Account number (IBAN)"),
        max_length=60,
        help_text=_("26 digits, as in your bank's app; spaces are fine."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}
        ),
    )
    holder_name = forms.CharField(
        label=_("Account holder"),
        max_length=200,
        help_text=_("The name the bank has for the account (a person or an organisation)."),
    )
    owner = forms.ChoiceField(label=_("Whose account is it?"), widget=forms.RadioSelect)
    confirm = forms.BooleanField(
        label=_(
            "I confirm that this account belongs to the grantee (or, for a group, to its "
            "patron organisation) and that the grant may be paid into it."
        ),
    )

    def __init__(self, *args, grant: Grant, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = owners_allowed(grant)
        self.fields["owner"].choices = [(o, AccountOwner(o).label) for o in allowed]
        self.fields["owner"].initial = AccountOwner.GRANTEE
        if len(allowed) == 1:
            self.fields["owner"].widget = forms.HiddenInput()

    def clean_iban(self) -> str:
        return iban_clean(self.cleaned_data["iban"])


class BankAccountAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm the change")), ("refuse", _("Refuse the change"))]
    )
    reason = forms.CharField(label=_("Why it is refused"), required=False, max_length=2000)


class PaidOnForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    bank_reference = forms.CharField(label=_("Bank reference"), required=False, max_length=100)

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("The date paid can't be in the future."))
        return paid_on
