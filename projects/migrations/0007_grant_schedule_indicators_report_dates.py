"""Grants made before they kept their own schedule and indicators get them from the version
the committee decided on; their report due dates are computed from the call's terms, as
projects.report_dates does now."""

from datetime import timedelta

from django.db import migrations

INTERIM_DAYS_AFTER_MIDDLE = 14


def fill(apps, schema_editor):
    Grant = apps.get_model("projects", "Grant")
    CallGrantTerms = apps.get_model("projects", "CallGrantTerms")
    ApplicationVersion = apps.get_model("applicants", "ApplicationVersion")
    terms_by_call = {t.call_id: t for t in CallGrantTerms.objects.all()}
    for grant in Grant.objects.all():
        version = (
            ApplicationVersion.objects.filter(application_id=grant.application_id)
            .order_by("-number")
            .first()
        )
        content = version.content if version else {}
        grant.schedule = content.get("schedule") or []
        grant.planned_indicators = [
            {"name": r.get("name", ""), "unit": r.get("unit", ""), "planned": r.get("planned")}
            for r in content.get("indicators") or []
        ]
        terms = terms_by_call.get(grant.call_id)
        if grant.ends_on is not None:
            days = terms.final_report_days if terms else 21
            grant.final_report_due_on = grant.ends_on + timedelta(days=days)
            if terms and terms.interim_report and grant.starts_on and grant.starts_on < grant.ends_on:
                middle = grant.starts_on + (grant.ends_on - grant.starts_on) / 2
                grant.interim_report_due_on = middle + timedelta(days=INTERIM_DAYS_AFTER_MIDDLE)
        grant.save(
            update_fields=[
                "schedule",
                "planned_indicators",
                "final_report_due_on",
                "interim_report_due_on",
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_grant_spending_amendments_reports_settlements"),
        ("applicants", "0009_application_name_publication_consent"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
