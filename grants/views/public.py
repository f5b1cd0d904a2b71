"""Pages every visitor sees: the home page and a call's page."""

from django.utils import timezone
from django.views.generic import TemplateView

from grants.enums import CallPhase
from grants.selectors import call_get_public, call_list_public


class HomeView(TemplateView):
    template_name = "grants/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        by_phase: dict[str, list] = {phase: [] for phase in CallPhase}
        for call in call_list_public():
            by_phase[call.phase(now)].append(call)
        # Most recently closed first; open and upcoming by nearest date.
        by_phase[CallPhase.CLOSED].reverse()
        context.update(
            accepting_calls=by_phase[CallPhase.ACCEPTING],
            upcoming_calls=by_phase[CallPhase.UPCOMING],
            closed_calls=by_phase[CallPhase.CLOSED],
        )
        return context


class CallDetailView(TemplateView):
    template_name = "grants/call_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = call_get_public(slug=self.kwargs["slug"])
        criteria = list(call.criteria.all())
        context.update(
            call=call,
            phase=call.phase(),
            criteria=criteria,
            max_total_points=sum(criterion.max_points for criterion in criteria),
        )
        return context
