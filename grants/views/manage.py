"""The coordinators' area (/manage/): designing, publishing and closing calls."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from core.enums import Role
from core.views import WaitingForYouMixin
from grants.archiving import call_archive_problems
from grants.call_documents import CallDocument, FaqEntry
from grants.enums import CallStatus
from grants.exceptions import InvalidCallTransition
from grants.forms import (
    AttachmentRequirementForm,
    CallCloseForm,
    CallIndicatorForm,
    CallQuestionForm,
    CriterionFormSet,
    EligibilityQuestionForm,
    FormalCheckItemForm,
    GrantCallForm,
    OrderedRowForm,
    call_part_formset,
)
from grants.forms_call_documents import CallDocumentForm, FaqEntryForm
from grants.limits import (
    MAX_CALL_DOCUMENTS,
    MAX_CALL_FAQ_ENTRIES,
    MAX_CALL_INDICATORS,
    MAX_CALL_QUESTIONS,
)
from grants.models import (
    AttachmentRequirement,
    CallIndicator,
    CallPart,
    CallQuestion,
    EligibilityQuestion,
    FormalCheckItem,
    GrantCall,
)
from grants.selectors import (
    call_get_for_coordinator,
    call_list_for_coordinator,
    call_list_in_use,
    call_part_history,
)
from grants.services import (
    call_archive,
    call_close,
    call_parts_save,
    call_publish,
    call_save,
)
from grants.usage import call_part_usage
from grants.workshops import workshop_running_for_call


@dataclass(frozen=True)
class CallPartSpec:
    """How one kind of a call's own rows is edited in /manage/calls/<pk>/parts/<slug>/."""

    model: type[CallPart]
    form: type[OrderedRowForm]
    title: Promise
    intro: Promise
    row_label: Promise  # heading of one row: "Question 3"
    add_label: Promise
    max_rows: int | None = None  # see grants/limits.py

    @cached_property
    def formset(self):
        return call_part_formset(self.model, self.form, max_rows=self.max_rows)


# The slug is the last part of the page's address; the order is the order of the nav.
CALL_PARTS: dict[str, CallPartSpec] = {
    "screener": CallPartSpec(
        model=EligibilityQuestion,
        form=EligibilityQuestionForm,
        title=gettext_lazy("Eligibility screener"),
        intro=gettext_lazy(
            "Yes/no questions asked before an applicant may start the form. "
            "Whoever gives the wrong answer sees your explanation instead of the form."
        ),
        row_label=gettext_lazy("Question"),
        add_label=gettext_lazy("Add a screener question"),
    ),
    "questions": CallPartSpec(
        model=CallQuestion,
        form=CallQuestionForm,
        title=gettext_lazy("Questions of the call"),
        intro=gettext_lazy("Questions of this call's own, answered in the application form."),
        row_label=gettext_lazy("Question"),
        add_label=gettext_lazy("Add a question"),
        max_rows=MAX_CALL_QUESTIONS,
    ),
    "attachments": CallPartSpec(
        model=AttachmentRequirement,
        form=AttachmentRequirementForm,
        title=gettext_lazy("Attachments the call asks for"),
        intro=gettext_lazy(
            "Kinds of files applicants attach, e.g. a letter of support. "
            "Applicants can't submit without the required ones."
        ),
        row_label=gettext_lazy("Attachment"),
        add_label=gettext_lazy("Add an attachment"),
    ),
    "indicators": CallPartSpec(
        model=CallIndicator,
        form=CallIndicatorForm,
        title=gettext_lazy("Required indicators"),
        intro=gettext_lazy(
            "What every application must plan in numbers, e.g. participants in people. "
            "Applicants give a planned number for each and may add their own; "
            "the final report compares what was achieved with the plan."
        ),
        row_label=gettext_lazy("Indicator"),
        add_label=gettext_lazy("Add an indicator"),
        max_rows=MAX_CALL_INDICATORS,
    ),
    "checklist": CallPartSpec(
        model=FormalCheckItem,
        form=FormalCheckItemForm,
        title=gettext_lazy("Formal-check checklist"),
        intro=gettext_lazy("The points coordinators tick off when checking each application."),
        row_label=gettext_lazy("Item"),
        add_label=gettext_lazy("Add an item"),
    ),
    "documents": CallPartSpec(
        model=CallDocument,
        form=CallDocumentForm,
        title=gettext_lazy("Documents to download"),
        intro=gettext_lazy(
            "Files everyone can download from the call's page once it is published, "
            "e.g. the regulations or a budget template."
        ),
        row_label=gettext_lazy("Document"),
        add_label=gettext_lazy("Add a document"),
        max_rows=MAX_CALL_DOCUMENTS,
    ),
    "faq": CallPartSpec(
        model=FaqEntry,
        form=FaqEntryForm,
        title=gettext_lazy("Questions and answers (FAQ)"),
        intro=gettext_lazy(
            "Questions applicants often ask, answered on the call's page. "
            "Write the way they would ask."
        ),
        row_label=gettext_lazy("Question"),
        add_label=gettext_lazy("Add a question and answer"),
        max_rows=MAX_CALL_FAQ_ENTRIES,
    ),
}


