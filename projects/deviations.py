"""The call's deviation rules: how far spending, or a requested change, may depart from the
budget and dates the coordinator agreed to without an approved amendment.

Pure functions over plain figures, so the grantee's live check (plan vs spent), the report's
check and the amendment's "notified or approved?" all apply the same rules:

* a budget line may grow by up to the call's tolerance (e.g. 10 %) of its agreed value;
* a new line, a later end date, or more from the grant than awarded needs an amendment;
* spending belongs to the project period (documents dated outside it need an amendment).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formatting import format_date, format_decimal, format_money

ZERO = Decimal("0")
GROSZ = Decimal("0.01")


class BreachCode:
    LINE_OVER = "line_over"
    NEW_LINE = "new_line"
    GRANT_TOTAL = "grant_total"
    LATER_END = "later_end"
    OUTSIDE_PERIOD = "outside_period"


@dataclass(frozen=True)
class PlannedLine:
    """A budget line as agreed (`key` identifies it across versions, e.g. the line's pk)."""

    key: object
    item: str
    total: Decimal


@dataclass(frozen=True)
class Breach:
    """One rule a figure breaks, said so that a grantee knows what to do."""

    code: str
    message: str
    key: object = None


def line_allowance(planned: Decimal, tolerance_percent: Decimal) -> Decimal:
    """The most a line agreed at `planned` may reach without an amendment (to the grosz, down)."""
    allowed = Decimal(planned) * (1 + Decimal(tolerance_percent) / 100)
    return allowed.quantize(GROSZ, rounding=ROUND_DOWN)


def _line_breaches(
    agreed: Iterable[PlannedLine], values: dict, tolerance_percent: Decimal, *, message: str
) -> list[Breach]:
    """`message` says it with %(item)s, %(value)s, %(percent)s, %(planned)s, %(allowance)s."""
    breaches = []
    for line in agreed:
        value = values.get(line.key, ZERO)
        allowance = line_allowance(line.total, tolerance_percent)
        if value > allowance:
            breaches.append(
                Breach(
                    BreachCode.LINE_OVER,
                    message
                    % {
                        "item": line.item,
                        "value": format_money(value),
                        # "10", "12,5": a stored Decimal("10.00") is not shown as "10.00".
                        "percent": format_decimal(Decimal(tolerance_percent), 2, trim=True),
                        "planned": format_money(line.total),
                        "allowance": format_money(allowance),
                    },
                    line.key,
                )
            )
    return breaches


def spending_breaches(
    *,
    agreed: Iterable[PlannedLine],
    spent: dict,
    tolerance_percent: Decimal,
    awarded: Decimal,
    spent_from_grant: Decimal,
    starts_on: date | None,
    ends_on: date | None,
    document_dates: Iterable[date] = (),
) -> list[Breach]:
    """The rules the grant's spending breaks: `spent` maps each line's key to what was spent
    on it (from the grant and own contribution); `document_dates` are the documents' dates."""
    agreed = list(agreed)
    breaches = _line_breaches(
        agreed,
        spent,
        tolerance_percent,
        message=_(
            "“%(item)s” has cost %(value)s: more than %(percent)s%% above the agreed "
            "%(planned)s. Up to %(allowance)s needs no amendment; ask for one, or move the "
            "excess to your own contribution."
        ),
    )
    if spent_from_grant > awarded:
        breaches.append(
            Breach(
                BreachCode.GRANT_TOTAL,
                _("%(spent)s is paid from the grant: more than the %(awarded)s awarded.")
                % {"spent": format_money(spent_from_grant), "awarded": format_money(awarded)},
            )
        )
    outside = sorted(
        d for d in document_dates if (starts_on and d < starts_on) or (ends_on and d > ends_on)
    )
    if outside:
        breaches.append(
            Breach(
                BreachCode.OUTSIDE_PERIOD,
                ngettext(
                    "%(count)s document is dated outside the project period "
                    "(%(starts)s – %(ends)s): %(first)s.",
                    "%(count)s documents are dated outside the project period "
                    "(%(starts)s – %(ends)s), the first %(first)s.",
                    len(outside),
                )
                % {
                    "count": len(outside),
                    "starts": format_date(starts_on),
                    "ends": format_date(ends_on),
                    "first": format_date(outside[0]),
                },
            )
        )
    return breaches


def change_breaches(
    *,
    agreed: Iterable[PlannedLine],
    proposed: dict,
    new_lines: Iterable[str] = (),
    tolerance_percent: Decimal,
    agreed_ends_on: date | None,
    proposed_ends_on: date | None,
) -> list[Breach]:
    """The rules a requested change breaks: none means it is a notified change, recorded at
    once; any means the coordinator must approve it. `proposed` maps each agreed line's key to
    its proposed total; `new_lines` names the lines to add."""
    breaches = _line_breaches(
        agreed,
        proposed,
        tolerance_percent,
        message=_(
            "“%(item)s” would grow to %(value)s: more than %(percent)s%% above the agreed "
            "%(planned)s (up to %(allowance)s is only notified). The coordinator must "
            "approve it."
        ),
    )
    for item in new_lines:
        breaches.append(
            Breach(
                BreachCode.NEW_LINE,
                _("“%(item)s” is a new budget line: it needs the coordinator's approval.")
                % {"item": item},
            )
        )
    if agreed_ends_on and proposed_ends_on and proposed_ends_on > agreed_ends_on:
        breaches.append(
            Breach(
                BreachCode.LATER_END,
                _("Ending on %(new)s instead of %(old)s needs the coordinator's approval.")
                % {"new": format_date(proposed_ends_on), "old": format_date(agreed_ends_on)},
            )
        )
    return breaches
