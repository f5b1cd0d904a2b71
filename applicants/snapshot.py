"""The frozen copy of an application made at each submission (what reviewers score)."""

from decimal import Decimal

from applicants.budget import budget_totals
from applicants.models import Application

TEXT_FIELDS = [
    "title",
    "summary",
    "problem",
    "goals",
    "target_group",
    "activities",
    "expected_results",
    "results_measurement",
    "team_description",
]


def _money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def planned_text(value) -> str:
    """A planned number as the snapshot keeps it: "40", "12.5" (no trailing zeros, no exponent)."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def indicators_snapshot(application: Application) -> list[dict]:
    """The planned indicators, the call's first: a call indicator's current name and unit."""
    return [
        {
            "name": row.call_indicator.name if row.call_indicator else row.name,
            "unit": row.call_indicator.unit if row.call_indicator else row.unit,
            "planned": planned_text(row.planned),
            "call_indicator_id": row.call_indicator_id,
        }
        for row in application.indicators.select_related("call_indicator")
    ]


def application_snapshot(application: Application) -> dict:
    """Everything the applicant submitted, as JSON-ready data (amounts as strings)."""
    profile = application.applicant.applicant_profile
    lines = list(application.budget_lines.all())
    totals = budget_totals((line.quantity, line.unit_cost, line.own_contribution) for line in lines)
    questions = list(application.call.questions.all())
    return {
        "call": {"id": application.call_id, "title": application.call.title},
        "reference_number": application.reference_number,
        "applicant": {
            "kind": profile.kind,
            "display_name": profile.display_name,
            "contact_name": profile.contact_name,
            "email": application.applicant.email,
            "phone": profile.phone,
            "street": profile.street,
            "postcode": profile.postcode,
            "city": profile.city,
            "date_of_birth": profile.date_of_birth.isoformat() if profile.date_of_birth else None,
            "group_name": profile.group_name,
            "patron_organisation": profile.patron_organisation,
            "members": [
                {"full_name": m.full_name, "age": m.age, "is_leader": m.is_leader}
                for m in profile.members.all()
            ],
            "organisation_name": profile.organisation_name,
            "krs": profile.krs,
            "nip": profile.nip,
            "regon": profile.regon,
        },
        **{field: getattr(application, field) for field in TEXT_FIELDS},
        "schedule": [
            {
                "starts_on": item.starts_on.isoformat(),
                "ends_on": item.ends_on.isoformat(),
                "activity": item.activity,
            }
            for item in application.schedule.all()
        ],
        "budget": {
            "lines": [
                {
                    "category": line.category,
                    "item": line.item,
                    "unit": line.unit,
                    "quantity": _money(line.quantity),
                    "unit_cost": _money(line.unit_cost),
                    "own_contribution": _money(line.own_contribution),
                    "total": _money(line.total),
                }
                for line in lines
            ],
            "total_cost": _money(totals.total_cost),
            "own_contribution": _money(totals.own_contribution),
            "requested_amount": _money(totals.requested_amount),
            "own_share_percent": _money(totals.own_share_percent),
        },
        "answers": [
            {
                "question_id": question.pk,
                "question": question.label,
                "kind": question.kind,
                "answer": application.answers.get(str(question.pk)),
            }
            for question in questions
        ],
        "attachments": [
            {
                "id": attachment.pk,
                "name": attachment.original_name,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "requirement": attachment.requirement.name if attachment.requirement else "",
            }
            for attachment in application.attachments.filter(
                removed_at__isnull=True
            ).select_related("requirement")
        ],
        "eligibility_answers": application.eligibility_answers,
        # Versions submitted before indicators existed have no such key: readers use .get().
        "indicators": indicators_snapshot(application),
    }
