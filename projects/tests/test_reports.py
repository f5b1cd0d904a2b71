"""Reports: due dates on the grantee's page, the final report written, checked at submission
and frozen with its financial part; the coordinator's check (checklist, ineligible parts,
corrections with a deadline, acceptance); reminders; the call's reports page."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import CoordinatorFactory
from projects.enums import GrantState, ReportKind, ReportState
from projects.models import CallGrantTerms, Grant, Report, ReportCheckItem, ReportReminder
from projects.report_dates import grant_report_dates_refresh
from projects.report_reminders import report_reminders_send
from projects.reports import ReportRefused, report_start
from projects.spending_figures import grant_spending
from projects.tests.factories import active_grant
from projects.tests.progress_rows import add_report, grant_at
from projects.tests.report_rows import financial_document, jpeg_bytes

pytestmark = pytest.mark.django_db

INDICATORS = [{"name": "uczestnicy warsztatów", "unit": "osób", "planned": "40"}]


def text(response) -> str:
    """The page's words without tags (what a person reads)."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def grant():
    grant = active_grant()
    Grant.objects.filter(pk=grant.pk).update(planned_indicators=INDICATORS)
    grant.refresh_from_db()
    assert grant.state == GrantState.ACTIVE
    return grant


@pytest.fixture
def grantee_client(client, grant):
    client.force_login(grant.application.applicant)
    return client


def report_url(grant, kind="final"):
    return reverse("projects:report", kwargs={"pk": grant.pk, "kind": kind})


def complete_answers(**overrides) -> dict:
    data = {
        "activity_0_done": "yes",
        "activity_0_comment": "",
        "activity_1_done": "partly",
        "activity_1_comment": "Deszcz przerwał jeden warsztat.",
        "indicator_0_achieved": "37",
        "indicator_0_comment": "",
        "summary": "Posadziliśmy 30 drzew i zrobiliśmy trzy warsztaty.",
        "participants": "37",
        "volunteer_hours": "42,5",
        "publicity_links": "https://example.org/artykul",
        "story": "Podwórko jest zielone.",
        "publish_consent": "on",
    }
    data.update(overrides)
    return data


def started(grant, kind=ReportKind.FINAL) -> Report:
    return report_start(grant=grant, kind=kind)


# --- Due dates ------------------------------------------------------------------------------


def test_grant_page_shows_when_the_final_report_is_due(grantee_client, grant):
    response = grantee_client.get(grant.get_absolute_url())

    assert "Sprawozdanie końcowe — termin: 21 lipca 2027" in text(response)
    assert 'data-start-report="final"' in response.content.decode()


def test_call_terms_with_an_interim_report_put_its_due_date_on_the_grant_page(
    client, grantee_client, grant
):
    coordinator = CoordinatorFactory()
    terms_page = reverse("projects_manage:terms", kwargs={"pk": grant.call_id})
    client.force_login(coordinator)
    form = client.get(terms_page).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update(interim_report="on", obligations=form.initial.get("obligations", ""))
    response = client.post(terms_page, data)
    assert response.status_code == 302, response.context["form"].errors

    client.force_login(grant.application.applicant)
    page = text(client.get(grant.get_absolute_url()))
    # 1 April – 30 June 2027: the middle is 16 May, due 14 days later.
    assert "Sprawozdanie częściowe — termin: 30 maja 2027" in page


# --- Writing and submitting -----------------------------------------------------------------


def test_report_starts_with_the_planned_activities_and_indicators_side_by_side(
    grantee_client, grant
):
    response = grantee_client.post(
        reverse("projects:report_start", kwargs={"pk": grant.pk, "kind": "final"})
    )
    assert response["Location"] == report_url(grant)

    page = text(grantee_client.get(report_url(grant)))
    assert "Sadzenie i warsztaty" in page
    assert "Plan: 1 maja 2027 – 30 czerwca 2027" in page
    assert "uczestnicy warsztatów (osób)" in page
    assert "Plan: 40" in page


