"""The coordinator's decision pages: the committee's decisions, publication, letters, the outbox.

Every view is coordinator-only, and the permission is checked before anything
is looked up (PermissionRequiredMixin.dispatch runs before get/post): a visitor
learns nothing, not even whether a call or a decision exists.
"""

import tempfile
import zipfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from applicants.enums import ApplicationStatus
from applicants.models import Application
from applicants.services import InvalidTransition
from core.pagination import list_page
from decisions.enums import DecisionOutcome
from decisions.forms import DecisionForm, LetterCorrectionForm, PublishForm, decision_form_prefix
from decisions.issuing import (
    letter_correction_request,
    letter_retry,
    letters_retry_failed,
    outbox_message_resend,
)
from decisions.selectors import (
    call_decisions,
    decision_get_for_coordinator,
    decision_history,
    decision_rows_page_of,
    decisions_of_call,
    decisions_unpublished,
    formal_rejections_page_of,
    letter_file_name,
    letter_get_for_coordinator,
    letter_progress,
    letter_requests_of_decision,
    letters_current_count,
    letters_current_for_call,
    letters_of_decision,
    outbox_for_call,
    outbox_message_get,
    publication_readiness,
    reserve_offer_possible,
)
from decisions.services import (
    PublicationRefused,
    decision_record,
    decisions_award_above_line,
    publication_refusal,
    reserve_offer,
    results_publish,
)
from decisions.views.applicant import letter_response
from grants.selectors import call_get_for_coordinator
from grants.views.manage import (
    CoordinatorRequiredMixin,
    call_get_with_part_counts,
    call_part_links,
)
from reviews.ranking_snapshot import ranking_snapshot_ensure
from reviews.selectors_manage import assignment_progress

# Letters are written to a temporary file that stays in memory up to this size.
ZIP_IN_MEMORY_BYTES = 20 * 1024 * 1024
# The letters page lists the issued letters a hundred at a time, like the ranking.
LETTERS_PER_PAGE = 100


def call_page_url(call_pk: int, anchor: str = "", *, application_id: int | None = None) -> str:
    """The committee's page; with `application_id`, the page of its table that shows that row."""
    url = reverse("decisions:call", kwargs={"pk": call_pk})
    if application_id is not None:
        number = decision_rows_page_of(application_id=application_id)
        if number > 1:
            url = f"{url}?page={number}"
    return f"{url}#{anchor}" if anchor else url


class CallDecisionsView(CoordinatorRequiredMixin, TemplateView):
    """The committee's page: the ranking, each row's decision and a form to record it."""

    template_name = "decisions/manage/call_decisions.html"

    def get(self, request, *args, **kwargs):
        return self.render_page(call_pk=kwargs["pk"])

    def render_page(
        self, *, call_pk: int, bound_form=None, bound_for=None, bound_number="", status=200
    ):
        """The page; `bound_form` (with the typed data and errors) replaces row `bound_for`'s form."""
        call = call_get_with_part_counts(pk=call_pk)
        state = ranking_snapshot_ensure(call=call)
        page_number = (
            decision_rows_page_of(application_id=bound_for)
            if bound_for is not None
            else self.request.GET.get("page")
        )
        page = call_decisions(
            call=call,
            state=state,
            page_number=page_number,
            rejected_page=self.request.GET.get("rejected"),
        )
        rows = []
        for row in page.rows:
            decision = row.decision
            if (decision is not None and decision.is_published) or call.is_archived:
                form = None  # published decisions are frozen, an archived call is read-only
            elif bound_form is not None and row.ranking.id == bound_for:
                form = bound_form
            else:
                form = DecisionForm.for_row(
                    application_id=row.ranking.id,
                    requested_amount=row.ranking.requested_amount,
                    decision=decision,
                )
            rows.append({"row": row, "form": form})
        return self.render_to_response(
            self.get_context_data(
                call=call,
                part_links=call_part_links(call),
                page=page,
                rows=rows,
                bound_form=bound_form,
                bound_number=bound_number,
                bound_in_ranking=any(item["form"] is bound_form for item in rows),
                updating=not page.ranking.is_current,
                page_obj=page.page_obj,
                page_range=page.page_obj.paginator.get_elided_page_range(
                    page.page_obj.number, on_each_side=2, on_ends=1
                ),
            ),
            status=status,
        )


