"""Reads of the decision stage that the coordinator's pages need, in a fixed number of queries."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from applicants.enums import REVIEW_STAGE_STATUSES, ApplicationStatus
from applicants.models import Application
from core.formatting import format_deadline, format_money
from decisions.enums import (
    LETTER_TO_COME_STATES,
    PUBLISHED_DECISION_STATES,
    RELEASED_DECISION_STATES,
    DecisionLapse,
    DecisionOutcome,
    DecisionState,
    LetterState,
)
from decisions.models import Decision, DecisionLetter, LetterRequest, OutboxMessage
from grants.models import GrantCall
from reviews.enums import ReviewStatus
from reviews.models import ReviewAssignment
from reviews.models_ranking import RankingEntry, RankingState
from reviews.ranking import RankingRow
from reviews.selectors_ranking import RankingSummary, ranking_entries, ranking_rows, ranking_summary

# --- The budget -------------------------------------------------------------------------------


def awarded_total(call: GrantCall, *, excluding: int | None = None) -> Decimal:
    """The sum of the call's live awards: declined awards and lapsed decisions don't count.

    `excluding` leaves out one decision (by id), e.g. the one being changed.
    """
    queryset = Decision.objects.live_awards().filter(call=call)
    if excluding is not None:
        queryset = queryset.exclude(pk=excluding)
    return queryset.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def budget_left(call: GrantCall) -> Decimal:
    return call.total_budget - awarded_total(call)


def next_on_reserve(call: GrantCall, *, left: Decimal | None = None) -> Decision | None:
    """The first published reserve-list decision that fits in the budget left (`left` when the
    caller has it already), for the coordinator to offer."""
    if left is None:
        left = budget_left(call)
    for decision in (
        Decision.objects.filter(
            call=call, outcome=DecisionOutcome.RESERVE, state=DecisionState.PUBLISHED
        )
        .select_related("application")
        .order_by("reserve_position", "pk")
    ):
        if (
            decision.application.requested_amount <= left
            and decision.application.status == ApplicationStatus.RESERVE
            and decision.application.anonymised_at is None  # the account was deleted
        ):
            return decision
    return None


def decision_map_for_call(*, call: GrantCall) -> dict[int, Decision]:
    """Every decision of the call keyed by application id, in one query.

    The application comes along because Decision.is_reduced compares with its
    requested amount.
    """
    decisions = Decision.objects.filter(call=call).select_related("application")
    return {decision.application_id: decision for decision in decisions}


@dataclass(frozen=True)
class DecisionRow:
    """One ranked application and the committee's decision on it (None while undecided)."""

    ranking: RankingRow
    decision: Decision | None
    # Drawn under this row: the ranking's funding line.
    funding_line_below: bool


@dataclass(frozen=True)
class FormalRejectionRow:
    application: Application
    decision: Decision | None


# The committee's page lists the ranking fifty rows at a time: each row carries a form, so a
# page of them costs what fifty forms cost (the ranking page, read-only, shows a hundred).
DECISION_ROWS_PER_PAGE = 50
# The formally rejected applications are listed fifty at a time below the ranking (their own
# pages, `?rejected=`), and the lapsed decisions fifty at most (with how many there are).
FORMAL_REJECTIONS_PER_PAGE = 50
LAPSED_SHOWN = 50


@dataclass
class CallDecisions:
    """What the committee's page shows for one call: one page of the ranking, the whole budget."""

    call: GrantCall
    ranking: RankingSummary
    rows: list[DecisionRow]
    formal_rejections: list[FormalRejectionRow]
    awarded: Decimal
    drafts: int
    published: int
    outcome_counts: dict[str, int] = field(default_factory=dict)
    declined_amount: Decimal = Decimal("0.00")
    next_on_reserve: Decision | None = None
    # Draft decisions whose application ended before publication (e.g. withdrawn): the first
    # LAPSED_SHOWN of them, how many there are, and the money their awards no longer hold.
    lapsed: list[Decision] = field(default_factory=list)
    lapsed_count: int = 0
    lapsed_amount: Decimal = Decimal("0.00")
    # Rows above the funding line that "award everything above the line" would change (all pages).
    above_line_to_award: int = 0
    page_obj: Page | None = None
    # The page of the formally rejected applications shown (1 = the first fifty), and
    # whether there are more before or after it.
    rejected_page: int = 1
    rejected_has_next: bool = False

    @property
    def budget_left(self) -> Decimal:
        return self.call.total_budget - self.awarded

    @property
    def rejected_has_previous(self) -> bool:
        return self.rejected_page > 1

    @property
    def line_on_top(self) -> bool:
        """No application is above the funding line: the line is drawn above the first row."""
        return (
            bool(self.rows)
            and self.ranking.funding_line_after is None
            and (self.page_obj is None or self.page_obj.number == 1)
        )


