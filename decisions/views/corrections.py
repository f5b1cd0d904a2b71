"""The coordinator's correction of a review after the results are published (/manage/decisions/reviews/<pk>/correct/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from decisions.corrections import review_correction_issue
from grants.views.manage import CoordinatorRequiredMixin
from reviews.forms_manage import ReviewCorrectionForm
from reviews.selectors import criteria_for_review
from reviews.selectors_manage import review_get_for_correction


class ReviewCorrectView(CoordinatorRequiredMixin, TemplateView):
    """GET: the review's current points and a form to correct them. POST: correct and re-issue."""

    template_name = "decisions/manage/review_correct.html"

    def dispatch(self, request, *args, **kwargs):
        # Permission first: a visitor learns nothing, not even whether the review exists.
        if not self.has_permission():
            return self.handle_no_permission()
        self.review = review_get_for_correction(pk=kwargs["pk"])
        self.application = self.review.assignment.application
        self.criteria = criteria_for_review(self.application.call)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ReviewCorrectionForm(criteria=self.criteria, review=self.review))
        scores = {score.criterion_id: score for score in self.review.scores.all()}
        return super().get_context_data(
            review=self.review,
            application=self.application,
            call=self.application.call,
            score_rows=[{"criterion": c, "score": scores.get(c.pk)} for c in self.criteria],
            # Only a published decision has a letter to correct (the service says so too).
            published=self.application.is_decided,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = ReviewCorrectionForm(request.POST, criteria=self.criteria, review=self.review)
        if form.is_valid():
            try:
                review_correction_issue(
                    review=self.review,
                    scores=form.service_scores(),
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "The review is corrected and recorded. A corrected letter is being "
                        "issued; the earlier one is kept."
                    ),
                )
                return redirect("review_manage:application", pk=self.application.pk)
        messages.error(request, _("Nothing was corrected. Please correct the marked fields."))
        return self.render_to_response(self.get_context_data(form=form), status=400)
