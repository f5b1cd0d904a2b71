"""Who may see and change applications."""

import rules

from accounts.rules import is_coordinator


@rules.predicate
def is_application_owner(user, application) -> bool:
    return application is not None and user.is_authenticated and application.applicant_id == user.pk


@rules.predicate
def is_team_member(user, application) -> bool:
    """The application's lead or one of its editors (ApplicationMember)."""
    if application is None or not user.is_authenticated:
        return False
    return application.applicant_id == user.pk or application.team.filter(user=user).exists()


# The team (lead and editors) sees and edits; what the law or the programme asks of one
# person (submitting, withdrawing, answering the decision, changing the team) is the lead's.
rules.add_perm("applicants.view_application", is_team_member | is_coordinator)
rules.add_perm("applicants.change_application", is_team_member)
rules.add_perm("applicants.lead_application", is_application_owner)
rules.add_perm("applicants.manage_applications", is_coordinator)
