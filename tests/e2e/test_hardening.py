"""The pages issue 9 added or changed, walked as their users walk them (Polish, as by default).

Each test builds what came before through the services and builders, then clicks
only what the person on the page does; every page gets axe and, where it is new
or changed, desktop and phone screenshots (var/screenshots/hardening-*.png).
"""

import io
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicationStatus, VersionPdfKind, VersionPdfStatus
from applicants.models import Attachment, VersionPdf
from applicants.pdf_copies import version_pdf_transition
from applicants.services import application_answers_save
from applicants.tests.archives import MIB, crafted_zip, docx_entries, zeros
from applicants.tests.builders import (
    complete_draft,
    render_waiting_pdf_copies,
    submitted_application,
)
from decisions.enums import DecisionOutcome
from decisions.models import Decision, DecisionLetter
from decisions.services import award_accept, decision_record, results_publish
from decisions.tests.test_manage_pages import ranked_application
from grants.enums import CallStatus
from grants.limits import MAX_BUDGET_LINES
from grants.models import AttachmentRequirement, CallQuestion, QuestionKind
from grants.services import call_close, call_decide, call_publish
from grants.tests.factories import CriterionFactory, GrantCallFactory
from reviews.models import Invitation, ReviewAssignment, invitation_expiry
from reviews.services import pool_invite
from reviews.tests.builders import (
    accepted_application,
    assign_all,
    call_with_criteria,
    invitation_link,
    reviewers_in_pool,
    submit_review,
)
from tests.e2e.steps import log_in

