"""Receipt-first settlement: the grantee records each invoice, bill or receipt as they spend,
with a photo or PDF of it, split over the budget lines it paid for.

Documents are added, changed and removed (kept, marked removed) while the grant is under way
and its final report is not submitted; plan vs spent is read from them by
projects.spending_figures.grant_spending().
"""

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from applicants.uploads import JPEG, NAME_EXTENSIONS, PDF, PNG, CheckedUpload, detect_type
from applicants.uploads import safe_file_name as upload_safe_name
from core.formatting import format_money
from projects.finance_summary import finance_changed, summed_row_call
from projects.models import (
    DocumentAllocation,
    FinancialDocument,
    Grant,
    GrantBudgetLine,
)
from projects.spending_documents import documents_editable

ZERO = Decimal("0")
DOCUMENT_MAX_MB = 10
WEBP = (".webp", "image/webp")
DOCUMENT_TYPES = {PDF, PNG, JPEG, WEBP}
DOCUMENT_NAME_EXTENSIONS = {**{t: NAME_EXTENSIONS[t] for t in (PDF, PNG, JPEG)}, WEBP: {".webp"}}
DOCUMENT_TYPES_LABEL = "PDF, JPEG, PNG, WebP"
# The display copy of a photo: big enough to read a receipt on any screen.
PREVIEW_MAX_PX = 1600
PREVIEW_QUALITY = 85
# A photo larger than this many pixels is refused rather than decoded (a "decompression
# bomb" is a small file that unpacks to gigabytes). A 50-megapixel phone photo fits.
IMAGE_MAX_PIXELS = 64_000_000
# A file checked on a form that failed for another reason is kept this long, so that the
# grantee needn't pick it again.
PENDING_FOLDER = "spending-pending"
PENDING_MAX_AGE = timedelta(days=1)
PENDING_SALT = "projects.spending.pending-upload"


class DocumentsLocked(Exception):
    """The grant's documents can't change now (not under way, or the final report is in)."""


@dataclass(frozen=True)
class DocumentPart:
    """What a document paid for on one budget line."""

    line: GrantBudgetLine
    from_grant: Decimal
    own_contribution: Decimal

    @property
    def total(self) -> Decimal:
        return self.from_grant + self.own_contribution


# --- The file -------------------------------------------------------------------------------


def _detected(upload) -> tuple[str, str] | None:
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    detected = detect_type(upload)
    return detected if detected in DOCUMENT_TYPES else None


def _image_opened(upload) -> Image.Image:
    """The upload as a Pillow image, fully decoded; ValidationError if it isn't one."""
    upload.seek(0)
    try:
        image = Image.open(upload)
        if image.width * image.height > IMAGE_MAX_PIXELS:
            raise ValidationError(
                _("The photo “%(name)s” is too large in pixels; take it again or make it smaller.")
                % {"name": upload.name},
                code="too_many_pixels",
            )
        image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("“%(name)s” can't be read as a picture. Take the photo again, or send a PDF.")
            % {"name": upload.name},
            code="bad_image",
        ) from error
    finally:
        upload.seek(0)
    return image


def document_file_check(upload) -> CheckedUpload:
    """Check a photo or PDF of a financial document by its content (not its name), its size,
    and, for a photo, that it decodes; raise ValidationError with a message for the grantee."""
    name = upload.name or ""
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise ValidationError(
            _("The file name “%(name)s” isn't allowed. Rename the file and try again.")
            % {"name": name},
            code="bad_name",
        )
    if not upload.size:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if upload.size > DOCUMENT_MAX_MB * 1024 * 1024:
        raise ValidationError(
            _("The file “%(name)s” is larger than %(max)s MB.")
            % {"name": name, "max": DOCUMENT_MAX_MB},
            code="too_big",
        )
    detected = _detected(upload)
    if detected is None:
        raise ValidationError(
            _("“%(name)s” is not a photo or PDF we accept. Allowed: %(types)s.")
            % {"name": name, "types": DOCUMENT_TYPES_LABEL},
            code="bad_type",
        )
    given = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
    if given not in DOCUMENT_NAME_EXTENSIONS[detected]:
        raise ValidationError(
            _("“%(name)s” is really a %(kind)s file; its name must end in %(extension)s.")
            % {"name": name, "kind": detected[0][1:].upper(), "extension": detected[0]},
            code="bad_extension",
        )
    if detected != PDF:
        _image_opened(upload)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        name=upload_safe_name(name, given),
        extension=detected[0],
        content_type=detected[1],
        size=upload.size,
        sha256=digest.hexdigest(),
    )