def register_call_part(slug: str, spec: CallPartSpec) -> None:
    """Add a later stage's own part of a call (e.g. the report checklist of projects/), edited
    here like the others; grants imports none of its code (AppConfig.ready registers it)."""
    CALL_PARTS.setdefault(slug, spec)


@dataclass(frozen=True)
class CallPartLink:
    slug: str
    title: Promise
    count: int


def call_get_with_part_counts(*, pk: int) -> GrantCall:
    """One call with `<slug>_count` for every part in CALL_PARTS, in a single query.

    Subqueries rather than Count() over joins: four joins would multiply the rows.
    This is a selector; it sits here because it is built from CALL_PARTS.
    """
    counts = {
        f"{slug}_count": Coalesce(
            Subquery(
                spec.model.objects.filter(call=OuterRef("pk"))
                .order_by()
                .values("call")
                .annotate(count=Count("pk"))
                .values("count"),
                output_field=IntegerField(),
            ),
            0,
        )
        for slug, spec in CALL_PARTS.items()
    }
    return get_object_or_404(GrantCall.objects.annotate(**counts), pk=pk)


def call_part_links(call: GrantCall) -> list[CallPartLink]:
    """The nav entries of a call fetched with call_get_with_part_counts()."""
    return [
        CallPartLink(slug=slug, title=spec.title, count=getattr(call, f"{slug}_count"))
        for slug, spec in CALL_PARTS.items()
    ]


class CoordinatorRequiredMixin(PermissionRequiredMixin):
    permission_required = "grants.manage_calls"


class ManageStartView(CoordinatorRequiredMixin, WaitingForYouMixin, TemplateView):
    """/manage/, where coordinators land: what is waiting for them, and the calls in use."""

    template_name = "grants/manage/start.html"
    waiting_role = Role.COORDINATOR

    def get_context_data(self, **kwargs):
        return super().get_context_data(calls=call_list_in_use(), **kwargs)


class ManageHomeView(CoordinatorRequiredMixin, TemplateView):
    template_name = "grants/manage/call_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        calls = list(call_list_for_coordinator())
        # Archived calls are listed apart, under the ones still in use.
        context["calls"] = [call for call in calls if not call.is_archived]
        context["archived_calls"] = [call for call in calls if call.is_archived]
        return context


class CallEditView(CoordinatorRequiredMixin, TemplateView):
    """Create a call (no pk) or edit one, with its criteria, on one page."""

    template_name = "grants/manage/call_form.html"

    def get_call(self) -> GrantCall:
        if "pk" in self.kwargs:
            return call_get_with_part_counts(pk=self.kwargs["pk"])
        return GrantCall()

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if context["call"].pk:
            context["part_links"] = call_part_links(context["call"])
            context["workshop"] = workshop_running_for_call(call=context["call"])
        return context

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
        if call.is_archived:
            messages.error(request, _("The call is archived: nothing in it can change."))
            return redirect("manage:call_edit", pk=call.pk)
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
        # Permission first: a visitor learns nothing, not even whether the call exists.
        if not self.has_permission():
            return self.handle_no_permission()
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


