"""The reviewer's pages: the dashboard, declaring impartiality, scoring, the files, invitations."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.disclosure import conflict_declaration_identity, reviewer_version
from applicants.enums import VersionPdfKind
from applicants.selectors import version_pdf_for
from applicants.views.applicant import attachment_response
from applicants.views.pdf_copy import version_pdf_response
from core.autosave import (
    autosave_key,
    autosave_refused,
    autosave_response,
    autosave_signed_out,
    autosave_version,
    form_errors,
)
from core.enums import Role
from core.selectors import programme_profile
from core.views import WaitingForYouMixin
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.forms import DeclarationForm, ReviewForm
from reviews.selectors import (
    assignment_for_application,
    assignment_get_for_reviewer,
    criteria_for_review,
    invitation_get,
    invitation_to_answer_get,
    invitations_to_answer,
    latest_version,
    review_dashboard_for,
    review_draft_fingerprint,
    review_draft_total,
    review_draft_values,
    review_for_assignment,
    reviews_frozen_for,
    version_attachment,
)
from reviews.services import (
    InvalidAssignmentTransition,
    InvalidReviewTransition,
    NotDeclared,
    ReviewLocked,
    ReviewsFrozen,
    assignment_declare,
    invitation_accept,
    review_problems,
    review_save,
    review_submit,
)


class DashboardView(LoginRequiredMixin, WaitingForYouMixin, TemplateView):
    """The "My reviews" page, where reviewers land: what is waiting for them, invitations to
    answer, then every live assignment by call (open work first, a page at a time)."""

    template_name = "reviews/dashboard.html"
    waiting_role = Role.REVIEWER

    def get_context_data(self, **kwargs):
        dashboard = review_dashboard_for(
            user=self.request.user, page_number=self.request.GET.get("page")
        )
        return super().get_context_data(
            groups=dashboard.groups,
            page_obj=dashboard.page,
            page_range=dashboard.page.paginator.get_elided_page_range(dashboard.page.number),
            invitations=invitations_to_answer(user=self.request.user, now=timezone.now())
            .select_related("call", "invited_by")
            .order_by("expires_at", "pk"),
            **kwargs,
        )


class InvitationJoinView(LoginRequiredMixin, View):
    """Join a call's pool from the dashboard: an invitation sent to the signed-in person's address
    (the e-mailed link does the same for someone who is not signed in yet)."""

    def post(self, request, *args, **kwargs):
        invitation = invitation_to_answer_get(user=request.user, pk=kwargs["pk"])
        try:
            invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("reviews:dashboard")
        messages.success(
            request,
            _("You are in the pool of reviewers of “%(call)s”. Your assignments will appear here.")
            % {"call": invitation.call.title},
        )
        return redirect("reviews:dashboard")


class NotFoundUnlessAllowedMixin(PermissionRequiredMixin):
    """Anonymous visitors go to the login page; anyone else without the permission gets a 404,
    never a hint that the assignment or application exists."""

    def get_permission_object(self):
        return self.assignment

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise Http404
        return redirect_to_login(self.request.get_full_path())

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assignment = self.load_assignment(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load_assignment(self, **kwargs):
        raise NotImplementedError


class AssignmentView(NotFoundUnlessAllowedMixin, TemplateView):
    """One assignment: first the declaration of impartiality, then the application and the review."""

    permission_required = "reviews.view_assignment"

    def load_assignment(self, **kwargs):
        return assignment_get_for_reviewer(user=self.request.user, pk=kwargs["pk"])

    def get_template_names(self):
        if self.assignment.status == AssignmentStatus.ASSIGNED:
            return ["reviews/assignment_declare.html"]
        return ["reviews/assignment_review.html"]

    @property
    def frozen(self) -> bool:
        return reviews_frozen_for(self.assignment.application)

    def get_context_data(self, **kwargs):
        assignment = self.assignment
        context = super().get_context_data(
            assignment=assignment,
            call=assignment.call,
            frozen=self.frozen,
            autosave={
                "url": reverse("reviews:review_draft", kwargs={"pk": assignment.pk}),
                "key": autosave_key(self.request.user, "review", assignment.pk),
            },
            **kwargs,
        )
        if assignment.status == AssignmentStatus.ASSIGNED:
            # Who applies, and nothing of the application's content, before the declaration.
            context["reference_number"] = assignment.application.reference_number
            context["identity"] = conflict_declaration_identity(
                latest_version(assignment.application)
            )
            context.setdefault("form", DeclarationForm())
            return context
        # Only what applicants.disclosure lets reviewers see: never the version itself.
        latest = latest_version(assignment.application)
        version = reviewer_version(latest)
        criteria = criteria_for_review(assignment.call)
        review = self.review
        context.update(
            application=assignment.application,
            version=version,
            content=version.content,
            pdf=version_pdf_for(version=latest, kind=VersionPdfKind.REVIEWER),
            criteria=criteria,
            review=review,
        )
        context["autosave"]["version"] = autosave_version(review and review.updated_at)
        if review is not None and review.status == ReviewStatus.SUBMITTED:
            scores = {score.criterion_id: score for score in review.scores.all()}
            context["score_rows"] = [
                {"criterion": criterion, "score": scores.get(criterion.pk)}
                for criterion in criteria
            ]
        else:
            form = context.setdefault("form", ReviewForm(criteria=criteria, review=review))
            form.frozen = self.frozen  # the form include then shows why nothing can be saved
        return context

    @property
    def review(self):
        if not hasattr(self, "_review"):
            self._review = review_for_assignment(self.assignment)
        return self._review

    def post(self, request, *args, **kwargs):
        if self.assignment.status == AssignmentStatus.ASSIGNED:
            return self.declare()
        if "declare" in request.POST:
            return redirect("reviews:assignment", pk=self.assignment.pk)  # declared already
        return self.score()

    def declare(self):
        form = DeclarationForm(self.request.POST)
        if form.is_valid():
            try:
                assignment = assignment_declare(
                    assignment=self.assignment,
                    impartial=form.impartial,
                    reason=form.cleaned_data["reason"],
                    by=self.request.user,
                )
            except ReviewsFrozen as exc:
                messages.error(self.request, " ".join(exc.messages))
                return self.render_to_response(self.get_context_data(form=form), status=409)
            except InvalidAssignmentTransition:
                # Declared already (a double click, or another tab): show where it stands.
                messages.info(self.request, _("Your declaration was already recorded."))
                return redirect("reviews:dashboard")
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if assignment.status == AssignmentStatus.CONFLICT:
                    messages.success(
                        self.request, _("Thank you — the coordinator will assign someone else.")
                    )
                    return redirect("reviews:dashboard")
                if assignment.status == AssignmentStatus.DECLARED:
                    messages.success(
                        self.request,
                        _("Thank you. The application is below; your review is saved as you go."),
                    )
                    return redirect("reviews:assignment", pk=assignment.pk)
                return redirect("reviews:dashboard")
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def locked_response(self):
        messages.error(
            self.request,
            _(
                "This review is submitted and can't be changed. If something must be corrected, ask the coordinator to reopen it."
            ),
        )
        self._review = review_for_assignment(self.assignment)
        return self.render_to_response(self.get_context_data(), status=403)

    def score(self):
        review = self.review
        if review is not None and review.status == ReviewStatus.SUBMITTED and not self.frozen:
            return self.locked_response()
        criteria = criteria_for_review(self.assignment.call)
        form = ReviewForm(self.request.POST, criteria=criteria)
        submitting = self.request.POST.get("action") == "submit"
        if not form.is_valid():
            messages.error(self.request, _("Not saved yet. Please correct the marked fields."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.service_data()
        try:
            review = review_save(assignment=self.assignment, **data)
        except ReviewsFrozen as exc:
            messages.error(self.request, " ".join(exc.messages))
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ReviewLocked:
            return self.locked_response()
        except NotDeclared:
            return redirect("reviews:assignment", pk=self.assignment.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
            messages.error(self.request, _("Not saved yet. Please correct the marked fields."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if submitting:
            problems = review_problems(review)
            if problems:
                form.add_error(None, ValidationError(problems))
                messages.error(
                    self.request,
                    _(
                        "Your review is saved as a draft but not submitted yet. Please complete the marked fields."
                    ),
                )
                return self.render_to_response(self.get_context_data(form=form), status=400)
            # Complete: the reviewer confirms the total and the recommendation first.
            return redirect("reviews:review_confirm", pk=self.assignment.pk)
        messages.success(self.request, _("Draft saved."))
        return redirect("reviews:assignment", pk=self.assignment.pk)


class ReviewDraftView(NotFoundUnlessAllowedMixin, View):
    """The review form's autosave: stores what passed validation as the draft, answers in JSON.

    A refused field (points out of range) keeps its stored value and its message goes back
    to be shown beside it; a submitted review or a call whose results are out is never written.
    """

    permission_required = "reviews.read_application"
    http_method_names = ["post"]

    def load_assignment(self, **kwargs):
        return assignment_get_for_reviewer(user=self.request.user, pk=kwargs["pk"])

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise Http404
        return autosave_signed_out()

    def post(self, request, *args, **kwargs):
        form = ReviewForm(request.POST, criteria=criteria_for_review(self.assignment.call))
        form.is_valid()
        try:
            review = review_save(assignment=self.assignment, **form.draft_data())
        except ReviewsFrozen as exc:
            return autosave_refused(" ".join(exc.messages))
        except (ReviewLocked, NotDeclared):
            return autosave_refused(
                _(
                    "This review is submitted and can't be changed. If something must be corrected, ask the coordinator to reopen it."
                )
            )
        except ValidationError as exc:
            # The service's own range check (the form checks the same first).
            review = review_for_assignment(self.assignment)
            errors = {**form_errors(form), **exc.message_dict}
            return autosave_response(saved_at=review and review.updated_at, errors=errors)
        return autosave_response(saved_at=review.updated_at, errors=form_errors(form))


class ReviewConfirmView(NotFoundUnlessAllowedMixin, TemplateView):
    """Before submitting: the draft's weighted total and recommendation, then "Submit".

    Works without JavaScript: "Submit review" on the form saves the draft and comes here.
    What is submitted is the stored draft, and only if it is still the one shown.
    """

    permission_required = "reviews.read_application"
    template_name = "reviews/review_confirm.html"

    def load_assignment(self, **kwargs):
        return assignment_get_for_reviewer(user=self.request.user, pk=kwargs["pk"])

    def back(self):
        return redirect("reviews:assignment", pk=self.assignment.pk)

    def draft(self):
        """The stored draft if it can be submitted now; None sends the reviewer back to the form."""
        review = review_for_assignment(self.assignment)
        if review is None or review.status != ReviewStatus.DRAFT:
            return None
        if reviews_frozen_for(self.assignment.application) or review_problems(review):
            return None
        return review

    def get_context_data(self, **kwargs):
        review = kwargs["review"]
        criteria = criteria_for_review(self.assignment.call)
        scores = {score.criterion_id: score for score in review.scores.all()}
        return super().get_context_data(
            assignment=self.assignment,
            application=self.assignment.application,
            call=self.assignment.call,
            total=review_draft_total(review, criteria),
            rows=[{"criterion": c, "score": scores.get(c.pk)} for c in criteria],
            fingerprint=review_draft_fingerprint(review),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        review = self.draft()
        if review is None:
            return self.back()
        return self.render_to_response(self.get_context_data(review=review))

    def post(self, request, *args, **kwargs):
        review = self.draft()
        if review is None:
            return self.back()
        if request.POST.get("fingerprint") != review_draft_fingerprint(review):
            messages.warning(
                request,
                _(
                    "Your draft changed since this page was shown (perhaps in another tab). Check the total and the recommendation again."
                ),
            )
            return self.render_to_response(self.get_context_data(review=review), status=409)
        try:
            review_submit(
                assignment=self.assignment, by=request.user, **review_draft_values(review)
            )
        except ReviewsFrozen as exc:
            messages.error(request, " ".join(exc.messages))
            return self.back()
        except (ReviewLocked, InvalidReviewTransition, NotDeclared, ValidationError):
            # Submitted meanwhile (a double click, another tab), or no longer complete.
            return self.back()
        messages.success(request, _("Thank you! Your review is submitted."))
        return self.back()


class ReviewerApplicationMixin(NotFoundUnlessAllowedMixin):
    """The application of the user's live assignment, once impartiality is declared."""

    permission_required = "reviews.read_application"

    def load_assignment(self, **kwargs):
        return assignment_for_application(user=self.request.user, application_pk=kwargs["pk"])


