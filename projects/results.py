"""What everyone may read about a call's finished projects: the stories, indicators and photos
of closed grants whose grantees agreed to publish them, and the programme's totals.

Reads only. A project is public when its grant is CLOSED, its call publishes results and its
final report was accepted (in whole or in part) with the grantee's publish_consent; a photo
of it is public when the photo carries its own consent too. Nothing else of a grant appears:
what the decisions' results page shows (title, public name, award) stays its business.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from grants.models import GrantCall
from projects.enums import REPORT_ACCEPTED_STATES, GrantState, ReportKind, SettlementState
from projects.models import Grant, Report, ReportPhoto, Settlement

PUBLIC_PROJECTS_PER_PAGE = 10
ZERO = Decimal("0")


def _public_report_filter(prefix: str = "") -> Q:
    """The reports whose story and results everyone may read (`prefix` reaches the report
    from another model, e.g. "report__")."""
    return Q(
        **{
            f"{prefix}kind": ReportKind.FINAL,
            f"{prefix}state__in": REPORT_ACCEPTED_STATES,
            f"{prefix}publish_consent": True,
            f"{prefix}grant__state": GrantState.CLOSED,
            f"{prefix}grant__call__public_results": True,
        }
    )


def public_photos() -> QuerySet[ReportPhoto]:
    """Photos anyone may see: both the report's and the photo's own consent, and a display copy."""
    return (
        ReportPhoto.objects.filter(_public_report_filter("report__"), publish_consent=True)
        .exclude(preview="")
        .order_by("added_at", "pk")
    )


def public_photo_get(*, pk: int) -> ReportPhoto:
    """One public photo; 404 for any other (unknown, not consented, grant not closed…)."""
    return get_object_or_404(public_photos().only("pk", "preview", "report_id"), pk=pk)


def public_reports_of_call(*, call: GrantCall) -> QuerySet[Report]:
    """The call's public final reports with their grants and public photos (one query each)."""
    return (
        Report.objects.filter(_public_report_filter(), grant__call=call)
        .select_related("grant__application")
        .only(
            "pk",
            "story",
            "indicators",
            "participants",
            "volunteer_hours",
            "publicity_links",
            "grant__id",
            "grant__title",
            "grant__reference_number",
            "grant__amount",
            "grant__closed_at",
            "grant__application__applicant_kind",
            "grant__application__applicant_name",
            "grant__application__name_publication_agreed",
            "grant__application__number_in_call",
        )
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=public_photos().only("pk", "caption", "report_id"),
                to_attr="public_photos",
            )
        )
        .order_by("grant__application__number_in_call", "pk")
    )


@dataclass(frozen=True)
class PublicIndicator:
    name: str
    unit: str
    planned: str
    achieved: str


@dataclass(frozen=True)
class PublicProject:
    """What the page shows of one finished project."""

    title: str
    grantee: str
    amount: Decimal
    story: str
    indicators: list[PublicIndicator]
    participants: int | None
    volunteer_hours: Decimal | None
    links: list[str]
    photos: list[ReportPhoto]


def _links(text: str) -> list[str]:
    """Only web addresses: a line that isn't one (or a javascript: trick) is left out."""
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip().lower().startswith(("https://", "http://"))
    ]


def public_projects(reports) -> list[PublicProject]:
    """The page's projects from reports of public_reports_of_call (no query)."""
    projects = []
    for report in reports:
        grant = report.grant
        projects.append(
            PublicProject(
                title=grant.title,
                # A person's full name only with their consent (Application.public_name).
                grantee=grant.application.public_name,
                amount=grant.amount,
                story=report.story,
                indicators=[
                    PublicIndicator(
                        name=str(row.get("name", "")),
                        unit=str(row.get("unit", "")),
                        planned=str(row.get("planned", "")),
                        achieved=str(row.get("achieved", "")),
                    )
                    for row in report.indicators
                    if isinstance(row, dict) and row.get("name")
                ],
                participants=report.participants,
                volunteer_hours=report.volunteer_hours,
                links=_links(report.publicity_links),
                photos=report.public_photos,
            )
        )
    return projects


@dataclass(frozen=True)
class ProgrammeTotals:
    """A call's totals. Awards count every grant not terminated (the results page lists them
    all); the spending, participants and volunteer hours add up only the projects that shared
    their results (`shared`), so no single grant's figures appear without its consent."""

    grants: int
    awarded: Decimal
    closed: int
    shared: int
    spent: Decimal
    participants: int
    volunteer_hours: Decimal


def programme_totals(*, call: GrantCall) -> ProgrammeTotals:
    """The call's totals in three queries, whatever the number of grants."""
    grants = (
        Grant.objects.filter(call=call)
        .exclude(state=GrantState.TERMINATED)
        .aggregate(
            grants=Count("pk"),
            awarded=Sum("amount"),
            closed=Count("pk", filter=Q(state=GrantState.CLOSED)),
        )
    )
    shared_reports = Report.objects.filter(_public_report_filter(), grant__call=call)
    reports = shared_reports.aggregate(
        shared=Count("pk"), participants=Sum("participants"), hours=Sum("volunteer_hours")
    )
    spent = (
        Settlement.objects.filter(grant__in=shared_reports.values("grant"))
        .exclude(state=SettlementState.WITHDRAWN)
        .aggregate(eligible=Sum("eligible"))["eligible"]
    )
    return ProgrammeTotals(
        grants=grants["grants"],
        awarded=grants["awarded"] or ZERO,
        closed=grants["closed"],
        shared=reports["shared"],
        spent=spent or ZERO,
        participants=reports["participants"] or 0,
        volunteer_hours=reports["hours"] or ZERO,
    )
