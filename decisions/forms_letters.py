"""The coordinator's form for a call's letter text: Markdown only, within a length limit."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from decisions.letters import MAX_LETTER_LENGTH

# Anything an HTML parser would start a tag, comment or declaration with: "<p", "</p", "<!--", "<!DOCTYPE", "<?".
# "a < b" and "<3" are left alone: no parser reads them as markup.
HTML_TAG = re.compile(r"<(?:[/!?]?[A-Za-z]|!--)")


class LetterTemplateForm(forms.Form):
    body = forms.CharField(
        label=_("Text of the letter"),
        max_length=MAX_LETTER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 22, "class": "font-monospace", "spellcheck": "true"}),
        help_text=_(
            "Markdown: a blank line starts a new paragraph, **bold**, *italics*, “- ” for a list, "
            "“## ” for a heading, “> ” for a quotation. Up to 10 000 characters."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength in the browser: it would cut a long pasted text silently; the
        # server says how long it is instead, and the text stays in the box.
        self.fields["body"].widget.attrs.pop("maxlength", None)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        if HTML_TAG.search(body):
            raise ValidationError(
                _("Use Markdown, not HTML: remove the tags in angle brackets (< >)."), code="html"
            )
        return body
