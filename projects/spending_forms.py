"""The form of a financial document: its photo or PDF, its details and its parts over the
grant's budget lines. Short enough for a phone: the first line is open, more parts fold out."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as NumberInvalid
from stdnum.pl import nip

from core.formatting import format_money
from core.forms import AmountField
from projects.enums import DocumentKind
from projects.spending import DocumentPart, document_file_check, parts_problems
from projects.spending_figures import SpendingFigures

# Parts shown at most (a document split over more lines is rare; a long budget keeps them few).
MAX_PARTS = 5
ZERO = Decimal("0")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def nip_validate(value: str) -> str:
    """A Polish tax number (NIP) as ten digits, checked by its checksum; ValidationError if
    it isn't one. Dashes, spaces and a leading "PL" are allowed."""
    try:
        return nip.validate(value)
    except NumberInvalid as error:
        raise ValidationError(
            _("This is not a valid NIP: check its ten digits (the last one is a checksum)."),
            code="nip",
        ) from error


class FinancialDocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or PDF of the document"),
        required=False,
        help_text=_(
            "A photo of the receipt or invoice, or its PDF (JPEG, PNG, WebP, PDF; up to 10 MB)."
        ),
        widget=forms.FileInput(
            attrs={"accept": "image/*,application/pdf", "capture": "environment"}
        ),
    )
    # A file checked on an earlier try of this form, kept so it needn't be picked again.
    pending = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Type of document"), choices=DocumentKind.choices, initial=DocumentKind.RECEIPT
    )
    number = forms.CharField(label=_("Document number"), max_length=100)
    issued_on = forms.DateField(label=_("Date of issue"), widget=DateInput)
    amount = AmountField(label=_("Amount (gross, zł)"), min_value=Decimal("0.01"))
    issuer_name = forms.CharField(
        label=_("Issued by"), max_length=300, help_text=_("The shop, company or person.")
    )
    issuer_nip = forms.CharField(
        label=_("Issuer's NIP"),
        max_length=20,
        required=False,
        help_text=_("Optional: it is printed on invoices and most receipts."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    paid_on = forms.DateField(label=_("Date paid"), required=False, widget=DateInput)
    description = forms.CharField(
        label=_("What it was for"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "data-char-count": ""}),
    )

    def __init__(self, *args, figures: SpendingFigures, kept=None, document=None, **kwargs):
        """`figures` give the lines and what is left on each; `kept(token)` returns the file
        kept under a token (or None); `document` is the one being changed."""
        self.figures = figures
        self.kept = kept
        self.document = document
        self.kept_name = ""
        self.kept_token = ""
        if document is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_of(document)
        super().__init__(*args, **kwargs)
        today = timezone.localdate().isoformat()
        for name in ("issued_on", "paid_on"):
            self.fields[name].widget.attrs["max"] = today
        if document is not None:
            self.fields["file"].label = _("A new photo or PDF (only to replace the file)")
        self.lines = {row.line.pk: row.line for row in figures.lines}
        choices = [("", _("— choose a budget line —"))] + [
            (
                str(row.line.pk),
                _("%(item)s — %(left)s left of %(planned)s")
                % {
                    "item": row.line.item,
                    "left": format_money(row.left),
                    "planned": format_money(row.planned_total),
                },
            )
            for row in figures.lines
        ]
        existing = len(document.allocations.all()) if document is not None else 0
        self.part_count = max(1, min(len(figures.lines), MAX_PARTS), existing)
        for index in range(self.part_count):
            self.fields[f"line_{index}"] = forms.ChoiceField(
                label=_("Budget line"), choices=choices, required=False
            )
            self.fields[f"from_grant_{index}"] = AmountField(
                label=_("From the grant (zł)"), required=False, min_value=ZERO
            )
            self.fields[f"own_{index}"] = AmountField(
                label=_("Own contribution (zł)"), required=False, min_value=ZERO
            )
        self.fields["line_0"].label = _("Budget line it paid for")

    @staticmethod
    def _initial_of(document) -> dict:
        initial = {
            name: getattr(document, name)
            for name in (
                "kind",
                "number",
                "issued_on",
                "amount",
                "issuer_name",
                "issuer_nip",
                "paid_on",
                "description",
            )
        }
        for index, allocation in enumerate(document.allocations.all()):
            initial[f"line_{index}"] = str(allocation.budget_line_id)
            initial[f"from_grant_{index}"] = allocation.from_grant
            initial[f"own_{index}"] = allocation.own_contribution
        return initial

    def part_rows(self) -> list[tuple]:
        """(line, from the grant, own contribution) bound fields per row, for the template."""
        return [
            (self[f"line_{i}"], self[f"from_grant_{i}"], self[f"own_{i}"])
            for i in range(self.part_count)
        ]

    def more_parts_open(self) -> bool:
        """The folded rows are shown open when one of them is filled in or has an error."""
        for index in range(1, self.part_count):
            for name in (f"line_{index}", f"from_grant_{index}", f"own_{index}"):
                if self[name].errors or self[name].value() not in (None, ""):
                    return True
        return False

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            document_file_check(upload)
            return upload
        token = self.data.get(self.add_prefix("pending"), "")
        if token and self.kept is not None and (kept := self.kept(token)) is not None:
            self.kept_name, self.kept_token = kept.name, token
            return kept
        if self.document is None:
            raise ValidationError(
                _("Take a photo of the document or choose its file."), code="required"
            )
        return None

    def _not_in_future(self, name: str):
        value = self.cleaned_data.get(name)
        if value and value > timezone.localdate():
            raise ValidationError(_("This date is in the future."), code="future")
        return value

    def clean_issued_on(self):
        return self._not_in_future("issued_on")

    def clean_paid_on(self):
        return self._not_in_future("paid_on")

    def clean_issuer_nip(self):
        value = self.cleaned_data["issuer_nip"].strip()
        return nip_validate(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        amount = cleaned.get("amount")
        chosen = [i for i in range(self.part_count) if cleaned.get(f"line_{i}")]
        parts = []
        for index in range(self.part_count):
            line_pk = cleaned.get(f"line_{index}")
            from_grant = cleaned.get(f"from_grant_{index}")
            own = cleaned.get(f"own_{index}")
            if not line_pk:
                if from_grant or own:
                    self.add_error(f"line_{index}", _("Choose the budget line of this part."))
                continue
            line = self.lines.get(int(line_pk))
            if from_grant is None and own is None and len(chosen) == 1 and amount:
                # One line and no parts typed: the whole document is paid from the grant.
                from_grant = cleaned[f"from_grant_{index}"] = amount
            if not (from_grant or own):
                self.add_error(
                    f"from_grant_{index}",
                    _("Enter how much of the document this line took."),
                )
                continue
            parts.append(DocumentPart(line, from_grant or ZERO, own or ZERO))
        if not chosen and not self.has_error("line_0"):
            self.add_error("line_0", _("Choose the budget line the document paid for."))
        elif parts and amount is not None and not self.errors:
            for problem in parts_problems(amount=amount, parts=parts):
                self.add_error(None, problem)
        cleaned["parts"] = parts
        return cleaned

    def values(self) -> dict:
        """The document's details as the services take them."""
        return {
            name: self.cleaned_data[name]
            for name in (
                "kind",
                "number",
                "issued_on",
                "amount",
                "issuer_name",
                "issuer_nip",
                "paid_on",
                "description",
            )
        }

    def new_upload_to_keep(self):
        """A newly picked file that passed its checks while another field failed: the view
        keeps it for the next try."""
        upload = self.cleaned_data.get("file") if hasattr(self, "cleaned_data") else None
        if upload and not self.kept_token and "file" not in self.errors:
            return upload
        return None
