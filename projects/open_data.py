"""A call's grants as open data in the 360Giving Data Standard (CSV and JSON), streamed.

Which grants: every grant of a call that publishes its results, except terminated ones.
A grant exists only once its award was published and accepted by the grantee
(decisions.signals.award_accepted), so these are the published, accepted awards the
funder stands behind; a terminated grant's agreement ended before its money was spent
and is left out.

Privacy: an organisation (NGO) is a recipientOrganization with its name (PL-KRS-<KRS>
when known). A person or an informal group is a recipientIndividual, the standard's way
for grants to individuals: a generic name ("Individual Recipient") and an anonymised
identifier made from the grant's own number, never a personal name.

The JSON is the standard's package ({"grants": [...]}) with its field names; the CSV uses
the titles of the standard's spreadsheet template. Both stream from one query.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.utils import timezone

from applicants.enums import ApplicantKind
from applicants.models import ApplicationVersion
from core.selectors import programme_profile
from grants.models import GrantCall
from projects.enums import GrantState
from projects.models import Grant

CURRENCY = "PLN"
COUNTRY = "PL"
INDIVIDUAL_NAME = "Individual Recipient"

# The grant-level fields the 360Giving schema requires, vendored (no installable package
# carries the schema): https://github.com/ThreeSixtyGiving/standard/blob/main/schema/360-giving-schema.json
# ("required" at the top, plus oneOf recipientOrganization / recipientIndividual), and the
# fields each organisation or individual requires ("id", "name").
REQUIRED_GRANT_FIELDS = (
    "id",
    "title",
    "description",
    "currency",
    "amountAwarded",
    "awardDate",
    "fundingOrganization",
)
RECIPIENT_FIELDS = ("recipientOrganization", "recipientIndividual")
REQUIRED_PARTY_FIELDS = ("id", "name")

CSV_COLUMNS = (
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Ind:Identifier",
    "Recipient Ind:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "Beneficiary Location:Country Code",
    "Last Modified",
    "Data Source",
)


def open_data_grants(*, call: GrantCall) -> QuerySet[Grant]:
    """The call's published grants (see the module's docstring) with what a record needs: the
    award's date and, from the decided (newest) version, the town and the KRS number."""
    newest = ApplicationVersion.objects.filter(application=OuterRef("application")).order_by(
        "-number"
    )
    return (
        Grant.objects.filter(call=call, call__public_results=True)
        .exclude(state=GrantState.TERMINATED)
        .select_related("application", "decision")
        .only(
            "pk",
            "call_id",
            "reference_number",
            "title",
            "grantee_kind",
            "grantee_name",
            "amount",
            "starts_on",
            "ends_on",
            "updated_at",
            "application__summary",
            "decision__decided_at",
        )
        .annotate(
            town=Subquery(
                newest.annotate(value=KT("content__applicant__city")).values("value")[:1]
            ),
            krs=Subquery(newest.annotate(value=KT("content__applicant__krs")).values("value")[:1]),
        )
        .order_by("reference_number", "pk")
    )


def _identifier_part(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text).strip("-")


def funding_organization() -> dict:
    profile = programme_profile()
    identifier = settings.OPEN_DATA_FUNDER_ID or (
        f"PL-KRS-{profile.krs}" if profile.krs else settings.OPEN_DATA_PREFIX
    )
    return {"id": identifier, "name": profile.operator_name or profile.site_name}


def _iso_date(moment) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date().isoformat()
    return moment.isoformat()


def grant_record(grant: Grant, *, call: GrantCall, funder: dict, data_source: str) -> dict:
    """One grant as the standard's JSON object (from a row of open_data_grants)."""
    prefix = settings.OPEN_DATA_PREFIX
    record: dict = {
        "id": f"{prefix}-{_identifier_part(call.slug)}-{_identifier_part(grant.reference_number)}",
        "title": grant.title,
        # A person's or an informal group's own words may name people: their title only.
        "description": (
            grant.application.summary.strip() or grant.title
            if grant.grantee_kind == ApplicantKind.NGO
            else grant.title
        ),
        "currency": CURRENCY,
        "amountAwarded": float(grant.amount),
        "awardDate": _iso_date(grant.decision.decided_at),
    }
    if grant.starts_on or grant.ends_on:
        dates = {}
        if grant.starts_on:
            dates["startDate"] = grant.starts_on.isoformat()
        if grant.ends_on:
            dates["endDate"] = grant.ends_on.isoformat()
        record["plannedDates"] = [dates]
    if grant.grantee_kind == ApplicantKind.NGO:
        krs = (grant.krs or "").strip()
        record["recipientOrganization"] = [
            {
                "id": f"PL-KRS-{krs}" if krs else f"{prefix}-ORG-{grant.pk}",
                "name": grant.grantee_name,
            }
        ]
    else:
        # A person or an informal group: never a name (the standard's guidance for
        # grants to individuals).
        record["recipientIndividual"] = {"id": f"{prefix}-IND-{grant.pk}", "name": INDIVIDUAL_NAME}
    record["fundingOrganization"] = [funder]
    record["grantProgramme"] = [{"code": call.slug, "title": call.title}]
    if grant.town:
        record["beneficiaryLocation"] = [{"name": grant.town, "countryCode": COUNTRY}]
    record["dateModified"] = timezone.localtime(grant.updated_at).isoformat()
    record["dataSource"] = data_source
    return record


