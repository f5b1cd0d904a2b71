"""The confirmation typed before an account is deleted."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AccountDeleteForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_(
            "Type the address you log in with, to confirm that you want to delete your account."
        ),
        # Typed by hand on purpose: the pause is the point of this field.
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.user.email.lower():
            raise forms.ValidationError(
                _("This is not the e-mail address of your account."), code="mismatch"
            )
        return email