def decision_rows_page_of(*, application_id: int) -> int:
    """The page of the committee's table that shows the application (1 if it isn't ranked)."""
    position = (
        RankingEntry.objects.filter(application_id=application_id)
        .values_list("position_final", flat=True)
        .first()
    )
    return (position - 1) // DECISION_ROWS_PER_PAGE + 1 if position else 1


def _formally_rejected(call: GrantCall | int) -> QuerySet[Application]:
    # In number order, read by the (call, status, number) index.
    return Application.objects.filter(
        call=call, status=ApplicationStatus.FORMALLY_REJECTED
    ).order_by("number_in_call", "pk")


def formal_rejections_page_of(*, application: Application) -> int:
    """The page of the formally rejected applications that shows `application`."""
    before = (
        _formally_rejected(application.call_id)  # not the call itself: no query for it
        .filter(
            Q(number_in_call__lt=application.number_in_call)
            | Q(number_in_call=application.number_in_call, pk__lt=application.pk)
        )
        .count()
        if application.number_in_call is not None
        else 0
    )
    return before // FORMAL_REJECTIONS_PER_PAGE + 1


def _page_number(value, *, default: int = 1) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default


def call_decisions(
    *,
    call: GrantCall,
    state: RankingState | None,
    page_number: int | str | None = 1,
    rejected_page: int | str | None = 1,
) -> CallDecisions:
    """One page of the call's ranking (from its snapshot, `state`) with each row's decision, one
    page of the formally rejected applications, the lapsed decisions and the budget.

    A fixed number of queries, each reading what the page shows, whatever the
    number of applications: the page's ranking rows (one), their decisions
    (one), the call's decisions counted by state, outcome and whether their row
    is above the funding line (one; the rows still to award are the snapshot's
    count above the line less the decided ones), one page of the formally
    rejected applications with their decisions (one); when there are lapsed
    decisions, the first of them (one); when an award was declined or lapsed,
    the next on the reserve list (one).
    """
    ranking = ranking_summary(call=call, order="final", state=state)
    paginator = Paginator(RankingEntry.objects.none(), DECISION_ROWS_PER_PAGE)
    paginator.count = ranking.row_count  # the snapshot's size, on its state row
    page_obj = paginator.get_page(page_number)
    first = (page_obj.number - 1) * DECISION_ROWS_PER_PAGE
    ranking_rows_page = ranking_rows(
        ranking_entries(call=call, order="final")[first : first + DECISION_ROWS_PER_PAGE],
        order="final",
    )
    page_ids = [row.id for row in ranking_rows_page]
    by_application = {
        decision.application_id: decision
        for decision in Decision.objects.filter(application_id__in=page_ids).select_related(
            "application"
        )
    }
    line_after = ranking.funding_line_after
    rows = [
        DecisionRow(
            ranking=row,
            decision=by_application.get(row.id),
            funding_line_below=line_after is not None and row.position == line_after,
        )
        for row in ranking_rows_page
    ]
    rejected_number = _page_number(rejected_page)
    start = (rejected_number - 1) * FORMAL_REJECTIONS_PER_PAGE
    formally_rejected = list(
        _formally_rejected(call).select_related("decision")[
            start : start + FORMAL_REJECTIONS_PER_PAGE + 1
        ]
    )
    if not formally_rejected and rejected_number > 1:  # past the last page: show the first
        rejected_number = 1
        formally_rejected = list(
            _formally_rejected(call).select_related("decision")[: FORMAL_REJECTIONS_PER_PAGE + 1]
        )
    formal_rejections = [
        FormalRejectionRow(application=application, decision=getattr(application, "decision", None))
        for application in formally_rejected[:FORMAL_REJECTIONS_PER_PAGE]
    ]
    # Every decision of the call, grouped: the budget, the outcome counts, the lapsed ones, and
    # which of them stand on a row above the snapshot's funding line.
    counts = list(
        Decision.objects.filter(call=call)
        .order_by()
        .annotate(
            above_line=Exists(
                RankingEntry.objects.filter(
                    application_id=OuterRef("application_id"), above_line_final=True
                )
            )
        )
        .values("state", "outcome", "above_line")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    )
    live = [group for group in counts if group["state"] != DecisionState.LAPSED]
    lapsed_groups = [group for group in counts if group["state"] == DecisionState.LAPSED]
    outcome_counts: Counter = Counter()
    for group in live:
        outcome_counts[group["outcome"]] += group["n"]
    published = sum(g["n"] for g in live if g["state"] in PUBLISHED_DECISION_STATES)
    declined = [g for g in live if g["state"] == DecisionState.DECLINED]
    awarded = sum(
        (
            g["amount"] or Decimal("0.00")
            for g in counts
            if g["outcome"] == DecisionOutcome.AWARDED
            and g["state"] not in RELEASED_DECISION_STATES
        ),
        Decimal("0.00"),
    )
    # Above the line and neither published nor awarded yet (what decisions_award_above_line does):
    # the snapshot's rows above the line less those with such a decision.
    decided_above_line = sum(
        g["n"]
        for g in counts
        if g["above_line"]
        and (g["state"] in PUBLISHED_DECISION_STATES or g["outcome"] == DecisionOutcome.AWARDED)
    )
    lapsed_count = sum(g["n"] for g in lapsed_groups)
    lapsed = []
    if lapsed_count:
        lapsed = list(
            Decision.objects.filter(call=call, state=DecisionState.LAPSED)
            .select_related("application")
            .order_by("application__number_in_call", "pk")[:LAPSED_SHOWN]
        )
    page = CallDecisions(
        call=call,
        ranking=ranking,
        rows=rows,
        formal_rejections=formal_rejections,
        awarded=awarded,
        drafts=sum(g["n"] for g in live) - published,
        published=published,
        outcome_counts=dict(outcome_counts),
        declined_amount=sum((g["amount"] or Decimal("0.00") for g in declined), Decimal("0.00")),
        lapsed=lapsed,
        lapsed_count=lapsed_count,
        lapsed_amount=sum(
            (
                g["amount"] or Decimal("0.00")
                for g in lapsed_groups
                if g["outcome"] == DecisionOutcome.AWARDED
            ),
            Decimal("0.00"),
        ),
        above_line_to_award=max(0, ranking.above_line_count - decided_above_line),
        page_obj=page_obj,
        rejected_page=rejected_number,
        rejected_has_next=len(formally_rejected) > FORMAL_REJECTIONS_PER_PAGE,
    )
    if declined or page.lapsed_amount:
        page.next_on_reserve = next_on_reserve(call, left=page.budget_left)
    return page


