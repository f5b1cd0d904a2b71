"""What an application's team keeps about a person, for "My data" and account deletion
(core.personal_data): the teams they joined as an editor (their name and date of birth
there) and the invitations sent to their address.

An editor's account deleted takes their memberships with it (the rows cascade) and the
invitations to their addresses; the application stays with its lead. A lead's own
applications follow the applications' rules (applicants/privacy_sections.py): the notice
below tells them to hand the lead over first if the team should carry on.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from applicants.models import Application, ApplicationMember, TeamInvitation
from core.personal_data import Erasure, ExportFiles, Notice, register


def _addresses(user) -> Q:
    from allauth.account.models import EmailAddress

    emails = {user.email.lower()}
    emails.update(
        address.lower()
        for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    query = Q(pk__in=[])
    for email in emails:
        query |= Q(email__iexact=email)
    return query


def team_memberships_of(user) -> list[ApplicationMember]:
    """The teams `user` edits, with each application and call (one query)."""
    return list(
        ApplicationMember.objects.filter(user=user)
        .select_related("application__call")
        .order_by("joined_at", "pk")
    )


def team_export(*, user, files: ExportFiles) -> dict:
    return {
        "memberships": [
            {
                "application": member.application.display_title,
                "call": member.application.call.title,
                "role": "editor",
                "full_name": member.full_name,
                "date_of_birth": member.date_of_birth,
                "joined_at": member.joined_at,
            }
            for member in team_memberships_of(user)
        ],
        "invitations_received": [
            {
                "email": invitation.email,
                "state": invitation.state,
                "sent_at": invitation.sent_at,
                "expires_at": invitation.expires_at,
                "answered_at": invitation.answered_at,
            }
            for invitation in TeamInvitation.objects.filter(_addresses(user)).order_by("pk")
        ],
    }


def team_erase(*, erasure: Erasure) -> None:
    """The invitations to the person's addresses go; the memberships go with the account."""
    user = erasure.person.user
    TeamInvitation.objects.filter(_addresses(user)).delete()
    ApplicationMember.objects.filter(user=user).delete()


def team_notices(*, user) -> list[Notice]:
    notices = []
    memberships = team_memberships_of(user)
    if memberships:
        notices.append(
            Notice(
                _("You leave the teams you edit with; the applications stay with their leads:"),
                [member.application.display_title for member in memberships],
            )
        )
    led = list(
        Application.objects.owned_by(user).filter(team__isnull=False).distinct().order_by("pk")
    )
    if led:
        notices.append(
            Notice(
                _(
                    "You lead applications with a team. To let the team carry on, hand the lead to one of them first (on the application's team page):"
                ),
                [application.display_title for application in led],
            )
        )
    return notices


def register_sections() -> None:
    # After the applications (20): their erasure reads the memberships of what it keeps.
    register("team", order=25, export=team_export, erase=team_erase, notices=team_notices)