def test_report_draft_saves_incomplete_answers(grantee_client, grant):
    started(grant)

    response = grantee_client.post(
        report_url(grant), {"save": "1", "summary": "Na razie tyle.", "activity_0_done": "yes"}
    )

    assert response.status_code == 302
    report = Report.objects.get(grant=grant)
    assert report.state == ReportState.DRAFT
    assert report.summary == "Na razie tyle."
    assert report.activities[0]["done"] == "yes"


def test_report_submission_names_every_missing_answer_and_keeps_what_was_typed(
    grantee_client, grant
):
    started(grant)
    data = complete_answers(activity_1_done="", indicator_0_achieved="", story="", submit="1")

    response = grantee_client.post(report_url(grant), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["activity_1_done"] == ["Napisz, czy to działanie zostało zrealizowane."]
    assert errors["indicator_0_achieved"] == ["Podaj osiągniętą liczbę."]
    assert errors["story"] == ["Napisz krótką historię na stronę publiczną albo odznacz zgodę."]
    assert "Posadziliśmy 30 drzew" in text(response)
    report = Report.objects.get(grant=grant)
    assert report.state == ReportState.DRAFT
    assert report.summary.startswith("Posadziliśmy")  # saved all the same


def test_report_refuses_a_link_that_is_not_a_web_address(grantee_client, grant):
    started(grant)

    response = grantee_client.post(
        report_url(grant), complete_answers(publicity_links="javascript:alert(1)", save="1")
    )

    assert response.status_code == 200
    assert "To nie jest adres strony" in response.context["form"].errors["publicity_links"][0]


def test_report_may_add_an_indicator_when_none_was_planned(grantee_client):
    grant = active_grant()
    Grant.objects.filter(pk=grant.pk).update(planned_indicators=[])  # none planned
    grant.refresh_from_db()
    grantee_client.force_login(grant.application.applicant)
    started(grant)
    data = complete_answers(
        new_indicator_name="posadzone drzewa",
        new_indicator_unit="szt.",
        new_indicator_achieved="30",
    )
    data.pop("indicator_0_achieved")
    grantee_client.post(report_url(grant), {**data, "submit": "1"})

    report = Report.objects.get(grant=grant)
    assert report.state == ReportState.SUBMITTED
    assert report.indicators[-1]["name"] == "posadzone drzewa"
    assert report.indicators[-1]["achieved"] == "30"


def test_report_submit_step_shows_the_rules_the_spending_breaks(grantee_client, grant):
    line = grant.budget_lines.order_by("position").first()  # 1,500 zł planned
    financial_document(grant, amount="1800.00", lines={line: Decimal("1800.00")})
    started(grant)

    page = text(grantee_client.get(report_url(grant)))

    assert "Twoje wydatki łamią te zasady naboru" in page
    assert "Sadzonki i ziemia" in page


def test_report_submitted_freezes_the_financial_part_from_the_documents(
    grantee_client, grant, django_capture_on_commit_callbacks
):
    coordinator = CoordinatorFactory(email="koordynacja@example.org")
    document = financial_document(grant, amount="600.00")
    started(grant)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = grantee_client.post(report_url(grant), {**complete_answers(), "submit": "1"})

    assert response.status_code == 302
    report = Report.objects.get(grant=grant)
    assert report.state == ReportState.SUBMITTED
    figures = grant_spending(grant)
    assert report.financial["totals"]["spent_from_grant"] == "600.00"
    assert [line["spent_total"] for line in report.financial["lines"]] == [
        str(row.spent_total.quantize(Decimal("0.01"))) for row in figures.lines
    ]
    assert [d["number"] for d in report.financial["documents"]] == ["FV/1/2027"]
    to_coordinator = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert len(to_coordinator) == 1 and grant.reference_number in to_coordinator[0].subject
    assert not [m for m in mail.outbox if m.to == [grant.application.applicant.email]]

    # A document changed later doesn't change what was submitted.
    type(document).objects.filter(pk=document.pk).update(amount=Decimal("750.00"))
    document.allocations.update(from_grant=Decimal("750.00"))
    report.refresh_from_db()
    assert report.financial["totals"]["spent_from_grant"] == "600.00"
    page = text(grantee_client.get(report_url(grant)))
    assert "600,00 zł" in page and "750,00 zł" not in page


def test_report_photo_display_copy_is_upright_and_without_metadata(grantee_client, grant):
    started(grant)
    # 40×20 with orientation 6 (rotate 90°): shown 20×40.
    upload = SimpleUploadedFile("zdjecie.jpg", jpeg_bytes(orientation=6), "image/jpeg")

    response = grantee_client.post(
        reverse("projects:report_photo_add", kwargs={"pk": grant.pk, "kind": "final"}),
        {"photo-photo": upload, "photo-caption": "Sadzenie", "photo-publish_consent": "on"},
    )

    assert response.status_code == 302
    photo = Report.objects.get(grant=grant).photos.get()
    assert photo.publish_consent and photo.caption == "Sadzenie"
    shown = grantee_client.get(
        reverse(
            "projects:report_photo", kwargs={"pk": grant.pk, "kind": "final", "photo_pk": photo.pk}
        )
    )
    image = Image.open(io.BytesIO(b"".join(shown.streaming_content)))
    assert image.size == (20, 40)
    assert not image.getexif()


def test_report_photo_refuses_a_file_that_is_not_a_photo(grantee_client, grant):
    started(grant)
    upload = SimpleUploadedFile("zdjecie.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")

    response = grantee_client.post(
        reverse("projects:report_photo_add", kwargs={"pk": grant.pk, "kind": "final"}),
        {"photo-photo": upload},
        follow=True,
    )

    assert "Dodaj zdjęcie jako plik JPG lub PNG." in text(response)
    assert not Report.objects.get(grant=grant).photos.exists()


# --- The coordinator's check ----------------------------------------------------------------


@pytest.fixture
def submitted(grantee_client, grant):
    ReportCheckItem.objects.create(call=grant.call, text="Zdjęcia są czytelne", position=0)
    ReportCheckItem.objects.create(call=grant.call, text="Faktury opisane", position=1)
    document = financial_document(grant, amount="600.00")
    started(grant)
    grantee_client.post(report_url(grant), {**complete_answers(), "submit": "1"})
    report = Report.objects.get(grant=grant)
    assert report.state == ReportState.SUBMITTED
    return report, document


@pytest.fixture
def coordinator_client():
    """Its own browser: the grantee's (`client`) stays signed in beside it."""
    coordinator_browser = Client()
    coordinator_browser.force_login(CoordinatorFactory())
    return coordinator_browser


def check_url(report):
    return reverse("projects_manage:report", kwargs={"pk": report.pk})


def test_check_page_shows_planned_and_achieved_and_the_documents(coordinator_client, submitted):
    report, document = submitted

    response = coordinator_client.get(check_url(report))

    page = text(response)
    assert "Przygotowanie 1 kwietnia 2027 – 30 kwietnia 2027 Zrealizowane" in page
    assert "Sadzenie i warsztaty" in page and "Zrealizowane częściowo" in page
    assert "uczestnicy warsztatów (osób) 40 37" in page
    assert (
        reverse(
            "projects_manage:report_document", kwargs={"pk": report.pk, "document_pk": document.pk}
        )
        in response.content.decode()
    )
    assert "Zdjęcia są czytelne" in page


def test_check_copies_the_checklist_with_its_ticks(coordinator_client, submitted):
    report, _document = submitted

    coordinator_client.post(check_url(report), {"action": "save", "check_1": "on"})

    report.refresh_from_db()
    assert report.checklist == [
        {"text": "Zdjęcia są czytelne", "ticked": False},
        {"text": "Faktury opisane", "ticked": True},
    ]
    # The call's list changing later doesn't change a recorded check.
    ReportCheckItem.objects.filter(call=report.grant.call).update(text="Inny punkt")
    report.refresh_from_db()
    assert report.checklist[1]["text"] == "Faktury opisane"


def test_check_refuses_an_ineligible_amount_above_the_document(coordinator_client, submitted):
    report, document = submitted

    response = coordinator_client.post(
        check_url(report),
        {"action": "save", f"ineligible_{document.pk}": "600,01", f"reason_{document.pk}": "x"},
    )

    assert response.status_code == 200
    assert "Najwyżej kwota dokumentu (600,00\xa0zł)." in response.content.decode()
    document.refresh_from_db()
    assert document.ineligible_amount == 0


def test_check_keeps_an_ineligible_part_with_its_reason(coordinator_client, submitted):
    report, document = submitted

    coordinator_client.post(
        check_url(report),
        {
            "action": "save",
            f"ineligible_{document.pk}": "100,50",
            f"reason_{document.pk}": "Alkohol nie jest kosztem projektu.",
        },
    )

    document.refresh_from_db()
    assert document.ineligible_amount == Decimal("100.50")
    assert document.ineligible_reason == "Alkohol nie jest kosztem projektu."


def test_corrections_need_a_message_and_a_deadline(coordinator_client, submitted):
    report, _document = submitted

    response = coordinator_client.post(check_url(report), {"action": "corrections"})

    assert response.status_code == 200
    form = response.context["corrections_form"]
    assert form.errors["message"] == ["Napisz, co poprawić."]
    assert form.errors["deadline"] == ["Podaj termin poprawek."]
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_corrections_reach_the_grantee_who_corrects_and_resubmits(
    coordinator_client, grantee_client, submitted, django_capture_on_commit_callbacks
):
    report, _document = submitted
    grant = report.grant
    deadline = timezone.localdate() + timedelta(days=10)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            check_url(report),
            {"action": "corrections", "message": "Dodaj link do relacji.", "deadline": deadline},
        )

    report.refresh_from_db()
    assert report.state == ReportState.CORRECTIONS
    assert report.correction_deadline == deadline
    assert [m.to for m in mail.outbox] == [[grant.application.applicant.email]]
    assert "Dodaj link do relacji." in mail.outbox[0].body
    page = text(grantee_client.get(report_url(grant)))
    assert "Dodaj link do relacji." in page
    response = grantee_client.post(report_url(grant), {**complete_answers(), "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_accepting_tells_the_grantee(
    coordinator_client, submitted, django_capture_on_commit_callbacks
):
    report, _document = submitted
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(check_url(report), {"action": "accept", "check_0": "on"})

    report.refresh_from_db()
    assert report.state in (ReportState.ACCEPTED,)
    assert report.checklist[0]["ticked"] is True
    assert any("sprawozdanie przyjęte" in m.subject for m in mail.outbox)


def test_partial_acceptance_needs_a_note(coordinator_client, submitted):
    report, _document = submitted

    response = coordinator_client.post(check_url(report), {"action": "accept_partly"})

    assert response.context["accept_form"].errors["note"] == ["Napisz, czego nie przyjmujesz."]
    coordinator_client.post(
        check_url(report), {"action": "accept_partly", "note": "Bez jednego warsztatu."}
    )
    report.refresh_from_db()
    assert report.state == ReportState.PARTIALLY_ACCEPTED


def test_report_checklist_is_edited_among_the_calls_parts(coordinator_client, grant):
    url = reverse("manage:call_parts", kwargs={"pk": grant.call_id, "part": "report_checklist"})
    data = {
        "parts-TOTAL_FORMS": "1",
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "1000",
        "parts-0-text": "Sprawozdanie ma zdjęcia",
        "parts-0-position": "0",
    }

    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url, data)

    assert response.status_code == 302
    assert list(ReportCheckItem.objects.values_list("text", flat=True)) == [
        "Sprawozdanie ma zdjęcia"
    ]


