"""Write every issued document of a call's grants into a folder, as PDF files named by their numbers."""

from pathlib import Path
from time import monotonic

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from decisions.models import DecisionLetter
from grants.models import GrantCall
from projects.models import Agreement, Amendment, Settlement
from projects.settlement_pdf import settlement_pdf_finished


def _file_name(number: str) -> str:
    return f"{number.replace('/', '-')}.pdf"


class Command(BaseCommand):
    help = (
        "Write every issued document of a call's grants — decision letters, agreements, the "
        "annexes of approved amendments and settlements, every version, withdrawn ones too — "
        "into a folder, each named by its number "
        "(“/” becomes “-”, e.g. AK-2026-0042-U1.pdf). A settlement whose PDF a task worker is "
        "still rendering is awaited (--wait); one not finished by then is not written, and the "
        "command names it and fails, so that a partial folder is never taken for the whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", required=True, help="The call's slug.")
        parser.add_argument(
            "--out", required=True, type=Path, help="The folder to write to (created if needed)."
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=None,
            help="How many seconds to wait for a settlement's PDF another worker is rendering "
            "(default: the render's time limit, PDF_RENDER_TIMEOUT).",
        )

    def handle(self, *args, call: str, out: Path, wait: float | None = None, **options):
        try:
            grant_call = GrantCall.objects.get(slug=call)
        except GrantCall.DoesNotExist:
            raise CommandError(f"No call with the slug {call!r}.") from None
        # One wait for them all: several settlements being rendered are awaited side by side.
        deadline = monotonic() + (settings.PDF_RENDER_TIMEOUT if wait is None else wait)
        out.mkdir(parents=True, exist_ok=True)
        documents = [
            *DecisionLetter.objects.filter(decision__grant__call=grant_call).order_by(
                "number", "version"
            ),
            *Agreement.objects.filter(grant__call=grant_call).order_by("number", "version"),
            *Amendment.objects.filter(grant__call=grant_call).exclude(pdf="").order_by("number"),
            # A settlement whose PDF no worker has rendered yet is rendered here; one a worker
            # is rendering now is awaited: its file is not there until the worker stores it.
            *(
                settlement
                if settlement.pdf
                else settlement_pdf_finished(
                    settlement_id=settlement.pk, wait=max(0.0, deadline - monotonic())
                )
                for settlement in Settlement.objects.filter(grant__call=grant_call).order_by(
                    "grant__reference_number", "version"
                )
            ),
        ]
        being_prepared = [document.number for document in documents if not document.pdf]
        written = 0
        for document in documents:
            if not document.pdf:
                continue
            with document.pdf.open("rb") as source:
                (out / _file_name(document.number)).write_bytes(source.read())
            written += 1
        self.stdout.write(f"Wrote {written} document(s) of the call {grant_call.slug} to {out}.")
        if being_prepared:
            raise CommandError(
                f"Not written, their PDFs still being prepared: {', '.join(being_prepared)}. "
                "Run the command again once the task workers have finished them."
            )
