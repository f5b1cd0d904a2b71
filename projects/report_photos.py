"""Photos of a project attached to its report: content-checked like every upload, kept as
sent, and shown through a smaller copy turned upright with its metadata (GPS, camera)
left out."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from applicants.uploads import JPEG, PNG, attachment_check
from projects.enums import REPORT_EDITABLE_STATES
from projects.models import Report, ReportPhoto
from projects.report_selectors import report_may_be_written
from projects.reports import ReportRefused
from projects.spending import display_jpeg

MAX_PHOTOS = 20
MAX_PHOTO_MB = 10


def photo_display_copy(upload) -> ContentFile:
    """The display copy of a report photo (projects.spending.display_jpeg, as for documents'
    photos); an image that can't be read is refused."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            return ContentFile(display_jpeg(image))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This image can't be read."), code="bad_image") from error
    finally:
        upload.seek(0)


@transaction.atomic
def report_photo_add(
    *, report: Report, upload, caption: str = "", publish_consent: bool = False, by
) -> ReportPhoto:
    """Attach a JPEG or PNG photo to an editable report (at most MAX_PHOTOS)."""
    locked = Report.objects.select_for_update().select_related("grant").get(pk=report.pk)
    if locked.state not in REPORT_EDITABLE_STATES or not report_may_be_written(locked.grant):
        raise ReportRefused(_("This report can't be changed any more."))
    if locked.photos.count() >= MAX_PHOTOS:
        raise ReportRefused(
            _("A report has at most %(count)d photos: remove one to add another.")
            % {"count": MAX_PHOTOS}
        )
    checked = attachment_check(upload, max_mb=MAX_PHOTO_MB)
    if (checked.extension, checked.content_type) not in (JPEG, PNG):
        raise ValidationError(_("Add a photo as a JPG or PNG file."), code="not_a_photo")
    preview = photo_display_copy(upload)
    photo = ReportPhoto(
        report=locked,
        extension=checked.extension,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        caption=caption.strip()[:300],
        publish_consent=publish_consent,
        added_by=by,
    )
    photo.file.save(checked.name, upload, save=False)
    photo.preview.save("preview.jpg", preview, save=False)
    photo.save()
    return photo


@transaction.atomic
def report_photo_remove(*, photo: ReportPhoto, by) -> None:
    locked = Report.objects.select_for_update().select_related("grant").get(pk=photo.report_id)
    if locked.state not in REPORT_EDITABLE_STATES or not report_may_be_written(locked.grant):
        raise ReportRefused(_("This report can't be changed any more."))
    photo.file.delete(save=False)
    photo.preview.delete(save=False)
    photo.delete()
