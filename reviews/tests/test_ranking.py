import pytest
from decimal import Decimal
from accounts.tests.factories import UserFactory
from applicants.enums import ApplicationStatus
from applicants.tests.factories import ApplicationFactory
from grants.tests.factories import GrantCallFactory
from reviews.models import ReviewAssignment, Review
from reviews.ranking import call_ranking
from django.utils import timezone
pytestmark = pytest.mark.django_db

def test_scratch_empty():
    call = GrantCallFactory()
    ApplicationFactory(call=call, status=ApplicationStatus.ACCEPTED_FOR_REVIEW)
    print(call_ranking(call))

def test_scratch_some():
    call = GrantCallFactory()
    a = ApplicationFactory(call=call, status=ApplicationStatus.ACCEPTED_FOR_REVIEW)
    for t in (40, 70, 72):
        ra = ReviewAssignment.objects.create(application=a, call=call, reviewer=UserFactory(), status="declared", due_at=timezone.now())
        Review.objects.create(assignment=ra, status="submitted", total=Decimal(t))
    print(call_ranking(call))
    print(call_ranking(call, order="normalised"))
