"""What the decision stage must settle before its call is archived (registered in grants.archiving)."""

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from decisions.models import Decision
from grants.archiving import register_archive_check

# Archiving waits for the applicants' answers: an archived call is read-only, so an
# award still open to an answer could then be neither accepted nor declined.


def awards_awaiting_answer(*, call, now) -> list[str]:
    """The published awards of `call` whose applicants may still answer, as one sentence (or none)."""
    waiting = Decision.objects.filter(call=call).awaiting_answer(now)
    found = waiting.aggregate(count=Count("pk"), last=Max("acceptance_deadline"))
    if not found["count"]:
        return []
    return [
        ngettext(
            "%(count)d published award still awaits its applicant's answer, until %(moment)s. "
            "Archive the call once it is answered or its time has passed.",
            "%(count)d published awards still await their applicants' answers, the last until "
            "%(moment)s. Archive the call once they are answered or their time has passed.",
            found["count"],
        )
        % {
            "count": found["count"],
            "moment": date_format(timezone.localtime(found["last"]), "j E Y, H:i"),
        }
    ]


def register() -> None:
    register_archive_check(awards_awaiting_answer)
