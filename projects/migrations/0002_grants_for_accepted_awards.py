"""Awards accepted before grants existed become grants (agreement to prepare), as
projects.services.grant_create_for_award makes them now."""

from datetime import date

from django.db import migrations

from core.search import searchable_text


def _period(content):
    rows = content.get("schedule") or []
    starts = [date.fromisoformat(r["starts_on"]) for r in rows if r.get("starts_on")]
    ends = [date.fromisoformat(r["ends_on"]) for r in rows if r.get("ends_on")]
    return (min(starts) if starts else None, max(ends) if ends else None)


def grants_for_accepted_awards(apps, schema_editor):
    Decision = apps.get_model("decisions", "Decision")
    Grant = apps.get_model("projects", "Grant")
    GrantStateChange = apps.get_model("projects", "GrantStateChange")
    GrantBudgetLine = apps.get_model("projects", "GrantBudgetLine")
    ApplicationVersion = apps.get_model("applicants", "ApplicationVersion")
    for decision in Decision.objects.filter(state="accepted", outcome="awarded").select_related(
        "application"
    ):
        if Grant.objects.filter(decision=decision).exists():
            continue
        application = decision.application
        version = (
            ApplicationVersion.objects.filter(application=application).order_by("-number").first()
        )
        content = version.content if version else {}
        starts_on, ends_on = _period(content)
        fields = {
            "reference_number": application.reference_number or "",
            "title": application.title,
            "grantee_name": application.applicant_name,
        }
        grant = Grant.objects.create(
            decision=decision,
            application=application,
            call_id=application.call_id,
            grantee_kind=application.applicant_kind,
            amount=decision.amount,
            starts_on=starts_on,
            ends_on=ends_on,
            search_text=searchable_text(*fields.values()),
            **fields,
        )
        GrantStateChange.objects.create(grant=grant, old_state="", new_state=grant.state)
        for position, line in enumerate((content.get("budget") or {}).get("lines") or []):
            GrantBudgetLine.objects.create(
                grant=grant,
                category=line["category"],
                item=line["item"],
                unit=line["unit"],
                quantity=line["quantity"],
                unit_cost=line["unit_cost"],
                own_contribution=line.get("own_contribution") or "0",
                position=position,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_grants_agreements_payments"),
        ("decisions", "0007_decision_below_threshold_reason"),
        ("applicants", "0009_application_name_publication_consent"),
    ]

    operations = [migrations.RunPython(grants_for_accepted_awards, migrations.RunPython.noop)]
