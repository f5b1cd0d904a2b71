"""Mark each decision's current letter once, for letters stored before the marker existed."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count

from decisions.issuing import letter_current_mark
from decisions.models import Decision


class Command(BaseCommand):
    help = (
        "Mark the newest stored letter of every decision with more than one version as its "
        "current one (the call's letters list reads the marker). Run once after the migration "
        "that adds it (every letter stored before starts marked current); safe to run again."
    )

    def handle(self, *args, **options):
        corrected = (
            Decision.objects.annotate(versions=Count("letters"))
            .filter(versions__gt=1)
            .values_list("pk", flat=True)
        )
        marked = 0
        for decision_id in corrected.iterator():
            with transaction.atomic():
                # Locked as a worker storing a letter locks it.
                list(Decision.objects.select_for_update().filter(pk=decision_id).values_list("pk"))
                letter_current_mark(decision_id=decision_id)
            marked += 1
        self.stdout.write(f"Decisions with a corrected letter, marked: {marked}")
