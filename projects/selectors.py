"""Reads of the funded projects: what the grantee's and the coordinators' pages show."""

from collections.abc import Callable, Mapping

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    Expression,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from applicants.models import Application, ApplicationVersion
from grants.models import GrantCall
from projects.enums import (
    AGREEMENT_REQUEST_OPEN_STATES,
    AGREEMENT_REQUEST_UNFINISHED_STATES,
    AMENDMENT_IN_FORCE_STATES,
    SIGNED_STATES,
    AgreementState,
    AmendmentState,
    BankAccountState,
    GrantState,
    PaymentState,
    ReportKind,
    ReportState,
    SettlementState,
    SignedDocumentState,
)
from projects.filters import GrantListFilter
from projects.grant_page_rows import Relation, relations_read
from projects.models import (
    Agreement,
    AgreementRequest,
    Amendment,
    BankAccount,
    CallGrantTerms,
    DocumentAllocation,
    FinancialDocument,
    Grant,
    GrantBudgetLine,
    GrantStateChange,
    Payment,
    Report,
    Settlement,
    Signatory,
    Signature,
    SignedDocument,
)
from projects.progress import GrantProgress, WaitingWhom, next_report_owed, waiting_for


def call_terms(call: GrantCall) -> CallGrantTerms:
    """The call's grant terms: its own row, or the defaults (unsaved) when it has none."""
    try:
        return call.grant_terms
    except CallGrantTerms.DoesNotExist:
        return CallGrantTerms(call=call)


MONEY = DecimalField(max_digits=14, decimal_places=2)


def _summed(queryset: QuerySet, field: str, output=MONEY) -> Coalesce:
    """One grouped sum (or count) of `queryset` as a subquery column, 0 when none."""
    total = Count("pk") if field == "pk" else Sum(field)
    return Coalesce(
        Subquery(queryset.order_by().annotate(total=total).values("total"), output_field=output),
        Value(0, output_field=output),
    )


def budget_lines_with_spending() -> QuerySet[GrantBudgetLine]:
    """Budget lines, each with what the grant's kept documents paid from it (`spent_from_grant`
    and `spent_own` sums, read by projects.spending_figures.grant_spending): no query of their own."""
    parts = DocumentAllocation.objects.filter(
        budget_line=OuterRef("pk"), document__removed_at__isnull=True
    ).values("budget_line")
    return GrantBudgetLine.objects.annotate(
        spent_from_grant_sum=_summed(parts, "from_grant"),
        spent_own_sum=_summed(parts, "own_contribution"),
    )


def with_documents_summary(grants: QuerySet[Grant]) -> QuerySet[Grant]:
    """Grants, each with its kept documents' count, ineligible total and how many are dated
    outside the project period (read by grant_spending instead of a query)."""
    kept = FinancialDocument.objects.filter(grant=OuterRef("pk"), removed_at__isnull=True).values(
        "grant"
    )
    outside = kept.filter(
        Q(issued_on__lt=OuterRef("starts_on")) | Q(issued_on__gt=OuterRef("ends_on"))
    )
    return grants.annotate(
        documents_kept_count=_summed(kept, "pk", IntegerField()),
        documents_ineligible_sum=_summed(kept, "ineligible_amount"),
        documents_outside_count=_summed(outside, "pk", IntegerField()),
        documents_outside_first=Subquery(
            outside.order_by("issued_on").values("issued_on")[:1], output_field=DateField()
        ),
    )


def _grant_page_queryset() -> QuerySet[Grant]:
    # The call's terms ride along (call_terms reads call.grant_terms; a call without its own
    # row is cached as missing, so no query either way).
    return with_documents_summary(
        Grant.objects.select_related(
            "call", "call__grant_terms", "application", "application__applicant", "decision"
        ).annotate(
            # Who applied, as the newest version says (projects.signatories.applicant_details).
            decided_applicant=Subquery(
                ApplicationVersion.objects.filter(application=OuterRef("application"))
                .order_by("-number")
                .values("content__applicant")[:1],
                output_field=JSONField(),
            )
        )
    ).prefetch_related(
        # Lists of their own, read as the ORM reads them: the lines with their sums, the
        # history with who did it.
        Prefetch("budget_lines", queryset=budget_lines_with_spending()),
        Prefetch("state_changes", queryset=GrantStateChange.objects.select_related("by")),
    )


