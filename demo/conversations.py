"""Demo of the messages: three conversations, each with a message its reader hasn't read.

* a draft in the open call: the team asks before submitting ("konsultacje") and the
  coordinator's answer waits unread on the applicant's "My applications";
* a submitted application in formal check: the coordinator asks for a clarification, the
  applicant answers, and the answer waits unread in the call's inbox;
* a funded project: the grantee asks whether a receipt will do, unanswered in the inbox.

Built through conversations.services as people would; an application that already has a
conversation is left as it is, so loading the demo again changes nothing.
"""

from applicants.enums import ApplicationStatus
from applicants.models import Application
from conversations.models import Conversation
from conversations.services import message_send
from grants.models import GrantCall
from projects.models import Grant


def _talk(application: Application, lines: list[tuple[bool, str]], *, coordinator) -> bool:
    if application is None or Conversation.objects.filter(application=application).exists():
        return False
    for from_programme, body in lines:
        message_send(
            application=application,
            author=coordinator if from_programme else application.applicant,
            body=body,
            from_programme=from_programme,
        )
    return True


def demo_conversations_load(*, calls: dict[str, GrantCall], coordinator) -> int:
    """Start the demo's conversations; how many were started now."""
    draft = (
        Application.objects.filter(call=calls["open"], status=ApplicationStatus.DRAFT)
        .exclude(applicant=None)
        .order_by("pk")
        .first()
    )
    in_check = (
        Application.objects.filter(
            call__in=[calls["open"], calls["closed"]], status=ApplicationStatus.SUBMITTED
        )
        .exclude(applicant=None)
        .order_by("pk")
        .first()
    )
    grant = (
        Grant.objects.filter(application__applicant__isnull=False)
        .select_related("application")
        .order_by("pk")
        .first()
    )
    started = 0
    started += _talk(
        draft,
        [
            (
                False,
                "Dzień dobry! Czy w budżecie możemy ująć nasiona i sadzonki kupione na "
                "targu, bez faktury? I czy grupa nieformalna może złożyć wniosek bez "
                "organizacji patronackiej?",
            ),
            (
                True,
                "Dzień dobry! Tak, zakupy na targu są w porządku, wystarczy rachunek albo "
                "oświadczenie sprzedawcy. Grupa nieformalna potrzebuje organizacji "
                "patronackiej — jej nazwę wpiszcie w części „Kto składa wniosek”.",
            ),
        ],
        coordinator=coordinator,
    )
    started += _talk(
        in_check,
        [
            (
                True,
                "Dzień dobry, sprawdzamy wniosek pod względem formalnym. W harmonogramie "
                "warsztaty są w sierpniu, a w opisie działań — we wrześniu. Który termin "
                "jest właściwy?",
            ),
            (
                False,
                "Przepraszamy za pomyłkę: warsztaty będą we wrześniu, po wakacjach. "
                "Sierpień w harmonogramie to przygotowania.",
            ),
        ],
        coordinator=coordinator,
    )
    if grant is not None:
        started += _talk(
            grant.application,
            [
                (
                    False,
                    "Kupiliśmy ziemię do skrzyń w sklepie ogrodniczym i dostaliśmy tylko "
                    "paragon, bez NIP-u. Czy taki dowód wystarczy do rozliczenia?",
                ),
            ],
            coordinator=coordinator,
        )
    return started