# --- Reminders ------------------------------------------------------------------------------


def test_reminders_go_a_week_before_the_day_after_and_weekly_while_overdue(
    django_capture_on_commit_callbacks,
):
    grant = grant_at("report_due")
    due = date(2027, 7, 21)
    Grant.objects.filter(pk=grant.pk).update(final_report_due_on=due)
    mail.outbox.clear()
    sent_on = []
    with django_capture_on_commit_callbacks(execute=True):
        day = due - timedelta(days=10)
        while day <= due + timedelta(days=45):
            if report_reminders_send(today=day):
                sent_on.append((day - due).days)
            assert report_reminders_send(today=day) == 0  # the next hour: nothing twice
            day += timedelta(days=1)

    assert sent_on == [-7, 1, 8, 15, 22]
    assert len(mail.outbox) == 5
    assert all(m.to == [grant.application.applicant.email] for m in mail.outbox)
    assert "zbliża się termin" in mail.outbox[0].subject
    assert "minął termin" in mail.outbox[1].subject
    assert ReportReminder.objects.filter(grant=grant).count() == 5


def test_reminders_stop_once_the_report_is_submitted():
    grant = grant_at("report_submitted")
    due = timezone.localdate() - timedelta(days=1)
    Grant.objects.filter(pk=grant.pk).update(final_report_due_on=due)

    assert report_reminders_send() == 0


