"""Who may read and write an application's conversation: its team and the coordinators.

Reviewers never see it: they are neither (a reviewer who is on the team of another
application sees only that one's conversation).
"""

import rules

from accounts.rules import is_coordinator
from applicants.rules import is_team_member

rules.add_perm("conversations.take_part", is_team_member)
rules.add_perm("conversations.manage_messages", is_coordinator)
