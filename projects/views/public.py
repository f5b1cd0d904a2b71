"""What everyone may see of a call's finished projects (mounted at /outcomes/): the stories,
indicators and consented photos, the programme's totals, and the open-data export."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from grants.selectors import call_get_public
from projects.open_data import csv_chunks, grant_records, open_data_grants, package_json_chunks
from projects.results import (
    PUBLIC_PROJECTS_PER_PAGE,
    programme_totals,
    public_photo_get,
    public_projects,
    public_reports_of_call,
)


def _call_with_results(slug: str):
    call = call_get_public(slug=slug)
    if not call.public_results:
        raise Http404
    return call


class CallOutcomesView(TemplateView):
    """A call's finished projects that agreed to be shown, and the programme's totals."""

    template_name = "projects/public/outcomes.html"

    def get_context_data(self, **kwargs):
        call = _call_with_results(self.kwargs["slug"])
        paginator = Paginator(public_reports_of_call(call=call), PUBLIC_PROJECTS_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            call=call,
            totals=programme_totals(call=call),
            page_obj=page,
            page_range=paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            projects=public_projects(page.object_list),
            **kwargs,
        )


class PublicPhotoView(View):
    """A public photo's display copy (never the original); 404 for any photo not public."""

    def get(self, request, pk):
        photo = public_photo_get(pk=pk)
        try:
            source = photo.preview.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(source, content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        # Asked again each time: a consent withdrawn takes effect at once.
        response["Cache-Control"] = "no-cache"
        return response


class OpenDataView(View):
    """The call's grants in the 360Giving Data Standard, streamed (see projects.open_data)."""

    formats = {
        "json": ("application/json; charset=utf-8", package_json_chunks),
        "csv": ("text/csv; charset=utf-8", csv_chunks),
    }

    def get(self, request, slug, fmt):
        call = _call_with_results(slug)
        content_type, chunks = self.formats[fmt]
        data_source = request.build_absolute_uri(
            reverse("projects_public:open_data_json", kwargs={"slug": call.slug})
        )
        records = grant_records(
            open_data_grants(call=call).iterator(chunk_size=500),
            call=call,
            data_source=data_source,
        )
        response = StreamingHttpResponse(chunks(records), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{call.slug}-360giving.{fmt}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