def decisions_unpublished(*, call: GrantCall) -> list[Decision]:
    """The call's draft decisions, in the order the committee sees them (by reference number)."""
    return list(
        Decision.objects.drafts()
        .filter(call=call)
        .select_related("application")
        .order_by("application__number_in_call", "pk")
    )


def decisions_of_call(*, call: GrantCall) -> QuerySet[Decision]:
    """Every decision of the call: what the publish form may be given (published ones are skipped)."""
    return Decision.objects.filter(call=call)


# --- Before publishing -------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationReadiness:
    """What stands between a call and the publication of its results.

    The call must be past its deadline (or closed) and the formal check
    finished: no application waiting for it, none whose applicant may still
    send a correction. Reviews not yet submitted don't stop publication, but the
    coordinator sees them and confirms publishing without them.
    """

    call: GrantCall
    call_open: bool
    awaiting_formal_check: list[Application]
    awaiting_correction: list[Application]
    unfinished_reviews: list[ReviewAssignment]

    @property
    def formal_check_unfinished(self) -> list[Application]:
        return [*self.awaiting_formal_check, *self.awaiting_correction]

    @property
    def blocked(self) -> bool:
        """Publication is refused whatever the coordinator confirms."""
        return self.call_open or bool(self.formal_check_unfinished)

    @property
    def unfinished_review_count(self) -> int:
        return len(self.unfinished_reviews)


