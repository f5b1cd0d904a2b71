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
        accepting, upcoming, closed, archived = [], [], [], []
        for call in call_list_public():
            call.shown_phase = call.phase(now)
            if call.shown_phase == CallPhase.ACCEPTING:
                accepting.append(call)
            elif call.shown_phase == CallPhase.UPCOMING:
                upcoming.append(call)
            elif call.shown_phase.is_past_deadline:
                closed.append(call)
            else:
                archived.append(call)
        # Most recently closed first; open and upcoming by nearest date.
        closed.reverse()
        archived.reverse()
        context.update(
            accepting_calls=accepting,
            upcoming_calls=upcoming,
            closed_calls=closed,
            archived_calls=archived,
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
