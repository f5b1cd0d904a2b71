from django.core.management.base import BaseCommand, CommandError

from grants.models import GrantCall
from reviews.ranking_snapshot import ranking_rebuild_all


class Command(BaseCommand):
    help = (
        "Rebuild the ranking snapshot of one call (--call PK) or of every call: after data was "
        "written past the services (a bulk import, a restored backup)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", type=int, help="the call's id (default: every call)")

    def handle(self, *args, **options):
        call_id = options.get("call")
        if call_id is not None and not GrantCall.objects.filter(pk=call_id).exists():
            raise CommandError(f"No call with id {call_id}.")
        count = ranking_rebuild_all(call_ids=[call_id] if call_id is not None else None, force=True)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the ranking of {count} call(s)."))