def grant_records(grants: Iterable[Grant], *, call: GrantCall, data_source: str) -> Iterator[dict]:
    funder = funding_organization()
    for grant in grants:
        yield grant_record(grant, call=call, funder=funder, data_source=data_source)


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


def package_json_chunks(records: Iterable[dict]) -> Iterator[str]:
    """The standard's package, a grant at a time (memory stays flat at any size)."""
    yield '{"grants": ['
    for index, record in enumerate(records):
        yield ("," if index else "") + json.dumps(record, ensure_ascii=False, default=_json_default)
    yield "]}\n"


class _Line:
    """csv.writer writes into this; each row comes back as a string to stream."""

    def write(self, value: str) -> str:
        return value


def _text_cell(value) -> str:
    """Text a spreadsheet won't run as a formula (a leading ' before = + - @)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _csv_row(record: dict) -> list:
    dates = (record.get("plannedDates") or [{}])[0]
    organisation = (record.get("recipientOrganization") or [{}])[0]
    individual = record.get("recipientIndividual") or {}
    funder = record["fundingOrganization"][0]
    programme = (record.get("grantProgramme") or [{}])[0]
    location = (record.get("beneficiaryLocation") or [{}])[0]
    texts = [
        record["id"],
        record["title"],
        record["description"],
        record["currency"],
    ]
    return [
        *(_text_cell(value) for value in texts),
        f"{record['amountAwarded']:.2f}",
        record["awardDate"],
        dates.get("startDate", ""),
        dates.get("endDate", ""),
        _text_cell(organisation.get("id", "")),
        _text_cell(organisation.get("name", "")),
        _text_cell(individual.get("id", "")),
        _text_cell(individual.get("name", "")),
        _text_cell(funder["id"]),
        _text_cell(funder["name"]),
        _text_cell(programme.get("code", "")),
        _text_cell(programme.get("title", "")),
        _text_cell(location.get("name", "")),
        location.get("countryCode", ""),
        record["dateModified"],
        record["dataSource"],
    ]


def csv_chunks(records: Iterable[dict]) -> Iterator[str]:
    """The 360Giving spreadsheet layout as UTF-8 CSV (comma, decimal point: for machines)."""
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS)
    for record in records:
        yield writer.writerow(_csv_row(record))


def record_problems(record: dict) -> list[str]:
    """What a record lacks of the schema's required fields, or has of the wrong type (empty:
    valid). Used by the tests and by anyone checking an export before publishing it."""
    problems = []
    for field in REQUIRED_GRANT_FIELDS:
        if record.get(field) in (None, "", []):
            problems.append(f"{field} is missing")
    recipients = [field for field in RECIPIENT_FIELDS if record.get(field)]
    if len(recipients) != 1:
        problems.append("exactly one of recipientOrganization, recipientIndividual")
    parties = [*record.get("fundingOrganization", []), *record.get("recipientOrganization", [])]
    if record.get("recipientIndividual"):
        parties.append(record["recipientIndividual"])
    for party in parties:
        for field in REQUIRED_PARTY_FIELDS:
            if not isinstance(party.get(field), str) or not party[field].strip():
                problems.append(f"a party's {field} is missing")
    if not isinstance(record.get("amountAwarded"), int | float) or isinstance(
        record.get("amountAwarded"), bool
    ):
        problems.append("amountAwarded is not a number")
    if record.get("currency") != CURRENCY:
        problems.append("currency is not PLN")
    try:
        date.fromisoformat(record.get("awardDate") or "")
    except ValueError:
        problems.append("awardDate is not an ISO date")
    for dates in record.get("plannedDates", []):
        for value in dates.values():
            try:
                date.fromisoformat(value)
            except (TypeError, ValueError):
                problems.append("plannedDates hold a date that is not ISO")
    try:
        datetime.fromisoformat(record.get("dateModified") or "")
    except ValueError:
        problems.append("dateModified is not an ISO date-time")
    return problems
