"""Write every issued document of a call's grants into a folder, as PDF files named by their numbers."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decisions.models import DecisionLetter
from grants.models import GrantCall
from projects.models import Agreement, Amendment, Settlement
from projects.settlement_pdf import settlement_pdf_store


def _file_name(number: str) -> str:
    return f"{number.replace('/', '-')}.pdf"


class Command(BaseCommand):
    help = (
        "Write every issued document of a call's grants — decision letters, agreements, the "
        "annexes of approved amendments and settlements, every version, withdrawn ones too — "
        "into a folder, each named by its number "
        "(“/” becomes “-”, e.g. AK-2026-0042-U1.pdf)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", required=True, help="The call's slug.")
        parser.add_argument(
            "--out", required=True, type=Path, help="The folder to write to (created if needed)."
        )

    def handle(self, *args, call: str, out: Path, **options):
        try:
            grant_call = GrantCall.objects.get(slug=call)
        except GrantCall.DoesNotExist:
            raise CommandError(f"No call with the slug {call!r}.") from None
        out.mkdir(parents=True, exist_ok=True)
        documents = [
            *DecisionLetter.objects.filter(decision__grant__call=grant_call).order_by(
                "number", "version"
            ),
            *Agreement.objects.filter(grant__call=grant_call).order_by("number", "version"),
            *Amendment.objects.filter(grant__call=grant_call).exclude(pdf="").order_by("number"),
            # A settlement whose PDF the worker has not rendered yet is rendered here.
            *(
                settlement if settlement.pdf else settlement_pdf_store(settlement_id=settlement.pk)
                for settlement in Settlement.objects.filter(grant__call=grant_call).order_by(
                    "grant__reference_number", "version"
                )
            ),
        ]
        written = 0
        for document in documents:
            with document.pdf.open("rb") as source:
                (out / _file_name(document.number)).write_bytes(source.read())
            written += 1
        self.stdout.write(f"Wrote {written} document(s) of the call {grant_call.slug} to {out}.")
