"""What guardians' consents and patron confirmations keep about a person: their section of
"My data" and their erasure (registered with core.personal_data, order 25: after the
applications, so drafts are gone and submitted applications anonymised first).

A consent is about a young person (`child`): the lead or an editor of an application.

Export: every consent about the person (who was asked, the state, the moments, the exact
text the guardian answered to) and the patron confirmations of the applications they lead.

Erasure: a consent that was given (even if withdrawn later) is the programme's proof that
it had the guardian's consent (RODO art. 7(1)): it is kept, with the guardian's name, the
time and the text, for as long as the application's records are kept, but the young
person's names in it are replaced. A consent never given (waiting, refused) proves nothing
anybody needs: it is anonymised (the guardian's and the young person's details go). Every
link of the person's consents and confirmations stops working.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from applicants.consents_enums import GuardianConsentState, PatronConfirmationState
from applicants.models import (
    GuardianConsent,
    GuardianConsentChange,
    PatronConfirmation,
    PatronConfirmationChange,
)
from core.link_tokens import link_token_new
from core.personal_data import Erasure, ExportFiles, Notice, redact_rows, register

# Given at some point: the record proves it, and is kept.
PROOF_STATES = (GuardianConsentState.GIVEN, GuardianConsentState.WITHDRAWN)


def consents_export(*, user, files: ExportFiles) -> dict:
    consents = GuardianConsent.objects.filter(child=user).select_related("application__call")
    patrons = PatronConfirmation.objects.filter(application__applicant=user).select_related(
        "application"
    )
    return {
        "guardians_consents": [
            {
                "application": consent.application.reference_number or consent.application.title,
                "call": consent.application.call.title,
                "young_person": consent.child_name,
                "guardian_name": consent.guardian_name,
                "guardian_email": consent.guardian_email,
                "state": consent.state,
                "requested_at": consent.requested_at,
                "answered_at": consent.answered_at,
                "withdrawn_at": consent.revoked_at,
                "signed_name": consent.signed_name,
                "text": consent.text,
            }
            for consent in consents.order_by("pk")
        ],
        "patron_confirmations": [
            {
                "application": row.application.reference_number or row.application.title,
                "organisation": row.organisation_name,
                "representative_name": row.representative_name,
                "representative_email": row.representative_email,
                "state": row.state,
                "requested_at": row.requested_at,
                "answered_at": row.answered_at,
                "text": row.text,
            }
            for row in patrons.order_by("pk")
        ],
    }


def _dead_link() -> str:
    return link_token_new()[1]  # a digest whose raw token nobody has


def consents_erase(*, erasure: Erasure) -> None:
    person = erasure.person
    user = person.user
    consents = GuardianConsent.objects.filter(child=user)
    kept = consents.filter(state__in=PROOF_STATES)
    redact_rows(kept, ["text"], person=person)
    for pk in kept.values_list("pk", flat=True):
        GuardianConsent.objects.filter(pk=pk).update(
            child_name=person.label, token_digest=_dead_link()
        )
    for consent in consents.exclude(state__in=PROOF_STATES):
        GuardianConsent.objects.filter(pk=consent.pk).update(
            child_name=person.label,
            guardian_name=person.label,
            guardian_email="",
            signed_name="",
            text="",
            token_digest=_dead_link(),
        )
        GuardianConsentChange.objects.filter(consent=consent).update(by_name="")
    confirmations = PatronConfirmation.objects.filter(application__applicant=user)
    redact_rows(confirmations, ["text"], person=person)
    for pk in confirmations.exclude(state=PatronConfirmationState.CONFIRMED).values_list(
        "pk", flat=True
    ):
        PatronConfirmation.objects.filter(pk=pk).update(token_digest=_dead_link())
    redact_rows(
        PatronConfirmationChange.objects.filter(confirmation__in=confirmations),
        ["note"],
        person=person,
    )
    # The person's own name in the consents' audit notes.
    redact_rows(
        GuardianConsentChange.objects.filter(Q(consent__child=user)), ["note"], person=person
    )


def consents_deletion_notices(*, user) -> list[Notice]:
    given = GuardianConsent.objects.filter(child=user, state__in=PROOF_STATES).count()
    if not given:
        return []
    return [
        Notice(
            _(
                "The record of your guardian's consent is kept as proof that it was given, for "
                "as long as the programme keeps the application (your name in it is removed)."
            )
        )
    ]


def register_sections() -> None:
    register(
        "guardians_consents",
        order=25,
        export=consents_export,
        erase=consents_erase,
        notices=consents_deletion_notices,
    )
