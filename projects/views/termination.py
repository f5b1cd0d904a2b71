"""The coordinator terminates a grant: a confirmation page with the reason, then the move."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView
from rules.contrib.views import PermissionRequiredMixin

from projects.enums import FINAL_GRANT_STATES
from projects.forms_termination import GrantTerminateForm
from projects.selectors import grant_get_for_coordinator
from projects.termination import TerminationRefused, grant_terminate


class GrantTerminateView(PermissionRequiredMixin, FormView):
    """GET: what terminating means, and the reason to give. POST: terminate and tell the grantee."""

    permission_required = "projects.manage_grants"
    template_name = "projects/manage/terminate.html"
    form_class = GrantTerminateForm

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.grant = grant_get_for_coordinator(pk=kwargs["pk"])
        if self.grant.state in FINAL_GRANT_STATES:
            messages.info(request, _("This grant is already terminated."))
            return redirect("projects_manage:grant", pk=self.grant.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(grant=self.grant, **kwargs)

    def form_valid(self, form):
        try:
            grant_terminate(
                grant=self.grant, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except TerminationRefused:
            messages.error(
                self.request, _("The grant could not be terminated: it changed meanwhile.")
            )
            return redirect("projects_manage:grant", pk=self.grant.pk)
        messages.success(self.request, _("The grant is terminated. The grantee is told by e-mail."))
        return redirect("projects_manage:grant", pk=self.grant.pk)
