"""The coordinator's view of one application: everything submitted, versions, the formal check."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.diff import version_diff
from applicants.enums import ApplicationStatus
from applicants.forms import FormalCheckForm
from applicants.selectors import (
    application_attachment_for,
    application_get_for_coordinator,
    application_timeline,
    application_versions,
)
from applicants.services import InvalidTransition, formal_check_record
from applicants.views.applicant import attachment_response


class CoordinatorMixin(PermissionRequiredMixin):
    permission_required = "applicants.manage_applications"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.application = application_get_for_coordinator(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ApplicationManageView(CoordinatorMixin, TemplateView):
    template_name = "applicants/manage/application_detail.html"

    def get_context_data(self, **kwargs):
        application = self.application
        versions = list(application_versions(application))
        shown = versions[-1] if versions else None
        requested = self.request.GET.get("version")
        if requested and requested.isdigit():
            shown = next((v for v in versions if v.number == int(requested)), shown)
        diff = None
        if len(versions) >= 2:
            diff = version_diff(versions[-2].content, versions[-1].content)
        context = super().get_context_data(**kwargs)
        context.update(
            application=application,
            call=application.call,
            versions=versions,
            shown=shown,
            content=shown.content if shown else None,
            diff=diff,
            timeline=application_timeline(application),
            checks=application.formal_checks.select_related("by", "version"),
        )
        if application.status == ApplicationStatus.SUBMITTED:
            context.setdefault(
                "check_form",
                FormalCheckForm(checklist_items=application.call.formal_check_items.all()),
            )
        return context


class FormalCheckView(CoordinatorMixin, TemplateView):
    template_name = "applicants/manage/application_detail.html"

    def post(self, request, *args, **kwargs):
        application = self.application
        form = FormalCheckForm(
            request.POST, checklist_items=application.call.formal_check_items.all()
        )
        if not form.is_valid():
            messages.error(
                request, _("The formal check is not saved. Please correct the marked fields.")
            )
            view = ApplicationManageView(request=request, kwargs=kwargs, args=args)
            view.application = application
            return view.render_to_response(view.get_context_data(check_form=form), status=400)
        try:
            formal_check_record(
                application=application,
                outcome=form.cleaned_data["outcome"],
                by=request.user,
                checklist=form.checklist(),
                message=form.cleaned_data["message"],
                correction_deadline=form.cleaned_data.get("correction_deadline"),
            )
        except InvalidTransition:
            messages.error(request, _("This application is not waiting for a formal check."))
        else:
            application.refresh_from_db()
            messages.success(
                request,
                _("Saved: %(status)s.") % {"status": application.get_status_display()},
            )
        return redirect("applicants_manage:detail", pk=application.pk)


class ManageAttachmentDownloadView(CoordinatorMixin, View):
    def get(self, request, *args, **kwargs):
        attachment = application_attachment_for(
            application=self.application, attachment_pk=kwargs["attachment_pk"]
        )
        return attachment_response(attachment)


class ManageVersionPdfView(CoordinatorMixin, View):
    def get(self, request, *args, **kwargs):
        from django.http import Http404

        from applicants.pdf import application_version_pdf_response  # WeasyPrint loads when used

        version = self.application.versions.filter(number=kwargs["number"]).first()
        if version is None:
            raise Http404
        return application_version_pdf_response(version)