def display_copy(upload) -> bytes:
    """A JPEG of the photo for showing on pages (see display_jpeg)."""
    return display_jpeg(_image_opened(upload))


def display_jpeg(image: Image.Image) -> bytes:
    """A JPEG of an opened photo for showing on pages: turned as the camera meant (EXIF
    orientation), at most PREVIEW_MAX_PX on its longer side, transparency on white, without
    the photo's metadata (place, device). Documents and report photos both use it."""
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((PREVIEW_MAX_PX, PREVIEW_MAX_PX))
    out = io.BytesIO()
    # Saved without exif=…: Pillow writes no metadata it isn't given.
    image.save(out, "JPEG", quality=PREVIEW_QUALITY, optimize=True)
    return out.getvalue()


# --- A checked file kept between a failed form and the next try ------------------------------


def pending_upload_keep(*, grant: Grant, user, upload, checked: CheckedUpload) -> str:
    """Store a checked file for the next submission of the form; return a signed token the
    form carries (only `user`, on `grant`, can use it, for PENDING_MAX_AGE)."""
    day = timezone.now().strftime("%Y%m%d")
    path = default_storage.save(
        f"{PENDING_FOLDER}/{day}/{secrets.token_hex(16)}{checked.extension}", File(upload)
    )
    upload.seek(0)
    return signing.dumps(
        {"g": grant.pk, "u": user.pk, "p": path, "n": upload.name}, salt=PENDING_SALT
    )


def pending_upload_take(*, grant: Grant, user, token: str) -> File | None:
    """The file kept under `token` by `user` for `grant`, or None (expired, forged, gone)."""
    try:
        data = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE.total_seconds())
    except signing.BadSignature:
        return None
    if data.get("g") != grant.pk or data.get("u") != user.pk:
        return None
    path = data.get("p", "")
    if not path.startswith(PENDING_FOLDER + "/") or not default_storage.exists(path):
        return None
    stored = default_storage.open(path, "rb")
    upload = File(stored, name=data.get("n") or path.rsplit("/", 1)[-1])
    upload.pending_path = path
    return upload


