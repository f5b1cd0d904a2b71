"""What an applicant's list of applications shows of their awards: the amount and the date to accept by.

applicants can't import decisions (imports point back up the pipeline), yet
"My applications" must show what was awarded, not only what was asked for, and
by when to answer. The decision stage registers a reader here in its
AppConfig.ready(); the list asks it once for all the applications it shows.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class AwardNote:
    """A published award as its applicant sees it on their list."""

    amount: Decimal
    answer_url: str  # the decision's page, where the applicant accepts or declines
    accept_by: datetime | None = None
    accepted_at: datetime | None = None
    declined_at: datetime | None = None
    awaits_answer: bool = False  # unanswered and the date to accept by not yet passed

    @property
    def answer_time_over(self) -> bool:
        return not (self.awaits_answer or self.accepted_at or self.declined_at)


# reader(*, application_ids) -> {application id: AwardNote}, in one query
AwardReader = Callable[..., dict[int, AwardNote]]

_readers: list[AwardReader] = []


def register_award_reader(reader: AwardReader) -> None:
    if reader not in _readers:
        _readers.append(reader)


def award_notes_for(*, application_ids: Iterable[int]) -> dict[int, AwardNote]:
    """The published awards among `application_ids`, by application id (one query per reader)."""
    ids = list(application_ids)
    notes: dict[int, AwardNote] = {}
    if ids:
        for reader in _readers:
            notes.update(reader(application_ids=ids))
    return notes
