"""An application's team: the lead invites editors by e-mail, they join through the link,
leave or are removed, and the lead can hand the lead role over (writes; reads are in
applicants/team_selectors.py).

The lead is the application's `applicant` (who submits, withdraws and answers the decision);
the editors are ApplicationMember rows. An invitation's state is written only by
invitation_transition(); every change of the team leaves a row in the application's history.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applicants.enums import (
    DECIDED_STATUSES,
    INVITATION_TRANSITIONS,
    ApplicationStatus,
    HistoryNote,
    InvitationState,
)
from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationMember,
    StatusChange,
    TeamInvitation,
)
from applicants.selectors import live_application
from core.link_tokens import link_token_new
from core.mail import email_enqueue, email_subject
from core.states import InvalidMove

# Besides the lead: a team small enough to write one application together.
TEAM_MAX_EDITORS = 9
INVITATION_VALID_DAYS = 14
# Nobody younger joins a team (the programme's youngest applicants are in secondary school).
MIN_MEMBER_AGE = 13


class InvalidInvitationTransition(InvalidMove):
    subject = "A team invitation"


class TeamRefused(Exception):
    """A change of the team the rules don't allow; the message says why, for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Invitations ----------------------------------------------------------------------------


@transaction.atomic
def invitation_transition(
    invitation: TeamInvitation, to: str, *, by=None, changes: dict | None = None
) -> TeamInvitation:
    """Move an invitation to `to` (accepted or cancelled), stamping when and by whom."""
    invitation = TeamInvitation.objects.select_for_update().get(pk=invitation.pk)
    if to not in INVITATION_TRANSITIONS[invitation.state]:
        raise InvalidInvitationTransition(invitation.state, to)
    invitation.state = to
    invitation.answered_at = timezone.now()
    fields = ["state", "answered_at"]
    if to == InvitationState.ACCEPTED:
        invitation.accepted_by = by
        fields.append("accepted_by")
    for name, value in (changes or {}).items():
        setattr(invitation, name, value)
        fields.append(name)
    invitation.save(update_fields=fields)
    return invitation


def _team_size(application: Application) -> int:
    """Editors who joined plus the invitations still waiting (each may become one)."""
    now = timezone.now()
    return (
        application.team.count()
        + application.invitations.filter(state=InvitationState.PENDING, expires_at__gt=now).count()
    )


def _require_lead(application: Application, user) -> None:
    if application.applicant_id != user.pk:
        raise TeamRefused(_("Only the application's lead can change the team."))


def _require_open(application: Application) -> None:
    if application.status == ApplicationStatus.WITHDRAWN:
        raise TeamRefused(_("This application is withdrawn: its team can't change."))


def _send_invitation(invitation: TeamInvitation, *, raw: str, by) -> None:
    """Queue the e-mail with the link, in the inviting lead's language."""
    application = invitation.application
    with translation.override(getattr(by, "language", "") or settings.LANGUAGE_CODE):
        context = {
            "application": application,
            "lead": by,
            "link": settings.SITE_URL.rstrip("/")
            + reverse("applicants:team_join", kwargs={"token": raw}),
            "expires_at": invitation.expires_at,
        }
        message = EmailMessage(
            subject=email_subject("applicants/email/team_invitation_subject.txt", context),
            body=render_to_string("applicants/email/team_invitation_body.txt", context),
            to=[invitation.email],
        )
    email_enqueue(message, kind="applicants/team_invitation")


@transaction.atomic
def team_invite(*, application: Application, email: str, by) -> TeamInvitation:
    """Invite `email` to the application's team: a pending invitation, valid for 14 days,
    and the e-mail with its link (sent once this commits). TeamRefused: not the lead, the
    team is full, the person is on the team already or has an invitation waiting."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require_lead(application, by)
    _require_open(application)
    email = email.strip().lower()
    if application.applicant and application.applicant.email.lower() == email:
        raise TeamRefused(_("That is your own address: you lead this application already."))
    if application.team.filter(user__email__iexact=email).exists():
        raise TeamRefused(_("%(email)s is on the team already.") % {"email": email})
    now = timezone.now()
    waiting = application.invitations.filter(state=InvitationState.PENDING, email__iexact=email)
    if waiting.filter(expires_at__gt=now).exists():
        raise TeamRefused(
            _("%(email)s has an invitation waiting: send it again from the list below.")
            % {"email": email}
        )
    for old in waiting:  # an expired one gives way to the new one
        invitation_transition(old, InvitationState.CANCELLED, by=by)
    if _team_size(application) >= TEAM_MAX_EDITORS:
        raise TeamRefused(
            _("A team has at most %(count)s people besides the lead.") % {"count": TEAM_MAX_EDITORS}
        )
    raw, digest = link_token_new()
    invitation = TeamInvitation(
        application=application,
        email=email,
        token_digest=digest,
        invited_by=by,
        created_at=now,
        sent_at=now,
        expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    _send_invitation(invitation, raw=raw, by=by)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: TeamInvitation, by) -> TeamInvitation:
    """Send a waiting (or expired) invitation again with a new link and 14 more days; the
    old link stops working."""
    invitation = TeamInvitation.objects.select_for_update().get(pk=invitation.pk)
    _require_lead(invitation.application, by)
    _require_open(invitation.application)
    if invitation.state != InvitationState.PENDING:
        raise TeamRefused(_("This invitation was already answered or cancelled."))
    raw, digest = link_token_new()
    now = timezone.now()
    invitation.token_digest = digest
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=INVITATION_VALID_DAYS)
    invitation.save(update_fields=["token_digest", "sent_at", "expires_at"])
    _send_invitation(invitation, raw=raw, by=by)
    return invitation


def invitation_cancel(*, invitation: TeamInvitation, by) -> TeamInvitation:
    """The lead takes an invitation back: its link says so from now on."""
    _require_lead(invitation.application, by)
    try:
        return invitation_transition(invitation, InvitationState.CANCELLED, by=by)
    except InvalidInvitationTransition as exc:
        raise TeamRefused(_("This invitation was already answered or cancelled.")) from exc


def _history(application: Application, code: str, *, by) -> None:
    """A row in the application's history (its status unchanged): who changed the team."""
    StatusChange.objects.create(
        application=application,
        old_status=application.status,
        new_status=application.status,
        by=by,
        note_code=code,
        notified_at=timezone.now(),  # nothing to e-mail about
    )


