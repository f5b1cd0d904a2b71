"""Pages every visitor sees: the home page and a call's page."""

from django.http import FileResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from grants.enums import CallPhase
from grants.selectors import call_document_for_download, call_get_public, call_list_public


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
        call = call_get_public(slug=self.kwargs["slug"], with_documents=True)
        criteria = list(call.criteria.all())
        context.update(
            call=call,
            phase=call.phase(),
            criteria=criteria,
            max_total_points=sum(criterion.max_points for criterion in criteria),
            documents=list(call.documents.all()),
            faq_entries=list(call.faq_entries.all()),
        )
        return context


class CallDocumentDownloadView(View):
    """A document of a published call, for anyone; of a draft call, for coordinators only."""

    def get(self, request, slug, document_pk):
        document = call_document_for_download(
            slug=slug,
            document_pk=document_pk,
            drafts_too=request.user.has_perm("grants.manage_calls"),
        )
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
