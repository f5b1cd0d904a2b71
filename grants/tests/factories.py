from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory
from grants.enums import CallStatus
from grants.models import Criterion, GrantCall


class GrantCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantCall

    programme = "Aktywni dla klimatu"
    title = factory.Sequence(lambda n: f"Nabór klimatyczny nr {n}")
    slug = factory.Sequence(lambda n: f"nabor-{n}")
    reference_code = factory.Sequence(lambda n: "T" + "".join(chr(65 + int(d)) for d in str(n)))
    description = "Mini-granty na lokalne działania dla klimatu."
    eligibility = "Osoby w wieku 16–30 lat i grupy nieformalne."
    min_amount = Decimal("1000.00")
    max_amount = Decimal("5000.00")
    total_budget = Decimal("50000.00")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    status = CallStatus.OPEN
    created_by = factory.SubFactory(CoordinatorFactory)

    class Params:
        draft = factory.Trait(status=CallStatus.DRAFT)
        upcoming = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=10)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=40)),
        )
        past_deadline = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=40)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=10)),
        )


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(GrantCallFactory)
    name = factory.Sequence(lambda n: f"Kryterium {n}")
    guidance = "Oceń, czy projekt odpowiada na realny problem."
    max_points = 10
    weight = Decimal("1.00")
    position = factory.Sequence(lambda n: n)


def deadline_passes(call: GrantCall) -> GrantCall:
    """Let the call's deadline pass, as time would: applications made before it stay as they are.

    Results are published only after the deadline (decisions.services.results_publish).
    """
    GrantCall.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    call.refresh_from_db()
    return call
