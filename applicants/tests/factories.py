"""Application rows made directly, fast: for lists, filters and permissions.

They skip the services (no budget lines, no profile); to build an application
the way an applicant would, use tests/builders.py.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import Application, ApplicationVersion
from grants.tests.factories import GrantCallFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application (status `submitted`, numbered, with its version 1).

    Traits: `draft=True` (never submitted: no number, no version) and
    `withdrawn=True`. Pass `version=False` to leave out the frozen version.
    """

    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(GrantCallFactory)
    applicant = factory.SubFactory(UserFactory)
    status = ApplicationStatus.SUBMITTED
    number_in_call = factory.Sequence(lambda n: n + 1)
    reference_number = factory.LazyAttribute(
        lambda o: (
            f"{o.call.reference_code}/2027/{o.number_in_call:04d}"
            if o.number_in_call is not None
            else None
        )
    )
    title = factory.Sequence(lambda n: f"Zielone podwórko nr {n}")
    summary = "Posadzimy drzewa i zbudujemy ogród deszczowy z sąsiadami."
    applicant_kind = ApplicantKind.INDIVIDUAL
    applicant_name = factory.Faker("name", locale="pl_PL")
    applicant_contact_name = factory.LazyAttribute(lambda o: o.applicant_name)
    requested_amount = Decimal("3000.00")
    total_cost = Decimal("3500.00")
    own_contribution = Decimal("500.00")
    last_submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    first_submitted_at = factory.LazyAttribute(lambda o: o.last_submitted_at)

    class Params:
        draft = factory.Trait(
            status=ApplicationStatus.DRAFT,
            number_in_call=None,
            last_submitted_at=None,
            first_submitted_at=None,
        )
        withdrawn = factory.Trait(status=ApplicationStatus.WITHDRAWN)

    @factory.post_generation
    def version(obj, create, extracted, **kwargs):
        """Freeze version 1, as a submission does; the formal check needs it."""
        if create and extracted is not False and obj.last_submitted_at is not None:
            ApplicationVersion.objects.create(
                application=obj,
                number=1,
                submitted_at=obj.last_submitted_at,
                submitted_by=obj.applicant,
                content={"title": obj.title, "reference_number": obj.reference_number},
            )


class ApplicationMemberFactory(factory.django.DjangoModelFactory):
    """An editor on an application's team (the lead is the application's applicant)."""

    class Meta:
        model = "applicants.ApplicationMember"

    application = factory.SubFactory(ApplicationFactory)
    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Członkini Zespołu {n}")
