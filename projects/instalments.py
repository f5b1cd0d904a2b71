"""How a grant is split into instalments: to the grosz, the remainder on the last one."""

from decimal import ROUND_DOWN, Decimal

from projects.enums import PaymentCondition

GROSZ = Decimal("0.01")
HUNDRED = Decimal("100")


def instalment_plan(amount: Decimal, advance_percent: Decimal) -> list[tuple[Decimal, str]]:
    """The instalments of a grant of `amount`: [(amount, PaymentCondition), …].

    100 per cent (or an advance that rounds to the whole grant) is one instalment
    after signing; less is an advance after signing, rounded down to the grosz, and
    the rest after the final report. The instalments always add up to `amount`.
    """
    amount = Decimal(amount).quantize(GROSZ)
    advance = (amount * Decimal(advance_percent) / HUNDRED).quantize(GROSZ, rounding=ROUND_DOWN)
    if advance >= amount or advance <= 0:
        return [(amount, PaymentCondition.AGREEMENT_SIGNED)]
    return [
        (advance, PaymentCondition.AGREEMENT_SIGNED),
        (amount - advance, PaymentCondition.FINAL_REPORT_ACCEPTED),
    ]
