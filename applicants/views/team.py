"""The team's pages: who works on an application, the lead's invitations, joining through
the e-mailed link, leaving, removing and handing the lead over."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applicants.enums import InvitationState
from applicants.forms_team import TeamInviteForm, TeamJoinForm
from applicants.models import Application
from applicants.team import (
    INVITATION_VALID_DAYS,
    TEAM_MAX_EDITORS,
    TeamRefused,
    invitation_accept,
    invitation_cancel,
    invitation_resend,
    lead_hand_over,
    member_leave,
    member_remove,
    team_invite,
)
from applicants.team_selectors import (
    invitation_for_token,
    invitation_is_usable,
    team_invitation_get,
    team_invitations_waiting,
    team_member_get,
    team_members,
)
from applicants.views.applicant import OwnApplicationMixin


class TeamMixin(OwnApplicationMixin):
    def team_url(self) -> str:
        return reverse("applicants:team", kwargs={"pk": self.application.pk})

    def require_lead(self) -> None:
        if not self.application.is_lead:
            raise PermissionDenied(_("Only the application's lead can change the team."))


class TeamView(TeamMixin, TemplateView):
    """The team: the lead, the editors, the invitations waiting; the lead invites here."""

    template_name = "applicants/team/team.html"

    def get_context_data(self, **kwargs):
        application = self.application
        kwargs.setdefault("form", TeamInviteForm())
        return super().get_context_data(
            application=application,
            members=team_members(application),
            invitations=list(team_invitations_waiting(application)) if application.is_lead else [],
            max_editors=TEAM_MAX_EDITORS,
            valid_days=INVITATION_VALID_DAYS,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.require_lead()
        form = TeamInviteForm(request.POST)
        if form.is_valid():
            try:
                invitation = team_invite(
                    application=self.application, email=form.cleaned_data["email"], by=request.user
                )
            except TeamRefused as refused:
                form.add_error("email", refused.message)
            else:
                messages.success(
                    request,
                    _("The invitation is on its way to %(email)s.") % {"email": invitation.email},
                )
                return redirect(self.team_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class InvitationResendView(TeamMixin, View):
    def post(self, request, *args, **kwargs):
        self.require_lead()
        invitation = team_invitation_get(application=self.application, pk=kwargs["invitation_pk"])
        if invitation is None:
            raise Http404
        try:
            invitation_resend(invitation=invitation, by=request.user)
        except TeamRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request, _("Sent again to %(email)s with a new link.") % {"email": invitation.email}
            )
        return redirect(self.team_url())


class InvitationCancelView(TeamMixin, View):
    def post(self, request, *args, **kwargs):
        self.require_lead()
        invitation = team_invitation_get(application=self.application, pk=kwargs["invitation_pk"])
        if invitation is None:
            raise Http404
        try:
            invitation_cancel(invitation=invitation, by=request.user)
        except TeamRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("The invitation for %(email)s is cancelled: its link no longer works.")
                % {"email": invitation.email},
            )
        return redirect(self.team_url())


class MemberRemoveView(TeamMixin, View):
    def post(self, request, *args, **kwargs):
        self.require_lead()
        member = team_member_get(application=self.application, pk=kwargs["member_pk"])
        if member is None:
            raise Http404
        member_remove(member=member, by=request.user)
        messages.success(
            request, _("%(name)s is no longer on the team.") % {"name": member.full_name}
        )
        return redirect(self.team_url())


class TeamLeaveView(TeamMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            member_leave(application=self.application, user=request.user)
        except TeamRefused as refused:
            messages.error(request, refused.message)
            return redirect(self.team_url())
        messages.success(
            request,
            _("You left the team of “%(title)s”.") % {"title": self.application.display_title},
        )
        return redirect("applicants:my_applications")


class LeadHandOverView(TeamMixin, TemplateView):
    """Asks once more, then makes the editor the lead (the old lead stays as an editor)."""

    template_name = "applicants/team/hand_over.html"

    def get_member(self):
        self.require_lead()
        member = team_member_get(application=self.application, pk=self.kwargs["member_pk"])
        if member is None:
            raise Http404
        return member

    def get(self, request, *args, **kwargs):
        member = self.get_member()
        return self.render_to_response(
            self.get_context_data(application=self.application, member=member)
        )

    def post(self, request, *args, **kwargs):
        member = self.get_member()
        try:
            lead_hand_over(application=self.application, member=member, by=request.user)
        except TeamRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("%(name)s now leads the application. You stay on the team as an editor.")
                % {"name": member.full_name},
            )
        return redirect(self.team_url())


class TeamJoinView(TemplateView):
    """The invitation's link: says plainly what it is, asks a visitor to log in (or sign up)
    with the invited address and come back, then asks the name and date of birth."""

    template_name = "applicants/team/join.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitation_for_token(kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def situation(self) -> str:
        """What the page says: unknown, used, cancelled, expired, login, wrong_account, join."""
        invitation = self.invitation
        if invitation is None:
            return "unknown"
        if invitation.state == InvitationState.ACCEPTED:
            return "used"
        if invitation.state == InvitationState.CANCELLED:
            return "cancelled"
        if not invitation_is_usable(invitation):
            return "expired"
        user = self.request.user
        if not user.is_authenticated:
            return "login"
        if user.email.lower() != invitation.email.lower():
            return "wrong_account"
        return "join"

    def get_context_data(self, **kwargs):
        situation = self.situation()
        next_query = urlencode({"next": self.request.path})
        context = {
            "situation": situation,
            "invitation": self.invitation
            if situation in {"login", "wrong_account", "join"}
            else None,
            "login_url": reverse("account_login") + "?" + next_query,
            "signup_url": reverse("account_signup") + "?" + next_query,
        }
        if situation == "join":
            context.setdefault(
                "form", TeamJoinForm(initial={"full_name": self.request.user.full_name})
            )
        context.update(kwargs)
        return super().get_context_data(**context)

    def get(self, request, *args, **kwargs):
        context = self.get_context_data()
        if (
            context["situation"] == "used"
            and request.user.is_authenticated
            and self.invitation.accepted_by_id == request.user.pk
            and Application.objects.of_team(request.user)
            .filter(pk=self.invitation.application_id)
            .exists()
        ):
            return redirect(self.invitation.application.get_absolute_url())
        status = 200 if context["situation"] in {"login", "wrong_account", "join"} else 410
        if context["situation"] == "unknown":
            status = 404
        return self.render_to_response(context, status=status)

    def post(self, request, *args, **kwargs):
        if self.situation() != "join":
            return self.get(request, *args, **kwargs)
        form = TeamJoinForm(request.POST)
        if form.is_valid():
            try:
                member = invitation_accept(
                    invitation=self.invitation,
                    user=request.user,
                    full_name=form.cleaned_data["full_name"],
                    date_of_birth=form.cleaned_data["date_of_birth"],
                )
            except TeamRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    _("Welcome to the team of “%(title)s”! You can work on it now.")
                    % {"title": member.application.display_title},
                )
                return redirect(member.application.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)
