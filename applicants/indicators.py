"""Saving an application's planned indicators (the snapshot and the diff read them).

A service kept apart from applicants/services.py, which is past 500 lines.
Rows for the call's own indicators (grants.models.CallIndicator) come first, in the
call's order, then the applicant's own. A row of the call's exists only once the
applicant has given its number; submission (applicants.submission) asks for the
missing ones.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applicants.enums import EDITABLE_STATUSES
from applicants.models import Application, ApplicationIndicator
from applicants.services import ApplicationLocked
from grants.limits import MAX_OWN_INDICATORS


def _refused(message: str, code: str) -> ValidationError:
    return ValidationError({"indicators": ValidationError(message, code=code)})


@transaction.atomic
def application_indicators_save(*, application: Application, rows: Iterable[dict]) -> None:
    """Replace the application's planned indicators with `rows`, in order.

    Each row is a dict of call_indicator (a CallIndicator of the application's call, or
    None for the applicant's own), name, planned and unit; a call indicator's row takes
    its name and unit from the call. More than MAX_OWN_INDICATORS own rows, a call
    indicator of another call or twice, or a number that isn't a non-negative amount
    with at most two decimals is refused (ValidationError on "indicators"), and
    nothing changes.
    """
    rows = list(rows)
    own = [row for row in rows if row.get("call_indicator") is None]
    if len(own) > MAX_OWN_INDICATORS:
        raise _refused(
            _("You can add at most %(num)d indicators of your own. Join similar ones into one.")
            % {"num": MAX_OWN_INDICATORS},
            "too_many_rows",
        )
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE_STATUSES:
        raise ApplicationLocked(application.pk)
    seen: set[int] = set()
    indicators = []
    for position, row in enumerate(rows):
        call_indicator = row.get("call_indicator")
        if call_indicator is not None:
            if call_indicator.call_id != application.call_id or call_indicator.pk in seen:
                raise _refused(
                    _("This indicator is not one of the call's. Reload the page and try again."),
                    "not_of_call",
                )
            seen.add(call_indicator.pk)
            name, unit = call_indicator.name, call_indicator.unit
        else:
            name, unit = row.get("name", ""), row.get("unit", "")
        indicator = ApplicationIndicator(
            application=application,
            call_indicator=call_indicator,
            name=name,
            planned=row.get("planned"),
            unit=unit,
            position=position,
        )
        try:
            indicator.full_clean(exclude=["application", "call_indicator"])
        except ValidationError as exc:
            raise _refused(
                _("“%(name)s”: %(problem)s") % {"name": name, "problem": " ".join(exc.messages)},
                "invalid",
            ) from exc
        indicators.append(indicator)
    application.indicators.all().delete()
    ApplicationIndicator.objects.bulk_create(indicators)
    application.save(update_fields=["updated_at"])
