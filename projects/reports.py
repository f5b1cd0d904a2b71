"""A grant's reports: the grantee writes and submits them; the coordinator checks them, asks
for corrections by a date, and accepts them in whole or in part.

Every state move goes through report_transition().
"""

from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.formatting import format_money
from core.mail import email_enqueue, email_subject
from core.states import InvalidMove
from projects.enums import (
    REPORT_EDITABLE_STATES,
    REPORT_TRANSITIONS,
    ReportState,
)
from projects.models import (
    FinancialDocument,
    Grant,
    Report,
    ReportCheckItem,
    ReportStateChange,
)
from projects.notices import grantee_notify
from projects.report_selectors import report_may_be_written
from projects.signals import report_state_changed
from projects.spending_figures import grant_spending


class InvalidReportTransition(InvalidMove):
    subject = "A report"


@transaction.atomic
def report_transition(report: Report, to: str, *, by, note: str = "") -> Report:
    """Move `report` to `to`, record who did it and why, and tell the receivers of
    report_state_changed (the settlement follows an accepted final report).

    Submitting stamps who submitted and when; asking for corrections needs the
    message (`note`), kept on the report for the grantee.
    """
    locked = Report.objects.select_for_update().get(pk=report.pk)
    old = locked.state
    if to not in REPORT_TRANSITIONS[old]:
        raise InvalidReportTransition(old, to)
    update_fields = ["state", "updated_at"]
    if to == ReportState.SUBMITTED:
        locked.submitted_at = timezone.now()
        locked.submitted_by = by
        update_fields += ["submitted_at", "submitted_by"]
    elif to == ReportState.CORRECTIONS:
        if not note.strip():
            raise InvalidReportTransition(old, to, "a request for corrections says what")
        locked.correction_message = note
        update_fields.append("correction_message")
    locked.state = to
    locked.save(update_fields=update_fields)
    ReportStateChange.objects.create(report=locked, old_state=old, new_state=to, by=by, note=note)
    report_state_changed.send(
        sender=Report, report=locked, old_state=old, new_state=to, by=by, note=note
    )
    return locked


# --- The grantee writes and submits -------------------------------------------------------

ZERO = Decimal("0")
DONE_CHOICES = ("yes", "partly", "no")


class ReportRefused(Exception):
    """A report action refused, with a message for the person and the errors by field."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def report_start(*, grant: Grant, kind: str) -> Report:
    """The grant's report of `kind`, started now as a draft with the planned activities and
    indicators when there is none yet."""
    report = Report.objects.filter(grant=grant, kind=kind).first()
    if report is not None:
        return report
    if not report_may_be_written(grant):
        raise ReportRefused(_("Reports are written while the project is under way."))
    report = Report(
        grant=grant,
        kind=kind,
        activities=[
            {
                "activity": row.get("activity", ""),
                "starts_on": row.get("starts_on", ""),
                "ends_on": row.get("ends_on", ""),
                "done": "",
                "comment": "",
            }
            for row in grant.schedule or []
        ],
        indicators=[
            {
                "name": row.get("name", ""),
                "unit": row.get("unit", ""),
                "planned": str(row.get("planned", "")),
                "achieved": "",
                "comment": "",
            }
            for row in grant.planned_indicators or []
        ],
    )
    report.full_clean(exclude=["submitted_by"])
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # started at the same moment in another tab
        return Report.objects.get(grant=grant, kind=kind)
    return report


@transaction.atomic
def report_save(*, report: Report, answers: dict, photos: dict | None = None, by) -> Report:
    """Keep the grantee's answers on an editable report (a draft is never refused for being
    incomplete). `answers` holds the report's fields as cleaned by the report form:
    activities/indicators lists, participants, volunteer_hours, the texts and the consent;
    `photos` {pk: {"caption", "publish_consent"}}."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.state not in REPORT_EDITABLE_STATES or not report_may_be_written(locked.grant):
        raise ReportRefused(_("This report can't be changed any more."))
    locked.activities = answers["activities"]
    locked.indicators = answers["indicators"]
    locked.participants = answers["participants"]
    locked.volunteer_hours = answers["volunteer_hours"]
    locked.publish_consent = answers["publish_consent"]
    locked.summary = answers["summary"]
    locked.publicity_links = answers["publicity_links"]
    locked.story = answers["story"]
    locked.full_clean(exclude=["grant", "submitted_by"])
    locked.save()
    for photo in locked.photos.all():
        change = (photos or {}).get(photo.pk)
        if change is not None:
            photo.caption = change["caption"][:300]
            photo.publish_consent = change["publish_consent"]
            photo.save(update_fields=["caption", "publish_consent"])
    return locked


