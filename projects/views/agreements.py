"""The agreement's pages: the grantee's budget and downloads; the coordinators' terms, texts,
preview, issuing, withdrawing and downloads."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applicants.forms import BudgetFormSet
from core.pdf_views import rendered_pdf_redirect
from core.states import InvalidMove
from grants.models import GrantCall
from grants.views.manage import CoordinatorRequiredMixin
from projects.agreement_issuing import agreement_issue
from projects.agreement_templates import (
    agreement_template_reset,
    agreement_template_save,
    agreement_text_preview_request,
    call_terms_save,
)
from projects.agreements import (
    AGREEMENT_PLACEHOLDERS,
    AgreementNotReady,
    AgreementTextBroken,
    agreement_file_name,
    agreement_preview_request,
    agreement_template_get,
    agreement_withdraw,
    default_agreement_body,
)
from projects.forms_agreements import (
    AgreementTemplateForm,
    AgreementWithdrawForm,
    CallGrantTermsForm,
)
from projects.grant_budget import (
    LINE_FIELDS,
    grant_budget_confirm,
    grant_budget_editable,
    grant_budget_problem_templates,
)
from projects.models import Agreement
from projects.progress import unfinished_agreement_request
from projects.readiness import agreement_readiness
from projects.selectors import call_terms, grant_get_for_coordinator
from projects.views.grantee import OwnGrantMixin


def _pdf_response(agreement: Agreement) -> FileResponse:
    """The stored PDF as a download, never cached by the browser or a proxy."""
    response = FileResponse(
        agreement.pdf.open("rb"),
        as_attachment=True,
        filename=agreement_file_name(agreement),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _placeholder_list() -> list[tuple[str, str]]:
    return [(f"{{{{ {name} }}}}", text) for name, text in AGREEMENT_PLACEHOLDERS.items()]


# --- The grantee ---------------------------------------------------------------------------


class GrantBudgetView(OwnGrantMixin, TemplateView):
    """A reduced award: the grantee fits the budget lines to the awarded amount and confirms."""

    template_name = "projects/grantee/budget.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            grant=self.grant,
            call=self.grant.call,
            problem_templates=grant_budget_problem_templates(self.grant),
            **kwargs,
        )

    def _locked(self):
        messages.info(self.request, _("The budget can't be changed now."))
        return redirect(self.grant.get_absolute_url())

    def get(self, request, *args, **kwargs):
        if not grant_budget_editable(self.grant):
            return self._locked()
        initial = [
            {name: getattr(line, name) for name in LINE_FIELDS}
            for line in self.grant.budget_lines.all()
        ]
        budget = BudgetFormSet(prefix="budget", initial=initial)
        return self.render_to_response(self.get_context_data(budget=budget))

    def post(self, request, *args, **kwargs):
        if not grant_budget_editable(self.grant):
            return self._locked()
        budget = BudgetFormSet(request.POST, prefix="budget")
        problems = []
        if budget.is_valid():
            try:
                grant_budget_confirm(grant=self.grant, rows=budget.rows(), by=request.user)
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request, _("The budget is confirmed. The agreement can now be prepared.")
                )
                return redirect(self.grant.get_absolute_url())
        return self.render_to_response(self.get_context_data(budget=budget, problems=problems))


class GranteeAgreementDownloadView(OwnGrantMixin, View):
    def get(self, request, pk, agreement_pk):
        return _pdf_response(get_object_or_404(Agreement, pk=agreement_pk, grant=self.grant))


# --- The coordinators: the call's terms and texts -------------------------------------------


class CallTermsView(CoordinatorRequiredMixin, TemplateView):
    """The call's grant terms (a form) and its agreement texts per language."""

    template_name = "projects/manage/terms.html"

    def get_context_data(self, **kwargs):
        texts = [
            {
                "code": code,
                "name": name,
                "template": agreement_template_get(call=self.call, language=code),
            }
            for code, name in settings.LANGUAGES
        ]
        return super().get_context_data(
            call=self.call, texts=texts, placeholders=_placeholder_list(), **kwargs
        )

    def setup_call(self):
        self.call = get_object_or_404(GrantCall, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.setup_call()
        form = CallGrantTermsForm(instance=call_terms(self.call))
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.setup_call()
        form = CallGrantTermsForm(request.POST, instance=call_terms(self.call))
        if form.is_valid():
            call_terms_save(terms=form.instance, by=request.user)
            messages.success(request, _("The grant terms are saved."))
            return redirect("projects_manage:terms", self.call.pk)
        return self.render_to_response(self.get_context_data(form=form))


class AgreementTextEditView(CoordinatorRequiredMixin, TemplateView):
    """The agreement's text in one language: save, preview as a PDF, or go back to the default."""

    template_name = "projects/manage/agreement_text.html"

    def setup_text(self) -> None:
        self.call = get_object_or_404(GrantCall, pk=self.kwargs["pk"])
        self.language = self.kwargs["language"]
        if self.language not in dict(settings.LANGUAGES):
            raise Http404
        self.template = agreement_template_get(call=self.call, language=self.language)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            call=self.call,
            language=self.language,
            language_name=dict(settings.LANGUAGES)[self.language],
            template=self.template,
            placeholders=_placeholder_list(),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        self.setup_text()
        body = self.template.body if self.template else default_agreement_body(self.language)
        form = AgreementTemplateForm(initial={"body": body})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.setup_text()
        action = request.POST.get("action")
        if action == "reset":
            if agreement_template_reset(call=self.call, language=self.language):
                messages.success(request, _("The agreement uses the default text again."))
            return redirect("projects_manage:agreement_text", self.call.pk, self.language)
        if action not in ("save", "preview"):
            return HttpResponseBadRequest()
        form = AgreementTemplateForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        body = form.cleaned_data["body"]
        try:
            if action == "preview":
                # Rendered by a task worker; this page only asks.
                preview = agreement_text_preview_request(
                    call=self.call, language=self.language, body=body, by=request.user
                )
            else:
                agreement_template_save(
                    call=self.call, language=self.language, body=body, by=request.user
                )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.render_to_response(self.get_context_data(form=form))
        if action == "preview":
            return rendered_pdf_redirect(request, preview, back_url=request.path)
        messages.success(request, _("The text of the agreement is saved."))
        return redirect("projects_manage:agreement_text", self.call.pk, self.language)


# --- The coordinators: one grant's agreement ------------------------------------------------


class AgreementPreviewView(CoordinatorRequiredMixin, View):
    """The next version of the grant's agreement as it would be issued now, marked as a preview.

    Rendered by a task worker, once while the grant and the texts stay as they are."""

    def get(self, request, pk):
        grant = grant_get_for_coordinator(pk=pk)
        try:
            preview = agreement_preview_request(grant=grant, by=request.user)
        except AgreementTextBroken as exc:
            messages.error(request, str(exc))
            return redirect("projects_manage:grant", grant.pk)
        return rendered_pdf_redirect(
            request, preview, back_url=reverse("projects_manage:grant", args=[grant.pk])
        )


class AgreementIssueView(CoordinatorRequiredMixin, TemplateView):
    """Check, then issue and send the grant's agreement for signing."""

    template_name = "projects/manage/agreement_issue.html"

    def get(self, request, pk):
        grant = grant_get_for_coordinator(pk=pk)
        problems = agreement_readiness(grant)
        pending = unfinished_agreement_request(grant)
        if pending is not None and pending.is_open:
            problems.append(_("The agreement is already being prepared."))
        return self.render_to_response(self.get_context_data(grant=grant, problems=problems))

    def post(self, request, pk):
        grant = grant_get_for_coordinator(pk=pk)
        try:
            # Recorded here and rendered by a task worker: the page returns at once.
            agreement_issue(grant=grant, by=request.user)
        except AgreementNotReady as exc:
            return self.render_to_response(
                self.get_context_data(grant=grant, problems=exc.problems), status=409
            )
        messages.success(
            request,
            _(
                "The agreement is being prepared. It is sent for signing as soon as it is ready; "
                "this page shows it then."
            ),
        )
        return redirect("projects_manage:grant", grant.pk)


class AgreementWithdrawView(CoordinatorRequiredMixin, TemplateView):
    template_name = "projects/manage/agreement_withdraw.html"

    def setup_agreement(self, pk, agreement_pk):
        self.grant = grant_get_for_coordinator(pk=pk)
        self.agreement = get_object_or_404(Agreement, pk=agreement_pk, grant=self.grant)

    def get(self, request, pk, agreement_pk):
        self.setup_agreement(pk, agreement_pk)
        return self.render_to_response(
            self.get_context_data(
                grant=self.grant, agreement=self.agreement, form=AgreementWithdrawForm()
            )
        )

    def post(self, request, pk, agreement_pk):
        self.setup_agreement(pk, agreement_pk)
        form = AgreementWithdrawForm(request.POST)
        if form.is_valid():
            try:
                agreement_withdraw(
                    agreement=self.agreement, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error("reason", error.messages)
            except InvalidMove:  # signed, or withdrawn meanwhile
                form.add_error(None, _("This agreement can no longer be withdrawn."))
            else:
                messages.success(
                    request,
                    _(
                        "Agreement %(number)s is withdrawn. Correct what is needed and issue the next version."
                    )
                    % {"number": self.agreement.number},
                )
                return redirect("projects_manage:grant", self.grant.pk)
        return self.render_to_response(
            self.get_context_data(grant=self.grant, agreement=self.agreement, form=form)
        )


class CoordinatorAgreementDownloadView(CoordinatorRequiredMixin, View):
    def get(self, request, pk, agreement_pk):
        return _pdf_response(get_object_or_404(Agreement, pk=agreement_pk, grant_id=pk))
