"""Pages of the reports: the grantee writes, adds photos and submits; the coordinator checks
(checklist, ineligible parts of documents) and asks for corrections or accepts; a call's
reports at a glance."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.pagination import list_page
from grants.views.manage import CoordinatorRequiredMixin, call_get_with_part_counts
from projects.enums import REPORT_EDITABLE_STATES, ReportKind, ReportState
from projects.forms_reports import (
    ReportAcceptForm,
    ReportCheckForm,
    ReportCorrectionsForm,
    ReportForm,
    ReportPhotoForm,
)
from projects.models import FinancialDocument, ReportPhoto
from projects.report_photos import MAX_PHOTOS, report_photo_add, report_photo_remove
from projects.report_selectors import (
    REPORT_FILTERS,
    call_report_grants,
    report_documents,
    report_due_on,
    report_get_for_coordinator,
    report_get_for_grantee,
    report_may_be_written,
    report_rows,
)
from projects.reports import (
    ReportRefused,
    report_accept,
    report_check_save,
    report_checklist_of,
    report_financial_part,
    report_request_corrections,
    report_save,
    report_start,
    report_submit,
)
from projects.views.grantee import OwnGrantMixin


def _kind(kwargs) -> str:
    if kwargs["kind"] not in ReportKind.values:
        raise Http404
    return kwargs["kind"]


def _image_response(field, content_type: str = "image/jpeg") -> FileResponse:
    if not field.name:
        raise Http404
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- The grantee ----------------------------------------------------------------------------


class ReportStartView(OwnGrantMixin, View):
    """POST: start the report of a kind (or open the one started); GET leads to the panel."""

    def get(self, request, *args, **kwargs):
        _kind(kwargs)
        return redirect(self.grant.get_absolute_url() + "#reports")

    def post(self, request, *args, **kwargs):
        kind = _kind(kwargs)
        try:
            report_start(grant=self.grant, kind=kind)
        except ReportRefused as refused:
            messages.error(request, refused.message)
            return redirect(self.grant.get_absolute_url() + "#reports")
        return redirect("projects:report", pk=self.grant.pk, kind=kind)


class ReportView(OwnGrantMixin, TemplateView):
    """The report: a form while it may be changed (save as a draft, or submit), read-only
    once it is with the coordinator."""

    template_name = "projects/grantee/report.html"

    def setup_report(self):
        self.kind = _kind(self.kwargs)
        self.report = report_get_for_grantee(grant=self.grant, kind=self.kind)
        self.editable = self.report.state in REPORT_EDITABLE_STATES and report_may_be_written(
            self.grant
        )

    def get(self, request, *args, **kwargs):
        self.setup_report()
        form = ReportForm(report=self.report, photos=self.report.photos.all())
        return self.render_to_response(self.context(form))

    def context(self, form, photo_form=None):
        financial = (
            self.report.financial
            if not self.editable and self.report.financial
            else report_financial_part(self.grant)
        )
        return self.get_context_data(
            grant=self.grant,
            report=self.report,
            form=form,
            photo_form=photo_form or ReportPhotoForm(prefix="photo"),
            editable=self.editable,
            financial=financial,
            due_on=report_due_on(self.grant, self.kind),
            max_photos=MAX_PHOTOS,
        )

    def post(self, request, *args, **kwargs):
        self.setup_report()
        if not self.editable:
            messages.error(request, _("This report can't be changed any more."))
            return redirect("projects:report", pk=self.grant.pk, kind=self.kind)
        form = ReportForm(request.POST, report=self.report, photos=self.report.photos.all())
        if not form.is_valid():
            messages.error(request, _("The report was not saved: see the marked fields."))
            return self.render_to_response(self.context(form))
        try:
            self.report = report_save(
                report=self.report,
                answers=form.answers(),
                photos=form.photo_answers(),
                by=request.user,
            )
        except ReportRefused as refused:
            messages.error(request, refused.message)
            return redirect(self.grant.get_absolute_url() + "#reports")
        if "submit" not in request.POST:
            messages.success(request, _("The report is saved. You can come back to it any time."))
            return redirect("projects:report", pk=self.grant.pk, kind=self.kind)
        try:
            report_submit(report=self.report, by=request.user)
        except ReportRefused as refused:
            messages.error(request, refused.message)
            for field, errors in refused.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.render_to_response(self.context(form))
        messages.success(
            request,
            _("Thank you! The report is submitted; we will let you know when it's checked."),
        )
        return redirect(self.grant.get_absolute_url() + "#reports")


class ReportPhotoBackMixin:
    def get(self, request, *args, **kwargs):
        """Nothing to show on its own: back to the report's photos."""
        kind = _kind(kwargs)
        return redirect(
            reverse("projects:report", kwargs={"pk": self.grant.pk, "kind": kind}) + "#photos"
        )


class ReportPhotoAddView(OwnGrantMixin, ReportPhotoBackMixin, View):
    def post(self, request, *args, **kwargs):
        kind = _kind(kwargs)
        report = report_get_for_grantee(grant=self.grant, kind=kind)
        back = reverse("projects:report", kwargs={"pk": self.grant.pk, "kind": kind}) + "#photos"
        form = ReportPhotoForm(request.POST, request.FILES, prefix="photo")
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return redirect(back)
        try:
            report_photo_add(
                report=report,
                upload=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
                publish_consent=form.cleaned_data["publish_consent"],
                by=request.user,
            )
        except ReportRefused as refused:
            messages.error(request, refused.message)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The photo is added."))
        return redirect(back)


