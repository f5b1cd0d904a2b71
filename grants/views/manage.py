"""The coordinators' area (/manage/): designing, publishing and closing calls."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from grants.enums import CallStatus
from grants.exceptions import InvalidCallTransition
from grants.forms import CallCloseForm, CriterionFormSet, GrantCallForm
from grants.models import GrantCall
from grants.selectors import call_get_for_coordinator, call_list_for_coordinator
from grants.services import call_close, call_publish, call_save


class CoordinatorRequiredMixin(PermissionRequiredMixin):
    permission_required = "grants.manage_calls"


class ManageHomeView(CoordinatorRequiredMixin, TemplateView):
    template_name = "grants/manage/call_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["calls"] = call_list_for_coordinator()
        return context


class CallEditView(CoordinatorRequiredMixin, TemplateView):
    """Create a call (no pk) or edit one, with its criteria, on one page."""

    template_name = "grants/manage/call_form.html"

    def get_call(self) -> GrantCall:
        if "pk" in self.kwargs:
            return call_get_for_coordinator(pk=self.kwargs["pk"])
        return GrantCall()

    def get(self, request, *args, **kwargs):
        call = self.get_call()
        form = GrantCallForm(instance=call)
        formset = CriterionFormSet(instance=call, prefix="criteria")
        return self.render_to_response(self.get_context_data(call=call, form=form, formset=formset))

    def bind(self, call: GrantCall, publish: bool):
        form = GrantCallForm(self.request.POST, instance=call, publish=publish)
        formset = CriterionFormSet(
            self.request.POST, instance=call, prefix="criteria", require_criteria=publish
        )
        return form, formset

    def post(self, request, *args, **kwargs):
        call = self.get_call()
        publish = "publish" in request.POST and call.status == CallStatus.DRAFT
        form, formset = self.bind(call, publish)
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    saved = call_save(
                        call=form.save(commit=False),
                        criteria_to_save=[f.save(commit=False) for f in formset.kept_forms()],
                        criteria_to_delete=[
                            f.instance for f in formset.deleted_forms if f.instance.pk
                        ],
                        by=request.user,
                    )
                    if publish:
                        call_publish(call=saved, by=request.user)
            except ValidationError as exc:
                # The transaction was rolled back: bind the typed data again to
                # fresh objects so that nothing refers to rows that don't exist.
                call = self.get_call()
                form, formset = self.bind(call, publish)
                form.is_valid()
                formset.is_valid()
                self._attach_errors(exc, form, formset)
            else:
                if publish:
                    messages.success(request, _("The call “%s” is published.") % saved.title)
                else:
                    messages.success(request, _("The call “%s” is saved.") % saved.title)
                return redirect("manage:call_edit", pk=saved.pk)
        messages.error(request, _("The call was not saved. Please correct the marked fields."))
        return self.render_to_response(self.get_context_data(call=call, form=form, formset=formset))

    @staticmethod
    def _attach_errors(exc: ValidationError, form, formset) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                if field in form.fields:
                    form.add_error(field, errors)
                else:
                    formset._non_form_errors.extend(e.message for e in errors)
        else:
            formset._non_form_errors.extend(exc.messages)


class CallCloseView(CoordinatorRequiredMixin, FormView):
    template_name = "grants/manage/call_close.html"
    form_class = CallCloseForm

    def dispatch(self, request, *args, **kwargs):
        self.call = call_get_for_coordinator(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(call=self.call, **kwargs)

    def form_valid(self, form):
        try:
            call_close(call=self.call, by=self.request.user, note=form.cleaned_data["note"])
        except InvalidCallTransition:
            messages.error(self.request, _("Only a published call can be closed."))
        else:
            messages.success(self.request, _("The call “%s” is closed.") % self.call.title)
        return redirect("manage:home")
