"""The grantee's pages: their funded project, its agreement, signatures, account and payments."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from conversations.selectors import unread_counts_for_team_member
from projects.progress import grant_history, grantee_next_step, progress_of
from projects.selectors import call_terms, grant_get_for_grantee
from projects.spending_documents import spending_panel


class OwnGrantMixin(LoginRequiredMixin):
    """The user's own grant; 404 for anyone else (not even whether it exists)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.grant = grant_get_for_grantee(pk=kwargs["pk"], user=request.user)
        return super().dispatch(request, *args, **kwargs)


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
