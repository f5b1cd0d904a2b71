"""What the decision stage keeps about a person: its section of "My data" and its erasure.

Registered with core.personal_data by DecisionsConfig.ready() (order 40: after
applicants and reviews have anonymised what a letter shows).

Export: every published decision on the person's applications — the outcome,
amount, justification, dates and their answer to an award — with the
reviewers' feedback exactly as the decision page shows it (numbered reviewers,
never names, never notes for the committee), every version of the letter (its
PDF in the archive) and the e-mail that carried it. Drafts the committee has
not published are not shown (they are not decisions yet).

Erasure, in the account's deletion transaction:
- an award published and not yet answered is declined through award_decline
  (even past its deadline), so the money goes back to the call's budget; an
  accepted award stays on record, anonymised; a reserve-list place stays on
  record but is never offered (decisions.services.reserve_offer refuses);
- exact occurrences of the person's identifiers are replaced in the
  justification, the decision's history, letter requests and their audit, the
  letters' notes, and the outbox; outbox messages lose the address;
- every letter is kept, as the programme must archive it, but re-rendered
  through decisions.letters from the anonymised records: same number, version,
  language and date, the applicant shown as "Deleted person" (in Polish); the
  new file replaces the old one (deleted from storage after commit), its
  SHA-256 and size are updated and the re-rendering is noted on the letter.
  Rendering happens here, in the transaction, so that no moment exists after
  the deletion when the old letter is still stored; a failure undoes the
  whole deletion (ErasureFailed). A person has a letter or two.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applicants.enums import HistoryNote
from core.formatting import format_money
from core.personal_data import Erasure, ErasureFailed, ExportFiles, Notice, redact_rows, register
from decisions import letters
from decisions.enums import DecisionOutcome, DecisionState
from decisions.feedback import ReviewFeedback, review_feedback
from decisions.models import (
    Decision,
    DecisionLetter,
    LetterRequest,
    LetterStateChange,
    OutboxMessage,
    OutboxStateChange,
)
from decisions.selectors import letter_file_name
from decisions.services import award_decline

# --- Export ------------------------------------------------------------------


def _feedback_data(feedback: ReviewFeedback) -> dict:
    return {
        "criteria": [
            {
                "name": criterion.name,
                "max_points": criterion.max_points,
                "mean_points": criterion.mean_points,
                "justifications": [
                    {"reviewer": label, "text": text} for label, text in criterion.justifications
                ],
            }
            for criterion in feedback.criteria
        ],
        "comments": [{"reviewer": label, "text": text} for label, text in feedback.comments],
        "final_score": feedback.final_score,
    }


def decisions_export(*, user, files: ExportFiles) -> list[dict]:
    decisions = (
        Decision.objects.published()
        .filter(application__applicant=user)
        .select_related("application__call")
        .prefetch_related(
            Prefetch("letters", queryset=DecisionLetter.objects.order_by("version")),
            Prefetch("messages", queryset=OutboxMessage.objects.order_by("created_at", "pk")),
        )
        .order_by("published_at", "pk")
    )
    exported = []
    for decision in decisions:
        application = decision.application
        messages = {message.letter_id: message for message in decision.messages.all()}
        exported.append(
            {
                "application_id": application.pk,
                "reference_number": application.reference_number,
                "call": application.call.title,
                "outcome": decision.outcome,
                "state": decision.state,
                "amount": decision.amount,
                "justification": decision.justification,
                "reserve_position": decision.reserve_position,
                "published_at": decision.published_at,
                "acceptance_deadline": decision.acceptance_deadline,
                "accepted_at": decision.accepted_at,
                "declined_at": decision.declined_at,
                "feedback": _feedback_data(review_feedback(application)),
                "letters": [
                    _letter_data(letter, messages.get(letter.pk), application.pk, files)
                    for letter in decision.letters.all()
                ],
            }
        )
    return exported


def _letter_data(letter: DecisionLetter, message, application_id: int, files) -> dict:
    return {
        "number": letter.number,
        "version": letter.version,
        "kind": letter.kind,
        "language": letter.language,
        "issued_at": letter.issued_at,
        "note": letter.note,
        "sha256": letter.sha256,
        "size": letter.size,
        "file_in_archive": files.add_stored(
            f"letters/{application_id}", letter_file_name(letter, with_version=True), letter.pdf
        ),
        "email": None
        if message is None
        else {
            "to": message.to,
            "subject": message.subject,
            "state": message.state,
            "created_at": message.created_at,
            "sent_at": message.sent_at,
        },
    }


# --- What deleting the account does here ------------------------------------------


def _unanswered_awards(user):
    return Decision.objects.filter(
        application__applicant=user,
        outcome=DecisionOutcome.AWARDED,
        state=DecisionState.PUBLISHED,
    )


def deletion_notices(*, user) -> list[Notice]:
    """What deleting the account does to the person's decisions and letters, in plain words."""
    notices = []
    published = Decision.objects.published().filter(application__applicant=user)
    unanswered = list(_unanswered_awards(user).select_related("application").order_by("pk"))
    if unanswered:
        notices.append(
            Notice(
                _(
                    "You were awarded a grant and haven't accepted it yet. Deleting your account "
                    "declines the grant: the money goes back to the programme, so that others can get it."
                ),
                [
                    f"{d.application.reference_number} — {format_money(d.amount)}"
                    for d in unanswered
                ],
            )
        )
    accepted = list(
        published.filter(
            outcome=DecisionOutcome.AWARDED, state=DecisionState.ACCEPTED
        ).select_related("application")
    )
    if accepted:
        notices.append(
            Notice(
                _(
                    "You have accepted a grant. It stays on record without your name, but after "
                    "you delete your account nobody from the programme can reach you about it. "
                    "If the project is still going on, write to the programme coordinator first."
                ),
                [f"{d.application.reference_number} — {format_money(d.amount)}" for d in accepted],
            )
        )
    reserve = list(published.filter(outcome=DecisionOutcome.RESERVE).select_related("application"))
    if reserve:
        notices.append(
            Notice(
                _(
                    "You are on the reserve list. After you delete your account you won't be "
                    "offered a grant, even if money becomes free."
                ),
                [d.application.reference_number for d in reserve],
            )
        )
    numbers = list(
        DecisionLetter.objects.filter(decision__application__applicant=user)
        .order_by("pk")
        .values_list("number", "version")
    )
    if numbers:
        notices.append(
            Notice(
                _(
                    "Your decision letters are kept, because the programme must archive them. "
                    "They are made again without your personal details: instead of your name they "
                    "say “Deleted person”. The number and the date stay the same."
                ),
                [
                    _("%(number)s, version %(version)s") % {"number": n, "version": v}
                    for n, v in numbers
                ],
            )
        )
    return notices


