"""Who runs the programme: the coordinators' page to edit it (/manage/programme/) and the
privacy notice every visitor can read (/privacy/)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from core.selectors import programme_profile, programme_profile_history, programme_profile_row
from core.services import programme_profile_save
from grants.forms_programme import ProgrammeProfileForm


class ProgrammeProfileEditView(PermissionRequiredMixin, FormView):
    """The operator's name and address, data-protection contact, signatory, logo and e-mail sender."""

    permission_required = "grants.manage_programme"
    template_name = "grants/manage/programme.html"
    form_class = ProgrammeProfileForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": programme_profile_row()}

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        return super().get_context_data(
            profile=form.instance, history=programme_profile_history(), **kwargs
        )

    def form_valid(self, form):
        programme_profile_save(
            profile=form.save(commit=False),
            logo=form.cleaned_data["logo_file"],
            remove_logo=form.cleaned_data["remove_logo"],
            by=self.request.user,
        )
        messages.success(self.request, _("The programme profile is saved."))
        return redirect("programme:edit")

    def form_invalid(self, form):
        messages.error(
            self.request, _("The profile was not saved. Please correct the marked fields.")
        )
        return super().form_invalid(form)


class PrivacyNoticeView(TemplateView):
    """The programme's privacy notice: who controls the data, why, for how long, and people's rights."""

    template_name = "grants/privacy_notice.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=programme_profile(), **kwargs)
