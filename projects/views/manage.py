"""The coordinators' pages of funded projects: a call's grants, one grant."""

from django.views.generic import TemplateView

from grants.views.manage import CoordinatorRequiredMixin, call_get_with_part_counts
from projects.selectors import call_terms, grant_get_for_coordinator, grants_of_call


class CallGrantsView(CoordinatorRequiredMixin, TemplateView):
    """Where every grant of a call stands."""

    template_name = "projects/manage/call_grants.html"

    def get_context_data(self, **kwargs):
        call = call_get_with_part_counts(pk=self.kwargs["pk"])
        query = self.request.GET.get("q", "").strip()[:100]
        return super().get_context_data(
            call=call, grants=grants_of_call(call=call, query=query), query=query, **kwargs
        )


class GrantDetailView(CoordinatorRequiredMixin, TemplateView):
    template_name = "projects/manage/grant.html"

    def get_context_data(self, **kwargs):
        grant = grant_get_for_coordinator(pk=self.kwargs["pk"])
        return super().get_context_data(grant=grant, terms=call_terms(grant.call), **kwargs)