class AttachmentView(ReviewerApplicationMixin, View):
    """A file of the version the reviewer scores (only files that version lists)."""

    def get(self, request, *args, **kwargs):
        version = latest_version(self.assignment.application)
        attachment = version_attachment(version=version, attachment_pk=kwargs["attachment_pk"])
        return attachment_response(attachment)


class ApplicationPdfView(ReviewerApplicationMixin, View):
    """The reviewers' stored PDF copy of the version the reviewer scores (no contact details)."""

    def get(self, request, *args, **kwargs):
        return version_pdf_response(
            request,
            version=latest_version(self.assignment.application),
            kind=VersionPdfKind.REVIEWER,
            back_url=reverse("reviews:assignment", kwargs={"pk": self.assignment.pk}),
        )


class InvitationView(TemplateView):
    """The e-mailed link: who invites to which call; sign up or log in, then join the pool.

    An expired invitation, or one to a call whose results are out, says so and
    whom to ask instead of offering to join.
    """

    template_name = "reviews/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitation_get(token=kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        invitation = self.invitation
        user = self.request.user
        used = invitation.accepted_at is not None
        accepted_by_me = used and user.is_authenticated and invitation.accepted_by_id == user.pk
        return super().get_context_data(
            invitation=invitation,
            call=invitation.call,
            used_by_someone_else=used and not accepted_by_me,
            accepted_by_me=accepted_by_me,
            call_closed=not used and invitation.call.reviews_frozen,
            expired=invitation.is_expired(),
            contact=self.contact(),
            **kwargs,
        )

    def contact(self) -> str:
        """Whom the invitee asks about it: the inviting coordinator, else the programme."""
        inviter = self.invitation.invited_by
        if inviter is not None:
            return f"{inviter.display_name} ({inviter.email})"
        return _("the programme team of %(operator)s") % {
            "operator": programme_profile().operator_or_site
        }

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            invitation_accept(invitation=self.invitation, user=request.user)
        except ValidationError as error:
            return self.render_to_response(
                self.get_context_data(refusal=" ".join(error.messages)), status=409
            )
        messages.success(
            request,
            _("You are in the pool of reviewers of “%(call)s”. Your assignments will appear here.")
            % {"call": self.invitation.call.title},
        )
        return redirect("reviews:dashboard")