class CallArchiveView(CoordinatorRequiredMixin, FormView):
    """Archive a decided (or closed) call: read-only from then on, listed apart."""

    template_name = "grants/manage/call_archive.html"
    form_class = CallCloseForm  # the same optional note for the record

    def dispatch(self, request, *args, **kwargs):
        # Permission first: a visitor learns nothing, not even whether the call exists.
        if not self.has_permission():
            return self.handle_no_permission()
        self.call = call_get_for_coordinator(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        # What must be settled first (e.g. awards still open to an answer): shown, no button.
        problems = call_archive_problems(call=self.call, now=timezone.now())
        return super().get_context_data(call=self.call, problems=problems, **kwargs)

    def form_valid(self, form):
        try:
            call_archive(call=self.call, by=self.request.user, note=form.cleaned_data["note"])
        except InvalidCallTransition:
            messages.error(
                self.request,
                _("Only a call whose results are published, or a closed call, can be archived."),
            )
            return redirect("manage:call_edit", pk=self.call.pk)
        except ValidationError as error:
            for problem in error.messages:
                messages.error(self.request, problem)
            return redirect("manage:call_archive", pk=self.call.pk)
        messages.success(self.request, _("The call “%s” is archived.") % self.call.title)
        return redirect("manage:home")


class CallPartsEditView(CoordinatorRequiredMixin, TemplateView):
    """Edit one part of a call (CALL_PARTS[part]): add, change, reorder and delete its rows."""

    template_name = "grants/manage/call_parts.html"
    prefix = "parts"

    def get_part(self) -> CallPartSpec:
        try:
            return CALL_PARTS[self.kwargs["part"]]
        except KeyError:
            raise Http404("No such part of a call.") from None

    def get(self, request, *args, **kwargs):
        spec = self.get_part()
        call = call_get_with_part_counts(pk=kwargs["pk"])
        formset = spec.formset(instance=call, prefix=self.prefix)
        return self.render_page(call, spec, formset)

    def post(self, request, *args, **kwargs):
        spec = self.get_part()
        call = call_get_with_part_counts(pk=kwargs["pk"])
        if call.is_archived:
            messages.error(request, _("The call is archived: nothing in it can change."))
            return redirect("manage:call_parts", pk=call.pk, part=self.kwargs["part"])
        formset = spec.formset(request.POST, request.FILES, instance=call, prefix=self.prefix)
        if formset.is_valid():
            try:
                call_parts_save(
                    call=call,
                    part_model=spec.model,
                    rows_to_save=[form.save(commit=False) for form in formset.kept_forms()],
                    rows_to_delete=formset.deleted_instances(),
                    by=request.user,
                )
            except ValidationError as exc:
                # The service rolled back, but the row objects kept the pks it
                # gave or took away: bind the typed data again to fresh rows.
                formset = spec.formset(
                    request.POST, request.FILES, instance=call, prefix=self.prefix
                )
                formset.is_valid()
                formset.non_form_errors().extend(exc.messages)
            else:
                messages.success(
                    request,
                    _("“%(part)s” of the call “%(call)s” is saved.")
                    % {"part": spec.title, "call": call.title},
                )
                return redirect("manage:call_parts", pk=call.pk, part=self.kwargs["part"])
        messages.error(request, _("The changes were not saved. Please correct the marked fields."))
        return self.render_page(call, spec, formset)

    def render_page(self, call: GrantCall, spec: CallPartSpec, formset):
        usage = call_part_usage(
            call=call,
            part_model=spec.model,
            pks=[form.instance.pk for form in formset.forms if form.instance.pk],
        )
        for form in formset.forms:
            # How many applications use the row: the row template says what that forbids.
            form.uses = usage.get(form.instance.pk, 0)
        return self.render_to_response(
            self.get_context_data(
                call=call,
                part=spec,
                part_slug=self.kwargs["part"],
                part_links=call_part_links(call),
                formset=formset,
                meaning_fields=[
                    spec.model._meta.get_field(name).verbose_name
                    for name in spec.model.MEANING_FIELDS
                ],
                history=call_part_history(call=call, part_model=spec.model),
            )
        )
