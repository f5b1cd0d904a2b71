"""accounts.roles: a person's groups and role flags, read in one query kept compiled per process."""

import pytest
from django.contrib.auth.models import Group
from django.db.models import Q

from accounts import roles
from accounts.tests.factories import CoordinatorFactory, UserFactory
from grants.tests.factories import GrantCallFactory
from reviews.models import PoolMember
from reviews.standing import HAS_REVIEW_WORK

pytestmark = pytest.mark.django_db


def from_scratch(user) -> tuple[set[str], set[str]]:
    """The same answer from the ORM query built for this person."""
    groups, flags = set(), set()
    for kind, label in roles._roles_query(user):
        (groups if kind == roles._GROUP else flags).add(label)
    return groups, flags


def test_roles_load_reads_each_persons_groups_and_review_work(django_assert_num_queries):
    coordinator = CoordinatorFactory()
    reviewer = UserFactory()
    reviewer.groups.add(Group.objects.create(name="Obserwatorzy"))
    PoolMember.objects.create(call=GrantCallFactory(), reviewer=reviewer, added_by=coordinator)
    nobody = UserFactory()
    for user in (coordinator, reviewer, nobody, coordinator):
        with django_assert_num_queries(1):
            loaded = roles.roles_load(user)
        assert loaded == from_scratch(user)
    assert roles.roles_load(reviewer) == ({"Obserwatorzy"}, {HAS_REVIEW_WORK})
    assert roles.roles_load(nobody) == (set(), set())
    assert HAS_REVIEW_WORK not in roles.roles_load(coordinator)[1]


def test_roles_load_builds_a_flag_that_reads_more_than_the_id_for_each_person(monkeypatch):
    monkeypatch.setattr(roles, "_FLAGS", dict(roles._FLAGS))
    monkeypatch.setattr(roles, "_COMPILED", {})
    roles.role_flag_register("test.example_org", lambda user: Q(email=user.email, pk=user.pk))
    inside, outside = UserFactory(email="ala@example.org"), UserFactory(email="ola@example.com")
    assert "test.example_org" in roles.roles_load(inside)[1]
    assert "test.example_org" in roles.roles_load(outside)[1]  # its own e-mail, not a kept one
    assert set(roles._COMPILED.values()) == {None}
