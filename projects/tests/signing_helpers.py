"""Agreements issued as rows (a real small PDF) for the signing tests: the issuing itself is
the agreements' tests'."""

import hashlib
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from projects.enums import GrantState
from projects.models import Agreement, Grant
from projects.services import grant_transition
from projects.test_certificates import simple_pdf


def agreement_issue(grant: Grant, *, deadline_in=timedelta(days=14)) -> Agreement:
    """A sent agreement /U1 for `grant` (a one-page PDF naming it); the grant moves to sent."""
    pdf = simple_pdf(f"Umowa {grant.reference_number}/U1")
    agreement = Agreement(
        grant=grant,
        version=1,
        number=f"{grant.reference_number}/U1",
        language="pl",
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
    )
    agreement.pdf.save("agreement.pdf", ContentFile(pdf), save=False)
    agreement.save()
    grant_transition(grant, GrantState.AGREEMENT_SENT, by=None)
    Grant.objects.filter(pk=grant.pk).update(signing_deadline=timezone.now() + deadline_in)
    return agreement


def agreement_pdf(agreement: Agreement) -> bytes:
    with agreement.pdf.open("rb") as file:
        return file.read()
