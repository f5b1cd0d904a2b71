"""The coordinator's form to terminate a grant."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.termination import REASON_MAX_LENGTH


class GrantTerminateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the grant is terminated"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The grantee reads this in the e-mail and on the project's page."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this ends the agreement and no more payments will be made."),
    )