def test_reminders_run_in_the_hourly_housekeeping(django_capture_on_commit_callbacks):
    from core.signals import housekeeping_ran

    grant = grant_at("report_overdue")  # due 12 days ago: the +8 reminder
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        housekeeping_ran.send(sender=None)

    assert [m.to for m in mail.outbox] == [[grant.application.applicant.email]]
    assert ReportReminder.objects.get(grant=grant).days == 8


# --- The call's reports page ----------------------------------------------------------------


def reports_url(call, show=""):
    url = reverse("projects_manage:reports", kwargs={"pk": call.pk})
    return f"{url}?show={show}" if show else url


def test_call_reports_page_shows_due_dates_states_and_overdue_days(coordinator_client):
    overdue = grant_at("report_overdue")
    call = overdue.call
    submitted_grant = grant_at("report_submitted", application__call=call)
    corrections = grant_at("report_corrections", application__call=call)

    response = coordinator_client.get(reports_url(call))

    html = response.content.decode()
    row = html.split(f'data-report-row="{overdue.pk}"')[1].split("</tr>")[0]
    assert 'data-overdue="12"' in row and "12 dni" in row
    assert f'data-report-row="{submitted_grant.pk}" data-report-state="submitted"' in html
    for show, expected in [
        ("overdue", {overdue.pk}),
        ("to_check", {submitted_grant.pk}),
        ("corrections", {corrections.pk}),
        ("accepted", set()),
    ]:
        rows = coordinator_client.get(reports_url(call, show)).context["rows"]
        assert {r.grant.pk for r in rows} == expected, show


@pytest.mark.parametrize("count", [1, 6])
def test_call_reports_page_queries_do_not_grow_with_the_grants(
    coordinator_client, django_assert_max_num_queries, count
):
    first = grant_at("report_submitted")
    for _ in range(count - 1):
        grant_at("report_overdue", application__call=first.call)

    with django_assert_max_num_queries(12):
        response = coordinator_client.get(reports_url(first.call))

    assert len(response.context["rows"]) == count


def test_report_start_is_refused_before_the_project_is_under_way():
    grant = grant_at("sent")

    with pytest.raises(ReportRefused):
        report_start(grant=grant, kind=ReportKind.FINAL)


def test_report_dates_are_shown_only_after_grant_report_dates_refresh():
    grant = grant_at("active")
    CallGrantTerms.objects.create(call=grant.call, final_report_days=30)
    grant_report_dates_refresh(grant=grant)
    grant.refresh_from_db()
    assert grant.final_report_due_on == grant.ends_on + timedelta(days=30)
    assert add_report(grant).kind == ReportKind.FINAL
