"""Pages of amendments: the grantee asks for a change (checked before sending), follows their
requests and downloads annexes; a coordinator answers with the change side by side, and
sees a call's requests waiting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applicants.diff import version_diff
from core.pagination import list_page
from core.states import InvalidMove
from grants.views.manage import CoordinatorRequiredMixin, call_get_with_part_counts
from projects.amendment_annex import annex_file_name, budget_comparison
from projects.amendment_changes import change_check
from projects.amendment_forms import (
    AmendmentAnswerForm,
    AmendmentBudgetFormSet,
    AmendmentForm,
    AmendmentScheduleFormSet,
)
from projects.amendment_requests import (
    amendment_annex_retry,
    amendment_approve,
    amendment_refuse,
    amendment_request,
    amendment_withdraw,
)
from projects.enums import AmendmentState
from projects.grant_budget import LINE_FIELDS, grant_budget_problem_templates
from projects.models import Amendment
from projects.selectors import (
    amendment_get_for_coordinator,
    amendments_waiting_in_call,
    call_terms,
)
from projects.views.grantee import OwnGrantMixin


def _pdf_response(amendment: Amendment) -> FileResponse:
    if not amendment.pdf:
        raise Http404
    response = FileResponse(
        amendment.pdf.open("rb"),
        as_attachment=True,
        filename=annex_file_name(amendment),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def dates_and_schedule_diff(amendment: Amendment) -> list:
    """What an amendment changes of the dates and schedule, word by word (applicants.diff);
    its budget is shown line by line, side by side (budget_comparison)."""
    return [
        field
        for field in version_diff(amendment.before, amendment.after)
        if field.field != "budget"
    ]


# --- The grantee ----------------------------------------------------------------------------


class AmendmentRequestView(OwnGrantMixin, TemplateView):
    """GET: the grant's budget lines, end date and schedule to change. POST: check the change
    (the "Check" button, or htmx while typing: a fragment saying notified or needs approval),
    or send it."""

    template_name = "projects/grantee/amendment_request.html"

    def _refuse_if_closed(self):
        if not self.grant.is_spending:
            messages.info(
                self.request, _("Changes can be asked for while the project is under way.")
            )
            return redirect(self.grant.get_absolute_url())
        if any(a.state == AmendmentState.REQUESTED for a in self.grant.amendments.all()):
            messages.info(
                self.request,
                _("Your previous request still waits for the coordinator's answer."),
            )
            return redirect(reverse("projects:amendments", kwargs={"pk": self.grant.pk}))
        return None

    def get(self, request, *args, **kwargs):
        if refused := self._refuse_if_closed():
            return refused
        grant = self.grant
        lines = [
            {**{name: getattr(line, name) for name in LINE_FIELDS}, "line": line.pk}
            for line in grant.budget_lines.all()
        ]
        schedule = [
            {
                "starts_on": row.get("starts_on"),
                "ends_on": row.get("ends_on"),
                "activity": row.get("activity", ""),
            }
            for row in grant.schedule or []
        ]
        return self.render_to_response(
            self.get_context_data(
                form=AmendmentForm(initial={"ends_on": grant.ends_on}),
                budget=AmendmentBudgetFormSet(prefix="budget", initial=lines),
                schedule=AmendmentScheduleFormSet(prefix="schedule", initial=schedule),
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            grant=self.grant,
            call=self.grant.call,
            terms=call_terms(self.grant.call),
            problem_templates=grant_budget_problem_templates(self.grant),
            **kwargs,
        )

    def _change(self, form, budget, schedule) -> dict | None:
        """The change the bound forms ask for, as amendment_request's arguments; None if a form
        is invalid."""
        valid = [f.is_valid() for f in (form, budget, schedule)]
        if not all(valid):
            return None
        lines, new_lines, problems = [], [], []
        current = {line.pk for line in self.grant.budget_lines.all()}
        for row_form in budget.forms:
            data = row_form.cleaned_data
            if not data:
                continue
            key = data.get("line")
            if data.get("DELETE"):
                if key in current:
                    problems.append(
                        _("A line of the agreement can't be removed: lower its cost instead.")
                    )
                continue
            row = {name: data.get(name) for name in LINE_FIELDS}
            if key in current:
                lines.append({**row, "id": key})
            else:
                new_lines.append(row)
        return {
            "lines": lines,
            "new_lines": new_lines,
            "ends_on": form.cleaned_data["ends_on"],
            "schedule": schedule.rows(),
            "justification": form.cleaned_data["justification"],
            "problems": problems,
        }

    def post(self, request, *args, **kwargs):
        if refused := self._refuse_if_closed():
            return refused
        form = AmendmentForm(request.POST)
        budget = AmendmentBudgetFormSet(request.POST, prefix="budget")
        schedule = AmendmentScheduleFormSet(request.POST, prefix="schedule")
        checking = request.POST.get("action") == "check" or request.headers.get("HX-Request")
        if checking and not form.is_valid() and not form.errors.keys() - {"justification"}:
            form = AmendmentForm({**request.POST.dict(), "justification": "-"})
        change = self._change(form, budget, schedule)
        check = None
        problems = []
        if change is not None:
            problems = change.pop("problems")
            if checking or problems:
                check = change_check(
                    grant=self.grant,
                    lines=change["lines"],
                    new_lines=change["new_lines"],
                    ends_on=change["ends_on"],
                    schedule=change["schedule"],
                )
            else:
                try:
                    amendment = amendment_request(grant=self.grant, by=request.user, **change)
                except ValidationError as error:
                    problems = error.messages
                else:
                    if amendment.state == AmendmentState.NOTIFIED:
                        messages.success(
                            request,
                            _(
                                "The change keeps to the call's rules: it is recorded as a "
                                "notified change and in force now."
                            ),
                        )
                    else:
                        messages.success(
                            request,
                            _("The request is sent: the coordinator will approve or refuse it."),
                        )
                    return redirect(reverse("projects:amendments", kwargs={"pk": self.grant.pk}))
        context = {"check": check, "problems": problems, "checked": checking}
        if request.headers.get("HX-Request"):
            return self.response_class(
                request=request,
                template="projects/includes/amendment_verdict.html",
                context={**context, "form_valid": change is not None},
            )
        return self.render_to_response(
            self.get_context_data(form=form, budget=budget, schedule=schedule, **context)
        )


class AmendmentListView(OwnGrantMixin, TemplateView):
    """The grantee's requests for changes: what each changes, its state and the answer."""

    template_name = "projects/grantee/amendments.html"

    def get_context_data(self, **kwargs):
        amendments = [
            {
                "amendment": amendment,
                "budget": budget_comparison(amendment.before, amendment.after),
                "diff": dates_and_schedule_diff(amendment),
            }
            for amendment in self.grant.amendments.all()
        ]
        return super().get_context_data(grant=self.grant, amendments=amendments, **kwargs)