# --- Erasure -----------------------------------------------------------------


def decisions_erase(*, erasure: Erasure) -> None:
    """Decline unanswered awards, redact every text, blank the outbox, re-render the letters."""
    person = erasure.person
    user = person.user
    for decision in _unanswered_awards(user).order_by("pk"):
        award_decline(
            decision=decision,
            by=user,
            note_code=HistoryNote.ACCOUNT_DELETED_GRANT_DECLINED,
            after_deadline=True,
        )

    decision_ids = list(
        Decision.objects.filter(application__applicant=user).values_list("pk", flat=True)
    )
    decisions = Decision.objects.filter(pk__in=decision_ids)
    redact_rows(
        decisions, ["justification", "below_threshold_reason", "letter_error"], person=person
    )
    redact_rows(
        Decision.history.model.objects.filter(id__in=decision_ids),
        ["justification", "below_threshold_reason", "letter_error", "history_change_reason"],
        person=person,
    )
    requests = LetterRequest.objects.filter(decision_id__in=decision_ids)
    redact_rows(requests, ["note", "error"], person=person)
    redact_rows(LetterStateChange.objects.filter(request__in=requests), ["note"], person=person)
    messages = OutboxMessage.objects.filter(decision_id__in=decision_ids)
    messages.update(to="")
    redact_rows(messages, ["subject", "error"], person=person)
    redact_rows(OutboxStateChange.objects.filter(message__in=messages), ["note"], person=person)
    letters_of_person = DecisionLetter.objects.filter(decision_id__in=decision_ids)
    redact_rows(letters_of_person, ["note"], person=person)
    for letter in letters_of_person.order_by("pk"):
        _letter_rerender(letter, erasure)


def _rerender_note(letter: DecisionLetter) -> str:
    with translation.override("pl"):
        line = _(
            "Re-rendered without personal data on %(date)s: the applicant deleted their account."
        ) % {"date": date_format(timezone.localdate(), "j E Y")}
    return f"{letter.note}\n\n{line}" if letter.note else line


def _letter_rerender(letter: DecisionLetter, erasure: Erasure) -> None:
    """Replace the letter's PDF by one rendered from the anonymised records: same number, version, date."""
    decision = Decision.objects.select_related("application__call", "call").get(
        pk=letter.decision_id
    )
    try:
        with translation.override(letter.language):
            pdf = letters.render_letter_pdf(
                decision, language=letter.language, number=letter.number, issued_at=letter.issued_at
            )
    except Exception as exc:
        raise ErasureFailed(
            f"The letter {letter.number} v{letter.version} could not be rendered again: {exc}"
        ) from exc
    storage = letter.pdf.storage
    name = storage.save(
        letter.pdf.field.generate_filename(letter, f"{letter.number}.pdf"), ContentFile(pdf)
    )
    erasure.file_written(storage, name)
    erasure.delete_file(storage, letter.pdf.name)
    DecisionLetter.objects.filter(pk=letter.pk).update(
        pdf=name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        note=_rerender_note(letter),
    )


def register_sections() -> None:
    register(
        "decisions",
        order=40,
        export=decisions_export,
        erase=decisions_erase,
        notices=deletion_notices,
    )