class DecisionRecordView(CoordinatorRequiredMixin, View):
    """POST one row's form: record (or change) the draft decision on one application.

    On a refusal the committee's page is shown again with the error beside the
    field and everything typed kept.
    """

    def post(self, request, *args, **kwargs):
        application = get_object_or_404(Application.objects.all(), pk=kwargs["pk"])
        if application.status == ApplicationStatus.FORMALLY_REJECTED:
            return self.record_formal_rejection(application)
        form = DecisionForm(request.POST, prefix=decision_form_prefix(application.pk))
        if form.is_valid():
            outcome = form.cleaned_data["outcome"]
            try:
                decision_record(
                    application=application,
                    outcome=outcome,
                    amount=form.cleaned_data["amount"],
                    justification=form.cleaned_data["justification"],
                    below_threshold_reason=form.cleaned_data["below_threshold_reason"],
                    by=request.user,
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    # Not about a field (e.g. published meanwhile): the row has no form now.
                    messages.error(request, " ".join(error.messages))
                    return redirect(
                        call_page_url(
                            application.call_id,
                            f"row-{application.pk}",
                            application_id=application.pk,
                        )
                    )
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("The decision on %(number)s is saved: %(outcome)s.")
                    % {
                        "number": application.reference_number,
                        "outcome": DecisionOutcome(outcome).label,
                    },
                )
                return redirect(
                    call_page_url(
                        application.call_id,
                        f"row-{application.pk}",
                        application_id=application.pk,
                    )
                )
        page = CallDecisionsView(request=request, args=args, kwargs={"pk": application.call_id})
        return page.render_page(
            call_pk=application.call_id,
            bound_form=form,
            bound_for=application.pk,
            bound_number=application.reference_number,
            status=400,
        )

    def record_formal_rejection(self, application: Application):
        """One click: the outcome is the formal check's, and so is the justification."""
        try:
            decision_record(
                application=application,
                outcome=DecisionOutcome.FORMALLY_REJECTED,
                by=self.request.user,
            )
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(
                self.request,
                _("The formal rejection of %(number)s is recorded.")
                % {"number": application.reference_number},
            )
        url = call_page_url(application.call_id)
        number = formal_rejections_page_of(application=application)
        if number > 1:
            url = f"{url}?rejected={number}"
        return redirect(f"{url}#row-{application.pk}")


class AwardAboveLineView(CoordinatorRequiredMixin, View):
    def post(self, request, *args, **kwargs):
        call = call_get_for_coordinator(pk=kwargs["pk"])
        try:
            awarded = decisions_award_above_line(call=call, by=request.user)
        except ValidationError as error:
            messages.error(
                request,
                _("Nothing was awarded: %(reason)s") % {"reason": " ".join(error.messages)},
            )
        else:
            if awarded:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d application above the funding line is awarded the requested amount.",
                        "%(count)d applications above the funding line are awarded the requested amount.",
                        awarded,
                    )
                    % {"count": awarded},
                )
            else:
                messages.info(request, _("Everything above the funding line is awarded already."))
        return redirect(call_page_url(call.pk))


