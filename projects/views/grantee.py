"""The grantee's pages: their funded project, its agreement, signatures, account and payments."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from conversations.selectors import unread_counts_for_team_member
from projects.progress import grant_history, grantee_next_step, progress_of
from projects.selectors import call_terms, grant_get_for_team
from projects.spending_documents import spending_panel


class OwnGrantMixin(LoginRequiredMixin):
    """A grant of the user's team (they lead or edit its application); 404 for anyone else
    (not even whether it exists). Editors read it; acting (any POST) is the lead's, or a
    signatory's on the team: 403 for the others."""

    # What the page reads of the grant (a lighter selector for pages that need less).
    grant_get = staticmethod(grant_get_for_team)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.grant = self.grant_get(pk=kwargs["pk"], user=request.user)
        self.can_act = request.user.has_perm("projects.act_for_grantee", self.grant)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not self.can_act:
            raise PermissionDenied(
                _("Only the team's lead or the agreement's signatories can do this.")
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(grant_read_only=not self.can_act, **kwargs)


class GrantView(OwnGrantMixin, TemplateView):
    """The whole story of a grant for its grantee: where it stands and what to do next."""

    template_name = "projects/grantee/grant.html"

    def get_context_data(self, **kwargs):
        terms = call_terms(self.grant.call)
        return super().get_context_data(
            grant=self.grant,
            terms=terms,
            spending=spending_panel(grant=self.grant, terms=terms),
            next_step=grantee_next_step(progress_of(self.grant, viewer=self.request.user)),
            history=grant_history(self.grant),
            # The team's conversation with the programme (a signatory who isn't on the team
            # has none): how many of its messages they haven't read.
            unread_messages=unread_counts_for_team_member(
                user=self.request.user, application_ids=[self.grant.application_id]
            ).get(self.grant.application_id, 0)
            if self.request.user.has_perm("conversations.take_part", self.grant.application)
            else None,
            **kwargs,
        )
