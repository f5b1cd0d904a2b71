"""Role predicates shared by every later app."""

import rules

from accounts.enums import COORDINATORS_GROUP

is_coordinator = rules.is_group_member(COORDINATORS_GROUP) | rules.is_superuser