def _grant_page_relations(grant: Grant) -> list[Relation]:
    """The grant's other relations the pages read, all in one query (projects.grant_page_rows),
    cached where prefetch_related() would put them."""
    return [
        Relation("signatories", Signatory.objects.filter(grant=grant)),
        Relation("agreements", Agreement.objects.filter(grant=grant)),
        Relation("signatures", Signature.objects.filter(agreement__grant=grant), "agreement"),
        Relation(
            "signed_documents", SignedDocument.objects.filter(agreement__grant=grant), "agreement"
        ),
        Relation("payments", Payment.objects.filter(grant=grant)),
        Relation("settlements", Settlement.objects.filter(grant=grant)),
        Relation("agreement_requests", AgreementRequest.objects.filter(grant=grant)),
        Relation("amendments", Amendment.objects.filter(grant=grant)),
        Relation(
            "bank_accounts",
            BankAccount.objects.filter(grant=grant).exclude(state=BankAccountState.REPLACED),
            to_attr="live_bank_accounts",
        ),
        Relation("reports", Report.objects.filter(grant=grant)),
    ]


def _grant_page_get(queryset: QuerySet[Grant], pk: int) -> Grant:
    grant = get_object_or_404(queryset, pk=pk)
    relations_read([grant], _grant_page_relations(grant))
    return grant


def _grant_documents_queryset() -> QuerySet[Grant]:
    """What a grant's documents pages read besides the documents: the call and its terms, the
    budget lines (plan vs spent), the reports (whether documents are locked) and the
    amendments (the agreed budget the tolerance is measured from)."""
    return with_documents_summary(
        Grant.objects.select_related("call", "call__grant_terms", "application")
    ).prefetch_related(
        Prefetch("budget_lines", queryset=budget_lines_with_spending()), "reports", "amendments"
    )


def grant_get_for_grantee(*, pk: int, user) -> Grant:
    """The grant `pk` of `user`'s application, or 404 (nobody else's grant, nor whether it exists)."""
    return _grant_page_get(_grant_page_queryset().of_grantee(user), pk)


def grant_get_for_team(*, pk: int, user) -> Grant:
    """The grant `pk` of an application `user` leads or edits, or 404 (nobody else's, nor
    whether it exists)."""
    return _grant_page_get(
        _grant_page_queryset().filter(application__in=Application.objects.of_team(user)), pk
    )


def grant_get_for_coordinator(*, pk: int) -> Grant:
    return _grant_page_get(_grant_page_queryset(), pk)


def grant_documents_get_for_team(*, pk: int, user) -> Grant:
    """As grant_get_for_team, with only what the documents pages read."""
    return get_object_or_404(
        _grant_documents_queryset().filter(application__in=Application.objects.of_team(user)),
        pk=pk,
    )


def grant_documents_get_for_coordinator(*, pk: int) -> Grant:
    """As grant_get_for_coordinator, with only what the documents pages read."""
    return get_object_or_404(_grant_documents_queryset(), pk=pk)


def grants_of_call(*, call: GrantCall, query: str = "") -> QuerySet[Grant]:
    """The call's grants for its list, in reference order."""
    return Grant.objects.filter(call=call).matching(query).order_by("reference_number", "pk")


def grants_of_grantee(*, user) -> QuerySet[Grant]:
    return Grant.objects.of_grantee(user).select_related("call").order_by("-created_at", "-pk")


# --- Where each grant stands: the list, the start pages -------------------------------------


def _count_of(model, **conditions) -> Expression:
    """How many rows of `model` belong to the grant (a subquery: joins would multiply rows)."""
    return Coalesce(
        Subquery(
            model.objects.filter(grant=OuterRef("pk"), **conditions)
            .order_by()
            .values("grant")
            .annotate(count=Count("pk"))
            .values("count"),
            output_field=IntegerField(),
        ),
        0,
    )


