"""Demo of the reports: the pilot call's three grants under way are past their final report's
due date, each at a different point, reached through the services a grantee and a
coordinator use:

* Płockie Ogrody Deszczowe submitted its final report: it waits for the coordinator's check
  (the call has a report checklist);
* Tatary Oddychają submitted too, and the coordinator asked for corrections by a date;
* Fundacja Łódzki Cień hasn't started its report: the call's Reports page shows it overdue.

A grant whose final report exists is left as it is: loading the demo again changes nothing.
The e-mails the steps queue count as sent now (none goes out).
"""

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.enums import EmailState
from core.mail import email_transition
from core.models import OutgoingEmail
from grants.models import GrantCall
from projects.enums import GrantState, ReportKind
from projects.models import Grant, Report, ReportCheckItem
from projects.reports import report_request_corrections, report_save, report_start, report_submit

PILOT = "klimatyczne-podworka"
SUBMITTED = "mloda.aktywistka19@example.org"  # Płockie Ogrody Deszczowe
CORRECTIONS = "mloda.aktywistka35@example.org"  # Fundacja Łódzki Cień
CHECKLIST = [
    "Każde działanie z harmonogramu ma odpowiedź i komentarz, gdy nie wyszło",
    "Zdjęcia i listy obecności potwierdzają liczbę uczestników",
    "Faktury i rachunki mają zdanie o finansowaniu z programu",
    "Zgoda na publikację obejmuje historię i oznaczone zdjęcia",
]
STORIES = {
    SUBMITTED: {
        "summary": (
            "Na czterech działkach przy blokach na Podolszycach stanęły zbiorniki na deszczówkę "
            "i ogrody deszczowe. Sąsiedzi pomagali przy kopaniu i sadzeniu, a dzieci z pobliskiej "
            "szkoły zrobiły tabliczki z nazwami roślin."
        ),
        "story": (
            "Deszczówka z dachów czterech bloków nie spływa już do kanalizacji: podlewa ogrody, "
            "które mieszkańcy posadzili razem z nami."
        ),
        "participants": 46,
        "volunteer_hours": "180.0",
        "indicator": {"name": "ogrody deszczowe", "unit": "szt.", "achieved": "4"},
        "publicity_links": "https://example.org/plock/ogrody-deszczowe",
    },
    CORRECTIONS: {
        "summary": (
            "Na podwórku przy Piotrkowskiej zawisły żagle przeciwsłoneczne, posadziliśmy łąkę "
            "kwietną i zrobiliśmy dwa spacery z mieszkańcami o tym, jak miasto może się ochłodzić."
        ),
        "story": "Podwórko przy Piotrkowskiej ma cień: żagle i łąka zamiast rozgrzanego betonu.",
        "participants": 28,
        "volunteer_hours": "64.0",
        "indicator": {"name": "łąka kwietna", "unit": "m²", "achieved": "350"},
        "publicity_links": "",
    },
}
CORRECTION_MESSAGE = (
    "Dziękujemy za sprawozdanie! Pozycja „materiały” przekroczyła plan o więcej niż 10 %: "
    "poczekajcie na decyzję o aneksie albo przenieście nadwyżkę do wkładu własnego. Dopiszcie "
    "też, dlaczego drugi spacer odbył się tylko dla dorosłych."
)


def _answers(report: Report, story: dict) -> dict:
    return {
        "activities": [
            {**row, "done": "yes" if index else "partly", "comment": ""}
            for index, row in enumerate(report.activities)
        ],
        "indicators": [
            *report.indicators,
            {**story["indicator"], "planned": "", "comment": "", "added": True},
        ],
        "summary": story["summary"],
        "participants": story["participants"],
        "volunteer_hours": story["volunteer_hours"],
        "publicity_links": story["publicity_links"],
        "story": story["story"],
        "publish_consent": True,
    }


def _emails_sent_now(kinds: list[str]) -> None:
    """As demo.projects does: through the outbox's own moves, so the worker sends nothing."""
    for email in OutgoingEmail.objects.filter(kind__in=kinds, state=EmailState.QUEUED):
        email_transition(email, EmailState.SENDING)
        email_transition(email, EmailState.SENT)


def demo_reports_load(*, calls: dict[str, GrantCall], coordinator: User) -> dict[str, int]:
    """Give the pilot call its report checklist and its grants their reports; returns the
    final reports by state."""
    pilot = next((call for call in calls.values() if call.slug == PILOT), None)
    if pilot is None:
        return {}
    if not ReportCheckItem.objects.filter(call=pilot).exists():
        ReportCheckItem.objects.bulk_create(
            ReportCheckItem(call=pilot, text=text, position=n) for n, text in enumerate(CHECKLIST)
        )
    for email, story in STORIES.items():
        grant = Grant.objects.filter(
            call=pilot, application__applicant__email=email, state=GrantState.ACTIVE
        ).first()
        if grant is None or Report.objects.filter(grant=grant, kind=ReportKind.FINAL).exists():
            continue
        grantee = grant.application.applicant
        report = report_start(grant=grant, kind=ReportKind.FINAL)
        report = report_save(report=report, answers=_answers(report, story), by=grantee)
        report = report_submit(report=report, by=grantee)
        if email == CORRECTIONS:
            report_request_corrections(
                report=report,
                message=CORRECTION_MESSAGE,
                deadline=timezone.localdate() + timedelta(days=10),
                by=coordinator,
            )
    _emails_sent_now(["projects/report_corrections"])
    # The coordinators' e-mail of a submission is queued once the load commits.
    transaction.on_commit(
        lambda: _emails_sent_now(["projects/report_submitted", "projects/report_corrections"])
    )
    return dict(
        Counter(
            Report.objects.filter(grant__call=pilot, kind=ReportKind.FINAL).values_list(
                "state", flat=True
            )
        )
    )