@transaction.atomic
def invitation_accept(
    *, invitation: TeamInvitation, user, full_name: str, date_of_birth: date
) -> ApplicationMember:
    """`user` joins the team through `invitation`: an editor row with their name and date of
    birth, the invitation accepted. TeamRefused when the link can't be used (expired,
    cancelled, used), the account's address isn't the invited one, or the person is on the
    team already."""
    application = Application.objects.select_for_update().get(pk=invitation.application_id)
    invitation = TeamInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != InvitationState.PENDING or invitation.is_expired():
        raise TeamRefused(_("This invitation can no longer be used."))
    if user.email.lower() != invitation.email.lower():
        raise TeamRefused(
            _("This invitation is for %(email)s. Log in with that address to join.")
            % {"email": invitation.email}
        )
    _require_open(application)
    if application.applicant_id == user.pk or application.team.filter(user=user).exists():
        raise TeamRefused(_("You are on this application's team already."))
    full_name = " ".join(full_name.split())
    if not full_name:
        raise TeamRefused(_("Enter your full name."))
    today = timezone.localdate()
    if date_of_birth > today or (today.year - date_of_birth.year) < MIN_MEMBER_AGE:
        raise TeamRefused(_("Check your date of birth."))
    member = ApplicationMember(
        application=application,
        user=user,
        full_name=full_name,
        date_of_birth=date_of_birth,
        invited_by=invitation.invited_by,
    )
    member.full_clean(exclude=["application", "user"], validate_unique=False)
    member.save()
    invitation_transition(invitation, InvitationState.ACCEPTED, by=user)
    _history(application, HistoryNote.TEAM_MEMBER_JOINED, by=user)
    return member


# --- Members ----------------------------------------------------------------------------------


@transaction.atomic
def member_remove(*, member: ApplicationMember, by) -> None:
    """The lead takes an editor off the team: from now on they see nothing of it."""
    application = Application.objects.select_for_update().get(pk=member.application_id)
    _require_lead(application, by)
    ApplicationMember.objects.filter(pk=member.pk).delete()
    _history(application, HistoryNote.TEAM_MEMBER_REMOVED, by=by)


@transaction.atomic
def member_leave(*, application: Application, user) -> None:
    """An editor leaves the team (the lead can't: they hand the lead over first)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    deleted, _rows = ApplicationMember.objects.filter(application=application, user=user).delete()
    if not deleted:
        raise TeamRefused(_("Only an editor can leave; the lead hands the lead role over first."))
    _history(application, HistoryNote.TEAM_MEMBER_LEFT, by=user)


def _profile_of(user) -> ApplicantProfile | None:
    try:
        return user.applicant_profile
    except ObjectDoesNotExist:
        return None


@transaction.atomic
def lead_hand_over(*, application: Application, member: ApplicationMember, by) -> Application:
    """Make the editor `member` the lead; the old lead becomes an editor.

    TeamRefused when `by` isn't the lead, the application is decided or withdrawn (the
    decision and the agreement name the lead), the new lead already leads a live
    application in the same call (one each), or — while it can still be submitted — has no
    applicant profile (the submission copies who applies from it).
    """
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    _require_lead(application, by)
    member = ApplicationMember.objects.filter(pk=member.pk, application=application).first()
    if member is None:
        raise TeamRefused(_("Only a member of the team can become its lead."))
    if application.status in DECIDED_STATUSES or application.status == ApplicationStatus.WITHDRAWN:
        raise TeamRefused(
            _("After the decision the lead can't change: the decision and the agreement name them.")
        )
    new_lead = member.user
    other = live_application(call=application.call, applicant=new_lead)
    if other is not None and other.pk != application.pk:
        raise TeamRefused(
            _(
                "%(name)s already leads another application in this call, and each person leads at most one."
            )
            % {"name": member.full_name}
        )
    if application.is_editable and _profile_of(new_lead) is None:
        raise TeamRefused(
            _(
                "%(name)s has no applicant profile yet. They fill it in under “Who applies” first: the submission needs it."
            )
            % {"name": member.full_name}
        )
    old_lead = application.applicant
    profile = _profile_of(old_lead)
    member.delete()
    ApplicationMember.objects.create(
        application=application,
        user=old_lead,
        full_name=(profile.contact_name if profile else "") or old_lead.display_name,
        date_of_birth=profile.date_of_birth if profile else None,
        invited_by=new_lead,
    )
    application.applicant = new_lead
    application.save(update_fields=["applicant", "updated_at"])
    _history(application, HistoryNote.LEAD_HANDED_OVER, by=by)
    return application