def _agreement_in_force():
    return Agreement.objects.filter(grant=OuterRef("pk")).exclude(state=AgreementState.WITHDRAWN)


# The facts GrantProgress is read from, by annotation name. A part that records more (e.g.
# signatures per person) adds its own here: "signed_count" is read by progress_from_row().
GRANT_PROGRESS_ANNOTATIONS: dict[str, Callable[[], Expression]] = {
    "signatories_count": lambda: _count_of(Signatory),
    "has_bank_account": lambda: Exists(
        BankAccount.objects.filter(
            grant=OuterRef("pk"), state__in=[BankAccountState.IN_USE, BankAccountState.PENDING]
        )
    ),
    "has_account_change": lambda: Exists(
        BankAccount.objects.filter(grant=OuterRef("pk"), state=BankAccountState.PENDING)
    ),
    "agreement_state": lambda: Subquery(
        _agreement_in_force().order_by("-version").values("state")[:1],
        output_field=CharField(),
    ),
    "agreement_countersigned": lambda: Exists(
        _agreement_in_force().filter(countersigned_at__isnull=False)
    ),
    "payments_due_count": lambda: _count_of(Payment, state=PaymentState.DUE),
    # A reduced award (less than asked) waits for the grantee's adjusted budget.
    # (A subquery, not a join: a count that stops early reads the application of its rows only.)
    "requested_amount": lambda: Subquery(
        Application.objects.filter(pk=OuterRef("application_id")).values("requested_amount")[:1],
        output_field=DecimalField(max_digits=12, decimal_places=2),
    ),
    # An uploaded signed agreement (scan, e-signed PDF) waiting for the coordinator's look.
    "document_waiting": lambda: Exists(
        SignedDocument.objects.filter(
            agreement__grant=OuterRef("pk"), state=SignedDocumentState.WAITING
        ).exclude(agreement__state=AgreementState.WITHDRAWN)
    ),
    # The agreement's unfinished "Send": being prepared by a task worker, or failed.
    "agreement_request_state": lambda: Subquery(
        AgreementRequest.objects.filter(
            grant=OuterRef("pk"), state__in=AGREEMENT_REQUEST_UNFINISHED_STATES
        )
        .order_by("version")  # not the model's order: it joins the grant and its call
        .values("state")[:1],
        output_field=CharField(),
    ),
    # Signatures on the agreement in force, by the signatories named now.
    "signed_count": lambda: Coalesce(
        Subquery(
            Signature.objects.filter(agreement__grant=OuterRef("pk"), signatory__isnull=False)
            .exclude(agreement__state=AgreementState.WITHDRAWN)
            .order_by()
            .values("agreement__grant")
            .annotate(count=Count("pk"))
            .values("count"),
            output_field=IntegerField(),
        ),
        0,
    ),
    # The second half: the reports' states, a report waiting for its check, the deadline of
    # corrections asked for, the settlement in force and the return it asks for.
    "interim_report_state": lambda: _report_value(ReportKind.INTERIM, "state", CharField()),
    "final_report_state": lambda: _report_value(ReportKind.FINAL, "state", CharField()),
    "report_submitted": lambda: Exists(
        Report.objects.filter(grant=OuterRef("pk"), state=ReportState.SUBMITTED)
    ),
    "corrections_due_on": lambda: Subquery(
        Report.objects.filter(grant=OuterRef("pk"), state=ReportState.CORRECTIONS)
        .order_by("kind")
        .values("correction_deadline")[:1],
        output_field=DateField(),
    ),
    "settlement_state": lambda: _settlement_value("state", CharField()),
    "return_amount": lambda: _settlement_value("return_amount", DecimalField()),
    "return_due_on": lambda: _settlement_value("return_due_on", DateField()),
}


