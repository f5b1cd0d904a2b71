"""Reads of the funded projects: what the grantee's and the coordinators' pages show."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from grants.models import GrantCall
from projects.enums import BankAccountState
from projects.models import BankAccount, CallGrantTerms, Grant


def call_terms(call: GrantCall) -> CallGrantTerms:
    """The call's grant terms: its own row, or the defaults (unsaved) when it has none."""
    try:
        return call.grant_terms
    except CallGrantTerms.DoesNotExist:
        return CallGrantTerms(call=call)


def _grant_page_queryset() -> QuerySet[Grant]:
    return Grant.objects.select_related(
        "call", "application", "application__applicant", "decision"
    ).prefetch_related(
        "budget_lines",
        "signatories",
        "agreements__signatures",
        "agreements__signed_documents",
        "payments",
        Prefetch(
            "bank_accounts",
            queryset=BankAccount.objects.exclude(state=BankAccountState.REPLACED),
            to_attr="live_bank_accounts",
        ),
        "state_changes__by",
    )


def grant_get_for_grantee(*, pk: int, user) -> Grant:
    """The grant `pk` of `user`'s application, or 404 (nobody else's grant, nor whether it exists)."""
    return get_object_or_404(_grant_page_queryset().of_grantee(user), pk=pk)


def grant_get_for_coordinator(*, pk: int) -> Grant:
    return get_object_or_404(_grant_page_queryset(), pk=pk)


def grants_of_call(*, call: GrantCall, query: str = "") -> QuerySet[Grant]:
    """The call's grants for its list, in reference order."""
    return Grant.objects.filter(call=call).matching(query).order_by("reference_number", "pk")


def grants_of_grantee(*, user) -> QuerySet[Grant]:
    return Grant.objects.of_grantee(user).select_related("call").order_by("-created_at", "-pk")