pytestmark = [pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Queued work waits for the worker (the test plays the worker when it wants to).
TASKS_WAIT = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
TASKS_AT_ONCE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def as_user(page, base: str, email: str) -> None:
    """Whoever used the browser before leaves; `email` signs in."""
    page.context.clear_cookies()
    log_in(page, base, email)


def disguised_bomb() -> bytes:
    """A "Word document" of 64 KB whose text unpacks to 64 MiB of zeros."""
    return crafted_zip([*docx_entries()[:2], zeros("word/document.xml", 64 * MIB)])


# --- 1. the applicant's attachments and budget ---------------------------------------------


def test_applicant_sees_a_bomb_refused_beside_the_field_and_the_budget_stops_at_its_limit(
    page, live_server, axe, screenshot, no_foreign_requests
):
    call = GrantCallFactory(title="Deszczówka na osiedlu")
    requirement = AttachmentRequirement.objects.create(
        call=call, name="List poparcia", required=True
    )
    application = complete_draft(call=call)
    base = live_server.url
    log_in(page, base, application.applicant.email)

    page.goto(base + reverse("applicants:attachments", args=[application.pk]))
    page.locator("#id_requirement").select_option(label="List poparcia")
    page.locator("#id_file").set_input_files(
        files=[{"name": "list-poparcia.docx", "mimeType": DOCX_TYPE, "buffer": disguised_bomb()}]
    )
    page.get_by_role("button", name="Wyślij plik").click()
    field = page.locator("#div_id_file")
    expect(field).to_contain_text("„list-poparcia.docx” po rozpakowaniu byłaby wielokrotnie")
    expect(page.locator("#id_file")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_requirement")).to_have_value(str(requirement.pk))  # kept
    assert not Attachment.objects.exists()
    axe(page, "attachments: bomb refused")
    screenshot("hardening-attachment-bomb-refused")

    page.locator("#id_file").set_input_files(
        files=[{"name": "list-poparcia.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Wyślij plik").click()
    expect(page.get_by_role("link", name="list-poparcia.pdf")).to_be_visible()
    expect(page.locator("#div_id_file")).not_to_contain_text("po rozpakowaniu")
    assert Attachment.objects.get().requirement == requirement

    # The budget says how many lines it takes, and offers no more.
    page.get_by_role("link", name="Budżet").first.click()
    expect(page.locator("#budget-limit")).to_have_text(
        f"Limit pozycji budżetu: {MAX_BUDGET_LINES}."
    )
    axe(page, "budget with its limit")
    add = page.get_by_role("button", name="Dodaj pozycję budżetu")
    rows = page.locator("#budget [data-formset-list] [data-formset-row]")
    for _ in range(MAX_BUDGET_LINES):
        if add.is_disabled():
            break
        add.click()
    expect(rows).to_have_count(MAX_BUDGET_LINES)
    expect(add).to_be_disabled()
    expect(page.locator("#budget [data-formset-full]")).to_have_text(
        f"To już limit: {MAX_BUDGET_LINES} pozycji budżetu. Połącz podobne koszty w jedną pozycję."
    )
    axe(page, "budget at its limit")
    screenshot("hardening-budget-at-limit")


# --- 2. the PDF copy of a submitted application ---------------------------------------------


def test_applicant_submits_and_downloads_the_pdf_copy_once_it_is_ready(
    page, live_server, settings, axe, screenshot
):
    settings.TASKS = TASKS_WAIT  # the worker is busy: the copy waits
    application = complete_draft(call=GrantCallFactory(title="Deszczówka na osiedlu"))
    base = live_server.url
    log_in(page, base, application.applicant.email)
    page.goto(base + reverse("applicants:submit", args=[application.pk]))
    for checkbox in page.locator('input[type="checkbox"][name^="consent_"]').all():
        checkbox.check()
    page.get_by_role("button", name="Złóż wniosek").click()

    versions = page.locator("#versions-heading + ul")
    expect(versions).to_contain_text("Kopia PDF jest w przygotowaniu.")
    axe(page, "submitted, copy being prepared")
    screenshot("hardening-submitted-copy-pending")
    versions.get_by_role("link", name=re.compile("^Pobierz PDF")).click()
    expect(page.get_by_role("heading", name="Kopia PDF")).to_be_visible()
    expect(page.locator("main")).to_contain_text("jest w przygotowaniu")
    axe(page, "copy not ready")
    screenshot("hardening-copy-not-ready")

    assert render_waiting_pdf_copies() == 2  # the worker's turn: both copies
    with page.expect_download() as download:
        page.get_by_role("link", name="Odśwież").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as copy:
        assert copy.read(5) == b"%PDF-"

    page.goto(base + application.get_absolute_url())
    expect(page.locator("#versions-heading + ul")).not_to_contain_text("w przygotowaniu")


# --- 3. the coordinator ---------------------------------------------------------------------


def test_coordinator_sees_a_failed_pdf_copy_and_tries_again(
    page, live_server, settings, axe, screenshot
):
    settings.TASKS = TASKS_WAIT
    application = submitted_application(call=GrantCallFactory(title="Deszczówka na osiedlu"))
    for pdf in VersionPdf.objects.filter(version__application=application):
        version_pdf_transition(pdf, VersionPdfStatus.RENDERING)
        reason = "The render took longer than 120 s and was stopped."
        version_pdf_transition(pdf, VersionPdfStatus.FAILED, note=reason, changes={"error": reason})
    settings.TASKS = TASKS_AT_ONCE  # the worker is back
    base = live_server.url
    log_in(page, base, CoordinatorFactory().email)

    page.goto(base + reverse("applicants_manage:detail", args=[application.pk]))
    copies = page.locator("#pdfs-heading + ul")
    expect(copies).to_contain_text("Nie udało się przygotować kopii PDF.")
    details = copies.locator("details").first
    details.get_by_text("Szczegóły techniczne").click()  # the renderer's own words, on request
    expect(details).to_contain_text("took longer than 120 s")
    axe(page, "application with failed copies")
    screenshot("hardening-coordinator-copy-failed")
    copies.get_by_role("button", name=re.compile("^Spróbuj ponownie")).first.click()
    expect(page.locator(".alert-success").first).to_be_visible()
    full = VersionPdf.objects.get(version__application=application, kind=VersionPdfKind.FULL)
    assert full.status == VersionPdfStatus.RENDERED
    expect(page.locator("#pdfs-heading + ul").get_by_role("link").first).to_be_visible()
    axe(page, "application after the retry")
    screenshot("hardening-coordinator-copy-retried")


def test_coordinator_cannot_delete_an_answered_question_and_sees_the_changes(
    page, live_server, axe, screenshot
):
    coordinator = CoordinatorFactory(full_name="Zofia Koordynatorka")
    call = GrantCallFactory(draft=True, title="Deszczówka na osiedlu")
    CriterionFactory(call=call)
    district = CallQuestion.objects.create(
        call=call,
        label="Z jakiej dzielnicy jesteście?",
        kind=QuestionKind.CHOICE,
        choices="Wola\nMokotów",
        position=0,
    )
    done = CallQuestion.objects.create(
        call=call, label="Co już zrobiliście?", kind=QuestionKind.LONG_TEXT, position=1
    )
    call_publish(call=call, by=coordinator)
    draft = complete_draft(call=call)
    application_answers_save(application=draft, answers={district.pk: "Wola"})
    base = live_server.url
    log_in(page, base, coordinator.email)

    page.goto(base + reverse("manage:call_parts", args=[call.pk, "questions"]))
    expect(page.locator("#parts-0-uses")).to_contain_text("Wykorzystano już w 1 wniosku")
    expect(page.locator("#id_parts-0-DELETE")).to_have_count(0)
    # While the coordinator reads, an applicant answers the second question too.
    application_answers_save(
        application=draft, answers={district.pk: "Wola", done.pk: "Posprzątaliśmy park."}
    )
    page.locator("#id_parts-1-DELETE").check()
    page.locator("#id_parts-0-help_text").fill("Wybierz jedną.")
    page.get_by_role("button", name="Zapisz zmiany").click()
    expect(page.locator("#form-errors")).to_contain_text(
        "„Co już zrobiliście?” wykorzystano już w 1 wniosku, więc tej pozycji nie można usunąć."
    )
    expect(page.locator("#parts-1-uses")).to_contain_text("Wykorzystano już w 1 wniosku")
    expect(page.locator("#id_parts-0-help_text")).to_have_value("Wybierz jedną.")  # kept
    assert CallQuestion.objects.filter(pk=done.pk).exists()
    axe(page, "call parts: deletion refused")
    screenshot("hardening-call-parts-refused")

    # The wording can still be fixed, and the fix is on record.
    page.locator("#id_parts-0-label").fill("W jakiej dzielnicy działacie?")
    page.get_by_role("button", name="Zapisz zmiany").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    history = page.locator("#history-heading + ol")
    expect(history).to_contain_text("Zofia Koordynatorka")
    expect(history.locator("del").first).to_have_text("Z jakiej dzielnicy jesteście?")
    expect(history.locator("ins").first).to_have_text("W jakiej dzielnicy działacie?")
    axe(page, "call parts with history")
    screenshot("hardening-call-parts-history")


def test_coordinator_archives_a_decided_call_and_everyone_finds_it_in_the_archive(
    page, live_server, axe, screenshot
):
    coordinator = CoordinatorFactory()
    GrantCallFactory(title="Zielone dachy 2027")  # still open
    call = call_with_criteria(title="Deszczówka na osiedlu 2026")
    awarded = accepted_application(call)
    call_close(call=call, by=coordinator)
    decision_record(
        application=awarded,
        outcome=DecisionOutcome.AWARDED,
        amount=awarded.requested_amount,
        by=coordinator,
    )
    results_publish(call=call, by=coordinator)
    award_accept(decision=Decision.objects.get(application=awarded), by=awarded.applicant)
    call.refresh_from_db()
    assert call.status == CallStatus.DECIDED
    base = live_server.url
    log_in(page, base, coordinator.email)

    page.goto(base + reverse("manage:home"))
    decided_row = page.locator("#calls tr", has_text="Deszczówka na osiedlu 2026")
    expect(decided_row).to_contain_text("Opublikowano wyniki")
    expect(page.locator("#calls tr", has_text="Zielone dachy 2027")).to_contain_text("Trwa nabór")
    axe(page, "call list")
    screenshot("hardening-call-list")
    decided_row.get_by_role("link", name=re.compile("^Archiwizuj")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zarchiwizować nabór")
    axe(page, "archive page")
    screenshot("hardening-call-archive")
    page.get_by_role("button", name="Zarchiwizuj nabór").click()

    expect(page.locator(".alert-success").first).to_be_visible()
    call.refresh_from_db()
    assert call.status == CallStatus.ARCHIVED
    page.goto(base + reverse("manage:home"))
    expect(page.locator("#archived-calls")).to_contain_text("Deszczówka na osiedlu 2026")
    expect(page.locator("#calls")).not_to_contain_text("Deszczówka na osiedlu 2026")
    axe(page, "call list with the archive")
    screenshot("hardening-call-list-archived")

    page.context.clear_cookies()
    page.goto(base + "/")
    archive = page.locator("section", has=page.locator("#archived-calls-heading"))
    expect(archive.get_by_role("link", name="Deszczówka na osiedlu 2026")).to_be_visible()
    axe(page, "home with the archive")
    screenshot("hardening-home-archive")


# --- 4. reviewer invitations ------------------------------------------------------------------


def invite(call, email: str, by, *, days_ago: int = 0) -> str:
    """Invite `email` to review (`days_ago` days ago); the link its e-mail carried."""
    mail.outbox.clear()
    pool_invite(call=call, emails=[email], by=by)
    (message,) = mail.outbox
    if days_ago:
        sent = timezone.now() - timedelta(days=days_ago)
        Invitation.objects.filter(call=call, email=email).update(
            invited_at=sent, expires_at=invitation_expiry(sent)
        )
    return invitation_link(message)


def test_reviewer_invitations_expire_and_the_coordinator_sends_one_again(
    page, live_server, axe, screenshot
):
    coordinator = CoordinatorFactory(full_name="Ewa Zielińska", email="ewa@example.org")
    reviewing = call_with_criteria(title="Klimat na podwórku 2027")
    decided = call_with_criteria(title="Deszczówka na osiedlu 2026")
    expired_link = invite(reviewing, "nowa.recenzentka@example.org", coordinator, days_ago=20)
    late_link = invite(decided, "spozniony@example.org", coordinator)
    call_close(call=decided, by=coordinator)
    call_decide(call=decided, by=coordinator)
    base = live_server.url

    page.goto(base + expired_link)
    refused = page.locator("#invitation-refused")
    expect(refused).to_contain_text("Zaproszenie wygasło")
    expect(refused).to_contain_text("Ewa Zielińska (ewa@example.org)")
    expect(page.locator("main").get_by_role("link", name="Załóż konto")).to_have_count(0)
    axe(page, "expired invitation")
    screenshot("hardening-invitation-expired")

    page.goto(base + late_link)
    expect(page.locator("#invitation-refused")).to_contain_text(
        "Ocena wniosków w tym naborze już się zakończyła"
    )
    axe(page, "invitation to a decided call")
    screenshot("hardening-invitation-call-decided")

    log_in(page, base, coordinator.email)
    page.goto(base + reverse("review_manage:pool", args=[reviewing.pk]))
    expired = page.locator("#expired-invitations-heading + p + ul")
    expect(expired).to_contain_text("nowa.recenzentka@example.org")
    expect(page.locator("#invitations-heading + p")).to_contain_text("zaproszenia poniżej wygasły")
    axe(page, "pool with an expired invitation")
    screenshot("hardening-pool-expired")
    mail.outbox.clear()
    expired.get_by_role("button", name=re.compile("^Wyślij ponownie")).click()
    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.locator("#invitations-heading + ul")).to_contain_text(
        "nowa.recenzentka@example.org"
    )
    expect(page.locator("#expired-invitations-heading")).to_have_count(0)
    (message,) = mail.outbox
    assert message.to == ["nowa.recenzentka@example.org"]
    axe(page, "pool after sending again")
    screenshot("hardening-pool-sent-again")

    page.context.clear_cookies()
    page.goto(base + invitation_link(message))
    expect(page.locator("#invitation-refused")).to_have_count(0)
    expect(page.locator("main").get_by_role("link", name="Załóż konto")).to_be_visible()


# --- 5. after publication: final reviews and a recorded correction ------------------------------


def test_coordinator_corrects_a_final_review_and_the_applicant_gets_a_corrected_letter(
    page, live_server, axe, screenshot
):
    coordinator = CoordinatorFactory()
    call = call_with_criteria(reviewers_per_application=2, title="Deszczówka na osiedlu")
    application = accepted_application(call, texts={"title": "Ogród deszczowy przy szkole"})
    reviewers_in_pool(call, 2)
    call_close(call=call, by=coordinator)
    assign_all(call)
    first, second = ReviewAssignment.objects.filter(application=application).order_by("pk")
    submit_review(first, {"Pomysł": 8, "Budżet": 4})
    low = submit_review(second, {"Pomysł": 6, "Budżet": 3})  # totals 80 and 60: final 70
    application.refresh_from_db()
    decision_record(
        application=application,
        outcome=DecisionOutcome.AWARDED,
        amount=application.requested_amount,
        by=coordinator,
    )
    results_publish(call=call, by=coordinator)
    base = live_server.url

    # The reviewer reads the review: final, corrected only by the coordinator.
    log_in(page, base, second.reviewer.email)
    page.goto(base + reverse("reviews:assignment", args=[second.pk]))
    expect(page.locator("[data-review-final]")).to_contain_text("recenzja jest ostateczna")
    expect(page.locator("main form")).to_have_count(0)
    axe(page, "final review")
    screenshot("hardening-review-final")

    # The coordinator corrects it: a reason is required.
    as_user(page, base, coordinator.email)
    page.goto(base + reverse("review_manage:application", args=[application.pk]))
    name = second.reviewer.display_name
    page.get_by_role("link", name=f"Popraw recenzję ({name}) i wydaj poprawione pismo").click()
    criteria = {c.name: c for c in call.criteria.all()}
    page.locator(f"#id_points_{criteria['Pomysł'].pk}").fill("10")
    page.locator(f"#id_points_{criteria['Budżet'].pk}").fill("5")
    submit = page.get_by_role("button", name=re.compile("^Popraw recenzję"))
    submit.click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator(f"#id_points_{criteria['Pomysł'].pk}")).to_have_value("10")  # kept
    axe(page, "correction without a reason")
    screenshot("hardening-review-correction")
    page.locator("#id_reason").fill(
        "Recenzentka pomyliła kryteria: punkty za budżet wpisała przy pomyśle."
    )
    submit.click()
    expect(page.locator(".alert-success").first).to_be_visible()
    low.refresh_from_db()
    assert low.total == 100
    assert list(DecisionLetter.objects.values_list("version", flat=True).order_by("version")) == [
        1,
        2,
    ]

    # The applicant: the corrected score and the corrected letter.
    as_user(page, base, application.applicant.email)
    page.goto(base + reverse("decisions_applicant:decision", args=[application.pk]))
    expect(page.locator("#scores-heading + p")).to_have_text("Ocena: 90,00 na 100.")
    letter = page.get_by_role("link", name=re.compile("^Pobierz pismo"))
    expect(page.locator("[data-letter-replaced]")).to_contain_text("wersja 2")
    axe(page, "decision after a correction")
    screenshot("hardening-decision-corrected")
    with page.expect_download() as download:
        letter.click()
    newest = DecisionLetter.objects.get(version=2)
    with open(download.value.path(), "rb") as pdf, newest.pdf.open("rb") as kept:
        assert pdf.read() == kept.read()


# --- 6. a draft award lapses when the applicant withdraws ----------------------------------------


def test_withdrawal_after_a_draft_award_frees_the_money_on_the_decisions_page(
    page, live_server, axe, screenshot
):
    coordinator = CoordinatorFactory()
    call = GrantCallFactory(total_budget=Decimal("6000"), title="Deszczówka na osiedlu")
    first, second, _waiting = (ranked_application(call, score=score) for score in (90, 80, 70))
    for application in (first, second):
        decision_record(
            application=application,
            outcome=DecisionOutcome.AWARDED,
            amount=Decimal("3000"),
            by=coordinator,
        )
    base = live_server.url

    log_in(page, base, first.applicant.email)
    page.goto(base + first.get_absolute_url())
    page.get_by_role("link", name="Wycofaj wniosek").click()
    page.get_by_role("button", name="Tak, wycofaj").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    first.refresh_from_db()
    assert first.status == ApplicationStatus.WITHDRAWN

    as_user(page, base, coordinator.email)
    page.goto(base + reverse("decisions:call", args=[call.pk]))
    expect(page.locator("[data-lapsed-hint]")).to_contain_text(
        "3\u00a0000,00\u00a0zł znów jest do rozdysponowania"
    )
    lapsed = page.locator(f"#lapsed-{first.pk}")
    expect(lapsed).to_contain_text(first.reference_number)
    expect(lapsed).to_contain_text("znów jest do rozdysponowania")
    axe(page, "decisions with a lapsed award")
    screenshot("hardening-decisions-lapsed")
    page.locator("[data-lapsed-hint]").get_by_role("link").click()
    expect(lapsed).to_be_in_viewport()


# --- 7. a letter text nested too deeply --------------------------------------------------------


def test_coordinator_types_a_letter_nested_too_deeply_and_keeps_the_text(
    page, live_server, axe, screenshot
):
    call = call_with_criteria(title="Deszczówka na osiedlu")
    base = live_server.url
    log_in(page, base, CoordinatorFactory().email)
    page.goto(base + reverse("decisions:letter_templates", args=[call.pk]))
    page.goto(base + reverse("decisions:letter_template_edit", args=[call.pk, "award", "pl"]))
    typed = "Dzień dobry, {{ applicant }}!\n\n" + "> " * 30 + "Gratulacje"
    page.locator("#id_body").fill(typed)
    page.get_by_role("button", name="Zapisz", exact=True).click()
    expect(page.locator("#div_id_body")).to_contain_text("zagnieżdżone zbyt głęboko")
    expect(page.locator("#id_body")).to_have_value(typed)
    assert not call.letter_templates.exists()
    axe(page, "letter text refused")
    screenshot("hardening-letter-template-nested")


# --- 8. my data ----------------------------------------------------------------------------


def test_applicant_downloads_their_data_and_reads_what_deletion_does(
    page, live_server, axe, screenshot
):
    user = UserFactory(email="zosia@example.org", full_name="Zofia Zielińska")
    submitted_application(call=GrantCallFactory(title="Deszczówka na osiedlu"), user=user)
    complete_draft(call=GrantCallFactory(title="Zielone dachy"), user=user)
    base = live_server.url
    log_in(page, base, user.email)

    page.locator(".navbar .dropdown-toggle").click()
    page.get_by_role("link", name="Moje dane").click()
    axe(page, "my data")
    screenshot("hardening-my-data")
    with page.expect_download() as download:
        page.get_by_role("button", name="Pobierz moje dane (ZIP)").click()
    assert download.value.suggested_filename.endswith(".zip")
    with open(download.value.path(), "rb") as archive:
        names = zipfile.ZipFile(io.BytesIO(archive.read())).namelist()
    assert "data.json" in names
    assert any(name.startswith("versions/") and name.endswith(".pdf") for name in names)

    page.get_by_role("link", name="Usuń moje konto…").click()
    expect(page.get_by_role("heading", name="Usunięte na zawsze")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Zielone dachy")  # the draft, deleted
    expect(main).to_contain_text("Deszczówka na osiedlu")  # the submitted one, withdrawn
    axe(page, "account deletion")
    screenshot("hardening-account-delete")
    page.get_by_label(re.compile("Twój adres e-mail")).fill("ktos@example.org")
    page.get_by_role("button", name="Usuń moje konto na zawsze").click()
    expect(page.locator("#div_id_email")).to_contain_text("To nie jest adres")
    axe(page, "account deletion with a wrong address")
