"""The open-data export of a call's grants (360Giving): the standard's shape and required
fields, which grants belong, and no personal names of people or informal groups."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from applicants.enums import ApplicantKind
from grants.models import GrantCall
from grants.tests.factories import GrantCallFactory
from projects.enums import GrantState
from projects.open_data import CSV_COLUMNS, record_problems
from projects.tests.factories import accepted_grants
from projects.tests.outcome_rows import closed_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_kinds():
    """A person, an informal group (with members) and an NGO with its KRS, in one call."""
    grants = accepted_grants(
        kinds=[
            {"kind": ApplicantKind.INDIVIDUAL, "applicant_name": "Zofia Tajemnicza"},
            {
                "kind": ApplicantKind.GROUP,
                "applicant_name": "Grupa Pani Marty Sekretnej",
                "members": [{"full_name": "Marta Sekretna", "age": 17}],
            },
            {
                "kind": ApplicantKind.NGO,
                "applicant_name": "Fundacja Zielone Miasto",
                "krs": "0000123456",
                "amount": "2500.00",
            },
        ]
    )
    GrantCall.objects.filter(pk=grants[0].call_id).update(public_results=True)
    return grants


def _json(client, call):
    response = client.get(reverse("projects_public:open_data_json", kwargs={"slug": call.slug}))
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def _csv(client, call) -> list[dict]:
    response = client.get(reverse("projects_public:open_data_csv", kwargs={"slug": call.slug}))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_open_data_json_is_a_360giving_package_whose_grants_have_every_required_field(
    client, three_kinds
):
    package = _json(client, three_kinds[0].call)

    assert set(package) == {"grants"}
    assert len(package["grants"]) == 3
    for record in package["grants"]:
        assert record_problems(record) == [], record["id"]
        assert record["currency"] == "PLN"
        assert isinstance(record["amountAwarded"], float)
        assert record["id"].startswith(f"360G-mikrogranty-{three_kinds[0].call.slug}-")
        assert record["beneficiaryLocation"] == [{"name": "Warszawa", "countryCode": "PL"}]
        assert record["dataSource"].endswith("/360giving.json")
    assert sorted(r["amountAwarded"] for r in package["grants"]) == [2500.0, 3000.0, 3000.0]


def test_open_data_names_organisations_but_never_people_or_informal_groups(client, three_kinds):
    call = three_kinds[0].call
    package = _json(client, call)
    rows = _csv(client, call)

    by_kind = {grant.grantee_kind: grant for grant in three_kinds}
    assert len({record["id"] for record in package["grants"]}) == 3
    organisations = [r for r in package["grants"] if "recipientOrganization" in r]
    individuals = [r for r in package["grants"] if "recipientIndividual" in r]
    assert organisations[0]["recipientOrganization"] == [
        {"id": "PL-KRS-0000123456", "name": "Fundacja Zielone Miasto"}
    ]
    assert len(individuals) == 2
    for record in individuals:
        assert record["recipientIndividual"]["name"] == "Individual Recipient"
        assert record["recipientIndividual"]["id"].startswith("360G-mikrogranty-IND-")
    everything = json.dumps(package, ensure_ascii=False) + json.dumps(rows, ensure_ascii=False)
    for secret in ("Zofia Tajemnicza", "Marta Sekretna", "Grupa Pani Marty Sekretnej"):
        assert secret not in everything
    for grant in (by_kind[ApplicantKind.INDIVIDUAL], by_kind[ApplicantKind.GROUP]):
        assert grant.application.applicant.email not in everything
    assert "Fundacja Zielone Miasto" in everything


def test_open_data_csv_has_the_standards_columns_and_a_row_per_grant(client, three_kinds):
    rows = _csv(client, three_kinds[0].call)

    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 3
    assert {row["Currency"] for row in rows} == {"PLN"}
    assert sorted(Decimal(row["Amount Awarded"]) for row in rows) == [
        Decimal("2500.00"),
        Decimal("3000.00"),
        Decimal("3000.00"),
    ]


def test_open_data_leaves_out_terminated_grants(client):
    call = GrantCallFactory(public_results=True)
    kept = closed_grant(call=call)
    closed_grant(call=call, state=GrantState.TERMINATED)

    package = _json(client, call)

    assert [record["title"] for record in package["grants"]] == [kept.title]


def test_open_data_uses_the_configured_prefix(client, settings):
    settings.OPEN_DATA_PREFIX = "360G-zielonemiasto"
    call = GrantCallFactory(public_results=True)
    closed_grant(call=call)

    record = _json(client, call)["grants"][0]

    assert record["id"].startswith(f"360G-zielonemiasto-{call.slug}-")
    assert record["recipientIndividual"]["id"].startswith("360G-zielonemiasto-IND-")


def test_open_data_is_404_when_the_call_publishes_no_results(client):
    call = GrantCallFactory(public_results=False)
    closed_grant(call=call)

    for name in ("open_data_json", "open_data_csv"):
        response = client.get(reverse(f"projects_public:{name}", kwargs={"slug": call.slug}))
        assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_open_data_keeps_its_queries_fixed(client, django_assert_max_num_queries, count):
    call = GrantCallFactory(public_results=True)
    for _ in range(count):
        closed_grant(call=call)

    with django_assert_max_num_queries(4):
        package = _json(client, call)

    assert len(package["grants"]) == count
    assert all(record_problems(record) == [] for record in package["grants"])


def test_record_problems_finds_a_missing_field_and_a_wrong_type():
    record = {
        "id": "360G-x-1",
        "title": "Ogród",
        "description": "",
        "currency": "EUR",
        "amountAwarded": "3000",
        "awardDate": "7 grudnia 2026",
        "fundingOrganization": [{"id": "360G-x", "name": "Operator"}],
        "recipientIndividual": {"id": "360G-x-IND-1", "name": "Individual Recipient"},
        "dateModified": "2026-12-07T10:00:00+01:00",
    }

    assert record_problems(record) == [
        "description is missing",
        "amountAwarded is not a number",
        "currency is not PLN",
        "awardDate is not an ISO date",
    ]


def test_open_data_describes_people_and_groups_by_their_title_only(client, three_kinds):
    from applicants.models import Application

    for grant in three_kinds:
        Application.objects.filter(pk=grant.application_id).update(
            summary=f"Z pomocą Marty Sekretnej ({grant.grantee_kind})."
        )
    package = _json(client, three_kinds[0].call)

    described = {
        ("recipientOrganization" in record): record["description"] for record in package["grants"]
    }
    assert described[True] == "Z pomocą Marty Sekretnej (ngo)."
    assert "Sekretnej" not in json.dumps(
        [r for r in package["grants"] if "recipientIndividual" in r], ensure_ascii=False
    )
