"""The applicant's side of a decision: the outcome, the reviews' feedback, the letter, accept or decline."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applicants.selectors import application_get_for_team
from core.pagination import list_page
from decisions.feedback import review_feedback
from decisions.models import Decision
from decisions.selectors import letter_file_name, public_awards
from decisions.services import award_accept, award_decline
from grants.selectors import call_get_public

# The funded projects the public results show at once (a call may fund hundreds).
PUBLIC_AWARDS_PER_PAGE = 100


def letter_response(letter, *, filename: str) -> FileResponse:
    """A stored letter PDF as a download, never shown inline."""
    response = FileResponse(
        letter.pdf.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class OwnPublishedDecisionMixin(LoginRequiredMixin):
    """The decision on an application of the user's team (lead or editor), once published;
    404 for anyone else or before. Answering it is the lead's (AwardAnswerView)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = application_get_for_team(user=request.user, pk=kwargs["pk"])
        self.decision = (
            Decision.objects.published()
            .filter(application=self.application)
            .select_related("call")
            .first()
        )
        if self.decision is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class DecisionView(OwnPublishedDecisionMixin, TemplateView):
    template_name = "decisions/applicant/decision.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            application=self.application,
            decision=self.decision,
            letter=self.decision.letters.order_by("-version").first(),
            feedback=review_feedback(self.application),
            **kwargs,
        )


class LetterDownloadView(OwnPublishedDecisionMixin, View):
    """The current version of the letter (older versions stay with the coordinators)."""

    def get(self, request, *args, **kwargs):
        letter = self.decision.letters.order_by("-version").first()
        if letter is None:
            raise Http404
        return letter_response(letter, filename=letter_file_name(letter))


class AwardAnswerView(OwnPublishedDecisionMixin, View):
    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("applicants.lead_application", self.application):
            raise PermissionDenied(
                _("Only the application's lead can accept or decline the grant.")
            )
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                award_accept(decision=self.decision, by=request.user)
                messages.success(
                    request,
                    _(
                        "Thank you! You have accepted the grant. We will be in touch about the agreement."
                    ),
                )
            elif answer == "decline" and request.POST.get("confirm") == "yes":
                award_decline(decision=self.decision, by=request.user)
                messages.success(
                    request, _("You have declined the grant. Thank you for letting us know.")
                )
            else:
                messages.error(request, _("To decline, tick the confirmation box."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("decisions_applicant:decision", pk=self.application.pk)


class PublicResultsView(TemplateView):
    """The call's funded projects, for everyone, when the call publishes its results."""

    template_name = "decisions/public_results.html"

    def get_context_data(self, **kwargs):
        call = call_get_public(slug=self.kwargs["slug"])
        if not call.public_results:
            raise Http404
        listed = list_page(
            public_awards(call=call),
            page_number=self.request.GET.get("page"),
            per_page=PUBLIC_AWARDS_PER_PAGE,
        )
        return super().get_context_data(
            call=call, awards=listed["page_obj"].object_list, **listed, **kwargs
        )
