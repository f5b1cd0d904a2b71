"""What an applicant's list of applications shows of their awards: the amount and the date to accept by.

applicants can't import decisions (imports point back up the pipeline), yet
"My applications" must show what was awarded, not only what was asked for, and
by when to answer. The decision stage registers a reader here in its
AppConfig.ready(); the list asks it once for all the applications it shows.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class ProjectNote:
    """The funded project an accepted award became (told by projects, registered below)."""

    url: str  # the grantee's page of the project
    state_label: str
    badge: str  # the state's Bootstrap badge classes


@dataclass(frozen=True)
class AwardNote:
    """A published award as its applicant sees it on their list."""

    amount: Decimal
    answer_url: str  # the decision's page, where the applicant accepts or declines
    accept_by: datetime | None = None
    accepted_at: datetime | None = None
    declined_at: datetime | None = None
    awaits_answer: bool = False  # unanswered and the date to accept by not yet passed
    project: ProjectNote | None = None  # once accepted, the funded project

    @property
    def answer_time_over(self) -> bool:
        return not (self.awaits_answer or self.accepted_at or self.declined_at)


# reader(*, application_ids) -> {application id: AwardNote}, in one query
AwardReader = Callable[..., dict[int, AwardNote]]

_readers: list[AwardReader] = []

# reader(*, application_ids) -> {application id: ProjectNote}, in one query (the projects stage)
ProjectReader = Callable[..., dict[int, ProjectNote]]

_project_readers: list[ProjectReader] = []


def register_award_reader(reader: AwardReader) -> None:
    if reader not in _readers:
        _readers.append(reader)


def register_project_reader(reader: ProjectReader) -> None:
    """A later stage tells the list which awards became funded projects, and where they stand."""
    if reader not in _project_readers:
        _project_readers.append(reader)


def award_notes_for(*, application_ids: Iterable[int]) -> dict[int, AwardNote]:
    """The published awards among `application_ids`, by application id (one query per reader)."""
    ids = list(application_ids)
    notes: dict[int, AwardNote] = {}
    if ids:
        for reader in _readers:
            notes.update(reader(application_ids=ids))
        accepted = [pk for pk, note in notes.items() if note.accepted_at is not None]
        for reader in _project_readers if accepted else ():
            for pk, project in reader(application_ids=accepted).items():
                if pk in notes:
                    notes[pk] = replace(notes[pk], project=project)
    return notes
