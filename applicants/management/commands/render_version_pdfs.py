"""Make sure every submitted version has its stored PDF copies: after an upgrade, a crash, or failures."""

from django.core.management.base import BaseCommand, CommandError

from applicants.enums import VersionPdfStatus
from applicants.models import VersionPdf
from applicants.pdf_copies import version_pdf_render, version_pdfs_pending, version_pdfs_sweep


class Command(BaseCommand):
    help = (
        "Create the stored PDF copies that are missing (versions submitted before copies were "
        "stored), queue again the renders whose worker died and, with --retry-failed, the failed "
        "ones. The task worker renders them; with --here they are rendered by this command, "
        "one at a time, each with the usual time and memory limits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-failed", action="store_true", help="Try the failed copies again too."
        )
        parser.add_argument(
            "--here",
            action="store_true",
            help="Render every waiting copy in this process instead of leaving it to the worker.",
        )

    def handle(self, *args, retry_failed: bool, here: bool, **options):
        queued = version_pdfs_sweep(retry_failed=retry_failed)
        self.stdout.write(f"Queued {len(queued)} PDF copies.")
        if not here:
            return
        rendered = failed = 0
        for pdf_id in version_pdfs_pending():
            pdf = version_pdf_render(pdf_id=pdf_id)
            if pdf is None:
                continue  # a worker took it first
            if pdf.status == VersionPdfStatus.RENDERED:
                rendered += 1
            else:
                failed += 1
                self.stderr.write(f"{pdf}: {pdf.error}")
        self.stdout.write(f"Rendered {rendered} PDF copies here.")
        waiting = VersionPdf.objects.exclude(status=VersionPdfStatus.RENDERED).count()
        if failed:
            raise CommandError(
                f"{failed} PDF copies failed; coordinators see them on the application's page."
            )
        if waiting:
            self.stdout.write(f"{waiting} PDF copies not rendered yet (a worker has them).")