def _report_value(kind: str, field: str, output) -> Subquery:
    return Subquery(
        Report.objects.filter(grant=OuterRef("pk"), kind=kind).order_by().values(field)[:1],
        output_field=output,
    )


def _settlement_value(field: str, output) -> Subquery:
    return Subquery(
        Settlement.objects.filter(grant=OuterRef("pk"))
        .exclude(state=SettlementState.WITHDRAWN)
        .order_by("version")  # not the model's order: it joins the grant and its call
        .values(field)[:1],
        output_field=output,
    )


def _waiting_whom() -> Case:
    """Whom a grant waits for, in SQL: the same answer as projects.progress.waiting_for()."""
    preparing = Q(state=GrantState.AGREEMENT_TO_PREPARE)
    signed = Q(state__in=list(SIGNED_STATES))
    return Case(
        When(
            preparing & Q(agreement_request_state__in=AGREEMENT_REQUEST_OPEN_STATES),
            then=Value(WaitingWhom.NOBODY.value),
        ),
        When(
            preparing
            & (
                (Q(budget_confirmed_at__isnull=True) & Q(amount__lt=F("requested_amount")))
                | Q(has_bank_account=False)
                | Q(signatories_count=0)
            ),
            then=Value(WaitingWhom.GRANTEE.value),
        ),
        When(preparing, then=Value(WaitingWhom.COORDINATOR.value)),
        When(
            Q(state=GrantState.AGREEMENT_SENT)
            & (
                Q(document_waiting=True)
                | (Q(signatories_count__gt=0) & Q(signed_count__gte=F("signatories_count")))
            ),
            then=Value(WaitingWhom.COORDINATOR.value),
        ),
        When(state=GrantState.AGREEMENT_SENT, then=Value(WaitingWhom.SIGNATORIES.value)),
        When(state=GrantState.CLOSED, then=Value(WaitingWhom.NOBODY.value)),
        When(
            signed & (Q(payments_due_count__gt=0) | Q(has_account_change=True)),
            then=Value(WaitingWhom.COORDINATOR.value),
        ),
        When(
            Q(state=GrantState.ACTIVE, report_submitted=True),
            then=Value(WaitingWhom.COORDINATOR.value),
        ),
        When(state=GrantState.ACTIVE, then=Value(WaitingWhom.GRANTEE.value)),
        When(
            Q(state=GrantState.SETTLED, settlement_state=SettlementState.RETURN_DUE),
            then=Value(WaitingWhom.GRANTEE.value),
        ),
        When(state=GrantState.SETTLED, then=Value(WaitingWhom.COORDINATOR.value)),
        default=Value(WaitingWhom.NOBODY.value),
        output_field=CharField(),
    )


def grants_with_progress(queryset: QuerySet[Grant]) -> QuerySet[Grant]:
    """`queryset` annotated with the facts of each grant's progress and `waiting_whom`."""
    annotated = queryset.annotate(
        **{name: make() for name, make in GRANT_PROGRESS_ANNOTATIONS.items()}
    )
    return annotated.annotate(waiting_whom=_waiting_whom())


def progress_from_row(grant: Grant) -> GrantProgress:
    """The progress of a grant annotated by grants_with_progress()."""
    return GrantProgress(
        state=grant.state,
        budget_confirmed=(
            grant.budget_confirmed_at is not None or grant.amount >= grant.requested_amount
        ),
        signatories=grant.signatories_count,
        bank_account=grant.has_bank_account,
        bank_account_change_pending=grant.has_account_change,
        agreement_state=grant.agreement_state or "",
        countersigned=grant.agreement_countersigned,
        payments_due=grant.payments_due_count,
        signed=getattr(grant, "signed_count", None),
        document_waiting=getattr(grant, "document_waiting", False),
        agreement_request=getattr(grant, "agreement_request_state", None) or "",
        **_reporting_from_row(grant),
    )