def report_problems(report: Report) -> dict[str, list[str]]:
    """What stops `report` from being submitted, by the report form's field names."""
    problems: dict[str, list[str]] = {}
    for index, row in enumerate(report.activities):
        if row.get("done") not in DONE_CHOICES:
            problems[f"activity_{index}_done"] = [_("Say whether this activity was done.")]
    for index, row in enumerate(report.indicators):
        if str(row.get("achieved", "")).strip() == "":
            problems[f"indicator_{index}_achieved"] = [_("Give the number achieved.")]
    if not report.summary.strip():
        problems["summary"] = [_("Describe in a few sentences what was done.")]
    if report.participants is None:
        problems["participants"] = [_("Give the number of participants (0 if none).")]
    if report.publish_consent and not report.story.strip():
        problems["story"] = [_("Write the short story for the public page, or untick the consent.")]
    return problems


def _money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def report_financial_part(grant: Grant) -> dict:
    """The report's financial part as it stands now: plan vs spent per line and in total, the
    deviation rules broken and the documents (what report_submit freezes)."""
    figures = grant_spending(grant)
    documents = (
        FinancialDocument.objects.filter(grant=grant, removed_at__isnull=True)
        .prefetch_related("allocations__budget_line")
        .order_by("issued_on", "pk")
    )
    return {
        "lines": [
            {
                "item": row.line.item,
                "planned_total": _money(row.planned_total),
                "planned_from_grant": _money(row.planned_from_grant),
                "planned_own": _money(row.planned_own),
                "spent_from_grant": _money(row.spent_from_grant),
                "spent_own": _money(row.spent_own),
                "spent_total": _money(row.spent_total),
                "left": _money(row.left),
            }
            for row in figures.lines
        ],
        "totals": {
            "awarded": _money(figures.awarded),
            "planned_total": _money(figures.planned_total),
            "planned_from_grant": _money(figures.planned_from_grant),
            "planned_own": _money(figures.planned_own),
            "spent_from_grant": _money(figures.spent_from_grant),
            "spent_own": _money(figures.spent_own),
            "spent_total": _money(figures.spent_total),
            "grant_left": _money(figures.grant_left),
        },
        "breaches": [{"code": b.code, "message": str(b.message)} for b in figures.breaches],
        "documents": [
            {
                "id": document.pk,
                "kind": document.get_kind_display(),
                "number": document.number,
                "issued_on": document.issued_on.isoformat(),
                "issuer_name": document.issuer_name,
                "amount": _money(document.amount),
                "description": document.description,
                "lines": [
                    {
                        "item": allocation.budget_line.item,
                        "from_grant": _money(allocation.from_grant),
                        "own": _money(allocation.own_contribution),
                    }
                    for allocation in document.allocations.all()
                ],
            }
            for document in documents
        ],
    }


