"""Reads of an application's team for its pages (writes are in applicants/team.py)."""

from django.db.models import QuerySet
from django.utils import timezone

from applicants.enums import InvitationState
from applicants.models import Application, ApplicationMember, TeamInvitation
from core.link_tokens import link_token_digest


def team_members(application: Application) -> list[ApplicationMember]:
    """The editors, in the order they joined, with their accounts (one query)."""
    return list(application.team.select_related("user").order_by("joined_at", "pk"))


def team_invitations_waiting(application: Application) -> QuerySet[TeamInvitation]:
    """Invitations not answered nor cancelled, the expired ones too (the lead may re-send them)."""
    return application.invitations.filter(state=InvitationState.PENDING).order_by(
        "created_at", "pk"
    )


def team_member_get(*, application: Application, pk: int) -> ApplicationMember | None:
    return application.team.select_related("user").filter(pk=pk).first()


def team_invitation_get(*, application: Application, pk: int) -> TeamInvitation | None:
    return application.invitations.filter(pk=pk).first()


def invitation_for_token(raw: str) -> TeamInvitation | None:
    """The invitation a link's raw token opens (any state: the page says what happened)."""
    if not raw:
        return None
    return (
        TeamInvitation.objects.select_related("application__call", "invited_by")
        .filter(token_digest=link_token_digest(raw))
        .first()
    )


def invitation_is_usable(invitation: TeamInvitation, now=None) -> bool:
    return invitation.state == InvitationState.PENDING and not invitation.is_expired(
        now or timezone.now()
    )
