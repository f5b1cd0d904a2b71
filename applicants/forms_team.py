"""The team's forms: the lead's invitation, and joining through the link."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.forms import DateInput


class TeamInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person you invite"),
        help_text=_(
            "They get a link to join, valid for 14 days. They need an account with this address."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class TeamJoinForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    date_of_birth = forms.DateField(
        label=_("Your date of birth"),
        help_text=_("Anyone under 18 needs a parent's or guardian's consent to apply."),
        widget=DateInput(attrs={"autocomplete": "bday"}),
    )
