"""Young teams for the consent tests: a draft whose lead is a given age, links from the outbox."""

import re
from datetime import date

from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from applicants.enums import ApplicantKind
from applicants.models import ApplicantProfile
from applicants.tests.builders import complete_draft, profile_for
from core.models import OutgoingEmail


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def born_days_from_birthday(age: int, shift_days: int) -> date:
    """A date of birth `shift_days` after the day that makes someone `age` today
    (+1: they turn `age` tomorrow; 0: today; -1: yesterday)."""
    from datetime import timedelta

    return years_before(timezone.localdate(), age) + timedelta(days=shift_days)


def draft_with_lead_born(born: date, *, call=None, user=None, **kwargs):
    user = user or UserFactory(full_name="Zosia Kowalska")
    if not ApplicantProfile.objects.filter(user=user).exists():
        profile_for(user, born=born)
    return complete_draft(call=call, user=user, **kwargs)


def outbox_link(kind: str, to: str) -> str:
    """The path of the link in the newest e-mail of `kind` to `to`: still in the outbox (the
    worker has not sent it, as in tests that run inside a transaction) or sent (mail.outbox)."""
    email = OutgoingEmail.objects.filter(kind=kind, to=to).order_by("-pk").first()
    assert email is not None, f"no {kind} e-mail to {to}"
    body = email.body or next(m.body for m in reversed(mail.outbox) if to in m.to)
    match = re.search(r"https?://[^/\s]+(/confirm/\S+/)", body)
    assert match, body
    return match.group(1)


def group_draft(*, call=None, patron="Młodzieżowy Dom Kultury w Lublinie"):
    """A draft of an informal group (three adults) naming its patron organisation."""
    user = UserFactory(full_name="Ala Zielona")
    ApplicantProfile.objects.create(
        user=user,
        kind=ApplicantKind.GROUP,
        contact_name="Ala Zielona",
        group_name="Zielone Bałuty",
        patron_organisation=patron,
        street="ul. Lipowa 5",
        postcode="20-001",
        city="Lublin",
    )
    user.applicant_profile.members.create(full_name="Ala Zielona", age=19, is_leader=True)
    user.applicant_profile.members.create(full_name="Bartek Zielony", age=19)
    user.applicant_profile.members.create(full_name="Celina Zielona", age=20)
    return draft_with_lead_born(None, call=call, user=user)