class PublishView(CoordinatorRequiredMixin, TemplateView):
    """GET: what will be published. POST: publish the ticked decisions and queue their letters."""

    template_name = "decisions/manage/publish.html"

    def get(self, request, *args, **kwargs):
        call = call_get_with_part_counts(pk=kwargs["pk"])
        unpublished = decisions_unpublished(call=call)
        form = PublishForm(
            decisions=decisions_of_call(call=call),
            initial={
                "decisions": [decision.pk for decision in unpublished],
                "public_results": call.public_results,
            },
        )
        selected = {decision.pk for decision in unpublished}
        return self.render_page(call, unpublished, form, selected)

    def post(self, request, *args, **kwargs):
        call = call_get_with_part_counts(pk=kwargs["pk"])
        form = PublishForm(request.POST, decisions=decisions_of_call(call=call))
        if form.is_valid():
            try:
                publication = results_publish(
                    call=call,
                    by=request.user,
                    decisions=form.cleaned_data["decisions"],
                    public_results=form.cleaned_data["public_results"],
                    unfinished_reviews_confirmed=form.cleaned_data["unfinished_reviews_confirmed"]
                    or 0,
                )
            except PublicationRefused as refusal:
                # Not ready (still open, formal check or reviews unfinished): said on the page.
                field = (
                    "unfinished_reviews_confirmed" if refusal.code == "unfinished_reviews" else None
                )
                form.add_error(field, refusal)
                messages.error(request, _("Nothing was published."))
                return self.render_page(
                    call, decisions_unpublished(call=call), form, self.ticked(request), status=400
                )
            except (ValidationError, InvalidTransition) as error:
                if getattr(error, "code", None) == "call_archived":
                    messages.error(request, " ".join(error.messages))
                    return redirect("decisions:call", pk=call.pk)
                # An application changed (e.g. was withdrawn) since its decision was recorded.
                messages.error(
                    request,
                    _(
                        "Nothing was published: one of the applications has changed since its "
                        "decision was recorded. Check the decisions and try again."
                    ),
                )
                return redirect("decisions:call", pk=call.pk)
            if publication is None:
                messages.info(
                    request, _("Nothing new to publish: those decisions are published already.")
                )
            else:
                count = publication.decisions.count()
                messages.success(
                    request,
                    ngettext(
                        "%(count)d decision is published. Its letter is being issued and e-mailed.",
                        "%(count)d decisions are published. Their letters are being issued and e-mailed.",
                        count,
                    )
                    % {"count": count},
                )
            return redirect("decisions:progress", pk=call.pk)
        messages.error(request, _("Nothing was published. Please correct the marked fields."))
        return self.render_page(
            call, decisions_unpublished(call=call), form, self.ticked(request), status=400
        )

    def ticked(self, request) -> set[int]:
        return {int(value) for value in request.POST.getlist("decisions") if value.isdigit()}

    def render_page(self, call, unpublished, form, selected, status=200):
        counts = {outcome: 0 for outcome in DecisionOutcome.values}
        for decision in unpublished:
            counts[decision.outcome] += 1
        now = timezone.now()
        readiness = publication_readiness(call=call, now=now)
        # What refuses publication whatever is ticked (reviews are for the coordinator to confirm).
        blocker = publication_refusal(
            readiness, unfinished_reviews_confirmed=readiness.unfinished_review_count
        )
        return self.render_to_response(
            self.get_context_data(
                call=call,
                part_links=call_part_links(call),
                unpublished=unpublished,
                outcome_counts=[
                    (outcome.label, counts[outcome.value]) for outcome in DecisionOutcome
                ],
                form=form,
                selected=selected,
                readiness=readiness,
                blocker=" ".join(blocker.messages) if blocker else "",
                unfinished_reviews=[
                    (assignment, assignment_progress(assignment, now=now))
                    for assignment in readiness.unfinished_reviews
                ],
                unfinished_confirmed=form["unfinished_reviews_confirmed"].value() not in (None, ""),
            ),
            status=status,
        )


class ProgressView(CoordinatorRequiredMixin, TemplateView):
    """The call's letters: how far issuing got, and every letter issued (its current version)."""

    template_name = "decisions/manage/progress.html"

    def get_context_data(self, **kwargs):
        call = call_get_for_coordinator(pk=self.kwargs["pk"])
        progress = letter_progress(call=call)
        paginator = Paginator(letters_current_for_call(call=call), LETTERS_PER_PAGE)
        # Counted from the progress, not over every letter (a cached_property: set, not computed).
        paginator.count = letters_current_count(call=call, progress=progress)
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            call=call,
            progress=progress,
            letters_page=page,
            letters=page.object_list,
            letters_page_range=paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
            **kwargs,
        )


class ProgressCountsView(CoordinatorRequiredMixin, TemplateView):
    """The htmx fragment the progress page polls; without the polling trigger once all is done."""

    template_name = "decisions/manage/progress_counts.html"

    def get_context_data(self, **kwargs):
        call = call_get_for_coordinator(pk=self.kwargs["pk"])
        return super().get_context_data(call=call, progress=letter_progress(call=call), **kwargs)


class LetterRetryView(CoordinatorRequiredMixin, View):
    """Queue a failed letter again: the same version, with its reason and note."""

    def post(self, request, *args, **kwargs):
        decision = decision_get_for_coordinator(pk=kwargs["pk"])
        try:
            letter_retry(decision=decision, by=request.user)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The letter for %(number)s is queued again.")
                % {"number": decision.application.reference_number},
            )
        return redirect("decisions:progress", pk=decision.call_id)


class LettersRetryFailedView(CoordinatorRequiredMixin, View):
    """Queue every failed letter of the call again (e.g. after correcting a letter text)."""

    def post(self, request, *args, **kwargs):
        call = call_get_for_coordinator(pk=kwargs["pk"])
        retried = letters_retry_failed(call=call, by=request.user)
        if retried:
            messages.success(
                request,
                ngettext(
                    "%(count)d failed letter is queued again.",
                    "%(count)d failed letters are queued again.",
                    retried,
                )
                % {"count": retried},
            )
        else:
            messages.info(request, _("No letter has failed: there is nothing to retry."))
        return redirect("decisions:progress", pk=call.pk)


