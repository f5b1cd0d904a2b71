"""Saving one section of an application that a team edits together, without losing anyone's text.

Every section has a revision: the number of saves that changed it. The page carries the
revision it was based on; a save based on an older revision that would change what is
stored now is refused with SectionConflict (nothing is written), so the person can see
both versions and choose. A save that stores what is already there never conflicts, and
sections are independent of each other. Each save that changes something is recorded
(who, which section, which fields) for the application's history.

The check and the write happen in one transaction holding the application's row lock
(SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions take the write lock
at BEGIN), and a revision can be recorded only once (a unique constraint): two saves
based on the same revision can't both pass.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from applicants.enums import EDITABLE_STATUSES
from applicants.indicators import application_indicators_save
from applicants.models import Application, SectionSave
from applicants.sections import SECTIONS_BY_SLUG
from applicants.services import (
    ApplicationLocked,
    application_answers_save,
    application_budget_save,
    application_schedule_save,
    application_update,
)

# Saves by the same person in the same section this close together are one history entry.
FOLD_WITHIN = timedelta(minutes=5)
TABLES = ("schedule", "budget", "indicators")


class SectionConflict(Exception):
    """Someone saved the section after the page was opened, and this save would change it.

    `latest` is their save (who, when), `revision` the section's revision now (the next save
    is based on it), `fields` the parts whose stored content differs from what was sent.
    """

    def __init__(self, *, latest: SectionSave | None, revision: int, fields: list[str]):
        super().__init__(f"section changed meanwhile (revision {revision}): {fields}")
        self.latest = latest
        self.revision = revision
        self.fields = fields


@dataclass
class SectionSaved:
    revision: int
    errors: dict = field(default_factory=dict)  # by part, for saves that keep the valid rest


def section_latest_save(*, application: Application, section: str) -> SectionSave | None:
    """The section's latest recorded save (None if nobody has changed it yet)."""
    return (
        SectionSave.objects.filter(application=application, section=section)
        .select_related("by")
        .order_by("-revision")
        .first()
    )


def _schedule_rows(rows) -> list[tuple]:
    return [(row["starts_on"], row["ends_on"], row["activity"]) for row in rows]


_BUDGET_KEYS = ("category", "item", "unit", "quantity", "unit_cost", "own_contribution")


def _budget_rows(rows) -> list[tuple]:
    return [tuple(row[key] for key in _BUDGET_KEYS) for row in rows]


def _indicator_rows(rows) -> list[tuple]:
    result = []
    for row in rows:
        indicator = row.get("call_indicator")
        if indicator is not None:
            # A call's indicator takes its name and unit from the call: only the number is typed.
            result.append((indicator.pk, "", row["planned"], ""))
        else:
            result.append((None, row["name"], row["planned"], row["unit"]))
    return result


def _answers(answers: dict) -> dict:
    return {str(key): value for key, value in answers.items() if value not in (None, "")}


def comparable(parts: dict) -> dict:
    """What a save would store, by part (a text field's name, "answers" or a table), comparable
    with section_content()."""
    result = dict(parts.get("fields", {}))
    if "answers" in parts:
        result["answers"] = _answers(parts["answers"])
    if "schedule" in parts:
        result["schedule"] = _schedule_rows(parts["schedule"])
    if "budget" in parts:
        result["budget"] = _budget_rows(parts["budget"])
    if "indicators" in parts:
        result["indicators"] = _indicator_rows(parts["indicators"])
    return result


def section_content(application: Application, section: str) -> dict:
    """The section as stored now, by part, in the shape comparable() gives."""
    content = {name: getattr(application, name) for name in SECTIONS_BY_SLUG[section].text_fields}
    if section == "questions":
        content["answers"] = _answers(application.answers)
    if section == "activities":
        content["schedule"] = _schedule_rows(
            {"starts_on": i.starts_on, "ends_on": i.ends_on, "activity": i.activity}
            for i in application.schedule.all()
        )
    if section == "budget":
        content["budget"] = _budget_rows(
            {key: getattr(line, key) for key in _BUDGET_KEYS}
            for line in application.budget_lines.all()
        )
    if section == "results":
        content["indicators"] = [
            (row.call_indicator_id, "", row.planned, "")
            if row.call_indicator_id
            else (None, row.name, row.planned, row.unit)
            for row in application.indicators.all()
        ]
    return content


