"""Forms of the agreement's signing: who signs for the grantee, signing in the system, the
signed files, and the coordinator's answer to a scan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.enums import GroupSigning
from projects.signatories import GROUP_MEMBERS_WHO_SIGN, MAX_REPRESENTATIVES, krs_validate


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    function = forms.CharField(
        label=_("Function"), max_length=200, help_text=_("E.g. President of the Board.")
    )
    email = forms.EmailField(label=_("E-mail"))


class RequiredFormSet(forms.BaseFormSet):
    """Rows left empty are skipped; at least the first one is filled in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.forms[0].empty_permitted = False

    def people(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data]


RepresentativeFormSet = forms.formset_factory(
    PersonForm, formset=RequiredFormSet, extra=3, max_num=MAX_REPRESENTATIVES, validate_max=True
)


class GuardianForm(forms.Form):
    full_name = forms.CharField(label=_("Parent's or guardian's full name"), max_length=200)
    email = forms.EmailField(
        label=_("Their e-mail"),
        help_text=_("They sign in to Mikrogranty with this address to sign."),
    )


class PatronRepresentativeForm(PersonForm):
    organisation_name = forms.CharField(label=_("Patron organisation"), max_length=300)
    organisation_krs = forms.CharField(
        label=_("The organisation's KRS number"),
        max_length=14,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_organisation_krs(self):
        return krs_validate(self.cleaned_data["organisation_krs"])


class GroupMembersForm(forms.Form):
    """Three adult members of the group, each with their e-mail."""

    def __init__(self, *args, members: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for index, member in enumerate(members):
            self.fields[f"member_{index}"] = forms.BooleanField(
                label=_("%(name)s signs") % {"name": member["full_name"]}, required=False
            )
            self.fields[f"email_{index}"] = forms.EmailField(
                label=_("E-mail of %(name)s") % {"name": member["full_name"]}, required=False
            )
        self.fields["adults"] = forms.BooleanField(
            label=_("I confirm that the chosen members are 18 or older.")
        )

    def clean(self):
        cleaned = super().clean()
        chosen = [i for i in range(len(self.members)) if cleaned.get(f"member_{i}")]
        for index in chosen:
            if not cleaned.get(f"email_{index}"):
                self.add_error(f"email_{index}", _("Enter this member's e-mail."))
        if len(chosen) != GROUP_MEMBERS_WHO_SIGN:
            raise forms.ValidationError(_("Choose exactly three members."))
        return cleaned

    def people(self) -> list[dict]:
        return [
            {
                "full_name": member["full_name"],
                "email": self.cleaned_data[f"email_{index}"],
                "function": str(_("Member of the group")),
                "is_adult_confirmed": True,
            }
            for index, member in enumerate(self.members)
            if self.cleaned_data.get(f"member_{index}")
        ]


class GroupSigningForm(forms.Form):
    group_signing = forms.ChoiceField(
        label=_("How your group signs"), choices=GroupSigning.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, members_may_sign: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not members_may_sign:
            self.fields["group_signing"].choices = [
                (GroupSigning.PATRON.value, GroupSigning.PATRON.label)
            ]


class PasswordSignForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    accept = forms.BooleanField(
        label=_("I have read the agreement and I accept it, signing it for the grantee.")
    )


class SignedFileForm(forms.Form):
    file = forms.FileField(label=_("Signed agreement"))


class ScanRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the scan is refused"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
