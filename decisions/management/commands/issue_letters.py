"""Issue the missing letters of a call's published decisions, and optionally copy them to a folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decisions.issuing import letter_issue_now
from decisions.selectors import (
    decisions_published_without_letter,
    letter_file_name,
    letters_current_for_call,
)
from grants.models import GrantCall


class Command(BaseCommand):
    help = (
        "Issue (here, not in the task queue) the letter of every published decision of a call "
        "that has none yet (a failed one is retried), and with --out copy every current letter "
        "PDF of the call into a folder. Their e-mails are queued as usual."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", required=True, help="The call's slug.")
        parser.add_argument(
            "--out",
            type=Path,
            help="A folder to copy the current letters into (created if needed).",
        )

    def handle(self, *args, call: str, out: Path | None = None, **options):
        try:
            grant_call = GrantCall.objects.get(slug=call)
        except GrantCall.DoesNotExist:
            raise CommandError(f"No call with the slug {call!r}.") from None

        issued, failed = 0, []
        for decision in decisions_published_without_letter(call=grant_call):
            try:
                letter_issue_now(decision=decision)
            # One bad letter must not stop the others; every failure is reported at the end.
            except Exception as exc:
                failed.append(f"{decision.application.reference_number}: {exc}")
            else:
                issued += 1
        self.stdout.write(f"Issued {issued} letter(s) for the call {grant_call.slug}.")

        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            copied = 0
            for letter in letters_current_for_call(call=grant_call):
                with letter.pdf.open("rb") as pdf:
                    (out / letter_file_name(letter)).write_bytes(pdf.read())
                copied += 1
            self.stdout.write(f"Copied {copied} letter(s) to {out}.")

        if failed:
            for line in failed:
                self.stderr.write(line)
            raise CommandError(f"{len(failed)} letter(s) could not be issued.")
