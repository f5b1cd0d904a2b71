"""Application histories store what the system noted as a code, worded in the reader's language.

Earlier rows hold the words themselves, in the language of whoever (or whatever
task) made the move: Polish or English. Those the system wrote are recognised in
either language and turned into their code; anything else (a person's reason, a
coordinator's message) stays as written and is shown as before.
"""

import re

from django.db import migrations, models

# code -> (statuses the note was written with, Polish words, English words)
KNOWN_NOTES = {
    "reviewers_assigned": ({"in_review"}, "Przydzielono recenzentów", "Reviewers assigned"),
    "all_reviews_submitted": (
        {"reviewed"},
        "Wszystkie recenzje przesłane",
        "All reviews submitted",
    ),
    "results_published": (
        {"awarded", "reserve", "rejected", "formally_rejected"},
        "Opublikowano wyniki",
        "Results published",
    ),
    "grant_declined": ({"declined"}, "Rezygnacja z grantu", "Grant declined"),
    "offered_from_reserve": (
        {"awarded"},
        "Grant zaproponowany z listy rezerwowej",
        "Offered from the reserve list",
    ),
    "account_deleted": (
        {"withdrawn"},
        "Wnioskodawca usunął konto.",
        "The applicant deleted their account.",
    ),
    "account_deleted_grant_declined": (
        {"declined"},
        "Wnioskodawca usunął konto: rezygnacja z grantu.",
        "The applicant deleted their account: the grant is declined.",
    ),
}
CORRECTED_VERSION = re.compile(r"^(?:Poprawiona wersja|Corrected version) (\d+)$")


def notes_to_codes(apps, schema_editor):
    StatusChange = apps.get_model("applicants", "StatusChange")
    by_words = {}
    for code, (statuses, polish, english) in KNOWN_NOTES.items():
        for words in (polish, english):
            by_words[words] = (code, statuses)
    changed = []
    for change in StatusChange.objects.exclude(note="").filter(note_code="").iterator():
        note = change.note.strip()
        if (found := by_words.get(note)) and change.new_status in found[1]:
            change.note_code, change.note_params = found[0], {}
        elif (match := CORRECTED_VERSION.match(note)) and change.new_status == "submitted":
            change.note_code, change.note_params = "corrected_version", {"number": int(match[1])}
        else:
            continue
        change.note = ""
        changed.append(change)
    StatusChange.objects.bulk_update(changed, ["note", "note_code", "note_params"], batch_size=500)


def codes_to_notes(apps, schema_editor):
    """Back to words, in the programme's language (Polish)."""
    StatusChange = apps.get_model("applicants", "StatusChange")
    changed = []
    for change in StatusChange.objects.exclude(note_code="").iterator():
        if change.note_code == "corrected_version":
            change.note = f"Poprawiona wersja {change.note_params.get('number', '')}".strip()
        elif change.note_code in KNOWN_NOTES:
            change.note = KNOWN_NOTES[change.note_code][1]
        changed.append(change)
    StatusChange.objects.bulk_update(changed, ["note"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0007_applicant_postal_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="statuschange",
            name="note_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("corrected_version", "Corrected version %(number)s"),
                    ("reviewers_assigned", "Reviewers assigned"),
                    ("all_reviews_submitted", "All reviews submitted"),
                    ("results_published", "Results published"),
                    ("grant_declined", "Grant declined"),
                    ("offered_from_reserve", "Offered from the reserve list"),
                    ("account_deleted", "The applicant deleted their account."),
                    (
                        "account_deleted_grant_declined",
                        "The applicant deleted their account: the grant is declined.",
                    ),
                ],
                max_length=40,
            ),
        ),
        migrations.AddField(
            model_name="statuschange",
            name="note_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(notes_to_codes, codes_to_notes),
    ]
