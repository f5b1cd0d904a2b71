"""The coordinators' form for who runs the programme (core.models.ProgrammeProfile)."""

from django import forms
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.logos import MAX_LOGO_BYTES, logo_checked
from core.models import ProgrammeProfile
from core.validators import nip_compact, postcode_normalised


class ProgrammeProfileForm(forms.ModelForm):
    """Everything but the logo's bytes; a new logo comes as a file, checked by core.logos."""

    logo_file = forms.FileField(
        label=_("New logo (SVG or PNG)"),
        required=False,
        help_text=lazy(
            lambda: (
                gettext(
                    "At most %(size)s kB. Shown in the site's header and on letters. "
                    "An SVG with scripts, event handlers or links to other files is refused."
                )
                % {"size": MAX_LOGO_BYTES // 1024}
            ),
            str,
        )(),
        widget=forms.ClearableFileInput(attrs={"accept": ".svg,.png,image/svg+xml,image/png"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    website = forms.URLField(
        label=capfirst(ProgrammeProfile._meta.get_field("website").verbose_name),
        required=False,
        assume_scheme="https",
        max_length=200,
        # A text input: people type "miastowspolne.pl" without https://, which the server
        # completes; a type="url" input would hold that back (and be invalid HTML when shown again).
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )
    # Written as people write it (000-123-45-62 or PL0001234562); stored as ten digits.
    nip = forms.CharField(
        label=capfirst(ProgrammeProfile._meta.get_field("nip").verbose_name),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    REQUIRED = (
        "site_name",
        "operator_name",
        "street",
        "postcode",
        "town",
        "privacy_contact_email",
        "signatory_name",
        "signatory_role",
    )

    class Meta:
        model = ProgrammeProfile
        fields = [
            "site_name",
            "website",
            "operator_name",
            "street",
            "postcode",
            "town",
            "krs",
            "nip",
            "privacy_contact_name",
            "privacy_contact_email",
            "signatory_name",
            "signatory_role",
            "letter_place",
            "email_sender_name",
            "reply_to",
        ]
        widgets = {
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "krs": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            self.fields[name].required = True
        if self.instance.nip and not self.is_bound:
            self.initial["nip"] = self.instance.nip_formatted

    def clean_postcode(self) -> str:
        return postcode_normalised(self.cleaned_data["postcode"])

    def clean_nip(self) -> str:
        return nip_compact(self.cleaned_data["nip"])

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > MAX_LOGO_BYTES:  # refused unread
            raise forms.ValidationError(
                _("The logo may be at most %(size)s kB.") % {"size": MAX_LOGO_BYTES // 1024}
            )
        return logo_checked(name=upload.name, data=upload.read())