def pending_uploads_clean(sender=None, **kwargs) -> int:
    """Receiver of core.signals.housekeeping_ran: delete kept files older than a day."""
    try:
        days, _files = default_storage.listdir(PENDING_FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    oldest_kept = (timezone.now() - PENDING_MAX_AGE).strftime("%Y%m%d")
    removed = 0
    for day in days:
        if day >= oldest_kept:
            continue
        _dirs, files = default_storage.listdir(f"{PENDING_FOLDER}/{day}")
        for name in files:
            default_storage.delete(f"{PENDING_FOLDER}/{day}/{name}")
            removed += 1
    return removed


# --- The parts over budget lines ------------------------------------------------------------


def parts_problems(*, amount: Decimal, parts: list[DocumentPart]) -> list[str]:
    """What is wrong with splitting a document of `amount` into `parts` (nothing: [])."""
    problems = []
    if not parts:
        problems.append(_("Choose the budget line the document paid for."))
    lines = [part.line.pk for part in parts]
    if len(set(lines)) != len(lines):
        problems.append(_("Each budget line can be chosen once; add its parts together."))
    total = sum((part.total for part in parts), ZERO)
    if amount is not None and total > amount:
        problems.append(
            _(
                "The parts add up to %(total)s: more than the document's %(amount)s. "
                "Lower them, or correct the document's amount."
            )
            % {"total": format_money(total), "amount": format_money(amount)}
        )
    return problems


# --- Writes ---------------------------------------------------------------------------------

DOCUMENT_FIELDS = (
    "kind",
    "number",
    "issued_on",
    "issuer_name",
    "issuer_nip",
    "amount",
    "paid_on",
    "description",
)


def _locked_grant(grant: Grant) -> Grant:
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    if not documents_editable(locked):
        raise DocumentsLocked(grant.pk)
    return locked


def _check_parts(grant: Grant, amount: Decimal, parts: list[DocumentPart]) -> None:
    if any(part.line.grant_id != grant.pk for part in parts):
        raise ValidationError(_("Choose one of this grant's budget lines."), code="line")
    if problems := parts_problems(amount=amount, parts=parts):
        raise ValidationError(problems, code="parts")


def _attach_file(document: FinancialDocument, upload, checked: CheckedUpload) -> None:
    document.extension = checked.extension
    document.original_name = checked.name
    document.content_type = checked.content_type
    document.size = checked.size
    document.sha256 = checked.sha256
    upload.seek(0)
    document.file.save(checked.name, File(upload), save=False)
    if checked.content_type != PDF[1]:
        document.preview.save("preview.jpg", ContentFile(display_copy(upload)), save=False)
    else:
        document.preview = ""
    pending = getattr(upload, "pending_path", None)
    if pending:
        transaction.on_commit(lambda: default_storage.delete(pending))


def _replace_parts(document: FinancialDocument, parts: list[DocumentPart]) -> None:
    document.allocations.all().delete()
    allocations = [
        DocumentAllocation(
            document=document,
            budget_line=part.line,
            from_grant=part.from_grant,
            own_contribution=part.own_contribution,
        )
        for part in parts
    ]
    for allocation in allocations:
        allocation.full_clean(exclude=["document"])
    DocumentAllocation.objects.bulk_create(allocations)
    # The parts are what the finance summary sums as spent (bulk_create sends no post_save).
    finance_changed(call_id=summed_row_call(document))


@transaction.atomic
def document_add(
    *, grant: Grant, by, upload, values: dict, parts: list[DocumentPart]
) -> FinancialDocument:
    """Record a financial document of `grant` with its file (checked here) and its parts.

    Raises DocumentsLocked once the grant's documents can't change, ValidationError when the
    file or the parts are refused."""
    locked = _locked_grant(grant)
    checked = document_file_check(upload)
    _check_parts(locked, values.get("amount"), parts)
    document = FinancialDocument(
        grant=locked, added_by=by, **{name: values.get(name) for name in DOCUMENT_FIELDS}
    )
    document.issuer_nip = document.issuer_nip or ""
    _attach_file(document, upload, checked)
    document.full_clean()
    document.save()
    _replace_parts(document, parts)
    return document


@transaction.atomic
def document_change(
    *, document: FinancialDocument, by, values: dict, parts: list[DocumentPart], upload=None
) -> FinancialDocument:
    """Change a document's details and parts (and its file, when `upload` is given)."""
    locked = _locked_grant(document.grant)
    document = FinancialDocument.objects.select_for_update().get(
        pk=document.pk, grant=locked, removed_at__isnull=True
    )
    _check_parts(locked, values.get("amount"), parts)
    for name in DOCUMENT_FIELDS:
        setattr(document, name, values.get(name))
    document.issuer_nip = document.issuer_nip or ""
    if upload is not None:
        _attach_file(document, upload, document_file_check(upload))
    document.full_clean()
    document.save()
    _replace_parts(document, parts)
    return document


@transaction.atomic
def document_remove(*, document: FinancialDocument, by) -> FinancialDocument:
    """Mark a document removed: it no longer counts, and is kept for the record."""
    locked = _locked_grant(document.grant)
    document = FinancialDocument.objects.select_for_update().get(pk=document.pk, grant=locked)
    if document.removed_at is None:
        document.removed_at = timezone.now()
        document.save(update_fields=["removed_at", "updated_at"])
    return document
