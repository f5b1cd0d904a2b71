"""The settlement's PDF, read back: the parties, the figures, plan vs spent, the documents, the
indicators, and what the grantee must do."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from accounts.tests.factories import CoordinatorFactory
from core.pdf_renders import pdf_claim, pdf_claim_release
from projects.enums import ReportState
from projects.models import Settlement
from projects.settlement_pdf import settlement_pdf_store
from projects.settlements import settlement_withdraw
from projects.tests.factories import active_grant
from projects.tests.settlement_helpers import final_report, spend

pytestmark = pytest.mark.django_db


def pdf_text(settlement) -> str:
    with settlement.pdf.open("rb") as source:
        reader = PdfReader(io.BytesIO(source.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_settlement_pdf_shows_parties_figures_plan_documents_indicators_and_the_return():
    grant = active_grant()
    spend(grant, number="FV/2027/05/17", l0=("1450.25", "0"))
    spend(grant, number="PAR 88/2027", ineligible="120", l1=("900", "300"))
    report = final_report(grant, state=ReportState.PARTIALLY_ACCEPTED)
    settlement = settlement_pdf_store(settlement_id=report.settlements.get().pk)
    text = pdf_text(settlement)
    # Its number and both parties.
    assert f"{grant.reference_number}/R1" in text
    assert grant.grantee_name in text and "Operator" in text
    # The figures: awarded, spent, not eligible, eligible, to return, by its date.
    assert settlement.return_amount == Decimal("769.75")
    for figure in ("3 000,00 zł", "2 350,25 zł", "120,00 zł", "2 230,25 zł", "769,75 zł"):
        assert figure in text, figure
    assert str(settlement.return_due_on.year) in text
    assert "rachunek Operatora wskazany w umowie" in text
    # Plan vs spent per line, the documents, the indicators.
    for line in grant.budget_lines.all():
        assert line.item in text
    assert "1 450,25 zł" in text
    assert "FV/2027/05/17" in text and "PAR 88/2027" in text
    assert "uczestnicy warsztatów" in text and "37 osób" in text
    # Stored once: a second run finds it.
    again = settlement_pdf_store(settlement_id=settlement.pk)
    assert again.sha256 == settlement.sha256 and again.pdf.name == settlement.pdf.name


def test_settlement_pdf_of_a_balanced_grant_with_the_last_instalment():
    grant = active_grant(advance="80")
    spend(grant, l0=("1500", "0"), l1=("1500", "0"))
    settlement = settlement_pdf_store(settlement_id=final_report(grant).settlements.get().pk)
    text = pdf_text(settlement)
    assert "600,00 zł" in text
    assert "ostatnią transzę" in text


def test_settlement_pdf_of_the_corrected_version_is_r2():
    grant = active_grant()
    first = final_report(grant).settlements.get()
    second = settlement_withdraw(settlement=first, by=CoordinatorFactory(), reason="korekta")
    text = pdf_text(settlement_pdf_store(settlement_id=second.pk))
    assert f"{grant.reference_number}/R2" in text


def test_export_grant_documents_writes_every_settlement_version(tmp_path):
    grant = active_grant()
    first = final_report(grant).settlements.get()
    settlement_withdraw(settlement=first, by=CoordinatorFactory(), reason="korekta")
    call_command("export_grant_documents", call=grant.call.slug, out=tmp_path)
    stem = grant.reference_number.replace("/", "-")
    for version in ("R1", "R2"):
        assert (tmp_path / f"{stem}-{version}.pdf").read_bytes().startswith(b"%PDF")


def test_export_grant_documents_leaves_out_and_names_a_settlement_a_worker_is_still_rendering(
    tmp_path,
):
    """The export never opens a PDF that is not stored yet: it writes everything finished, names
    what is still being prepared and fails, so the folder is not taken for the whole call."""
    grant = active_grant()
    first = final_report(grant).settlements.get()
    second = settlement_withdraw(settlement=first, by=CoordinatorFactory(), reason="korekta")
    assert pdf_claim(Settlement.objects, pk=second.pk)  # a worker is rendering it now

    with pytest.raises(CommandError, match=second.number):
        call_command("export_grant_documents", call=grant.call.slug, out=tmp_path, wait=0)

    stem = grant.reference_number.replace("/", "-")
    assert (tmp_path / f"{stem}-R1.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / f"{stem}-R2.pdf").exists()


def test_export_grant_documents_waits_for_a_settlement_a_worker_finishes(tmp_path, monkeypatch):
    grant = active_grant()
    settlement = final_report(grant).settlements.get()
    assert pdf_claim(Settlement.objects, pk=settlement.pk)

    def the_worker_finishes(seconds):
        # The worker rendering it stores it while the export waits (its claim is its own).
        pdf_claim_release(Settlement.objects, pk=settlement.pk)
        settlement_pdf_store(settlement_id=settlement.pk)

    monkeypatch.setattr("projects.settlement_pdf.sleep", the_worker_finishes)
    call_command("export_grant_documents", call=grant.call.slug, out=tmp_path, wait=60)

    stem = grant.reference_number.replace("/", "-")
    stored = Settlement.objects.get(pk=settlement.pk)
    with stored.pdf.open("rb") as source:
        assert (tmp_path / f"{stem}-R1.pdf").read_bytes() == source.read()
