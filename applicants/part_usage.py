"""How many applications use each row of a call's parts, for grants.usage.

Registered when the app loads (ApplicantsConfig.ready): grants asks before a
row is deleted or its meaning changed, and shows the numbers on the call's
parts pages. Each counter is one or two queries, however many rows it is asked
about.
"""

from collections import defaultdict

from django.db.models import Count, Q

from applicants.models import Application, ApplicationIndicator, Attachment, FormalCheck
from grants.models import (
    AttachmentRequirement,
    CallIndicator,
    CallQuestion,
    EligibilityQuestion,
    FormalCheckItem,
    GrantCall,
)
from grants.usage import register_part_usage


def _applications_with_key(*, call: GrantCall, field: str, pks: list[int]) -> dict[int, int]:
    # Answers are JSON objects keyed by the row's id. Only answers that were
    # given are stored (application_answers_save drops empty ones), so a key
    # is an answer.
    counts = Application.objects.filter(call=call).aggregate(
        **{f"n{pk}": Count("pk", filter=Q(**{f"{field}__has_key": str(pk)})) for pk in pks}
    )
    return {pk: counts[f"n{pk}"] for pk in pks}


def questions_answered(*, call: GrantCall, pks: list[int]) -> dict[int, int]:
    return _applications_with_key(call=call, field="answers", pks=pks)


def screener_answered(*, call: GrantCall, pks: list[int]) -> dict[int, int]:
    return _applications_with_key(call=call, field="eligibility_answers", pks=pks)


def requirements_attached(*, call: GrantCall, pks: list[int]) -> dict[int, int]:
    # Files a submitted version keeps count too, even after they were removed.
    rows = (
        Attachment.objects.filter(application__call=call, requirement_id__in=pks)
        .values("requirement_id")
        .annotate(applications=Count("application_id", distinct=True))
    )
    return {row["requirement_id"]: row["applications"] for row in rows}


def indicators_planned(*, call: GrantCall, pks: list[int]) -> dict[int, int]:
    # A row exists only once the applicant has given a planned number for it.
    rows = (
        ApplicationIndicator.objects.filter(application__call=call, call_indicator_id__in=pks)
        .values("call_indicator_id")
        .annotate(applications=Count("application_id", distinct=True))
    )
    return {row["call_indicator_id"]: row["applications"] for row in rows}


def checklist_items_ticked(*, call: GrantCall, pks: list[int]) -> dict[int, int]:
    # A recorded check keeps a copy of each item's text, so an item is matched by
    # any text it has had (its history), not only by the current one.
    texts: dict[str, set[int]] = defaultdict(set)
    for pk, text in FormalCheckItem.history.filter(id__in=pks).values_list("id", "text"):
        texts[text].add(pk)
    for pk, text in FormalCheckItem.objects.filter(pk__in=pks).values_list("pk", "text"):
        texts[text].add(pk)
    applications: dict[int, set[int]] = defaultdict(set)
    checks = FormalCheck.objects.filter(application__call=call).values_list(
        "application_id", "checklist"
    )
    for application_id, checklist in checks.iterator(chunk_size=500):
        for entry in checklist:
            for pk in texts.get(entry.get("item"), ()):
                applications[pk].add(application_id)
    return {pk: len(ids) for pk, ids in applications.items()}


def register() -> None:
    register_part_usage(CallQuestion, questions_answered)
    register_part_usage(EligibilityQuestion, screener_answered)
    register_part_usage(AttachmentRequirement, requirements_attached)
    register_part_usage(FormalCheckItem, checklist_items_ticked)
    register_part_usage(CallIndicator, indicators_planned)
