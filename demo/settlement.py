"""Demo settlements: the pilot call's projects ended last year, so their grants are settled.

A pilot grant under way that nothing else in the demo has touched (no documents, reports
or amendments) spends its money as financial documents (rows: the spending part's own
forms are its demo's), submits its final report, and the coordinator accepts it through
report_transition(), which settles the grant. The stories below are what such a grant
may have done; PLANS says which grant tells which (today: the second):

* the first spent its whole budget: the last instalment (20 %) is paid and the grant
  is closed; its report carries a story and the consent to publish it (the public
  results page shows closed grants with consent);
* the second spent about 70 % and one receipt is partly not eligible (the report is
  partially accepted): it has money to return within 14 days;
* the third spent about 95 %: its last instalment, adjusted to what is eligible, is due.

Loading the demo again changes nothing: a grant with documents or reports is left as it is.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from demo.applications import _pdf
from grants.models import GrantCall
from projects.enums import GrantState, PaymentState, ReportKind, ReportState
from projects.models import DocumentAllocation, FinancialDocument, Grant, Report
from projects.payments import payment_mark_paid
from projects.reports import report_transition
from projects.settlement_pdf import settlement_pdf_store
from projects.settlements import grant_close

PILOT = "klimatyczne-podworka"
GROSZ = Decimal("0.01")


@dataclass(frozen=True)
class Story:
    share: str  # of each budget line spent
    ineligible_share: str  # of the first document found not eligible
    accepted: str  # ReportState
    closed: bool
    summary: str
    story: str = ""
    achieved: float = 1.0  # of each planned indicator


STORIES = [
    Story(
        share="1",
        ineligible_share="0",
        accepted=ReportState.ACCEPTED,
        closed=True,
        summary="Zrobiliśmy wszystko, co zaplanowaliśmy: warsztaty, sadzenie i piknik.",
        story=(
            "Na podwórku przy ul. Piotrkowskiej posadziliśmy 40 krzewów i założyliśmy "
            "ogród deszczowy. Przyszło więcej sąsiadów, niż się spodziewaliśmy, a dzieci "
            "z pobliskiej szkoły opiekują się roślinami do dziś."
        ),
        achieved=1.1,
    ),
    Story(
        share="0.7",
        ineligible_share="0.5",
        accepted=ReportState.PARTIALLY_ACCEPTED,
        closed=False,
        summary="Zrobiliśmy większość działań; piknik odwołaliśmy z powodu ulewy.",
        achieved=0.8,
    ),
    Story(
        share="0.95",
        ineligible_share="0",
        accepted=ReportState.ACCEPTED,
        closed=False,
        summary="Wszystkie działania się odbyły; materiały kupiliśmy trochę taniej.",
    ),
]


# Płockie Ogrody Deszczowe's grant: spent less than planned, a receipt partly not eligible,
# money to return. (Tatary Oddychają's is closed by demo.publicdata; Fundacja Łódzki Cień's
# is still being reported on: demo.spending, demo.amendments, demo.reports.)
PLANS = {"mloda.aktywistka19@example.org": STORIES[1]}


def _untouched(grant: Grant) -> bool:
    return not (grant.documents.exists() or grant.reports.exists() or grant.amendments.exists())


def _spend(grant: Grant, story: Story, *, by: User) -> None:
    """One document per budget line: `share` of its cost, from the grant and own contribution."""
    day = grant.starts_on or (timezone.localdate() - timedelta(days=60))
    for number, line in enumerate(grant.budget_lines.order_by("position"), start=1):
        from_grant = (line.from_grant * Decimal(story.share)).quantize(GROSZ, ROUND_DOWN)
        own = (line.own_contribution * Decimal(story.share)).quantize(GROSZ, ROUND_DOWN)
        if from_grant + own <= 0:
            continue
        content = _pdf(
            (f"Faktura FV/{number}/{day.year}", line.item[:60].encode("ascii", "ignore").decode())
        )
        ineligible = (
            (from_grant * Decimal(story.ineligible_share)).quantize(GROSZ, ROUND_DOWN)
            if number == 1
            else Decimal("0")
        )
        document = FinancialDocument(
            grant=grant,
            number=f"FV/{number}/{day:%m}/{day.year}",
            issued_on=min(day + timedelta(days=7 * number), grant.ends_on or date.max),
            issuer_name="Hurtownia Ogrodnicza Zielony Zakątek sp. z o.o.",
            amount=from_grant + own,
            paid_on=day + timedelta(days=7 * number),
            description=line.item,
            extension=".pdf",
            original_name=f"faktura-{number}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            added_by=by,
            ineligible_amount=ineligible,
            ineligible_reason="Zakup poza okresem projektu." if ineligible else "",
        )
        document.file.save(f"faktura-{number}.pdf", ContentFile(content), save=False)
        document.save()
        DocumentAllocation.objects.create(
            document=document, budget_line=line, from_grant=from_grant, own_contribution=own
        )


def _report(grant: Grant, story: Story, *, coordinator: User) -> Report:
    applicant = grant.application.applicant
    indicators = [
        {
            "name": row.get("name", ""),
            "unit": row.get("unit", ""),
            "planned": row.get("planned"),
            "achieved": round((row.get("planned") or 0) * story.achieved),
            "comment": "",
        }
        for row in grant.planned_indicators or []
    ] or [
        {
            "name": "uczestnicy warsztatów",
            "unit": "osób",
            "planned": 40,
            "achieved": round(40 * story.achieved),
            "comment": "",
        },
    ]
    report = Report.objects.create(
        grant=grant,
        kind=ReportKind.FINAL,
        summary=story.summary,
        indicators=indicators,
        participants=indicators[0]["achieved"],
        volunteer_hours=Decimal("120"),
        story=story.story,
        publish_consent=bool(story.story),
    )
    report = report_transition(report, ReportState.SUBMITTED, by=applicant)
    note = "Jeden paragon poza okresem projektu." if story.accepted != ReportState.ACCEPTED else ""
    return report_transition(report, story.accepted, by=coordinator, note=note)


def demo_settlement_load(*, calls: dict[str, GrantCall], coordinator: User) -> int:
    """Settle (and close one of) the pilot's untouched grants under way; how many were settled."""
    from demo.projects import _story_at  # demo.projects calls this module

    call = calls.get("pilot") or GrantCall.objects.filter(slug=PILOT).first()
    if call is None:
        return 0
    settled = 0
    for email, story in PLANS.items():
        grant = (
            Grant.objects.filter(
                call=call, state=GrantState.ACTIVE, application__applicant__email=email
            )
            .select_related("application__applicant", "call")
            .first()
        )
        if grant is None or not _untouched(grant):
            continue
        with _story_at(None):
            _spend(grant, story, by=grant.application.applicant)
            report = _report(grant, story, coordinator=coordinator)
            settlement = report.settlements.get()
            if story.closed:
                for payment in grant.payments.filter(state=PaymentState.DUE):
                    payment_mark_paid(
                        payment=payment,
                        by=coordinator,
                        paid_on=timezone.localdate(),
                        bank_reference=f"{grant.reference_number} rata końcowa",
                    )
                grant_close(grant=grant, by=coordinator)
        settlement_pdf_store(settlement_id=settlement.pk)
        settled += 1
    return settled
