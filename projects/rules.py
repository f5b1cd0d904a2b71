"""Who may see and do what with a funded project."""

import rules

from accounts.rules import is_coordinator


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


rules.add_perm("projects.manage_grants", is_coordinator)
rules.add_perm("projects.view_grant", is_grantee | is_signatory | is_coordinator)
rules.add_perm("projects.act_for_grantee", is_grantee)
