from django.core.management.base import BaseCommand

from demo.programme import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load (or refresh) the demo programme 'Aktywni dla klimatu'. Safe to run repeatedly."

    def handle(self, *args, **options):
        result = demo_load()
        for email in result["people"]:
            self.stdout.write(f"  {email} / {DEMO_PASSWORD}")
        for kind, call in result["calls"].items():
            self.stdout.write(f"  {kind}: {call.title} ({call.get_absolute_url()})")
        self.stdout.write(self.style.SUCCESS("Demo programme loaded."))
