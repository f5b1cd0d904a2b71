"""The agreement's pages from outside: the grantee's budget and downloads, the coordinators'
terms, texts, issuing and withdrawing, and the documents' export."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from decisions.enums import LetterKind
from decisions.models import DecisionLetter
from projects.agreement_issuing import agreement_issue_now
from projects.agreements import agreement_withdraw
from projects.enums import GrantState
from projects.models import AgreementTemplate, CallGrantTerms
from projects.tests.factories import accepted_grant
from projects.tests.test_agreements import pdf_text, ready_grant

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def budget_post(lines: list[tuple[str, str, str, str]]) -> dict:
    """The budget formset's POST data: (item, quantity, unit cost, own contribution) per line."""
    data = {
        "budget-TOTAL_FORMS": str(len(lines)),
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "40",
    }
    for index, (item, quantity, unit_cost, own) in enumerate(lines):
        data.update(
            {
                f"budget-{index}-category": "materials",
                f"budget-{index}-item": item,
                f"budget-{index}-unit": "szt.",
                f"budget-{index}-quantity": quantity,
                f"budget-{index}-unit_cost": unit_cost,
                f"budget-{index}-own_contribution": own,
            }
        )
    return data


# --- The reduced award's budget ---------------------------------------------------------------


def test_grant_page_asks_the_grantee_of_a_reduced_award_to_fit_the_budget(client):
    grant = ready_grant(amount="2500.00")
    client.force_login(grant.application.applicant)
    page = page_text(client.get(grant.get_absolute_url()))
    assert "Dopasuj budżet do przyznanej kwoty" in page
    assert reverse("projects:budget", kwargs={"pk": grant.pk}) in page


def test_grant_budget_refuses_lines_that_do_not_add_up_to_the_award(client):
    grant = ready_grant(amount="2500.00")
    client.force_login(grant.application.applicant)
    url = reverse("projects:budget", kwargs={"pk": grant.pk})
    response = client.post(url, budget_post([("Rośliny", "10", "300", "0")]))
    assert response.status_code == 200
    page = page_text(response)
    assert "3 000,00 zł" in page and "2 500,00 zł" in page
    assert "Rośliny" in page  # what was typed stays
    grant.refresh_from_db()
    assert grant.budget_confirmed_at is None
    assert [line.item for line in grant.budget_lines.all()] == [
        "Sadzonki i ziemia",
        "Warsztaty z ogrodnikiem",
    ]


def test_grant_budget_refuses_an_own_contribution_below_the_calls_share(client):
    grant = ready_grant(amount="2500.00")
    grant.call.own_contribution_percent = Decimal("10")
    grant.call.save(update_fields=["own_contribution_percent"])
    client.force_login(grant.application.applicant)
    url = reverse("projects:budget", kwargs={"pk": grant.pk})
    response = client.post(url, budget_post([("Rośliny", "10", "260", "100")]))
    assert "co najmniej 10%" in page_text(response)
    grant.refresh_from_db()
    assert grant.budget_confirmed_at is None


def test_grant_budget_refuses_negative_numbers(client):
    grant = ready_grant(amount="2500.00")
    client.force_login(grant.application.applicant)
    url = reverse("projects:budget", kwargs={"pk": grant.pk})
    response = client.post(url, budget_post([("Rośliny", "10", "250", "-10")]))
    assert response.status_code == 200
    grant.refresh_from_db()
    assert grant.budget_confirmed_at is None


