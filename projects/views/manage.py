"""The coordinators' pages of funded projects: a call's grants, one grant."""

import tempfile

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applicants.views.manage_list import selected_pks
from grants.views.manage import CoordinatorRequiredMixin, call_get_with_part_counts
from projects.archive import grant_archive_filename, grant_archive_write
from projects.bulk import bulk_action, bulk_actions
from projects.exports import grants_csv_response, grants_xlsx_response
from projects.filters import GrantListFilter
from projects.progress import grant_history, progress_of, waiting_for
from projects.selectors import (
    call_terms,
    grant_get_for_coordinator,
    grant_list_for_call,
    grants_of_call_selected,
    grants_progress_of,
)
from projects.spending_documents import spending_panel

GRANTS_PER_PAGE = 50
# A grant's archive is built in memory up to this size, then on disk.
ARCHIVE_IN_MEMORY_BYTES = 16 * 1024 * 1024


class CallGrantsView(CoordinatorRequiredMixin, TemplateView):
    """GET: where every grant of a call stands (or ?export=csv|xlsx). POST: a bulk action."""

    template_name = "projects/manage/call_grants.html"

    def get(self, request, *args, **kwargs):
        call = call_get_with_part_counts(pk=kwargs["pk"])
        grants = grant_list_for_call(call=call, filters=request.GET)
        export = request.GET.get("export")
        if export == "csv":
            return grants_csv_response(
                grants_progress_of(grants), filename=f"{call.slug}-granty.csv"
            )
        if export == "xlsx":
            return grants_xlsx_response(
                grants_progress_of(grants), filename=f"{call.slug}-granty.xlsx"
            )
        # The selector applied the same filters; this instance only shows the form, with errors.
        filterset = GrantListFilter(request.GET)
        filtering = any(request.GET.getlist(name) for name in filterset.form.fields)
        paginator = Paginator(grants, GRANTS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        return self.render_to_response(
            self.get_context_data(
                call=call,
                filter_form=filterset.form,
                filtering=filtering,
                page_obj=page,
                grants=grants_progress_of(page.object_list),
                page_range=paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
                actions=bulk_actions(),
            )
        )

    def post(self, request, *args, **kwargs):
        call = call_get_with_part_counts(pk=kwargs["pk"])
        back = request.get_full_path()
        action = bulk_action(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("Choose what to do with the selected grants."))
            return redirect(back)
        pks = selected_pks(request.POST.getlist("grants"))
        grants = list(grants_of_call_selected(call=call, pks=pks)) if pks else []
        if not grants:
            messages.warning(request, _("Select at least one grant first."))
            return redirect(back)
        result = action.run(grants, request.user)
        if isinstance(result, HttpResponse):
            return result
        messages.info(request, result)
        return redirect(back)


class GrantDetailView(CoordinatorRequiredMixin, TemplateView):
    template_name = "projects/manage/grant.html"

    def get_context_data(self, **kwargs):
        grant = grant_get_for_coordinator(pk=self.kwargs["pk"])
        terms = call_terms(grant.call)
        return super().get_context_data(
            grant=grant,
            terms=terms,
            spending=spending_panel(grant=grant, terms=terms),
            waiting=waiting_for(progress_of(grant)),
            history=grant_history(grant),
            **kwargs,
        )


class GrantArchiveView(CoordinatorRequiredMixin, View):
    """The grant's archive as one ZIP (projects.archive), built in a spooled temporary file:
    memory stays bounded, larger archives spill to disk."""

    def get(self, request, pk):
        grant = grant_get_for_coordinator(pk=pk)
        # Closed by the FileResponse once sent, so no context manager here.
        spool = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_IN_MEMORY_BYTES)  # noqa: SIM115
        grant_archive_write(grant, spool)
        spool.seek(0)
        response = FileResponse(
            spool,
            as_attachment=True,
            filename=grant_archive_filename(grant),
            content_type="application/zip",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
