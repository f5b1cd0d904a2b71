from django.db import migrations, models

from core.search import searchable_text

SEARCHED_FIELDS = ("reference_number", "title", "applicant_name", "applicant_contact_name")


def fill_search_text(apps, schema_editor):
    """The contact person as the latest submitted version froze it (anonymised ones hold the
    placeholder already), then every row's folded search text."""
    Application = apps.get_model("applicants", "Application")
    ApplicationVersion = apps.get_model("applicants", "ApplicationVersion")
    latest = {}
    for version in ApplicationVersion.objects.order_by("application_id", "number").only(
        "application_id", "content"
    ):
        latest[version.application_id] = version.content
    for application in Application.objects.only(*SEARCHED_FIELDS).iterator():
        content = latest.get(application.pk)
        applicant = content.get("applicant") if isinstance(content, dict) else None
        if isinstance(applicant, dict) and isinstance(applicant.get("contact_name"), str):
            application.applicant_contact_name = applicant["contact_name"][:200]
        application.search_text = searchable_text(
            *(getattr(application, name) or "" for name in SEARCHED_FIELDS)
        )
        application.save(update_fields=["applicant_contact_name", "search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0005_bounded_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="applicant_contact_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="application",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
