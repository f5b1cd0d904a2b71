"""A grant's archive: one ZIP with everything its retention needs, for coordinators.

    grant.json                          the grant's record (numbers, dates, state, history)
    application/version-<n>.pdf|.json   each submitted version: its stored PDF copy, else its content
    reviews/reviews.json                the reviews, anonymised ("Reviewer 1"…: no names, no e-mails)
    decision/<letter number>-v<n>.pdf   every decision letter version
    agreement/<number>.pdf              every agreement version, withdrawn ones too
    agreement/signed/…                  the signed files uploaded for them
    amendments/amendments.json + <number>.pdf   the amendments and their annexes
    settlement/<number>.pdf             every settlement version issued
    reports/<kind>.json + reports/<kind>-photos/…  the reports and their original photos
    documents/index.csv + documents/…   the financial documents' original files
    manifest-sha256.txt                 every file above with its SHA-256 (`sha256sum -c` reads it)

Written entry by entry into a file object (the view gives a spooled temporary file): a stored
file is copied in chunks, so memory stays flat whatever the files' sizes. Reads only.
"""

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.db.models import Prefetch

from applicants.enums import VersionPdfKind, VersionPdfStatus
from applicants.models import ApplicationVersion, VersionPdf
from decisions.models import DecisionLetter
from projects.models import (
    Agreement,
    Amendment,
    FinancialDocument,
    Grant,
    Report,
    Settlement,
    SignedDocument,
)
from reviews.models import Review

CHUNK = 1024 * 1024


def _name_part(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._" else "-" for ch in text).strip("-") or "x"


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value))


def _json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default).encode()


@dataclass(frozen=True)
class ArchiveEntry:
    """One file of the archive: its bytes, or a stored file to copy."""

    path: str
    content: bytes | None = None
    field: object = None  # a FieldFile


def grant_archive_filename(grant: Grant) -> str:
    return f"{_name_part(grant.reference_number)}-archiwum.zip"


def _versions(grant: Grant) -> Iterator[ArchiveEntry]:
    versions = ApplicationVersion.objects.filter(application=grant.application_id).prefetch_related(
        Prefetch(
            "pdfs",
            queryset=VersionPdf.objects.filter(
                kind=VersionPdfKind.FULL, status=VersionPdfStatus.RENDERED
            ).exclude(file=""),
            to_attr="full_copies",
        )
    )
    for version in versions.order_by("number"):
        if version.full_copies:
            yield ArchiveEntry(
                f"application/version-{version.number}.pdf", field=version.full_copies[0].file
            )
        else:
            yield ArchiveEntry(
                f"application/version-{version.number}.json",
                content=_json_bytes(
                    {
                        "number": version.number,
                        "submitted_at": version.submitted_at,
                        "content": version.content,
                        "consents": version.consents,
                    }
                ),
            )


def _reviews(grant: Grant) -> Iterator[ArchiveEntry]:
    reviews = (
        Review.objects.filter(assignment__application=grant.application_id)
        .prefetch_related("scores__criterion")
        .order_by("submitted_at", "pk")
    )
    rows = []
    # Anonymised: a reviewer is a number; nothing names them or says how to reach them.
    for number, review in enumerate(reviews, start=1):
        rows.append(
            {
                "reviewer": f"Reviewer {number}",
                "status": review.status,
                "submitted_at": review.submitted_at,
                "recommendation": review.recommendation,
                "total": review.total,
                "scores": [
                    {
                        "criterion": score.criterion.name,
                        "points": score.points,
                        "justification": score.justification,
                    }
                    for score in review.scores.all()
                ],
                "comment_for_applicant": review.comment_for_applicant,
                "note_for_committee": review.note_for_committee,
            }
        )
    yield ArchiveEntry("reviews/reviews.json", content=_json_bytes(rows))


def _letters(grant: Grant) -> Iterator[ArchiveEntry]:
    for letter in DecisionLetter.objects.filter(decision=grant.decision_id).order_by(
        "number", "version"
    ):
        yield ArchiveEntry(
            f"decision/{_name_part(letter.number)}-v{letter.version}.pdf", field=letter.pdf
        )


def _agreements(grant: Grant) -> Iterator[ArchiveEntry]:
    for agreement in Agreement.objects.filter(grant=grant).order_by("version"):
        yield ArchiveEntry(f"agreement/{_name_part(agreement.number)}.pdf", field=agreement.pdf)
    signed = SignedDocument.objects.filter(agreement__grant=grant).select_related("agreement")
    for document in signed.order_by("uploaded_at", "pk"):
        yield ArchiveEntry(
            f"agreement/signed/{_name_part(document.agreement.number)}-{document.method}-"
            f"{document.pk}{document.extension}",
            field=document.file,
        )


def _amendments(grant: Grant) -> Iterator[ArchiveEntry]:
    amendments = list(Amendment.objects.filter(grant=grant).order_by("requested_at", "pk"))
    if not amendments:
        return
    yield ArchiveEntry(
        "amendments/amendments.json",
        content=_json_bytes(
            [
                {
                    "number": amendment.number,
                    "state": amendment.state,
                    "kinds": amendment.kinds,
                    "justification": amendment.justification,
                    "before": amendment.before,
                    "after": amendment.after,
                    "requested_at": amendment.requested_at,
                    "answered_at": amendment.answered_at,
                }
                for amendment in amendments
            ]
        ),
    )
    for amendment in amendments:
        if amendment.pdf:
            name = _name_part(amendment.number or f"amendment-{amendment.pk}")
            yield ArchiveEntry(f"amendments/{name}.pdf", field=amendment.pdf)


