"""The coordinators' list of a call's grants: where each stands and whom it waits for, filters,
search, pages, downloads, bulk actions and a fixed number of queries."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind
from grants.tests.factories import GrantCallFactory
from projects import bulk
from projects.enums import GrantState
from projects.tests.factories import GrantFactory
from projects.tests.progress_rows import add_bank_account, add_signatories, grant_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return GrantCallFactory(slug="zielone-granty")


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory())
    return client


def list_url(call, query=""):
    url = reverse("projects_manage:grants", kwargs={"pk": call.pk})
    return f"{url}?{query}" if query else url


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def waiting_cell(response, grant) -> str:
    """The text of the grant's "waiting for" cell."""
    html = response.content.decode()
    row = html.split(f'data-grant-row="{grant.pk}"', 1)[1].split("</tr>", 1)[0]
    cell = row.split("data-waiting=", 1)[1].split("</td>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", cell.split(">", 1)[1]).split())


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("new", "Grantobiorcę budżet do potwierdzenia, konto bankowe, osoby podpisujące"),
        ("ready", "Koordynatora umowa do wysłania"),
        ("sent", "Podpisujących podpisała 0 z 1 osoby"),
        ("signed_by_grantee", "Koordynatora kontrasygnata"),
        ("payment_due", "Koordynatora wypłata do zrobienia"),
        ("account_change", "Koordynatora zmiana konta do potwierdzenia"),
        ("active", "Grantobiorcę dokumenty na bieżąco"),
        ("terminated", "—"),
    ],
)
def test_grant_list_says_whom_each_grant_waits_for_and_what(
    coordinator_client, call, stage, expected
):
    grant = grant_at(stage, application__call=call)
    response = coordinator_client.get(list_url(call))
    assert response.status_code == 200
    assert waiting_cell(response, grant) == expected


def test_grant_list_names_only_what_the_grantee_still_owes(coordinator_client, call):
    grant = GrantFactory(application__call=call, amount=Decimal("2500.00"))  # less than asked
    add_bank_account(grant)
    add_signatories(grant, 3)
    response = coordinator_client.get(list_url(call))
    assert waiting_cell(response, grant) == "Grantobiorcę budżet do potwierdzenia"


def test_grant_list_shows_columns_a_coordinator_reads(coordinator_client, call):
    grant = grant_at(
        "sent",
        application__call=call,
        application__applicant_kind=ApplicantKind.NGO,
        application__applicant_name="Fundacja Zielony Płock",
        title="Ogród deszczowy",
        amount=Decimal("2750.50"),
    )
    page = page_text(coordinator_client.get(list_url(call)))
    assert grant.reference_number in page
    assert "Ogród deszczowy" in page
    assert "Fundacja Zielony Płock" in page
    with translation.override("pl"):
        assert str(ApplicantKind.NGO.label) in page
    assert "2 750,50 zł" in page.replace("\xa0", " ")
    assert "Umowa wysłana" in page
    assert grant.signing_deadline.strftime("%Y") in page


def test_grant_list_filters_by_state_kind_and_whom_it_waits_for(coordinator_client, call):
    new = grant_at("new", application__call=call, application__applicant_kind=ApplicantKind.GROUP)
    ready = grant_at("ready", application__call=call)
    sent = grant_at("sent", application__call=call)
    due = grant_at("payment_due", application__call=call)

    def listed(query):
        html = coordinator_client.get(list_url(call, query)).content.decode()
        return {g.pk for g in (new, ready, sent, due) if f'data-grant-row="{g.pk}"' in html}

    assert listed("state=sent") == {sent.pk}
    assert listed("grantee_kind=group") == {new.pk}
    assert listed("waiting=coordinator") == {ready.pk, due.pk}
    assert listed("waiting=grantee") == {new.pk}
    assert listed("waiting=signatories") == {sent.pk}
    assert listed("waiting=coordinator&state=to_prepare") == {ready.pk}
    # An unknown value is a form error, and that filter is left out.
    response = coordinator_client.get(list_url(call, "state=nonsense"))
    assert response.status_code == 200
    assert listed("state=nonsense") == {new.pk, ready.pk, sent.pk, due.pk}


def test_grant_list_search_finds_reference_title_and_grantee(coordinator_client, call):
    kept = GrantFactory(application__call=call, title="Łąka kwietna", grantee_name="Zofia Łęcka")
    other = GrantFactory(application__call=call, title="Rowerownia")
    for query in ("q=laka", "q=LECKA", f"q={kept.reference_number}"):
        html = coordinator_client.get(list_url(call, query)).content.decode()
        assert f'data-grant-row="{kept.pk}"' in html
        assert f'data-grant-row="{other.pk}"' not in html
    page = page_text(coordinator_client.get(list_url(call, "q=nic-takiego")))
    assert "Żaden grant nie pasuje do tych filtrów." in page


def test_grant_list_pages_fifty_grants_at_a_time(coordinator_client, call):
    GrantFactory.create_batch(51, application__call=call)
    first = coordinator_client.get(list_url(call)).content.decode()
    second = coordinator_client.get(list_url(call, "page=2")).content.decode()
    assert first.count("data-grant-row=") == 50
    assert second.count("data-grant-row=") == 1
    assert "z 51" in " ".join(first.split())


