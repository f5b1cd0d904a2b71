"""Bring earlier records under the new states.

* Every letter issued so far gets the request it answered (ISSUED), so each
  decision's letters have one history.
* A published decision whose letter was still queued or had failed gets a
  FAILED request the coordinator can retry: the task queued before this
  upgrade carried the decision (and a correction's note as text), which the new
  task no longer takes, so it would otherwise wait for ever.
* A draft decision whose application was withdrawn (or formally rejected) lapses:
  its award stops counting against the budget.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext

OFFER_NOTE = "Offered from the reserve list"


def _message(text: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(text)


def forwards(apps, schema_editor):
    Decision = apps.get_model("decisions", "Decision")
    DecisionLetter = apps.get_model("decisions", "DecisionLetter")
    LetterRequest = apps.get_model("decisions", "LetterRequest")
    LetterStateChange = apps.get_model("decisions", "LetterStateChange")
    StatusChange = apps.get_model("applicants", "StatusChange")
    now = timezone.now()
    recorded = "Recorded when letter requests were introduced"

    for letter in DecisionLetter.objects.order_by("decision_id", "version"):
        if letter.version == 1:
            reason = "publication"
        elif letter.note in (OFFER_NOTE, _message(OFFER_NOTE)):
            reason = "reserve_offer"
        else:
            reason = "correction"
        request = LetterRequest.objects.create(
            decision_id=letter.decision_id,
            version=letter.version,
            reason=reason,
            note=letter.note,
            requested_by_id=letter.issued_by_id,
            requested_at=letter.issued_at,
            state="issued",
            attempts=1,
            letter=letter,
        )
        LetterStateChange.objects.create(
            request=request, old_state="none", new_state="issued", at=now, note=recorded
        )

    error = _message(
        "This letter was asked for before an upgrade and was not issued. "
        "Press Retry to issue it (a correction's note was not kept: issue a corrected "
        "letter instead if it needs one)."
    )
    stuck = Decision.objects.filter(
        published_at__isnull=False, letter_state__in=["none", "queued", "failed"]
    )
    for decision in stuck:
        last = DecisionLetter.objects.filter(decision=decision).aggregate(v=Max("version"))["v"]
        request = LetterRequest.objects.create(
            decision=decision,
            version=(last or 0) + 1,
            reason="correction" if last else "publication",
            requested_by_id=decision.published_by_id,
            requested_at=decision.published_at,
            state="failed",
            error=error,
        )
        LetterStateChange.objects.create(
            request=request, old_state="none", new_state="failed", at=now, note=error
        )
        Decision.objects.filter(pk=decision.pk).update(letter_state="failed", letter_error=error)

    lapses = {"withdrawn": "withdrawn", "formally_rejected": "formally_rejected"}
    drafts = Decision.objects.filter(
        published_at__isnull=True,
        lapsed_at__isnull=True,
        application__status__in=list(lapses),
    ).exclude(outcome="formally_rejected")
    for decision in drafts.select_related("application"):
        status = decision.application.status
        ended = (
            StatusChange.objects.filter(application_id=decision.application_id, new_status=status)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        Decision.objects.filter(pk=decision.pk).update(
            lapsed_at=ended or now, lapsed_reason=lapses[status]
        )


def backwards(apps, schema_editor):
    apps.get_model("decisions", "LetterStateChange").objects.all().delete()
    apps.get_model("decisions", "LetterRequest").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0002_decision_statuses"),
        ("decisions", "0003_letter_requests_state_audit_and_lapsed_decisions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