def _reporting_from_row(grant: Grant) -> dict:
    if not hasattr(grant, "final_report_state"):
        return {}
    kind, due_on = next_report_owed(
        interim_due_on=grant.interim_report_due_on,
        final_due_on=grant.final_report_due_on,
        interim_state=grant.interim_report_state or "",
        final_state=grant.final_report_state or "",
    )
    return {
        "report_submitted": grant.report_submitted,
        "corrections_due_on": grant.corrections_due_on,
        "report_owed": kind,
        "report_due_on": due_on,
        "settlement_state": grant.settlement_state or "",
        "return_amount": grant.return_amount,
        "return_due_on": grant.return_due_on,
    }


def grant_list_for_call(*, call: GrantCall, filters: Mapping | None = None) -> QuerySet[Grant]:
    """The call's grants for the coordinators' list, filtered (see GrantListFilter; invalid
    values are left out), in reference order.

    Without their progress: grants_progress_of() reads it for the rows shown, so a page costs
    its rows, not the call's grants. Only the "waiting for" filter needs it for every grant
    (it filters on it)."""
    queryset = Grant.objects.filter(call=call)
    if filters and filters.get("waiting"):
        queryset = grants_with_progress(queryset)
    queryset = GrantListFilter(filters, queryset=queryset).qs
    return queryset.order_by("reference_number", "pk")


def grants_progress_of(grants: QuerySet[Grant]) -> list[Grant]:
    """The grants of `grants` (a page of grant_list_for_call(), or all of it), in reference
    order, each with its progress and `.waiting_for`: one query, whose per-grant subqueries
    run for those grants only."""
    rows = grants_with_progress(Grant.objects.filter(pk__in=grants.values("pk")))
    return with_waiting_for(rows.order_by("reference_number", "pk"))


def with_waiting_for(grants) -> list[Grant]:
    """The grants (annotated by grants_with_progress) as a list, each with `.waiting_for`."""
    grants = list(grants)
    for grant in grants:
        grant.waiting_for = waiting_for(progress_from_row(grant))
    return grants


def grants_of_call_selected(*, call: GrantCall, pks) -> QuerySet[Grant]:
    """Those of `pks` that are grants of `call` (others are ignored), with their progress."""
    grants = Grant.objects.filter(call=call, pk__in=list(pks)).select_related("call")
    return grants_with_progress(grants).order_by("reference_number", "pk")


# --- Amendments ------------------------------------------------------------------------------


def amendment_get_for_coordinator(*, pk: int) -> Amendment:
    """One amendment with its grant and the people named on it, or 404."""
    return get_object_or_404(
        Amendment.objects.select_related(
            "grant__call", "grant__application__applicant", "requested_by", "answered_by"
        ),
        pk=pk,
    )


def amendments_waiting_in_call(*, call: GrantCall) -> QuerySet[Amendment]:
    """The call's requests for changes waiting for a coordinator, oldest first (one query)."""
    return (
        Amendment.objects.filter(grant__call=call, state=AmendmentState.REQUESTED)
        .select_related("grant", "requested_by")
        .order_by("requested_at", "pk")
    )


def agreed_version(grant: Grant) -> dict | None:
    """The budget and dates the coordinator agreed to, as an amendment's content: the last
    approved amendment's `after`; before any, the agreement's (the `before` of the first
    change in force). None while no change is in force: the grant's own lines are agreed.

    The call's tolerance is measured from it, for requested changes and for spending alike,
    so repeated notified shifts can't creep past it."""
    if "amendments" in getattr(grant, "_prefetched_objects_cache", {}):
        # The pages prefetch them (in Amendment.Meta.ordering: requested_at, pk).
        in_force = [
            {"state": a.state, "before": a.before, "after": a.after}
            for a in grant.amendments.all()
            if a.state in AMENDMENT_IN_FORCE_STATES
        ]
    else:
        in_force = list(
            grant.amendments.filter(state__in=sorted(AMENDMENT_IN_FORCE_STATES))
            .order_by("requested_at", "pk")
            .values("state", "before", "after")
        )
    approved = [row for row in in_force if row["state"] == AmendmentState.APPROVED]
    if approved:
        return approved[-1]["after"]
    return in_force[0]["before"] if in_force else None
