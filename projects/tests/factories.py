"""Grants for tests: made the way the pipeline makes them (accepted_grant), or as rows, fast
(GrantFactory), for lists, filters and permissions."""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import factory
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import ApplicationVersion
from applicants.tests.factories import ApplicationFactory
from decisions.enums import DecisionOutcome, DecisionState
from decisions.models import Decision
from grants.tests.factories import GrantCallFactory, deadline_passes
from projects.models import Grant

# A budget of 3,500 zł: 3,000 asked of the grant, 500 zł own contribution.
BUDGET_LINES = [
    {
        "category": "materials",
        "item": "Sadzonki i ziemia",
        "unit": "komplet",
        "quantity": "10.00",
        "unit_cost": "150.00",
        "own_contribution": "0.00",
        "total": "1500.00",
    },
    {
        "category": "services",
        "item": "Warsztaty z ogrodnikiem",
        "unit": "godzina",
        "quantity": "10.00",
        "unit_cost": "200.00",
        "own_contribution": "500.00",
        "total": "2000.00",
    },
]
INDICATORS = [
    {"name": "Uczestnicy warsztatów", "unit": "osób", "planned": "40", "call_indicator_id": None},
    {"name": "Posadzone rośliny", "unit": "szt.", "planned": "120", "call_indicator_id": None},
]
SCHEDULE = [
    {"starts_on": "2027-04-01", "ends_on": "2027-04-30", "activity": "Przygotowanie"},
    {"starts_on": "2027-05-01", "ends_on": "2027-06-30", "activity": "Sadzenie i warsztaty"},
]


def version_content(application, *, kind=ApplicantKind.INDIVIDUAL, **applicant) -> dict:
    """What a submission freezes, enough for a grant: who applied, the schedule, the budget."""
    return {
        "title": application.title,
        "reference_number": application.reference_number,
        "applicant": {
            "kind": kind,
            "display_name": application.applicant_name,
            "contact_name": application.applicant_contact_name,
            "email": application.applicant.email,
            "street": "ul. Lipowa 5/12",
            "postcode": "00-950",
            "city": "Warszawa",
            "members": [],
            **applicant,
        },
        "schedule": SCHEDULE,
        "indicators": INDICATORS,
        "budget": {
            "lines": BUDGET_LINES,
            "total_cost": "3500.00",
            "own_contribution": "500.00",
            "requested_amount": "3000.00",
        },
    }


def _fake_letter_pdf(decision, *, language, number, issued_at) -> bytes:
    return f"%PDF-1.7\n% {number} ({language})\n%%EOF\n".encode()


def _reviewed_application(call, *, applicant, kind, applicant_fields, **application_fields):
    from reviews.models import Review, ReviewAssignment

    application = ApplicationFactory(
        call=call,
        applicant=applicant,
        status=ApplicationStatus.REVIEWED,
        applicant_kind=kind,
        requested_amount=Decimal("3000.00"),
        version=False,
        **application_fields,
    )
    ApplicationVersion.objects.create(
        application=application,
        number=1,
        submitted_at=application.last_submitted_at,
        submitted_by=applicant,
        content=version_content(application, kind=kind, **applicant_fields),
    )
    assignment = ReviewAssignment.objects.create(
        application=application,
        call=call,
        reviewer=UserFactory(),
        status="declared",
        due_at=timezone.now() + timedelta(days=7),
    )
    Review.objects.create(
        assignment=assignment, status="submitted", total=Decimal(80), submitted_at=timezone.now()
    )
    return application