def test_grant_list_csv_has_every_filtered_grant_with_whom_it_waits_for(coordinator_client, call):
    GrantFactory.create_batch(52, application__call=call)
    due = grant_at("payment_due", application__call=call, amount=Decimal("1234.50"))
    response = coordinator_client.get(list_url(call, "page=2&export=csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="zielone-granty-granty.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = read_csv(response)
    assert len(rows) == 1 + 53
    assert rows[0][:3] == ["Numer wniosku", "Projekt", "Grantobiorca"]
    row = next(r for r in rows if r[0] == due.reference_number)
    assert row[4] == "1234,50"
    assert row[6:8] == ["Koordynatora", "wypłata do zrobienia"]

    only_due = read_csv(coordinator_client.get(list_url(call, "waiting=coordinator&export=csv")))
    assert [r[0] for r in only_due[1:]] == [due.reference_number]


def test_grant_list_xlsx_has_the_filtered_grants_with_amounts_as_numbers(coordinator_client, call):
    grant = grant_at("ready", application__call=call, amount=Decimal("999.99"))
    GrantFactory(application__call=call, state=GrantState.TERMINATED)
    response = coordinator_client.get(list_url(call, "state=to_prepare&export=xlsx"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == grant.reference_number
    assert rows[1][4] == pytest.approx(999.99)
    assert rows[1][6:8] == ("Koordynatora", "umowa do wysłania")


def test_grant_list_bulk_export_selected_downloads_only_the_ticked_grants_of_the_call(
    coordinator_client, call
):
    first, second, third = (GrantFactory(application__call=call) for _ in range(3))
    foreign = GrantFactory()  # another call's grant: never exported through this list
    response = coordinator_client.post(
        list_url(call),
        {"action": "export_selected", "grants": [first.pk, third.pk, foreign.pk, "x"]},
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == sorted([first.reference_number, third.reference_number])
    assert second.reference_number not in numbers


def test_grant_list_bulk_action_without_a_selection_says_so(coordinator_client, call):
    GrantFactory(application__call=call)
    response = coordinator_client.post(list_url(call), {"action": "export_selected"}, follow=True)
    assert "Najpierw zaznacz co najmniej jeden grant." in page_text(response)
    response = coordinator_client.post(list_url(call), {"action": "nope"}, follow=True)
    assert "Wybierz, co zrobić z zaznaczonymi grantami." in page_text(response)


def test_grant_list_runs_a_registered_bulk_action_and_shows_its_message(coordinator_client, call):
    grants = [GrantFactory(application__call=call) for _ in range(2)]
    seen = {}

    def remind(selected, by):
        seen["grants"], seen["by"] = [g.pk for g in selected], by
        return f"Przypomniano: {len(selected)}"

    bulk.register_bulk_action("remind", label="Przypomnij", run=remind)
    try:
        page = page_text(coordinator_client.get(list_url(call)))
        assert 'value="remind"' in page and "Przypomnij" in page
        response = coordinator_client.post(
            list_url(call), {"action": "remind", "grants": [g.pk for g in grants]}, follow=True
        )
    finally:
        bulk._actions.pop("remind")
    assert "Przypomniano: 2" in page_text(response)
    assert sorted(seen["grants"]) == sorted(g.pk for g in grants)


@pytest.mark.parametrize("count", [1, 30])
def test_grant_list_queries_do_not_grow_with_the_grants(
    coordinator_client, call, count, django_assert_max_num_queries
):
    stages = ["new", "ready", "sent", "signed_by_grantee", "payment_due", "account_change"]
    for n in range(count):
        grant_at(stages[n % len(stages)], application__call=call)
    with django_assert_max_num_queries(12):
        response = coordinator_client.get(list_url(call))
    assert response.content.decode().count("data-grant-row=") == count


@pytest.mark.parametrize("who", ["grantee", "reviewer", "anonymous"])
def test_grant_list_and_its_downloads_are_for_coordinators_only(client, call, who):
    grant = GrantFactory(application__call=call)
    if who == "grantee":
        client.force_login(grant.application.applicant)
    elif who == "reviewer":
        client.force_login(UserFactory())
    for response in (
        client.get(list_url(call)),
        client.get(list_url(call, "export=csv")),
        client.post(list_url(call), {"action": "export_selected", "grants": [grant.pk]}),
    ):
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403
        assert grant.reference_number.encode() not in response.content


def test_waiting_for_counts_signatures_once_they_are_recorded_per_person():
    # A part recording signatures per person annotates "signed_count"; the list then says
    # how many of the signatories have signed.
    from projects.progress import GrantProgress, waiting_for

    progress = GrantProgress(
        state=GrantState.AGREEMENT_SENT,
        budget_confirmed=True,
        signatories=3,
        bank_account=True,
        bank_account_change_pending=False,
        agreement_state="sent",
        countersigned=False,
        payments_due=0,
        signed=2,
    )
    with translation.override("pl"):
        waiting = waiting_for(progress)
        assert (str(waiting.whom_label), waiting.what) == (
            "Podpisujących",
            ["podpisało 2 z 3 osób"],
        )


def test_grant_list_shows_the_signing_deadline_only_while_signatures_are_awaited(
    coordinator_client, call
):
    sent = grant_at("sent", application__call=call)
    paid = grant_at("payment_due", application__call=call)
    paid.signing_deadline = sent.signing_deadline
    paid.save(update_fields=["signing_deadline"])
    page = coordinator_client.get(list_url(call)).content.decode()
    rows = {
        grant.pk: page.split(f'data-grant-row="{grant.pk}"')[1].split("</tr>")[0]
        for grant in (sent, paid)
    }
    assert "—" not in rows[sent.pk].split("<td")[-1]
    assert "—" in rows[paid.pk].split("<td")[-1]
