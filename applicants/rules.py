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


rules.add_perm("applicants.view_application", is_application_owner | is_coordinator)
rules.add_perm("applicants.change_application", is_application_owner)
rules.add_perm("applicants.manage_applications", is_coordinator)
