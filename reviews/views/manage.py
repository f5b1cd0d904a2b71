"""The coordinator's side of reviews: the pool of reviewers, assignments and progress, one application's reviews."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from core.formatting import format_deadline
from core.pagination import list_page
from grants.views.manage import call_get_with_part_counts, call_part_links
from reviews.forms_manage import (
    AssignmentAddForm,
    AssignmentReplaceForm,
    AutoAssignForm,
    PoolInviteForm,
    ReviewerChoiceForm,
    ReviewReopenForm,
)
from reviews.models import Invitation, Review, ReviewAssignment
from reviews.selectors import reviews_frozen_for
from reviews.selectors_manage import (
    application_assignments,
    application_events,
    application_get_for_reviews,
    application_list_in_review,
    application_progress,
    assignment_rows,
    extra_reviewer_due_at,
    invitation_list_open,
    pool_members,
    pool_progress,
    review_summary,
    reviewers_not_on,
    reviewers_who_may_review,
)
from reviews.services import (
    InvalidAssignmentTransition,
    InvalidReviewTransition,
    ReviewsFrozen,
    assignment_add,
    assignment_remove,
    assignment_replace,
    assignments_auto,
    extra_reviewer_add,
    invitation_resend,
    pool_invite,
    review_reopen,
)

APPLICATIONS_PER_PAGE = 50
# The pool page lists its reviewers a page at a time, with their workload numbers.
REVIEWERS_PER_PAGE = 25


class ReviewCoordinatorMixin(PermissionRequiredMixin):
    permission_required = "reviews.manage_reviews"

    def dispatch(self, request, *args, **kwargs):
        # Permission first: a visitor learns nothing, not even whether the call exists.
        if not self.has_permission():
            return self.handle_no_permission()
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Look up what the page is about (after the permission check)."""


# --- the call's pool and assignments --------------------------------------------------------


class CallPageMixin(ReviewCoordinatorMixin):
    nav_active = ""

    def load(self, **kwargs) -> None:
        self.call = call_get_with_part_counts(pk=kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            call=self.call,
            part_links=call_part_links(self.call),
            nav_active=self.nav_active,
            frozen=self.call.reviews_frozen,
            **kwargs,
        )

    def refused(self, error: ValidationError, to: str):
        messages.error(self.request, " ".join(error.messages))
        return redirect(to, pk=self.call.pk)


class PoolView(CallPageMixin, TemplateView):
    """Invite reviewers to the call's pool; how far each of them has got."""

    template_name = "reviews/manage/pool.html"
    nav_active = "pool"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", PoolInviteForm())
        now = timezone.now()
        invitations = list(invitation_list_open(call=self.call))
        query = self.request.GET.get("q", "").strip()[:100]
        listed = list_page(
            pool_members(call=self.call, query=query),
            page_number=self.request.GET.get("page"),
            per_page=REVIEWERS_PER_PAGE,
        )
        # The workload numbers of the page's reviewers only: a page costs what its rows cost.
        listed["page_obj"].object_list = pool_progress(
            listed["page_obj"].object_list, call=self.call
        )
        return super().get_context_data(
            **listed,
            query=query,
            invitations=[i for i in invitations if not i.is_expired(now)],
            expired_invitations=[i for i in invitations if i.is_expired(now)],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = PoolInviteForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Nobody was invited. Please correct the marked field."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            added, invited = pool_invite(
                call=self.call, emails=form.cleaned_data["emails"], by=request.user
            )
        except ReviewsFrozen as error:
            return self.refused(error, "review_manage:pool")
        if added:
            messages.success(
                request,
                ngettext(
                    "%(count)d person joined the pool of reviewers.",
                    "%(count)d people joined the pool of reviewers.",
                    len(added),
                )
                % {"count": len(added)},
            )
        if invited:
            messages.success(
                request,
                ngettext(
                    "%(count)d invitation sent by e-mail.",
                    "%(count)d invitations sent by e-mail.",
                    len(invited),
                )
                % {"count": len(invited)},
            )
        return redirect("review_manage:pool", pk=self.call.pk)