def report_submit(*, report: Report, by) -> Report:
    """Submit `report` to the coordinators: refused with the problems by field when anything
    is missing; freezes the financial part from the documents, moves the report to
    submitted and e-mails the coordinators after commit."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("grant").get(pk=report.pk)
        if not report_may_be_written(locked.grant):
            raise ReportRefused(_("Reports are submitted while the project is under way."))
        problems = report_problems(locked)
        if problems:
            raise ReportRefused(
                _("The report isn't complete yet: see the marked fields."), errors=problems
            )
        locked.financial = report_financial_part(locked.grant)
        locked.save(update_fields=["financial", "updated_at"])
        submitted = report_transition(locked, ReportState.SUBMITTED, by=by)
        transaction.on_commit(lambda: _notify_coordinators(submitted.pk))
    return submitted


def _notify_coordinators(report_id: int) -> None:
    report = Report.objects.select_related("grant__call").get(pk=report_id)
    path = reverse("projects_manage:report", kwargs={"pk": report.pk})
    for coordinator in User.objects.coordinators().exclude(email=""):
        with translation.override(coordinator.language or settings.LANGUAGE_CODE):
            context = {
                "report": report,
                "grant": report.grant,
                "user": coordinator,
                "url": settings.SITE_URL.rstrip("/") + path,
            }
            message = EmailMessage(
                subject=email_subject("projects/email/report_submitted_subject.txt", context),
                body=render_to_string("projects/email/report_submitted_body.txt", context),
                to=[coordinator.email],
            )
        email_enqueue(message, kind="projects/report_submitted", user=coordinator)


# --- The coordinator checks -----------------------------------------------------------------


def report_checklist_of(report: Report) -> list[dict]:
    """The report's checklist: the ticks saved on it, or the call's items not yet ticked."""
    if report.checklist:
        return report.checklist
    items = ReportCheckItem.objects.filter(call_id=report.grant.call_id).order_by("position", "pk")
    return [{"text": item.text, "ticked": False} for item in items]


@transaction.atomic
def report_check_save(
    *, report: Report, ticked: set[int], ineligible: dict[int, tuple[Decimal, str]], by
) -> Report:
    """Keep the coordinator's check of a submitted report: the call's checklist copied with
    its ticks (indexes in `ticked`), and per document {pk: (amount, reason)} the part not
    eligible (at most the document's amount; a reason when there is an amount)."""
    locked = Report.objects.select_for_update().select_related("grant").get(pk=report.pk)
    if locked.state != ReportState.SUBMITTED:
        raise ReportRefused(_("Only a submitted report is checked."))
    errors: dict[str, list[str]] = {}
    documents = {
        d.pk: d for d in FinancialDocument.objects.filter(grant=locked.grant, pk__in=ineligible)
    }
    for pk, (amount, reason) in ineligible.items():
        document = documents.get(pk)
        if document is None:
            continue
        if amount < ZERO or amount > document.amount:
            errors[f"ineligible_{pk}"] = [
                _("At most the document's amount (%(amount)s).")
                % {"amount": format_money(document.amount)}
            ]
        elif amount > ZERO and not reason.strip():
            errors[f"reason_{pk}"] = [_("Say why this part is not eligible.")]
    if errors:
        raise ReportRefused(_("The check was not saved: see the marked fields."), errors=errors)
    for pk, (amount, reason) in ineligible.items():
        document = documents.get(pk)
        if document is None:
            continue
        reason = reason.strip() if amount > ZERO else ""
        if (document.ineligible_amount, document.ineligible_reason) != (amount, reason):
            document.ineligible_amount, document.ineligible_reason = amount, reason
            document.save(update_fields=["ineligible_amount", "ineligible_reason", "updated_at"])
    locked.checklist = [
        {"text": row["text"], "ticked": index in ticked}
        for index, row in enumerate(report_checklist_of(locked))
    ]
    locked.save(update_fields=["checklist", "updated_at"])
    return locked


def report_request_corrections(*, report: Report, message: str, deadline, by) -> Report:
    """Send a submitted report back to the grantee with what to correct by `deadline`."""
    errors: dict[str, list[str]] = {}
    if not message.strip():
        errors["message"] = [_("Say what to correct.")]
    if deadline is None:
        errors["deadline"] = [_("Give the date to correct it by.")]
    elif deadline <= timezone.localdate():
        errors["deadline"] = [_("The date must be in the future.")]
    if errors:
        raise ReportRefused(_("The request was not sent: see the marked fields."), errors=errors)
    with transaction.atomic():
        locked = report_transition(report, ReportState.CORRECTIONS, by=by, note=message.strip())
        locked.correction_deadline = deadline
        locked.save(update_fields=["correction_deadline", "updated_at"])
        grantee_notify(
            locked.grant, template="report_corrections", report=locked, deadline=deadline
        )
    return locked


def report_accept(*, report: Report, partly: bool = False, note: str = "", by) -> Report:
    """Accept a submitted report, in whole or (with a note saying what) in part; the grantee
    is told. The settlement follows an accepted final report (report_state_changed)."""
    if partly and not note.strip():
        raise ReportRefused(
            _("Say what is not accepted."), errors={"note": [_("Say what is not accepted.")]}
        )
    to = ReportState.PARTIALLY_ACCEPTED if partly else ReportState.ACCEPTED
    with transaction.atomic():
        locked = report_transition(report, to, by=by, note=note.strip())
        grantee_notify(locked.grant, template="report_accepted", report=locked, note=note.strip())
    return locked