def publication_readiness(*, call: GrantCall, now: datetime | None = None) -> PublicationReadiness:
    """Whether `call`'s results may be published at `now`, and what is still unfinished (two queries)."""
    now = now or timezone.now()
    waiting = list(
        Application.objects.filter(
            call=call,
            status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.CORRECTION_REQUESTED],
        ).order_by("number_in_call", "pk")
    )
    unfinished = list(
        ReviewAssignment.objects.active()
        .filter(call=call, application__status__in=REVIEW_STAGE_STATUSES)
        .exclude(review__status=ReviewStatus.SUBMITTED)
        .select_related("application", "reviewer", "review")
        .order_by("application__number_in_call", "due_at", "pk")
    )
    return PublicationReadiness(
        call=call,
        call_open=not call.phase(now).is_past_deadline and not call.is_archived,
        awaiting_formal_check=[a for a in waiting if a.status == ApplicationStatus.SUBMITTED],
        # A correction whose time has run out can no longer come: it doesn't hold results up.
        awaiting_correction=[
            a
            for a in waiting
            if a.status == ApplicationStatus.CORRECTION_REQUESTED
            and (a.correction_deadline is None or a.correction_deadline > now)
        ],
        unfinished_reviews=unfinished,
    )


@dataclass(frozen=True)
class LetterProgress:
    """How far the letters of the call's published decisions have got."""

    done: int
    failed: int
    left: int
    failed_decisions: list[Decision]

    @property
    def total(self) -> int:
        return self.done + self.failed + self.left

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def percent_failed(self) -> int:
        return round(100 * self.failed / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.left == 0


def letter_progress(*, call: GrantCall) -> LetterProgress:
    """Counts of the published decisions by letter state (one query) and the failed ones (one)."""
    counts = dict(
        Decision.objects.published()
        .filter(call=call)
        .order_by()
        .values_list("letter_state")
        .annotate(n=Count("pk"))
    )
    failed_decisions = list(
        Decision.objects.published()
        .filter(call=call, letter_state=LetterState.FAILED)
        .select_related("application")
        .order_by("application__number_in_call", "pk")
    )
    return LetterProgress(
        done=counts.get(LetterState.ISSUED, 0),
        failed=counts.get(LetterState.FAILED, 0),
        left=sum(counts.get(state, 0) for state in LETTER_TO_COME_STATES),
        failed_decisions=failed_decisions,
    )


def outbox_for_call(*, call: GrantCall) -> QuerySet[OutboxMessage]:
    """The call's e-mails about decisions, newest first, with their letter and application."""
    return (
        OutboxMessage.objects.filter(decision__call=call)
        .select_related("letter", "decision__application")
        .order_by("-created_at", "-pk")
    )


def outbox_message_get(*, pk: int) -> OutboxMessage:
    return get_object_or_404(OutboxMessage.objects.select_related("decision"), pk=pk)


def letters_current_for_call(*, call: GrantCall) -> QuerySet[DecisionLetter]:
    """The newest version of every letter of the call (older versions stay, but aren't current),
    in the applications' order. Read through the stored `is_current` marker, and filtered by the
    application's call, so a page walks the call's applications in their numbered order (an
    index) rather than every letter of the call."""
    return (
        DecisionLetter.objects.filter(
            is_current=True, decision__call=call, decision__application__call=call
        )
        .select_related("decision__application")
        .order_by("decision__application__number_in_call", "decision_id")
    )


def letters_current_count(*, call: GrantCall, progress: LetterProgress) -> int:
    """How many letters letters_current_for_call() lists, without reading every letter: each
    decision whose newest letter is issued (`progress.done`, of letter_progress()) has one;
    of the others (letters still to come or failed: a few) those with an earlier version."""
    in_flight = [state for state in LetterState if state != LetterState.ISSUED]
    return (
        progress.done
        + DecisionLetter.objects.filter(
            is_current=True, decision__call=call, decision__letter_state__in=in_flight
        ).count()
    )


def letter_file_name(letter: DecisionLetter, *, with_version: bool = False) -> str:
    """A letter's file name in downloads: its number with "/" (not allowed) made "-".

    Coordinators, who see every version, get the version in the name too.
    """
    stem = letter.number.replace("/", "-")
    return f"{stem}-v{letter.version}.pdf" if with_version else f"{stem}.pdf"


def decision_get_for_coordinator(*, pk: int) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("application__applicant", "call", "decided_by"), pk=pk
    )