class OutboxView(CoordinatorRequiredMixin, TemplateView):
    template_name = "decisions/manage/outbox.html"

    def get_context_data(self, **kwargs):
        call = call_get_with_part_counts(pk=self.kwargs["pk"])
        return super().get_context_data(
            call=call,
            part_links=call_part_links(call),
            **list_page(outbox_for_call(call=call), page_number=self.request.GET.get("page")),
            **kwargs,
        )


class OutboxResendView(CoordinatorRequiredMixin, View):
    def post(self, request, *args, **kwargs):
        message = outbox_message_get(pk=kwargs["pk"])
        if message.letter_id is None:
            messages.error(request, _("This message has no letter to send."))
        else:
            outbox_message_resend(message=message, by=request.user)
            messages.success(
                request, _("The e-mail to %(to)s is queued again.") % {"to": message.to}
            )
        return redirect("decisions:outbox", pk=message.decision.call_id)


class LettersZipView(CoordinatorRequiredMixin, View):
    """Every current letter of the call in one ZIP, one PDF per decision."""

    def get(self, request, *args, **kwargs):
        call = call_get_for_coordinator(pk=kwargs["pk"])
        letters = list(letters_current_for_call(call=call))
        if not letters:
            messages.info(request, _("No letter has been issued for this call yet."))
            return redirect("decisions:progress", pk=call.pk)
        # A spooled file: small calls stay in memory, big ones go to disk, never both whole.
        archive = tempfile.SpooledTemporaryFile(max_size=ZIP_IN_MEMORY_BYTES)  # noqa: SIM115 -- FileResponse closes it
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            for letter in letters:
                with letter.pdf.open("rb") as pdf:
                    zipped.writestr(letter_file_name(letter), pdf.read())
        archive.seek(0)
        response = FileResponse(
            archive,
            as_attachment=True,
            filename=f"{call.slug}-pisma.zip",
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class DecisionDetailView(CoordinatorRequiredMixin, TemplateView):
    """One decision: its history, every version of its letter, corrections and a reserve offer."""

    template_name = "decisions/manage/decision_detail.html"

    def get(self, request, *args, **kwargs):
        decision = decision_get_for_coordinator(pk=kwargs["pk"])
        return self.render_page(decision, LetterCorrectionForm())

    def render_page(self, decision, form, status=200):
        return self.render_to_response(
            self.get_context_data(
                decision=decision,
                application=decision.application,
                call=decision.call,
                history=decision_history(decision=decision),
                letters=letters_of_decision(decision=decision),
                letter_requests=letter_requests_of_decision(decision=decision),
                correction_form=form,
                can_offer=reserve_offer_possible(decision=decision),
            ),
            status=status,
        )


class LetterCorrectView(DecisionDetailView):
    """POST a note: a corrected letter is issued as a new version; the old one is kept."""

    def get(self, request, *args, **kwargs):
        return redirect("decisions:detail", pk=kwargs["pk"])

    def post(self, request, *args, **kwargs):
        decision = decision_get_for_coordinator(pk=kwargs["pk"])
        form = LetterCorrectionForm(request.POST)
        if form.is_valid():
            try:
                letter_correction_request(
                    decision=decision, note=form.cleaned_data["note"], by=request.user
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request, _("A corrected letter is being issued. The earlier version is kept.")
                )
                return redirect("decisions:detail", pk=decision.pk)
        messages.error(
            request, _("No corrected letter was issued. Please correct the marked fields.")
        )
        return self.render_page(decision, form, status=400)


class ReserveOfferView(CoordinatorRequiredMixin, View):
    def post(self, request, *args, **kwargs):
        decision = decision_get_for_coordinator(pk=kwargs["pk"])
        try:
            reserve_offer(decision=decision, by=request.user)
        except (ValidationError, InvalidTransition) as error:
            reason = (
                " ".join(error.messages)
                if isinstance(error, ValidationError)
                else _("The application is no longer on the reserve list.")
            )
            messages.error(request, reason)
        else:
            messages.success(
                request,
                _("%(number)s is offered the grant. A new letter is being issued and e-mailed.")
                % {"number": decision.application.reference_number},
            )
        return redirect("decisions:detail", pk=decision.pk)


class LetterPdfView(CoordinatorRequiredMixin, View):
    """Any version of a letter, as a download."""

    def get(self, request, *args, **kwargs):
        letter = letter_get_for_coordinator(pk=kwargs["pk"])
        response = letter_response(letter, filename=letter_file_name(letter, with_version=True))
        response["Cache-Control"] = "private, no-store"
        return response
