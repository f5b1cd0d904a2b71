"""The upload checks applicants' attachments go through; they live in core.uploads (grants checks
the call's documents with them too, and grants comes before applicants in the pipeline)."""

from core.uploads import (
    ALLOWED_TYPES_LABEL,
    DOCX,
    JPEG,
    NAME_EXTENSIONS,
    ODS,
    ODT,
    PDF,
    PNG,
    XLSX,
    CheckedUpload,
    UnsafeArchive,
    attachment_check,
    detect_type,
    safe_file_name,
)

__all__ = [
    "ALLOWED_TYPES_LABEL",
    "DOCX",
    "JPEG",
    "NAME_EXTENSIONS",
    "ODS",
    "ODT",
    "PDF",
    "PNG",
    "XLSX",
    "CheckedUpload",
    "UnsafeArchive",
    "attachment_check",
    "detect_type",
    "safe_file_name",
]