def test_grant_budget_confirmed_to_the_award_lets_the_agreement_be_issued(client):
    grant = ready_grant(amount="2500.00")
    client.force_login(grant.application.applicant)
    url = reverse("projects:budget", kwargs={"pk": grant.pk})
    response = client.post(
        url, budget_post([("Rośliny", "10", "150", "0"), ("Warsztaty", "5", "300", "500")])
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.budget_confirmed_at is not None
    agreement = agreement_issue_now(grant=grant, by=CoordinatorFactory())
    with agreement.pdf.open("rb") as stored:
        text = pdf_text(stored.read())
    assert "Warsztaty" in text and "2 500,00 zł" in text
    assert "dwa tysiące pięćset złotych 00/100" in text


def test_grant_budget_page_is_closed_when_the_award_was_not_reduced(client):
    grant = ready_grant()
    client.force_login(grant.application.applicant)
    url = reverse("projects:budget", kwargs={"pk": grant.pk})
    assert client.get(url).status_code == 302
    client.post(url, budget_post([("Rośliny", "10", "300", "0")]))
    grant.refresh_from_db()
    assert grant.budget_confirmed_at is None


@pytest.mark.parametrize("who", ["another applicant", "anonymous"])
def test_grant_budget_is_not_open_to_anyone_else(client, who):
    grant = ready_grant(amount="2500.00")
    if who != "anonymous":
        client.force_login(UserFactory())
    response = client.post(
        reverse("projects:budget", kwargs={"pk": grant.pk}),
        budget_post([("Rośliny", "10", "250", "0")]),
    )
    assert response.status_code == (302 if who == "anonymous" else 404)
    grant.refresh_from_db()
    assert grant.budget_confirmed_at is None


# --- Downloads ----------------------------------------------------------------------------------


@pytest.fixture
def issued():
    grant = ready_grant()
    return agreement_issue_now(grant=grant, by=CoordinatorFactory())


def test_agreement_download_gives_the_grantee_their_pdf_as_an_attachment(client, issued):
    client.force_login(issued.grant.application.applicant)
    response = client.get(
        reverse("projects:agreement_pdf", kwargs={"pk": issued.grant_id, "agreement_pk": issued.pk})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert issued.number.replace("/", "-") in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("who", ["another applicant", "a signatory", "anonymous"])
def test_agreement_download_is_not_found_for_anyone_else(client, issued, who):
    url = reverse(
        "projects:agreement_pdf", kwargs={"pk": issued.grant_id, "agreement_pk": issued.pk}
    )
    manage_url = reverse(
        "projects_manage:agreement_pdf",
        kwargs={"pk": issued.grant_id, "agreement_pk": issued.pk},
    )
    if who == "a signatory":
        client.force_login(UserFactory(email="jan@example.org"))
    elif who == "another applicant":
        client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == (302 if who == "anonymous" else 404)
    assert client.get(manage_url).status_code in (302, 403)


def test_agreement_download_for_coordinators_from_the_grant_page(client, issued):
    client.force_login(CoordinatorFactory())
    page = page_text(client.get(reverse("projects_manage:grant", kwargs={"pk": issued.grant_id})))
    url = reverse(
        "projects_manage:agreement_pdf", kwargs={"pk": issued.grant_id, "agreement_pk": issued.pk}
    )
    assert url in page
    assert issued.number in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


# --- Issuing and withdrawing from the pages -----------------------------------------------------


def test_coordinator_sees_why_the_agreement_cant_be_issued(client):
    grant = accepted_grant()
    client.force_login(CoordinatorFactory())
    page = page_text(client.get(reverse("projects_manage:grant", kwargs={"pk": grant.pk})))
    assert "Nikt nie jest wskazany do podpisania umowy" in page
    response = client.post(reverse("projects_manage:agreement_issue", kwargs={"pk": grant.pk}))
    assert response.status_code == 409
    assert "Nikt nie jest wskazany do podpisania umowy" in page_text(response)
    grant.refresh_from_db()
    assert grant.state == GrantState.AGREEMENT_TO_PREPARE


def test_coordinator_issues_then_withdraws_with_a_reason(
    client, django_capture_on_commit_callbacks
):
    grant = ready_grant()
    client.force_login(CoordinatorFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects_manage:agreement_issue", kwargs={"pk": grant.pk}))
    assert response.status_code == 302
    agreement = grant.agreements.get()
    withdraw = reverse(
        "projects_manage:agreement_withdraw", kwargs={"pk": grant.pk, "agreement_pk": agreement.pk}
    )
    assert client.post(withdraw, {"reason": ""}).status_code == 200  # a reason is needed
    assert client.post(withdraw, {"reason": "Błędny okres projektu"}).status_code == 302
    grant.refresh_from_db()
    assert grant.state == GrantState.AGREEMENT_TO_PREPARE
    client.force_login(grant.application.applicant)
    page = page_text(client.get(grant.get_absolute_url()))
    assert "Wycofane wersje" in page and agreement.number in page


def test_coordinator_preview_of_a_grants_agreement_is_a_marked_pdf(
    client, django_capture_on_commit_callbacks
):
    grant = ready_grant()
    client.force_login(CoordinatorFactory())
    with django_capture_on_commit_callbacks(execute=True):  # the task worker renders it
        asked = client.get(reverse("projects_manage:agreement_preview", kwargs={"pk": grant.pk}))
    response = client.get(asked.url)
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "Podgląd" in text
    assert not grant.agreements.exists()


@pytest.mark.parametrize("who", ["grantee", "anonymous"])
def test_agreement_issue_and_preview_are_for_coordinators_only(client, who):
    grant = ready_grant()
    if who == "grantee":
        client.force_login(grant.application.applicant)
    for name in ("agreement_issue", "agreement_preview"):
        url = reverse(f"projects_manage:{name}", kwargs={"pk": grant.pk})
        assert client.get(url).status_code in (302, 403)
    assert client.post(
        reverse("projects_manage:agreement_issue", kwargs={"pk": grant.pk})
    ).status_code in (302, 403)
    assert not grant.agreements.exists()


# --- The call's terms and texts -----------------------------------------------------------------


def terms_post(**changes) -> dict:
    data = {
        "allow_in_system": "on",
        "allow_scan": "on",
        "allow_electronic": "on",
        "group_members_may_sign": "on",
        "in_system_max_amount": "",
        "signing_days": "10",
        "advance_percent": "80",
        "final_report_days": "30",
        "line_tolerance_percent": "10",
        "document_sentence": "Opłacono z programu {programme}, umowa {number}.",
        "obligations": "- logo programu na plakatach",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_terms_page_saves_the_calls_terms(client):
    grant = ready_grant()
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:terms", kwargs={"pk": grant.call_id})
    assert client.post(url, terms_post()).status_code == 302
    terms = CallGrantTerms.objects.get(call=grant.call)
    assert terms.advance_percent == Decimal("80") and terms.signing_days == 10
    agreement = agreement_issue_now(grant=grant, by=CoordinatorFactory())
    with agreement.pdf.open("rb") as stored:
        text = pdf_text(stored.read())
    assert "2 400,00 zł" in text and "600,00 zł" in text  # 80/20
    assert "logo programu na plakatach" in text
    assert f"umowa {agreement.number}." in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"allow_in_system": None, "allow_scan": None, "allow_electronic": None},
            "Zezwól na co najmniej jeden sposób podpisania umowy.",
        ),
        ({"advance_percent": "120"}, "100"),
        ({"signing_days": "0"}, "1"),
        ({"document_sentence": "Umowa {numer}"}, "{numer}"),
        ({"obligations": "<script>alert(1)</script>"}, "Markdown"),
    ],
)
def test_terms_page_says_what_is_wrong_beside_the_field(client, changes, message):
    grant = ready_grant()
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:terms", kwargs={"pk": grant.call_id})
    response = client.post(url, terms_post(**changes))
    assert response.status_code == 200
    assert message in page_text(response)
    assert 'class="invalid-feedback' in response.content.decode()
    assert not CallGrantTerms.objects.filter(call=grant.call).exists()


