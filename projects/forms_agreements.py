"""Forms of the agreement: the call's grant terms, its agreement text, a withdrawal's reason."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from decisions.forms_letters import HTML_TAG, LetterTemplateForm
from decisions.letters import letter_text_problems
from projects.models import NOTE_LENGTH, CallGrantTerms

SENTENCE_PLACEHOLDERS = {"programme", "amount", "number"}
SENTENCE_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class CallGrantTermsForm(forms.ModelForm):
    class Meta:
        model = CallGrantTerms
        fields = [
            "allow_in_system",
            "in_system_max_amount",
            "allow_scan",
            "allow_electronic",
            "group_members_may_sign",
            "signing_days",
            "advance_percent",
            "final_report_days",
            "line_tolerance_percent",
            "interim_report",
            "document_sentence",
            "obligations",
        ]
        widgets = {
            "document_sentence": forms.Textarea(attrs={"rows": 2}),
            "obligations": forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        }

    def clean_document_sentence(self) -> str:
        sentence = self.cleaned_data["document_sentence"].strip()
        unknown = [
            name
            for name in SENTENCE_PLACEHOLDER.findall(sentence)
            if name not in SENTENCE_PLACEHOLDERS
        ]
        if unknown:
            raise ValidationError(
                _("Only {programme}, {amount} and {number} can be filled in; not: %(names)s.")
                % {"names": ", ".join(f"{{{name}}}" for name in unknown)},
                code="placeholder",
            )
        return sentence

    def clean_obligations(self) -> str:
        text = self.cleaned_data["obligations"].replace("\r\n", "\n")
        if HTML_TAG.search(text):
            raise ValidationError(
                _("Use Markdown, not HTML: remove the tags in angle brackets (< >)."), code="html"
            )
        if problems := letter_text_problems(text):
            raise ValidationError(problems, code="bounds")
        return text

    def clean(self):
        cleaned = super().clean()
        methods = ("allow_in_system", "allow_scan", "allow_electronic")
        if not any(cleaned.get(name) for name in methods):
            self.add_error("allow_in_system", _("Allow at least one way of signing the agreement."))
        return cleaned


class AgreementTemplateForm(LetterTemplateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Text of the agreement")


class AgreementWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the agreement withdrawn?"),
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept on the agreement's record; a corrected version can be issued next."),
    )