def letter_get_for_coordinator(*, pk: int) -> DecisionLetter:
    return get_object_or_404(DecisionLetter.objects.select_related("decision"), pk=pk)


def letters_of_decision(*, decision: Decision) -> list[DecisionLetter]:
    """Every version of the decision's letter, newest first."""
    return list(decision.letters.select_related("issued_by", "request").order_by("-version"))


def letter_requests_of_decision(*, decision: Decision) -> list[LetterRequest]:
    """Every letter asked for on the decision, newest first, with who asked and its letter."""
    return list(
        decision.letter_requests.select_related("requested_by", "letter").order_by("-version")
    )


def reserve_offer_possible(*, decision: Decision) -> bool:
    """Whether a published reserve-list decision can be offered the grant: the money is there
    (and the call is not archived, so read-only)."""
    return (
        decision.outcome == DecisionOutcome.RESERVE
        and decision.state == DecisionState.PUBLISHED
        and not decision.call.is_archived
        and decision.application.status == ApplicationStatus.RESERVE
        and decision.application.anonymised_at is None  # the account was deleted
        and decision.application.requested_amount <= budget_left(decision.call)
    )


def decisions_published_without_letter(*, call: GrantCall) -> QuerySet[Decision]:
    """Published decisions of the call for which no letter was issued yet."""
    return (
        Decision.objects.published()
        .filter(call=call, letters__isnull=True)
        .select_related("application__applicant", "call")
        .order_by("application__number_in_call", "pk")
    )


# Fields of a decision shown in its history, in this order, with their labels.
HISTORY_FIELDS = {
    "state": _("State"),
    "outcome": _("Outcome"),
    "amount": _("Amount"),
    "justification": _("Justification"),
    "reserve_position": _("Place on the reserve list"),
    "below_threshold_reason": _("Why, below the minimum score"),
    "published_at": _("Published"),
    "acceptance_deadline": _("Accept by"),
    "accepted_at": _("Accepted"),
    "declined_at": _("Declined"),
    "lapsed_at": _("Lapsed"),
    "lapsed_reason": _("Why it lapsed"),
}


@dataclass(frozen=True)
class HistoryChange:
    field: str
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class HistoryEntry:
    """One saved state of a decision: who, when, and what changed from the state before."""

    at: object
    by: object
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[HistoryChange]


def _shown(record, name: str):
    """A field's value as the history shows it: labels, money in złoty, moments in Polish time."""
    value = getattr(record, name)
    if value is None or value == "":
        return ""
    if name == "state":
        return DecisionState(value).label
    if name == "outcome":
        return DecisionOutcome(value).label
    if name == "lapsed_reason":
        return DecisionLapse(value).label
    if name == "amount":
        return format_money(value)
    if name == "acceptance_deadline":
        return format_deadline(value)
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j E Y, H:i")
    return value


def decision_history(*, decision: Decision) -> list[HistoryEntry]:
    """The decision's saved states, oldest first, each with what changed (one query)."""
    records = list(decision.history.select_related("history_user").order_by("history_date", "pk"))
    entries = []
    previous = None
    for record in records:
        changes = []
        for name, label in HISTORY_FIELDS.items():
            new = getattr(record, name)
            # The first state lists what was filled in; later ones what differs from the one before.
            changed = new not in (None, "") if previous is None else getattr(previous, name) != new
            if changed:
                changes.append(
                    HistoryChange(
                        field=name,
                        label=label,
                        old=_shown(previous, name) if previous is not None else None,
                        new=_shown(record, name),
                    )
                )
        if previous is None or changes:
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    by=record.history_user,
                    kind=record.history_type,
                    changes=changes,
                )
            )
        previous = record
    return entries


def public_awards(*, call):
    """Published, not declined awards of a call: what the public results page lists."""
    return (
        Decision.objects.live_awards()
        .published()
        .filter(call=call)
        .select_related("application")
        .only(
            "amount",
            "application__title",
            "application__applicant_name",
            "application__applicant_kind",
            "application__name_publication_agreed",
            "application__reference_number",
        )
        .order_by("application__number_in_call")
    )
