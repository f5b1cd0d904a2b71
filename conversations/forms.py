"""The message form and the notification choice."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.uploads import ALLOWED_TYPES_LABEL, attachment_check
from conversations.enums import MESSAGE_MAX_FILES, MESSAGE_MAX_LENGTH, MessageNotice


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe): a list of uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = MultipleFileField(label=_("Files (optional)"), required=False)

    def __init__(self, *args, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_mb = max_mb
        self.fields["files"].help_text = _(
            "%(types)s, up to %(mb)s MB each; at most %(count)s files."
        ) % {"types": ALLOWED_TYPES_LABEL, "mb": max_mb, "count": MESSAGE_MAX_FILES}
        self.fields["files"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.docx,.odt,.xlsx,.ods"

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MESSAGE_MAX_FILES:
            raise forms.ValidationError(
                _("At most %(count)s files with one message."), params={"count": MESSAGE_MAX_FILES}
            )
        # The same checks as an application's attachments: type by content, size, a safe name.
        checked, errors = [], []
        for upload in files:
            try:
                checked.append((upload, attachment_check(upload, max_mb=self.max_mb)))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return checked


class NotificationPreferenceForm(forms.Form):
    messages = forms.ChoiceField(
        label=_("When someone writes in a conversation about your application"),
        choices=MessageNotice.choices,
        widget=forms.RadioSelect,
    )
