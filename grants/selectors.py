"""Reads of grant calls that pages need, with everything the templates touch."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import FileField, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from grants.enums import CallStatus
from grants.models import CallDocument, CallPart, Criterion, FaqEntry, GrantCall


def call_list_public() -> QuerySet[GrantCall]:
    """Published calls for the home page, soonest deadline first."""
    return GrantCall.objects.public().with_criteria_count().order_by("closes_at", "pk")


def call_get_public(*, slug: str, with_documents: bool = False) -> GrantCall:
    """One published call with its criteria (and, `with_documents`, its documents and FAQ, for
    the pages that show them); 404 for drafts and unknown slugs."""
    prefetches = [Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))]
    if with_documents:
        prefetches += [
            Prefetch("documents", queryset=CallDocument.objects.order_by("position", "pk")),
            Prefetch("faq_entries", queryset=FaqEntry.objects.order_by("position", "pk")),
        ]
    return get_object_or_404(GrantCall.objects.public().prefetch_related(*prefetches), slug=slug)


def call_document_for_download(*, slug: str, document_pk: int, drafts_too: bool) -> CallDocument:
    """One document of a published call (of any call with `drafts_too`); 404 otherwise."""
    calls = GrantCall.objects.all() if drafts_too else GrantCall.objects.public()
    return get_object_or_404(
        CallDocument.objects.select_related("call").filter(call__in=calls.values("pk")),
        call__slug=slug,
        pk=document_pk,
    )


def call_list_for_coordinator() -> QuerySet[GrantCall]:
    """Every call, drafts included, newest first."""
    return (
        GrantCall.objects.with_criteria_count()
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def call_list_in_use() -> QuerySet[GrantCall]:
    """The calls coordinators work on (archived ones left out), the latest deadline first."""
    return (
        GrantCall.objects.exclude(status=CallStatus.ARCHIVED)
        .only("id", "title", "programme", "status", "opens_at", "closes_at")
        .order_by("-closes_at", "-pk")
    )


def call_get_for_coordinator(*, pk: int) -> GrantCall:
    return get_object_or_404(GrantCall.objects.all(), pk=pk)


@dataclass(frozen=True)
class PartChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class PartHistoryEntry:
    """One change of a row of a call's part made after publication: who, when, old → new."""

    at: datetime
    by: object
    kind: str  # "+" added, "~" changed, "-" removed
    row: str
    changes: list[PartChange]


def _shown(record, field) -> str:
    value = getattr(record, field.attname)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def call_part_history(
    *, call: GrantCall, part_model: type[CallPart], limit: int = 50
) -> list[PartHistoryEntry]:
    """Changes to `part_model` rows of `call` since it was published, newest first (one query)."""
    if not call.is_public:
        return []
    # What coordinators typed; a file shows as its name (a field of its own), not where it is kept.
    fields = [
        field
        for field in part_model._meta.concrete_fields
        if field.name not in {"id", "call", "position"}
        and field.editable
        and not isinstance(field, FileField)
    ]
    records = part_model.history.filter(call_id=call.pk).select_related("history_user")
    entries = []
    previous_by_row = {}
    for record in records.order_by("history_date", "history_id"):
        previous = previous_by_row.get(record.id)
        previous_by_row[record.id] = record
        if call.published_at and record.history_date < call.published_at:
            continue
        changes = []
        if record.history_type == "~" and previous is not None:
            changes = [
                PartChange(
                    field=str(field.verbose_name),
                    old=_shown(previous, field),
                    new=_shown(record, field),
                )
                for field in fields
                if getattr(previous, field.attname) != getattr(record, field.attname)
            ]
            if not changes:
                continue  # only its place in the order changed
        entries.append(
            PartHistoryEntry(
                at=record.history_date,
                by=record.history_user,
                kind=record.history_type,
                row=str(record.instance),
                changes=changes,
            )
        )
    return entries[::-1][:limit]