def _writes(application: Application, parts: dict) -> list[tuple[list[str], Callable[[], object]]]:
    """Each part's write with the names it stores, in the form's order."""
    writes = []
    if parts.get("fields"):
        fields = parts["fields"]
        writes.append(
            (list(fields), lambda: application_update(application=application, fields=fields))
        )
    if "answers" in parts:
        writes.append(
            (
                ["answers"],
                lambda: application_answers_save(application=application, answers=parts["answers"]),
            )
        )
    if "schedule" in parts:
        writes.append(
            (
                ["schedule"],
                lambda: application_schedule_save(application=application, items=parts["schedule"]),
            )
        )
    if "budget" in parts:
        writes.append(
            (
                ["budget"],
                lambda: application_budget_save(application=application, lines=parts["budget"]),
            )
        )
    if "indicators" in parts:
        writes.append(
            (
                ["indicators"],
                lambda: application_indicators_save(
                    application=application, rows=parts["indicators"]
                ),
            )
        )
    return writes


@transaction.atomic
def section_save(
    *,
    application: Application,
    section: str,
    parts: dict,
    based_on: int | None,
    by,
    whole: bool = True,
) -> SectionSaved:
    """Store `parts` of one section, unless someone changed it since revision `based_on`.

    `parts` may hold "fields" (text fields by name), "answers", "schedule", "budget" and
    "indicators", as their services take them. Raises SectionConflict, storing nothing,
    when the section's revision is no longer `based_on` and a part sent differs from what
    is stored (None skips the check: a page from before revisions). With `whole`, a refused
    part (ValidationError) refuses the whole save; without it, each part is stored on its
    own and the refusals come back in `errors`. Records the save in the history, folded
    into the person's previous entry for this section when it is a few minutes old.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in EDITABLE_STATUSES:
        raise ApplicationLocked(locked.pk)
    latest = section_latest_save(application=locked, section=section)
    revision = latest.revision if latest else 0
    current = section_content(locked, section)
    changed = [name for name, value in comparable(parts).items() if value != current.get(name)]
    if based_on is not None and based_on != revision and changed:
        raise SectionConflict(latest=latest, revision=revision, fields=changed)

    errors: dict = {}
    stored: set[str] = set()
    for names, write in _writes(locked, parts):
        if whole:
            write()
        else:
            try:
                with transaction.atomic():
                    write()
            except ValidationError as exc:
                exc.update_error_dict(errors)
                continue
        stored.update(names)
    changed_stored = [name for name in changed if name in stored]
    if changed_stored:
        revision = _record(application=locked, section=section, by=by, fields=changed_stored)
    return SectionSaved(revision=revision, errors=errors)


def _record(*, application: Application, section: str, by, fields: list[str]) -> int:
    """Write the history entry of a save and return the section's new revision."""
    now = timezone.now()
    previous = application.section_saves.order_by("-at", "-pk").first()
    revision = (
        SectionSave.objects.filter(application=application, section=section)
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
        or 0
    ) + 1
    if (
        previous is not None
        and previous.section == section
        and by is not None
        and previous.by_id == by.pk
        and now - previous.at <= FOLD_WITHIN
    ):
        order = [*SECTIONS_BY_SLUG[section].text_fields, "answers", *TABLES]
        merged = set(previous.fields) | set(fields)
        previous.fields = sorted(
            merged, key=lambda name: order.index(name) if name in order else 99
        )
        previous.saves += 1
        previous.at = now
        previous.revision = revision
        previous.save(update_fields=["fields", "saves", "at", "revision"])
        return revision
    SectionSave.objects.create(
        application=application,
        section=section,
        revision=revision,
        by=by,
        fields=fields,
        started_at=now,
        at=now,
    )
    return revision
