"""Reads of grant calls that pages need, with everything the templates touch."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from grants.models import Criterion, GrantCall


def call_list_public() -> QuerySet[GrantCall]:
    """Published calls for the home page, soonest deadline first."""
    return GrantCall.objects.public().with_criteria_count().order_by("closes_at", "pk")


def call_get_public(*, slug: str) -> GrantCall:
    """One published call with its criteria; 404 for drafts and unknown slugs."""
    queryset = GrantCall.objects.public().prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
    )
    return get_object_or_404(queryset, slug=slug)


def call_list_for_coordinator() -> QuerySet[GrantCall]:
    """Every call, drafts included, newest first."""
    return (
        GrantCall.objects.with_criteria_count()
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def call_get_for_coordinator(*, pk: int) -> GrantCall:
    return get_object_or_404(GrantCall.objects.all(), pk=pk)