def test_terms_page_is_for_coordinators_only(client):
    grant = ready_grant()
    url = reverse("projects_manage:terms", kwargs={"pk": grant.call_id})
    client.force_login(grant.application.applicant)
    assert client.get(url).status_code == 403
    assert client.post(url, terms_post()).status_code == 403
    assert not CallGrantTerms.objects.exists()


def test_agreement_text_saved_for_a_call_is_the_one_issued(client):
    grant = ready_grant()
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:agreement_text", kwargs={"pk": grant.call_id, "language": "pl"})
    assert "{{ grantee }}" in page_text(client.get(url))  # the placeholders are documented
    body = "## § 1\n\nUmowa dla {{ grantee }} na kwotę {{ amount }}, projekt **{{ title }}**."
    assert client.post(url, {"action": "save", "body": body}).status_code == 302
    agreement = agreement_issue_now(grant=grant, by=CoordinatorFactory())
    with agreement.pdf.open("rb") as stored:
        text = pdf_text(stored.read())
    assert f"Umowa dla {grant.grantee_name} na kwotę 3 000,00 zł" in text


def test_agreement_text_with_html_is_refused_and_kept_as_typed(client):
    grant = ready_grant()
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:agreement_text", kwargs={"pk": grant.call_id, "language": "pl"})
    response = client.post(url, {"action": "save", "body": "<b>Umowa</b>"})
    assert response.status_code == 200
    assert "&lt;b&gt;Umowa&lt;/b&gt;" in response.content.decode()
    assert not AgreementTemplate.objects.exists()


