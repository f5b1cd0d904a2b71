from django.core.management.base import BaseCommand

from demo.programme import DEMO_PASSWORD, PROGRAMME, demo_load, demo_summary


class Command(BaseCommand):
    help = "Load (or refresh) the demo programme 'Aktywni dla klimatu'. Safe to run repeatedly."

    def handle(self, *args, **options):
        counts = demo_summary(calls=demo_load()["calls"])
        # One line: `make run` prints it just before the web server's own lines.
        line = (
            f'Demo "{PROGRAMME}": {counts["calls"]} calls, {counts["applications"]} applications, '
            f"{counts['reviews']} reviews, {counts['letters']} letters, {counts['grants']} grants; "
            f"{counts['accounts']} "
            f"accounts (koordynator@example.org and the others in README.md, password "
            f"{DEMO_PASSWORD}). Its e-mails count as sent back then: none goes out now."
        )
        if counts["pdf_copies_waiting"]:
            line += f" The task worker renders {counts['pdf_copies_waiting']} PDF copies."
        self.stdout.write(self.style.SUCCESS(line))