class ReportPhotoRemoveView(OwnGrantMixin, ReportPhotoBackMixin, View):
    def post(self, request, *args, **kwargs):
        kind = _kind(kwargs)
        photo = get_object_or_404(
            ReportPhoto, pk=kwargs["photo_pk"], report__grant=self.grant, report__kind=kind
        )
        try:
            report_photo_remove(photo=photo, by=request.user)
        except ReportRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The photo is removed."))
        return redirect(
            reverse("projects:report", kwargs={"pk": self.grant.pk, "kind": kind}) + "#photos"
        )


class ReportPhotoGranteeView(OwnGrantMixin, View):
    def get(self, request, *args, **kwargs):
        photo = get_object_or_404(
            ReportPhoto, pk=kwargs["photo_pk"], report__grant=self.grant, report__kind=_kind(kwargs)
        )
        return _image_response(photo.preview)


# --- Coordinators ---------------------------------------------------------------------------


class ReportCheckView(CoordinatorRequiredMixin, TemplateView):
    """A submitted report checked: the checklist, the ineligible parts of documents, then
    corrections with a deadline, acceptance or partial acceptance, from one form (the ticks
    are kept whichever button is pressed)."""

    template_name = "projects/manage/report.html"

    def forms(self, report, data=None):
        documents = report_documents(report)
        return (
            ReportCheckForm(data, checklist=report_checklist_of(report), documents=documents),
            ReportCorrectionsForm(data),
            ReportAcceptForm(data),
        )

    def render_page(self, report, check_form, corrections_form, accept_form):
        return self.render_to_response(
            self.get_context_data(
                report=report,
                grant=report.grant,
                check_form=check_form,
                corrections_form=corrections_form,
                accept_form=accept_form,
                checking=report.state == ReportState.SUBMITTED,
                financial=report.financial,
                today=timezone.localdate(),
            )
        )

    def get(self, request, *args, **kwargs):
        report = report_get_for_coordinator(pk=kwargs["pk"])
        return self.render_page(report, *self.forms(report))

    def post(self, request, *args, **kwargs):
        report = report_get_for_coordinator(pk=kwargs["pk"])
        check_form, corrections_form, accept_form = self.forms(report, request.POST)
        if report.state != ReportState.SUBMITTED:
            messages.error(request, _("Only a submitted report is checked."))
            return redirect("projects_manage:report", pk=report.pk)
        valid = all([check_form.is_valid(), corrections_form.is_valid(), accept_form.is_valid()])
        if not valid:
            messages.error(request, _("The check was not saved: see the marked fields."))
            return self.render_page(report, check_form, corrections_form, accept_form)
        action = request.POST.get("action", "save")
        try:
            report_check_save(
                report=report,
                ticked=check_form.ticked(),
                ineligible=check_form.ineligible(),
                by=request.user,
            )
            if action == "corrections":
                report_request_corrections(
                    report=report,
                    message=corrections_form.cleaned_data["message"],
                    deadline=corrections_form.cleaned_data["deadline"],
                    by=request.user,
                )
                messages.success(request, _("The grantee is asked to correct the report."))
            elif action in ("accept", "accept_partly"):
                report_accept(
                    report=report,
                    partly=action == "accept_partly",
                    note=accept_form.cleaned_data["note"],
                    by=request.user,
                )
                messages.success(request, _("The report is accepted; the grantee is told."))
            else:
                messages.success(request, _("The check is saved."))
        except ReportRefused as refused:
            messages.error(request, refused.message)
            forms_by_field = {
                **{name: check_form for name in check_form.fields},
                "message": corrections_form,
                "deadline": corrections_form,
                "note": accept_form,
            }
            for field, errors in refused.errors.items():
                for error in errors:
                    forms_by_field.get(field, check_form).add_error(
                        field if field in forms_by_field else None, error
                    )
            report = report_get_for_coordinator(pk=kwargs["pk"])
            return self.render_page(report, check_form, corrections_form, accept_form)
        return redirect("projects_manage:report", pk=report.pk)


class ReportPhotoCoordinatorView(CoordinatorRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        photo = get_object_or_404(ReportPhoto, pk=kwargs["photo_pk"], report_id=kwargs["pk"])
        return _image_response(photo.preview)


class ReportDocumentFileView(CoordinatorRequiredMixin, View):
    """A financial document's file as uploaded, from the report's check."""

    def get(self, request, *args, **kwargs):
        document = get_object_or_404(
            FinancialDocument, pk=kwargs["document_pk"], grant__reports__pk=kwargs["pk"]
        )
        if not document.file.name:
            raise Http404
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=f"{document.number}{document.extension}".replace("/", "-"),
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class CallReportsView(CoordinatorRequiredMixin, TemplateView):
    """A call's final reports: due dates, states, overdue days, filtered."""

    template_name = "projects/manage/call_reports.html"

    def get_context_data(self, **kwargs):
        call = call_get_with_part_counts(pk=self.kwargs["pk"])
        show = self.request.GET.get("show", "")
        if show not in REPORT_FILTERS:
            show = ""
        today = timezone.localdate()
        listed = list_page(
            call_report_grants(call=call, show=show, today=today),
            page_number=self.request.GET.get("page"),
        )
        return super().get_context_data(
            call=call,
            rows=report_rows(listed["page_obj"].object_list, today=today),
            **listed,
            show=show,
            filters=REPORT_FILTERS,
            **kwargs,
        )
