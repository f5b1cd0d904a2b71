"""One person's data across the pipeline: what each stage exports ("My data") and erases.

"My data" and account deletion live in applicants, which must not import the
later stages (reviews, decisions). So each stage registers here, in its
AppConfig.ready(), a section: what it keeps about a person (`export`), how it
erases it (`erase`) and what deleting the account will do to it (`notices`,
shown on the confirmation page beforehand). This module imports no app.

Sections run in `order`, for the export and for the erasure alike. Stages
register in pipeline order (applicants 20, reviews 30, decisions 40, core 90),
so a later stage erases after the earlier ones have anonymised what it reads
back: decisions re-render their letters from the already anonymised
application, reviews and justification.

While the erase steps run, the applications still point to the user (each
stage finds the person's rows by `application__applicant=user`); deleting the
user at the end detaches them (SET_NULL).
"""

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models

# Shorter identifiers are left alone: replacing every "Jo" or "12345" would
# garble other people's text and still identify nobody.
MIN_NAME_LENGTH = 3
MIN_PHONE_DIGITS = 6


def _name_pattern(name: str) -> str:
    words = name.split()
    # Any run of spaces between the words; never part of a longer word.
    return r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)"


def _phone_patterns(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    variants = {digits}
    if digits.startswith("48") and len(digits) == 11:
        variants.add(digits[2:])  # +48 600 100 200 is also written 600 100 200
    separator = r"[\s\-./()]*"
    return [
        r"(?<!\d)(?:\(?\+?48\)?" + separator + r")?" + separator.join(variant) + r"(?!\d)"
        for variant in sorted(variants, key=len, reverse=True)
        if len(variant) >= MIN_PHONE_DIGITS
    ]


@dataclass(frozen=True)
class Person:
    """Who is being erased: the account, and every form in which their identifiers were stored.

    `names` (their own, their group members' and their street address), `emails`
    and `phones` are replaced by `label` wherever a stage redacts free text: exact occurrences,
    case-insensitive, with any spacing between the words of a name and any
    separators between a phone number's digits. Other forms (a surname alone,
    an inflected name: "Zofii Zielińskiej") are not recognised.
    """

    user: Any
    label: str
    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()

    @cached_property
    def _pattern(self) -> re.Pattern | None:
        parts = [
            re.escape(email) for email in sorted(set(self.emails), key=len, reverse=True) if email
        ]
        parts += [
            _name_pattern(name)
            for name in sorted(set(self.names), key=len, reverse=True)
            if len(name.strip()) >= MIN_NAME_LENGTH
        ]
        for phone in self.phones:
            parts += _phone_patterns(phone)
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def mentions(self, text: str) -> bool:
        return bool(text) and self._pattern is not None and bool(self._pattern.search(text))

    def redact(self, text: str) -> str:
        """`text` with every occurrence of the person's identifiers replaced by the label."""
        if not text or self._pattern is None:
            return text
        return self._pattern.sub(lambda _match: self.label, text)  # the label taken literally

    def redact_data(self, value: Any) -> Any:
        """A JSON value (dicts, lists, strings) with every string redacted; keys too."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list):
            return [self.redact_data(item) for item in value]
        if isinstance(value, dict):
            return {self.redact(str(k)): self.redact_data(v) for k, v in value.items()}
        return value


def redact_rows(queryset: models.QuerySet, fields: Iterable[str], *, person: Person) -> int:
    """Redact `fields` (text or JSON) of every row of `queryset`; returns how many rows changed.

    Writes with QuerySet.update(): no signals, no history row (a history row
    would keep another copy), no auto_now bump.
    """
    fields = list(fields)
    changed = 0
    for row in queryset.order_by().values("pk", *fields):
        updates = {}
        for name in fields:
            value = row[name]
            redacted = person.redact_data(value)
            if redacted != value:
                updates[name] = redacted
        if updates:
            queryset.model._base_manager.filter(pk=row["pk"]).update(**updates)
            changed += 1
    return changed


class ErasureFailed(Exception):
    """A step could not erase what it must (e.g. a letter would not re-render); the erasure is undone."""


class Erasure:
    """One account's erasure in progress: the person, and the stored files to settle at the end.

    Steps call `delete_file()` for a file to delete once the erasure commits,
    and `file_written()` for a new file (an anonymised re-rendering) to delete
    if the erasure is rolled back.
    """

    def __init__(self, person: Person):
        self.person = person
        self.files_to_delete: list[tuple[Any, str]] = []
        self.files_written: list[tuple[Any, str]] = []

    def delete_file(self, storage, name: str) -> None:
        if name:
            self.files_to_delete.append((storage, name))

    def file_written(self, storage, name: str) -> None:
        self.files_written.append((storage, name))


class ExportFiles:
    """The files of a "My data" ZIP: each stage adds its own under its folder, never overwriting."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.taken: set[str] = set()

    def _path(self, folder: str, name: str) -> str:
        # Names may be a person's own text: keep only the last part, so unpacking
        # the archive can't write outside its folder.
        name = posixpath.basename(name.replace("\\", "/")).strip().lstrip(".") or "file"
        stem, extension = posixpath.splitext(name)
        path, n = f"{folder}/{name}", 1
        while path in self.taken:
            n += 1
            path = f"{folder}/{stem} ({n}){extension}"
        return path

    def add_stored(self, folder: str, name: str, file) -> str | None:
        """Copy a stored file (a FieldFile) into the archive; its path, or None if it is missing."""
        if not file or not file.name:
            return None
        path = self._path(folder, name)
        try:
            with file.open("rb") as source, self.archive.open(path, "w") as target:
                for chunk in source.chunks():
                    target.write(chunk)
        except OSError:
            # A file missing from storage must not cost the person the rest of
            # their data; data.json shows it as not in the archive.
            return None
        self.taken.add(path)
        return path


@dataclass(frozen=True)
class Notice:
    """One thing deleting the account will do, for the confirmation page: a sentence and its items."""

    text: str
    items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    name: str
    order: int
    export: Callable[..., Any] | None = None  # (*, user, files: ExportFiles) -> JSON-ready data
    erase: Callable[..., None] | None = None  # (*, erasure: Erasure) -> None
    notices: Callable[..., list[Notice]] | None = None  # (*, user) -> [Notice]


_sections: dict[str, Section] = {}


def register(
    name: str,
    *,
    order: int,
    export: Callable[..., Any] | None = None,
    erase: Callable[..., None] | None = None,
    notices: Callable[..., list[Notice]] | None = None,
) -> None:
    """Register (or replace: ready() may run twice) what a stage keeps about a person.

    `name` is the section's key in the export's data.json.
    """
    _sections[name] = Section(name, order, export, erase, notices)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.name))


def personal_data_collect(*, user, files: ExportFiles) -> dict[str, Any]:
    """Every section's export of `user`'s data, by section name, in order. Reads only."""
    return {
        section.name: section.export(user=user, files=files)
        for section in sections()
        if section.export is not None
    }


def personal_data_erase(*, erasure: Erasure) -> None:
    """Run every section's erasure, in order, in the caller's transaction."""
    for section in sections():
        if section.erase is not None:
            section.erase(erasure=erasure)


def account_deletion_notices(*, user) -> list[Notice]:
    """What deleting `user`'s account will do in each stage, for the confirmation page."""
    return [
        notice
        for section in sections()
        if section.notices is not None
        for notice in section.notices(user=user)
    ]
