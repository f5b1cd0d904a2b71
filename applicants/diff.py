"""What changed between two submitted versions, word by word, for the coordinator."""

import difflib
import json
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from applicants.snapshot import TEXT_FIELDS
from core.formatting import format_date, format_decimal, format_money

FIELD_LABELS = {
    "title": _("Project title"),
    "summary": _("Short summary"),
    "problem": _("Problem"),
    "goals": _("Goals"),
    "target_group": _("Who the project is for"),
    "activities": _("Activities"),
    "expected_results": _("Expected results"),
    "results_measurement": _("How you will know it worked"),
    "team_description": _("Team"),
    "schedule": _("Schedule"),
    "budget": _("Budget"),
    "answers": _("Answers to the call's questions"),
    "attachments": _("Attachments"),
    "applicant": _("Applicant"),
    "indicators": _("Planned indicators"),
    # A grant's dates, as amendments change them (projects.amendment_changes).
    "starts_on": _("Project starts"),
    "ends_on": _("Project ends"),
}
DATE_FIELDS = ("starts_on", "ends_on")


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "removed" or "added"
    text: str


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    segments: list[Segment]


def _schedule_text(schedule: list) -> str:
    """The schedule as lines a person reads: dates in words, not ISO dates."""
    return "\n".join(
        f"{format_date(item.get('starts_on'))} – {format_date(item.get('ends_on'))}: "
        f"{item.get('activity', '')}"
        for item in schedule
    )


def _budget_text(budget: dict) -> str:
    """The budget as lines a person reads: amounts in złoty, a decimal comma."""
    lines = [
        f"{line.get('item', '')}: {format_decimal(line.get('quantity'), 2, trim=True)} "
        f"{line.get('unit', '')} × {format_money(line.get('unit_cost'))} = "
        f"{format_money(line.get('total'))}"
        for line in budget.get("lines", [])
    ]
    lines.append(f"{_('Requested amount')}: {format_money(budget.get('requested_amount'))}")
    return "\n".join(lines)


def _indicators_text(indicators: list) -> str:
    """Planned indicators as lines a person reads: "Uczestnicy: 40 osób", a decimal comma."""
    return "\n".join(
        f"{row.get('name', '')}: {format_decimal(row.get('planned'), 2, trim=True)} "
        f"{row.get('unit', '')}".rstrip()
        for row in indicators
        if isinstance(row, dict)
    )


def _as_text(value, field: str = "") -> str:
    if field in DATE_FIELDS:
        return format_date(value) if value else ""
    if isinstance(value, str):
        return value
    if field == "schedule" and isinstance(value, list):
        return _schedule_text(value)
    if field == "budget" and isinstance(value, dict):
        return _budget_text(value)
    if field == "indicators" and isinstance(value, list):
        return _indicators_text(value)
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


def field_as_text(value, field: str) -> str:
    """A field's value as a person reads it (a table as lines, dates and money in words)."""
    return _as_text(value, field)


def _word_diff(old: str, new: str) -> list[Segment]:
    old_words, new_words = old.split(" "), new.split(" ")
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("same", " ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            segments.append(Segment("removed", " ".join(old_words[a1:a2])))
        if b2 > b1:
            segments.append(Segment("added", " ".join(new_words[b1:b2])))
    return segments


def version_diff(old: dict, new: dict) -> list[FieldDiff]:
    """The fields that differ between two version contents, with word-level changes."""
    fields = [
        *TEXT_FIELDS,
        *DATE_FIELDS,
        "schedule",
        "budget",
        "indicators",
        "answers",
        "attachments",
        "applicant",
    ]
    diffs = []
    for field in fields:
        old_text = _as_text(old.get(field, ""), field)
        new_text = _as_text(new.get(field, ""), field)
        if old_text != new_text:
            diffs.append(
                FieldDiff(
                    field, str(FIELD_LABELS.get(field, field)), _word_diff(old_text, new_text)
                )
            )
    return diffs
