"""What a call's page offers to read besides its description: documents to download
(regulations, templates) and questions and answers (FAQ). Both are parts of the call,
edited in /manage/ like its other parts (grants.views.manage.CALL_PARTS)."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedTextField
from core.uploads import DOCX, ODS, ODT, PDF, XLSX
from grants.models import CallPart, GrantCall

# What a call may offer: documents and spreadsheets, never pictures or anything else.
CALL_DOCUMENT_TYPES = (PDF, DOCX, ODT, XLSX, ODS)
CALL_DOCUMENT_TYPES_LABEL = "PDF, DOCX, ODT, XLSX, ODS"


def call_document_path(instance: "CallDocument", filename: str) -> str:
    # Random names on disk: the coordinator's file name is kept in the database only.
    return f"calls/{instance.call_id}/{uuid.uuid4().hex}{instance.extension}"


class CallDocument(CallPart):
    """A file the call offers for download, e.g. the regulations or a budget template.

    Anyone may download it once the call is published; while the call is a draft, only
    coordinators. The file's type was checked by its content (core.uploads) when it was
    uploaded; `original_name` is the safe name it is downloaded under. No application
    uses a document, so every row may be changed or removed.
    """

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("document title"), max_length=200)
    description = models.CharField(_("short description"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=call_document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    # Set from the checked file, never typed: the change history leaves them out.
    content_type = models.CharField(max_length=100, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    size = models.PositiveBigIntegerField(_("size"), editable=False)

    class Meta(CallPart.Meta):
        verbose_name = _("call document")
        verbose_name_plural = _("call documents")

    def __str__(self) -> str:
        return self.title

    @property
    def type_label(self) -> str:
        """PDF, DOCX…: what a visitor needs to know to open it."""
        return self.extension.lstrip(".").upper()

    def get_download_url(self) -> str:
        return reverse(
            "grants:call_document", kwargs={"slug": self.call.slug, "document_pk": self.pk}
        )


class FaqEntry(CallPart):
    """A question applicants often ask about the call, with the coordinators' answer."""

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="faq_entries")
    question = models.CharField(_("question"), max_length=300)
    # A few sentences; a longer answer belongs in the regulations.
    answer = BoundedTextField(_("answer"), max_length=3_000)

    class Meta(CallPart.Meta):
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self) -> str:
        return self.question