class AmendmentWithdrawView(OwnGrantMixin, View):
    def get(self, request, pk, amendment_pk):
        get_object_or_404(Amendment, pk=amendment_pk, grant=self.grant)
        return redirect(reverse("projects:amendments", kwargs={"pk": self.grant.pk}))

    def post(self, request, pk, amendment_pk):
        amendment = get_object_or_404(Amendment, pk=amendment_pk, grant=self.grant)
        try:
            amendment_withdraw(amendment=amendment, by=request.user)
        except InvalidMove:
            messages.error(request, _("This request is answered already."))
        else:
            messages.success(request, _("The request is withdrawn."))
        return redirect(reverse("projects:amendments", kwargs={"pk": self.grant.pk}))


class GranteeAmendmentPdfView(OwnGrantMixin, View):
    def get(self, request, pk, amendment_pk):
        amendment = get_object_or_404(Amendment, pk=amendment_pk, grant=self.grant)
        if not amendment.pdf:
            messages.info(request, _("This change has no annex to download (yet)."))
            return redirect(reverse("projects:amendments", kwargs={"pk": self.grant.pk}))
        return _pdf_response(amendment)


# --- Coordinators ---------------------------------------------------------------------------


class AmendmentAnswerView(CoordinatorRequiredMixin, TemplateView):
    """GET: the change side by side, the justification, the rules it breaks. POST: approve, or
    refuse with a reason."""

    template_name = "projects/manage/amendment.html"

    def get_context_data(self, **kwargs):
        amendment = amendment_get_for_coordinator(pk=self.kwargs["pk"])
        return super().get_context_data(
            amendment=amendment,
            grant=amendment.grant,
            diff=dates_and_schedule_diff(amendment),
            budget=budget_comparison(amendment.before, amendment.after),
            form=kwargs.pop("form", None) or AmendmentAnswerForm(),
            **kwargs,
        )

    def post(self, request, pk):
        amendment = amendment_get_for_coordinator(pk=pk)
        if request.POST.get("action") == "annex":
            if amendment_annex_retry(amendment=amendment):
                messages.info(request, _("The annex is being prepared again."))
            return redirect(reverse("projects_manage:amendment", kwargs={"pk": pk}))
        form = AmendmentAnswerForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            if form.cleaned_data["decision"] == "approve":
                answered = amendment_approve(amendment=amendment, by=request.user)
                messages.success(
                    request,
                    _("Approved: annex %(number)s is being prepared; the grantee is told.")
                    % {"number": answered.number},
                )
            else:
                amendment_refuse(
                    amendment=amendment, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Refused; the grantee is told why."))
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form))
        except InvalidMove:
            messages.error(request, _("This request is answered already."))
        return redirect(reverse("projects_manage:amendment", kwargs={"pk": pk}))


class CoordinatorAmendmentPdfView(CoordinatorRequiredMixin, View):
    def get(self, request, pk):
        return _pdf_response(get_object_or_404(Amendment, pk=pk))


class CallAmendmentsView(CoordinatorRequiredMixin, TemplateView):
    """A call's requests for changes waiting for an answer, oldest first."""

    template_name = "projects/manage/call_amendments.html"

    def get_context_data(self, **kwargs):
        call = call_get_with_part_counts(pk=self.kwargs["pk"])
        listed = list_page(
            amendments_waiting_in_call(call=call), page_number=self.request.GET.get("page")
        )
        return super().get_context_data(
            call=call, amendments=listed["page_obj"].object_list, **listed, **kwargs
        )
