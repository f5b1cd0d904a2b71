"""The coordinator's view of one application: everything submitted, versions, the formal check."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.consents_selectors import consent_summary
from applicants.diff import version_diff
from applicants.enums import ApplicationStatus, VersionPdfKind
from applicants.forms import FormalCheckForm
from applicants.pdf_copies import InvalidPdfTransition, version_pdf_retry, version_pdfs_request
from applicants.selectors import (
    application_attachment_for,
    application_formal_checks,
    application_get_for_coordinator,
    application_section_history,
    application_timeline,
    application_version_get,
    application_versions,
    version_pdf_for,
)
from applicants.services import InvalidTransition, formal_check_record
from applicants.views.applicant import attachment_response
from applicants.views.pdf_copy import version_pdf_response


class CoordinatorMixin(PermissionRequiredMixin):
    permission_required = "applicants.manage_applications"

    def has_permission(self) -> bool:
        # Asked here before the application is looked up and again by the mixin's dispatch.
        if not hasattr(self, "_permitted"):
            self._permitted = super().has_permission()
        return self._permitted

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
            # Asked for, not rendered: a version from before copies were stored gets them queued.
            shown_pdfs=list(version_pdfs_request(version=shown).values()) if shown else [],
            content=shown.content if shown else None,
            diff=diff,
            timeline=application_timeline(application),
            section_history=application_section_history(application),
            consents=consent_summary(application, selected=True),
            checks=application_formal_checks(application=application, versions=versions),
        )
        if application.status == ApplicationStatus.SUBMITTED:
            context.setdefault(
                "check_form",
                FormalCheckForm(checklist_items=application.call.formal_check_items.all()),
            )
        return context


class FormalCheckView(CoordinatorMixin, TemplateView):
    template_name = "applicants/manage/application_detail.html"

    def get(self, request, *args, **kwargs):
        # The address stays in the bar after a refused form: opening it again (or a
        # reload) shows the application, whose page holds the formal-check form.
        return redirect("applicants_manage:detail", pk=self.application.pk)

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
    """A stored PDF copy of a version: the full one, or (`kind`) the one reviewers get."""

    kind = VersionPdfKind.FULL

    def get(self, request, *args, **kwargs):
        version = application_version_get(application=self.application, number=kwargs["number"])
        return version_pdf_response(
            request,
            version=version,
            kind=self.kind,
            back_url=_version_page(self.application, version),
            retry_url=reverse(
                "applicants_manage:version_pdf_retry",
                kwargs={"pk": self.application.pk, "number": version.number, "kind": self.kind},
            ),
        )


class ManageVersionPdfRetryView(CoordinatorMixin, View):
    """Try a failed PDF copy again: it goes back in the queue."""

    def post(self, request, *args, **kwargs):
        if kwargs["kind"] not in VersionPdfKind.values:
            raise Http404
        version = application_version_get(application=self.application, number=kwargs["number"])
        pdf = version_pdf_for(version=version, kind=kwargs["kind"])
        if pdf is None:
            raise Http404
        try:
            version_pdf_retry(pdf=pdf, by=request.user)
        except InvalidPdfTransition:
            messages.info(request, _("This PDF copy is not waiting for a retry."))
        else:
            messages.success(
                request, _("The PDF copy is queued again. Refresh the page in a moment.")
            )
        return redirect(_version_page(self.application, version))


def _version_page(application, version) -> str:
    return (
        reverse("applicants_manage:detail", kwargs={"pk": application.pk})
        + f"?version={version.number}"
    )
