"""Forms of guardians' consents and patron confirmations: the applicant's request, the
answer given by the link."""

from django import forms
from django.utils.translation import gettext_lazy as _


class GuardianRequestForm(forms.Form):
    """The guardian of one young person on the team: whom to e-mail the link to."""

    child = forms.IntegerField(widget=forms.HiddenInput)
    guardian_name = forms.CharField(label=_("Parent's or guardian's full name"), max_length=200)
    guardian_email = forms.EmailField(label=_("Their e-mail address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One form per young person on the page: the ids must differ.
        self.fields["guardian_name"].widget.attrs["autocomplete"] = "off"
        self.fields["guardian_email"].widget.attrs["autocomplete"] = "off"


class PatronRequestForm(forms.Form):
    representative_name = forms.CharField(
        label=_("Full name of the organisation's representative"), max_length=200
    )
    representative_email = forms.EmailField(label=_("Their e-mail address"))


class LinkAnswerForm(forms.Form):
    """The answer by the link: the full name typed as a signature, and a digest of the text
    shown, so an answer always matches what was read."""

    signed_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        help_text=_("Typing your name signs your answer."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    shown = forms.CharField(widget=forms.HiddenInput)
