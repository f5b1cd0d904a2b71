"""The coordinator's list of a call's applications: filter, sort, export, accept in bulk."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.consents_selectors import consent_summaries
from applicants.exports import applications_csv_response, applications_xlsx_response
from applicants.filters import ApplicationListFilter, application_list_filter_form_html
from applicants.list_rows import application_list_rows
from applicants.selectors import (
    APPLICATION_LIST_DEFAULT_SORT,
    application_counts_for_call,
    application_list_awaiting_formal_check,
    application_list_for_call,
    application_list_sort,
)
from applicants.services import InvalidTransition, formal_check_accept_many
from grants.selectors import call_get_for_coordinator

APPLICATIONS_PER_PAGE = 50

# The sortable columns, left to right: the ?sort= key and the header text.
SORTABLE_COLUMNS = (
    ("number", gettext_lazy("Reference number")),
    ("title", gettext_lazy("Title")),
    ("applicant", gettext_lazy("Applicant")),
    ("amount", gettext_lazy("Requested amount")),
    ("submitted", gettext_lazy("Submitted at")),
)


def sort_headers(current: str) -> list[dict]:
    """Each sortable column's header: the sort its link asks for, its aria-sort and its arrow.

    A click on the column sorted by sorts it the other way; on any other column,
    ascending.
    """
    headers = []
    for key, label in SORTABLE_COLUMNS:
        if current == key:
            aria_sort, arrow, link = "ascending", "▲", f"-{key}"
        elif current == f"-{key}":
            aria_sort, arrow, link = "descending", "▼", key
        else:
            aria_sort, arrow, link = "", "", key
        headers.append(
            {"key": key, "label": label, "aria_sort": aria_sort, "arrow": arrow, "link": link}
        )
    return headers


def selected_pks(values: list[str]) -> list[int]:
    """The row ids ticked in the form; anything that isn't a whole number is dropped."""
    pks = []
    for value in values:
        try:
            pks.append(int(value))
        except ValueError:
            continue
    return pks


class ApplicationListView(PermissionRequiredMixin, TemplateView):
    """GET: the call's submitted applications (or ?export=csv|xlsx). POST: accept the ticked ones."""

    permission_required = "applicants.manage_applications"
    template_name = "applicants/manage/application_list.html"

    def get(self, request, *args, **kwargs):
        call = call_get_for_coordinator(pk=kwargs["call_pk"])
        sort = application_list_sort(request.GET.get("sort"))
        applications = application_list_for_call(call=call, filters=request.GET, sort=sort)

        export = request.GET.get("export")
        if export == "csv":
            return applications_csv_response(applications, filename=f"{call.slug}-wnioski.csv")
        if export == "xlsx":
            return applications_xlsx_response(
                applications, filename=f"{call.slug}-wnioski.xlsx", sheet_title=_("Applications")
            )

        # The selector applied the same filters; this instance only shows the form, with errors.
        filterset = ApplicationListFilter(request.GET)
        filtering = any(request.GET.getlist(name) for name in filterset.form.fields)
        paginator = Paginator(applications, APPLICATIONS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        shown = list(page.object_list)
        # The consents badges beside the status come in each row.
        summaries = consent_summaries(shown, call=call, selected=True)
        clear_url = request.path
        if sort != APPLICATION_LIST_DEFAULT_SORT:
            clear_url += f"?sort={sort}"
        return self.render_to_response(
            self.get_context_data(
                call=call,
                filter_form=filterset.form,
                filter_form_html=application_list_filter_form_html(filterset.form),
                filtering=filtering,
                clear_url=clear_url,
                sort=sort,
                sort_headers=sort_headers(sort),
                page_obj=page,
                applications=shown,
                rows=application_list_rows(applications=shown, consents=summaries),
                page_range=paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
                counts=application_counts_for_call(call=call),
            )
        )

    def post(self, request, *args, **kwargs):
        call = call_get_for_coordinator(pk=kwargs["call_pk"])
        back = request.get_full_path()
        pks = selected_pks(request.POST.getlist("applications"))
        if not pks:
            messages.warning(request, _("Select at least one application first."))
            return redirect(back)
        applications = application_list_awaiting_formal_check(call=call, pks=pks)
        try:
            accepted = formal_check_accept_many(applications=applications, by=request.user)
        except InvalidTransition:
            # Someone else moved one of them between our read and the row lock;
            # the ones before it are accepted, the list shows where things stand.
            messages.error(
                request,
                _(
                    "Another coordinator changed one of the selected applications at the same "
                    "time. Check the list and try again."
                ),
            )
            return redirect(back)
        if accepted:
            messages.success(
                request,
                ngettext(
                    "%(count)d application accepted for review.",
                    "%(count)d applications accepted for review.",
                    accepted,
                )
                % {"count": accepted},
            )
        skipped = len(set(pks)) - accepted
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d selected application was not waiting for the formal check and was left as it was.",
                    "%(count)d selected applications were not waiting for the formal check and were left as they were.",
                    skipped,
                )
                % {"count": skipped},
            )
        return redirect(back)
