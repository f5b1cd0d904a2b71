"""Who may see and do what with a funded project."""

import rules

from accounts.rules import is_coordinator
from applicants.rules import is_team_member


@rules.predicate
def is_grantee(user, grant) -> bool:
    """The applicant whose accepted award the grant is."""
    return grant is not None and user.is_authenticated and grant.application.applicant_id == user.pk


@rules.predicate
def is_signatory(user, grant) -> bool:
    """A person named to sign the grant's agreement, signed in with their own account."""
    return (
        grant is not None and user.is_authenticated and grant.signatories.filter(user=user).exists()
    )


@rules.predicate
def is_grant_team_member(user, grant) -> bool:
    """The lead or an editor of the application the grant was awarded to: they see the
    grant (read-only unless they are the lead or a signatory)."""
    return grant is not None and is_team_member(user, grant.application)


rules.add_perm("projects.manage_grants", is_coordinator)
rules.add_perm(
    "projects.view_grant", is_grantee | is_grant_team_member | is_signatory | is_coordinator
)
# Where the law or the agreement asks for the grantee: the lead, or a team member who signs.
rules.add_perm("projects.act_for_grantee", is_grantee | (is_grant_team_member & is_signatory))
