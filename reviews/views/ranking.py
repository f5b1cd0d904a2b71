"""The coordinator's ranking of a call: scores, flags and the funding line; filters and downloads."""

from collections.abc import Iterable, Iterator

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.exports import table_csv_response, table_xlsx_response
from grants.models import GrantCall
from grants.views.manage import call_get_with_part_counts, call_part_links
from reviews.ranking import ORDERS, RankingRow
from reviews.ranking_snapshot import ranking_snapshot_ensure
from reviews.selectors_ranking import (
    entries_counted,
    ranking_entries,
    ranking_rows,
    ranking_state_get,
    ranking_summary,
)

RANKING_ROWS_PER_PAGE = 100
DEFAULT_ORDER = "final"
# Width of each exported column in characters, in the order of ranking_export_headers().
XLSX_COLUMN_WIDTHS = (9, 16, 50, 32, 16, 16, 10, 10, 12, 14, 10, 12, 14, 14)


class RankingFilterForm(forms.Form):
    """What the committee can narrow the ranking down to; positions stay those of the whole call."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Part of the title, the reference number or the applicant's name."),
    )
    flagged = forms.BooleanField(label=gettext_lazy("Only flagged discrepancies"), required=False)
    below_minimum = forms.BooleanField(
        label=gettext_lazy("Only below the minimum score"), required=False
    )
    incomplete = forms.BooleanField(
        label=gettext_lazy("Only unscored or with reviews missing"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("q", css_class="col-md-12 col-lg-5")),
            Row(
                Column("flagged", css_class="col-md-auto"),
                Column("below_minimum", css_class="col-md-auto"),
                Column("incomplete", css_class="col-md-auto"),
            ),
        )


def ranking_export_headers() -> list[str]:
    return [
        _("Position"),
        _("Reference number"),
        _("Title"),
        _("Applicant"),
        _("Requested amount (zł)"),
        _("Running total (zł)"),
        _("Reviews submitted"),
        _("Reviewers assigned"),
        _("Final score"),
        _("Normalised score"),
        _("Spread"),
        _("Flagged discrepancy"),
        _("Below the minimum score"),
        _("Above the funding line"),
    ]


def _score(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def ranking_export_rows(rows: Iterable[RankingRow]) -> Iterator[list]:
    """One row per application of the whole ranking, in its order.

    Scores rounded to hundredths; the running total left empty where the
    application's request does not count (no final score, or below the minimum).
    """
    yes, no = _("yes"), _("no")
    for row in rows:
        yield [
            row.position,
            row.reference_number,
            row.title,
            row.applicant_name,
            row.requested_amount,
            row.running_total if row.fundable else None,
            row.reviews,
            row.assigned_reviewers,
            _score(row.final_score),
            _score(row.normalised),
            _score(row.spread),
            yes if row.flagged else no,
            yes if row.below_threshold else no,
            yes if row.above_funding_line else no,
        ]


class RankingView(PermissionRequiredMixin, TemplateView):
    """GET: the call's ranking, filtered and paged (or the whole of it as ?export=csv|xlsx)."""

    permission_required = "reviews.manage_reviews"
    template_name = "reviews/ranking.html"

    def get(self, request, *args, **kwargs):
        # With the counts the call's nav shows: the same one query as a plain lookup.
        call = call_get_with_part_counts(pk=kwargs["pk"])
        order = request.GET.get("order", DEFAULT_ORDER)
        if order not in ORDERS:
            order = DEFAULT_ORDER
        state = ranking_snapshot_ensure(call=call)
        ranking = ranking_summary(call=call, order=order, state=state)

        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            # A download is the whole snapshot: it says nothing of an update under way, so it
            # waits for none either (a large call's is current within moments of a change).
            rows = ranking_rows(ranking_entries(call=call, order=order), order=order)
            if export == "csv":
                return table_csv_response(
                    ranking_export_headers(),
                    ranking_export_rows(rows),
                    filename=f"{call.slug}-ranking.csv",
                )
            return table_xlsx_response(
                ranking_export_headers(),
                ranking_export_rows(rows),
                filename=f"{call.slug}-ranking.xlsx",
                sheet_title=_("Ranking"),
                column_widths=XLSX_COLUMN_WIDTHS,
            )

        # An invalid filter is shown as an error and left out; the others still apply.
        form = RankingFilterForm(request.GET)
        form.is_valid()
        filters = form.cleaned_data
        entries = ranking_entries(call=call, order=order, **filters)
        filtering = any(filters.values())
        paginator = Paginator(entries, RANKING_ROWS_PER_PAGE)
        # The count and the funding line's place in one query (a Paginator would count apart).
        paginator.count, above = entries_counted(
            entries, order=order, line_after=ranking.funding_line_after
        )
        page = paginator.get_page(request.GET.get("page"))
        first_on_page = (page.number - 1) * RANKING_ROWS_PER_PAGE
        # The page's rows: one query, read the same way whether any match or not.
        rows = ranking_rows(
            entries[first_on_page : first_on_page + RANKING_ROWS_PER_PAGE], order=order
        )
        # The funding line is drawn above the page's first row or after one of its rows: after
        # the last of the filtered rows at or above its position, wherever that row's page is.
        line_index = above - 1 - first_on_page
        clear_url = request.path if order == DEFAULT_ORDER else f"{request.path}?order={order}"
        return self.render_to_response(
            self.get_context_data(
                call=call,
                part_links=call_part_links(call),
                ranking=ranking,
                updating=not ranking.is_current,
                order=order,
                filter_form=form,
                filtering=filtering,
                clear_url=clear_url,
                page_obj=page,
                rows=rows,
                page_range=paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
                line_on_top=above == 0 and page.number == 1 and bool(rows),
                line_after_row=rows[line_index].id if 0 <= line_index < len(rows) else None,
            )
        )


class RankingStatusView(PermissionRequiredMixin, View):
    """GET: the small notice the ranking page polls while its snapshot is being updated.

    While the update is under way it answers the notice again; once done, it
    tells htmx to reload the page (HX-Refresh), so the rows shown are current.
    """

    permission_required = "reviews.manage_reviews"

    def get(self, request, *args, **kwargs):
        call = get_object_or_404(GrantCall.objects.only("pk"), pk=kwargs["pk"])
        state = ranking_state_get(call=call)
        if state is not None and state.is_current:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "reviews/includes/ranking_updating.html", {"call": call})