def test_agreement_text_preview_is_a_pdf_with_sample_values(
    client, django_capture_on_commit_callbacks
):
    grant = ready_grant()
    client.force_login(CoordinatorFactory())
    url = reverse("projects_manage:agreement_text", kwargs={"pk": grant.call_id, "language": "en"})
    with django_capture_on_commit_callbacks(execute=True):  # the task worker renders it
        asked = client.post(url, {"action": "preview", "body": "Agreement with {{ grantee }}."})
    response = client.get(asked.url)
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "Agreement with The “Green Yard” informal group." in text
    assert "PL61 1090 1014 0000 0712 1981 2874" in text
    assert not AgreementTemplate.objects.exists()


# --- The export -----------------------------------------------------------------------------------


def test_export_grant_documents_writes_letters_and_every_agreement_version(tmp_path, issued):
    coordinator = CoordinatorFactory()
    grant = issued.grant
    letter = DecisionLetter(
        decision=grant.decision,
        number=f"{grant.reference_number}/D1",
        language="pl",
        kind=LetterKind.AWARD,
        sha256="0" * 64,
        size=20,
    )
    letter.pdf.save("letter.pdf", ContentFile(b"%PDF-1.7 letter"), save=True)
    agreement_withdraw(agreement=issued, by=coordinator, reason="Korekta")
    grant.refresh_from_db()
    agreement_issue_now(grant=grant, by=coordinator)
    call_command("export_grant_documents", call=grant.call.slug, out=tmp_path)
    stem = grant.reference_number.replace("/", "-")
    names = sorted(path.name for path in tmp_path.iterdir())
    assert f"{stem}-U1.pdf" in names and f"{stem}-U2.pdf" in names
    assert f"{stem}-D1.pdf" in names  # the decision letter
    assert (tmp_path / f"{stem}-U1.pdf").read_bytes().startswith(b"%PDF")


def test_grant_page_queries_do_not_grow_with_agreement_versions(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordinator = CoordinatorFactory()
    grant = ready_grant()
    client.force_login(grant.application.applicant)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(grant.get_absolute_url()).status_code == 200
        return len(captured)

    agreement_withdraw(
        agreement=agreement_issue_now(grant=grant, by=coordinator), by=coordinator, reason="1"
    )
    one = queries()
    for _ in range(2):
        grant.refresh_from_db()
        agreement_withdraw(
            agreement=agreement_issue_now(grant=grant, by=coordinator), by=coordinator, reason="2"
        )
    assert queries() == one