def accepted_grants(
    count: int = 1,
    *,
    amount: str = "3000.00",
    call=None,
    applicants=None,
    kind: str = ApplicantKind.INDIVIDUAL,
    kinds: list[dict] | None = None,
    **applicant_fields,
) -> list[Grant]:
    """`count` grants of one call made as the pipeline makes them: applications awarded
    `amount`, published together and accepted by their applicants (letters stubbed: their
    content is the decisions' tests').

    `kinds` makes one grant per entry instead, each a dict with its "kind" and, as wanted,
    its "amount", "applicant_name" and applicant fields (e.g. an NGO's "krs", a group's
    "members": [{"full_name", "age"}]): several kinds of grantee in one call."""
    from decisions.services import award_accept, decision_record, results_publish

    call = call or GrantCallFactory(total_budget=Decimal("900000"))
    if kinds is not None:
        awards = [dict(entry) for entry in kinds]
    else:
        awards = [{"kind": kind, **applicant_fields} for _ in range(count)]
    applicants = list(applicants or [UserFactory() for _ in awards])
    coordinator = CoordinatorFactory()

    def application_for(applicant, award):
        application_fields = {}
        if "applicant_name" in award:
            application_fields["applicant_name"] = award.pop("applicant_name")
        award.pop("amount", None)
        return _reviewed_application(
            call,
            applicant=applicant,
            kind=award.pop("kind"),
            applicant_fields=award,
            **application_fields,
        )

    with mock.patch("decisions.letters.render_letter_pdf", _fake_letter_pdf):
        decisions = []
        for applicant, award in zip(applicants, awards, strict=True):
            awarded = Decimal(award.get("amount", amount))
            decisions.append(
                decision_record(
                    application=application_for(applicant, award),
                    outcome=DecisionOutcome.AWARDED,
                    amount=awarded,
                    justification=(
                        "Komisja przyznała mniej: część kosztów pokryje gmina."
                        if awarded < Decimal("3000.00")
                        else ""
                    ),
                    by=coordinator,
                )
            )
        results_publish(call=deadline_passes(call), by=coordinator)
        for decision, applicant in zip(decisions, applicants, strict=True):
            award_accept(decision=Decision.objects.get(pk=decision.pk), by=applicant)
    return list(
        Grant.objects.filter(decision__in=decisions).select_related("application__applicant")
    )


def accepted_grant(**kwargs) -> Grant:
    """One grant made as the pipeline makes it (see accepted_grants); `applicant` names its
    applicant."""
    applicant = kwargs.pop("applicant", None)
    return accepted_grants(1, applicants=[applicant] if applicant else None, **kwargs)[0]


class GrantFactory(factory.django.DjangoModelFactory):
    """A grant row in its first state, over an accepted award row (no services run)."""

    class Meta:
        model = Grant

    application = factory.SubFactory(
        ApplicationFactory, status=ApplicationStatus.AWARDED, version=False
    )
    call = factory.LazyAttribute(lambda o: o.application.call)
    decision = factory.LazyAttribute(
        lambda o: Decision.objects.create(
            application=o.application,
            call=o.application.call,
            outcome=DecisionOutcome.AWARDED,
            amount=o.amount,
            decided_by=CoordinatorFactory(),
            state=DecisionState.ACCEPTED,
            published_at=timezone.now() - timedelta(days=10),
            accepted_at=timezone.now() - timedelta(days=5),
        )
    )
    reference_number = factory.LazyAttribute(lambda o: o.application.reference_number)
    title = factory.LazyAttribute(lambda o: o.application.title)
    grantee_kind = factory.LazyAttribute(lambda o: o.application.applicant_kind)
    grantee_name = factory.LazyAttribute(lambda o: o.application.applicant_name)
    amount = Decimal("3000.00")
    starts_on = date(2027, 4, 1)
    ends_on = date(2027, 6, 30)


__all__ = [
    "BUDGET_LINES",
    "SCHEDULE",
    "GrantCallFactory",
    "GrantFactory",
    "accepted_grant",
    "accepted_grants",
]


def active_grant(*, advance: str | None = None, amount: str = "3000.00", **kwargs) -> Grant:
    """A grant under way as the pipeline makes it: accepted (the budget of BUDGET_LINES and
    the SCHEDULE), an account given, the agreement signed and the first instalment paid.
    `advance` (per cent) leaves the rest to be paid after the final report."""
    from projects.bank_accounts import bank_account_give
    from projects.enums import AccountOwner, GrantState, PaymentState
    from projects.models import CallGrantTerms
    from projects.payments import payment_mark_paid
    from projects.services import grant_transition

    grant = accepted_grant(amount=amount, **kwargs)
    if advance is not None:
        CallGrantTerms.objects.update_or_create(
            call=grant.call, defaults={"advance_percent": Decimal(advance)}
        )
    bank_account_give(
        grant=grant,
        iban="PL61109010140000071219812874",
        holder_name=grant.grantee_name,
        owner=AccountOwner.GRANTEE,
        by=grant.application.applicant,
    )
    grant_transition(grant, GrantState.AGREEMENT_SENT, by=None)
    grant_transition(grant, GrantState.SIGNED, by=None)
    coordinator = CoordinatorFactory()
    for payment in grant.payments.filter(state=PaymentState.DUE):
        payment_mark_paid(payment=payment, by=coordinator, paid_on=timezone.localdate())
    return Grant.objects.select_related("application__applicant", "call").get(pk=grant.pk)