def _settlements(grant: Grant) -> Iterator[ArchiveEntry]:
    for settlement in Settlement.objects.filter(grant=grant).exclude(pdf="").order_by("version"):
        yield ArchiveEntry(f"settlement/{_name_part(settlement.number)}.pdf", field=settlement.pdf)


def _reports(grant: Grant) -> Iterator[ArchiveEntry]:
    for report in Report.objects.filter(grant=grant).prefetch_related("photos").order_by("kind"):
        photos = list(report.photos.all())
        yield ArchiveEntry(
            f"reports/{report.kind}.json",
            content=_json_bytes(
                {
                    "kind": report.kind,
                    "state": report.state,
                    "submitted_at": report.submitted_at,
                    "activities": report.activities,
                    "summary": report.summary,
                    "indicators": report.indicators,
                    "participants": report.participants,
                    "volunteer_hours": report.volunteer_hours,
                    "publicity_links": report.publicity_links,
                    "story": report.story,
                    "publish_consent": report.publish_consent,
                    "financial": report.financial,
                    "checklist": report.checklist,
                    "photos": [
                        {
                            "file": f"{report.kind}-photos/{photo.pk}{photo.extension}",
                            "caption": photo.caption,
                            "publish_consent": photo.publish_consent,
                            "sha256": photo.sha256,
                        }
                        for photo in photos
                    ],
                }
            ),
        )
        for photo in photos:
            yield ArchiveEntry(
                f"reports/{report.kind}-photos/{photo.pk}{photo.extension}", field=photo.file
            )


DOCUMENT_COLUMNS = (
    "file",
    "kind",
    "number",
    "issued_on",
    "issuer_name",
    "issuer_nip",
    "amount",
    "paid_on",
    "description",
    "ineligible_amount",
    "removed_at",
    "sha256",
    "original_name",
)


def _documents(grant: Grant) -> Iterator[ArchiveEntry]:
    documents = list(FinancialDocument.objects.filter(grant=grant).order_by("issued_on", "pk"))
    if not documents:
        return
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(DOCUMENT_COLUMNS)
    entries = []
    for document in documents:
        name = f"documents/{document.pk}-{_name_part(document.number)}{document.extension}"
        entries.append(ArchiveEntry(name, field=document.file))
        writer.writerow(
            [
                name.removeprefix("documents/"),
                document.kind,
                document.number,
                document.issued_on,
                document.issuer_name,
                document.issuer_nip,
                document.amount,
                document.paid_on or "",
                document.description,
                document.ineligible_amount or "",
                document.removed_at.isoformat() if document.removed_at else "",
                document.sha256,
                document.original_name,
            ]
        )
    yield ArchiveEntry("documents/index.csv", content=("\ufeff" + index.getvalue()).encode())
    yield from entries


def _grant_record(grant: Grant) -> ArchiveEntry:
    return ArchiveEntry(
        "grant.json",
        content=_json_bytes(
            {
                "reference_number": grant.reference_number,
                "title": grant.title,
                "grantee_kind": grant.grantee_kind,
                "grantee_name": grant.grantee_name,
                "amount": grant.amount,
                "state": grant.state,
                "starts_on": grant.starts_on,
                "ends_on": grant.ends_on,
                "closed_at": grant.closed_at,
                "history": [
                    {"at": change.at, "from": change.old_state, "to": change.new_state}
                    for change in grant.state_changes.order_by("at", "pk")
                ],
            }
        ),
    )


def grant_archive_entries(grant: Grant) -> Iterator[ArchiveEntry]:
    yield _grant_record(grant)
    for part in (
        _versions,
        _reviews,
        _letters,
        _agreements,
        _amendments,
        _settlements,
        _reports,
        _documents,
    ):
        yield from part(grant)


def grant_archive_write(grant: Grant, target: IO[bytes]) -> list[tuple[str, str]]:
    """Write the grant's archive into `target`; return [(path, sha256)] as the manifest lists.

    A stored file that has gone missing is left out and named in the manifest's notes
    rather than failing the whole archive."""
    manifest: list[tuple[str, str]] = []
    missing: list[str] = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in grant_archive_entries(grant):
            digest = hashlib.sha256()
            if entry.content is not None:
                digest.update(entry.content)
                archive.writestr(entry.path, entry.content)
            else:
                try:
                    source = entry.field.open("rb")
                except (FileNotFoundError, ValueError):
                    missing.append(entry.path)
                    continue
                with source, archive.open(entry.path, "w", force_zip64=True) as sink:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        sink.write(chunk)
            manifest.append((entry.path, digest.hexdigest()))
        lines = [f"{sha}  {path}" for path, sha in manifest]
        lines += [f"# missing from storage: {path}" for path in missing]
        archive.writestr("manifest-sha256.txt", "\n".join(lines) + "\n")
    return manifest