class InvitationResendView(CallPageMixin, View):
    """Send an invitation again (an expired one too): its link works for a fresh period."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            Invitation.objects.all(), call=self.call, pk=kwargs["invitation_pk"]
        )
        try:
            invitation = invitation_resend(invitation=invitation, by=request.user)
        except ValidationError as error:
            return self.refused(error, "review_manage:pool")
        messages.success(
            request,
            _("The invitation to %(email)s is sent again. Its link works until %(moment)s.")
            % {
                "email": invitation.email,
                "moment": format_deadline(invitation.expires_at),
            },
        )
        return redirect("review_manage:pool", pk=self.call.pk)


class AssignmentsView(CallPageMixin, TemplateView):
    """Assign reviewers automatically; the progress of every application in review."""

    template_name = "reviews/manage/assignments.html"
    nav_active = "assignments"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", AutoAssignForm())
        listed = list_page(
            application_list_in_review(call=self.call),
            page_number=self.request.GET.get("page"),
            per_page=APPLICATIONS_PER_PAGE,
        )
        return super().get_context_data(
            **listed,
            rows=application_progress(listed["page_obj"].object_list, call=self.call),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = AutoAssignForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("No reviewers were assigned. Please correct the marked field.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            result = assignments_auto(
                call=self.call, due_at=form.cleaned_data["due_at"], by=request.user
            )
        except ReviewsFrozen as error:
            return self.refused(error, "review_manage:assignments")
        created = ngettext(
            "%(count)d assignment created.", "%(count)d assignments created.", result["created"]
        ) % {"count": result["created"]}
        short = len(result["short"])
        if short:
            messages.warning(
                request,
                created
                + " "
                + ngettext(
                    "%(count)d application still needs reviewers (not enough reviewers without conflicts).",
                    "%(count)d applications still need reviewers (not enough reviewers without conflicts).",
                    short,
                )
                % {"count": short},
            )
        else:
            messages.success(request, created)
        return redirect("review_manage:assignments", pk=self.call.pk)


# --- one application's reviews ---------------------------------------------------------------


class ApplicationReviewsView(ReviewCoordinatorMixin, TemplateView):
    """One application's reviewers and reviews, with the coordinator's actions on them.

    The action views below share the page: a refused form is shown again in
    its place, with what was typed and the error beside the field.
    """

    template_name = "reviews/manage/application_reviews.html"

    def load(self, **kwargs) -> None:
        self.application = application_get_for_reviews(pk=kwargs["pk"])

    def get_context_data(self, **kwargs):
        application = self.application
        assignments = application_assignments(application)
        reviewers = reviewers_not_on(application)
        offered = reviewers_who_may_review(application, assignments)
        frozen = reviews_frozen_for(application)
        can_assign = application.is_in_review_stage and not frozen
        refused = kwargs.pop("refused", None)  # a bound form shown again in its place
        if isinstance(refused, ReviewerChoiceForm):
            refused.offer(offered)

        def form_for(prefix, make):
            return refused if refused is not None and refused.prefix == prefix else make(prefix)

        rows = []
        for row in assignment_rows(assignments):
            replace_form = None
            if row.assignment.is_active and can_assign:
                replace_form = form_for(
                    f"replace-{row.assignment.pk}",
                    lambda prefix, row=row: AssignmentReplaceForm(
                        prefix=prefix,
                        reviewers=reviewers,
                        offered=offered,
                        replacing=row.assignment.reviewer,
                    ),
                )
            rows.append((row, replace_form))
        summary = review_summary(application, assignments)
        reviews = [
            (
                review,
                None
                if frozen
                else form_for(
                    f"reopen-{review.pk}", lambda prefix: ReviewReopenForm(prefix=prefix)
                ),
            )
            for review in summary.submitted
        ]
        add_form = None
        if can_assign:
            add_form = form_for(
                "add",
                lambda prefix: AssignmentAddForm(
                    prefix=prefix,
                    reviewers=reviewers,
                    offered=offered,
                    initial={"due_at": extra_reviewer_due_at(assignments)},
                ),
            )
        return super().get_context_data(
            application=application,
            call=application.call,
            rows=rows,
            reviews=reviews,
            summary=summary,
            can_assign=can_assign,
            frozen=frozen,
            # Corrections are for applications whose decision is published (decisions app).
            correctable=application.is_decided and not application.call.is_archived,
            add_form=add_form,
            events=application_events(application),
            **kwargs,
        )

    def show_again(self, form):
        messages.error(self.request, _("Nothing was changed. Please correct the marked field."))
        return self.render_to_response(self.get_context_data(refused=form), status=400)

    def back(self):
        return redirect("review_manage:application", pk=self.application.pk)

    def refused(self, error: ValidationError):
        """A refusal that no form on the page can show (e.g. the results are published)."""
        messages.error(self.request, " ".join(error.messages))
        return self.back()

    def get_assignment(self) -> ReviewAssignment:
        return get_object_or_404(
            ReviewAssignment.objects.select_related("reviewer", "application__call"),
            application=self.application,
            pk=self.kwargs["assignment_pk"],
        )


class AssignmentAddView(ApplicationReviewsView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AssignmentAddForm(
            request.POST, prefix="add", reviewers=reviewers_not_on(self.application)
        )
        if form.is_valid():
            try:
                assignment = assignment_add(
                    application=self.application,
                    reviewer=form.cleaned_data["reviewer"],
                    due_at=form.cleaned_data["due_at"],
                    by=request.user,
                )
            except ReviewsFrozen as error:
                return self.refused(error)
            except ValidationError as exc:
                form.add_error("reviewer", exc)
            else:
                messages.success(
                    request,
                    _("%(name)s will review this application.")
                    % {"name": assignment.reviewer.display_name},
                )
                return self.back()
        return self.show_again(form)


class AssignmentRemoveView(ApplicationReviewsView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        assignment = self.get_assignment()
        try:
            assignment_remove(assignment=assignment, by=request.user)
        except ReviewsFrozen as error:
            return self.refused(error)
        except InvalidAssignmentTransition:
            # A second click, or another coordinator was quicker: nothing more to do.
            messages.info(request, _("This assignment was already released."))
            return self.back()
        messages.success(
            request,
            _("%(name)s no longer reviews this application.")
            % {"name": assignment.reviewer.display_name},
        )
        return self.back()


class AssignmentReplaceView(ApplicationReviewsView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        assignment = self.get_assignment()
        form = AssignmentReplaceForm(
            request.POST,
            prefix=f"replace-{assignment.pk}",
            reviewers=reviewers_not_on(self.application),
            replacing=assignment.reviewer,
        )
        if form.is_valid():
            try:
                replacement = assignment_replace(
                    assignment=assignment, reviewer=form.cleaned_data["reviewer"], by=request.user
                )
            except ReviewsFrozen as error:
                return self.refused(error)
            except InvalidAssignmentTransition:
                messages.info(request, _("This assignment was already released."))
                return self.back()
            except ValidationError as exc:
                form.add_error("reviewer", exc)
            else:
                messages.success(
                    request,
                    _("%(old)s is replaced by %(new)s.")
                    % {
                        "old": assignment.reviewer.display_name,
                        "new": replacement.reviewer.display_name,
                    },
                )
                return self.back()
        return self.show_again(form)


class ReviewReopenView(ApplicationReviewsView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        review = get_object_or_404(
            Review.objects.select_related("assignment__reviewer"),
            assignment__application=self.application,
            pk=kwargs["review_pk"],
        )
        form = ReviewReopenForm(request.POST, prefix=f"reopen-{review.pk}")
        if not form.is_valid():
            return self.show_again(form)
        try:
            review_reopen(review=review, by=request.user, note=form.cleaned_data["note"])
        except ReviewsFrozen as error:
            return self.refused(error)
        except InvalidReviewTransition:
            # A second click, or reopened meanwhile: nothing more to do.
            messages.info(request, _("This review is not submitted; there is nothing to reopen."))
            return self.back()
        messages.success(
            request,
            _("The review by %(name)s is reopened: they can change it and submit it again.")
            % {"name": review.assignment.reviewer.display_name},
        )
        return self.back()


class ExtraReviewerAddView(ApplicationReviewsView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        due_at = extra_reviewer_due_at(application_assignments(self.application))
        try:
            assignment = extra_reviewer_add(
                application=self.application, due_at=due_at, by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.back()
        if assignment is None:
            messages.warning(
                request,
                _("Nobody else in the pool may review this application. Invite more reviewers."),
            )
        else:
            messages.success(
                request,
                _("%(name)s is added as an extra reviewer, due %(due)s.")
                % {
                    "name": assignment.reviewer.display_name,
                    "due": format_deadline(assignment.due_at),
                },
            )
        return self.back()
