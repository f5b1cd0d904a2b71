"""The rows coordinators edit for a call's page: documents to download and the FAQ."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from core.templatetags.core_tags import filesize_pl
from core.uploads import attachment_check
from grants.call_documents import (
    CALL_DOCUMENT_TYPES,
    CALL_DOCUMENT_TYPES_LABEL,
    CallDocument,
    FaqEntry,
)
from grants.forms import OrderedRowForm
from grants.limits import MAX_CALL_DOCUMENT_MB


class CallDocumentForm(OrderedRowForm):
    """A document's title and description, and its file: required for a new row, optional
    (a replacement) for a saved one. The file is checked by its content, not its name."""

    main_field = "title"

    class Meta:
        model = CallDocument
        fields = ["title", "description", "file"]
        # A plain file input: the clearable one links to the file's storage address,
        # which nobody can open (files are served only through the download view).
        widgets = {
            "file": forms.FileInput(
                attrs={"accept": ",".join(extension for extension, _type in CALL_DOCUMENT_TYPES)}
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        limits = _("%(types)s, up to %(max)s MB.") % {
            "types": CALL_DOCUMENT_TYPES_LABEL,
            "max": MAX_CALL_DOCUMENT_MB,
        }
        if self.instance.pk and self.instance.file:
            field.help_text = _(
                "Now: %(name)s (%(size)s). Choose a file only to replace it. %(limits)s"
            ) % {
                "name": self.instance.original_name,
                "size": filesize_pl(self.instance.size),
                "limits": limits,
            }
        else:
            field.help_text = limits

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload  # the file already saved, kept as it is
        checked = attachment_check(upload, max_mb=MAX_CALL_DOCUMENT_MB)
        if (checked.extension, checked.content_type) not in CALL_DOCUMENT_TYPES:
            raise forms.ValidationError(
                _("“%(name)s” is not a file type a call can offer. Allowed: %(types)s.")
                % {"name": upload.name, "types": CALL_DOCUMENT_TYPES_LABEL},
                code="bad_type",
            )
        self.instance.original_name = checked.name
        self.instance.content_type = checked.content_type
        self.instance.extension = checked.extension
        self.instance.size = checked.size
        return upload


class FaqEntryForm(OrderedRowForm):
    main_field = "question"

    class Meta:
        model = FaqEntry
        fields = ["question", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 3, "data-char-count": ""})}
