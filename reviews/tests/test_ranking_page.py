"""The coordinator's ranking page, tested through its URL."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from openpyxl import load_workbook

from accounts.tests.factories import CoordinatorFactory, UserFactory
from core.formatting import format_money
from grants.tests.factories import GrantCallFactory
from reviews.tests.builders import bulk_ranked_call
from reviews.tests.test_ranking import ranked_application, scored

pytestmark = pytest.mark.django_db


def ranking_url(call, query: str = "") -> str:
    url = reverse("review_manage:ranking", args=[call.pk])
    return f"{url}?{query}" if query else url


def pl(message: str) -> str:
    """`message` as the page shows it (Polish by default; the English msgid until translated)."""
    with translation.override("pl"):
        return gettext(message)


def budget_runs_out_text(count: int, left: Decimal) -> str:
    with translation.override("pl"):
        return ngettext(
            "Budget runs out here — %(counter)s application above the line; funding it as "
            "requested would leave %(left)s of the budget.",
            "Budget runs out here — %(counter)s applications above the line; funding them as "
            "requested would leave %(left)s of the budget.",
            count,
        ) % {"counter": count, "left": format_money(left)}


def shown(response) -> list[str]:
    """Reference numbers of the table's rows on this page, top to bottom."""
    return [row.reference_number for row in response.context["rows"]]


def rows_and_lines(response) -> list[str]:
    """The table body read top to bottom: "LINE" for the funding line, else the row's position."""
    body = response.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    marks = re.findall(r'<tr (?:data-funding-line|[^>]*data-position="(\d+)")', body)
    return [mark or "LINE" for mark in marks]


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory())
    return client


@pytest.fixture
def call():
    return GrantCallFactory(
        slug="zielone-podworka-2027",
        total_budget=Decimal("10000"),
        min_score=Decimal("60"),
        discrepancy_threshold=Decimal("20"),
    )


@pytest.fixture
def three_for_two(call):
    """Three requests of 4 000 zł scored 90, 80 and 70: the budget of 10 000 zł covers two.

    The third is also a discrepancy (59 against 81), and a fourth is below the minimum.
    """
    first, second = UserFactory(), UserFactory()
    applications = [
        ranked_application(call, amount="4000.00", title=title)
        for title in ("Łąka kwietna", "Ogród deszczowy", "Budki dla jerzyków", "Hotel dla owadów")
    ]
    for application, totals in zip(
        applications, ((90, 90), (80, 80), (59, 81), (50, 52)), strict=True
    ):
        scored(application, first, totals[0])
        scored(application, second, totals[1])
    return applications


# --- Permissions -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "applicant", "reviewer", "another user"])
@pytest.mark.parametrize("query", ["", "export=csv", "export=xlsx", "order=normalised"])
def test_ranking_page_refuses_everyone_but_coordinators(client, call, who, query):
    application = ranked_application(call, title="Tajny ogród deszczowy", applicant=UserFactory())
    reviewer = UserFactory()
    scored(application, reviewer, 80)
    if who == "applicant":
        client.force_login(application.applicant)
    elif who == "reviewer":
        client.force_login(reviewer)
    elif who == "another user":
        client.force_login(UserFactory())

    response = client.get(ranking_url(call, query))

    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
    assert b"Tajny" not in response.content
    assert application.reference_number.encode() not in response.content


def test_ranking_page_checks_permission_before_looking_up_the_call(client):
    url = reverse("review_manage:ranking", args=[999999])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(CoordinatorFactory())
    assert client.get(url).status_code == 404


def test_ranking_page_is_linked_from_the_call_nav(coordinator_client, call):
    response = coordinator_client.get(ranking_url(call))
    assert response.status_code == 200
    assert f'href="{ranking_url(call)}" aria-current="page"' in response.text


# --- What the page shows -------------------------------------------------------------


def test_ranking_page_shows_the_header_facts(coordinator_client, call, three_for_two):
    response = coordinator_client.get(ranking_url(call))

    facts = {
        name: value.strip()
        for name, value in re.findall(r'data-fact="([\w-]+)">(.*?)</dd>', response.text)
    }
    assert facts["budget"] == "10\u00a0000,00\u00a0zł"
    assert facts["requested-above-line"] == "8\u00a0000,00\u00a0zł"
    assert facts["budget-left"] == "2\u00a0000,00\u00a0zł"
    assert facts["min-score"] == "60,00"
    assert facts["threshold"].startswith("20")
    with translation.override("pl"):
        assert facts["rule"] == str(call.get_final_score_rule_display())
    assert facts["applications"] == "4"
    assert re.findall(r"\d+", facts["reviews"]) == ["8", "8"]  # submitted and expected
    assert facts["flagged"] == "1"
    assert facts["below-minimum"] == "1"


def test_ranking_page_lists_rows_in_order_with_scores_and_amounts(
    coordinator_client, call, three_for_two
):
    response = coordinator_client.get(ranking_url(call))

    assert shown(response) == [a.reference_number for a in three_for_two]
    row = response.text.split('data-position="3"', 1)[1].split("</tr>", 1)[0]
    assert "Budki dla jerzyków" in row
    assert "4\u00a0000,00\u00a0zł" in row
    assert "2/2" in row
    assert "70,0" in row  # the final score, one decimal, Polish comma
    assert "22,0" in row  # the spread


def test_ranking_page_draws_the_funding_line_after_the_last_row_it_covers(
    coordinator_client, call, three_for_two
):
    response = coordinator_client.get(ranking_url(call))

    assert rows_and_lines(response) == ["1", "2", "LINE", "3", "4"]
    assert budget_runs_out_text(2, Decimal("2000.00")) in response.text
    assert response.text.count("data-funding-line") == 1


def test_ranking_page_marks_rows_above_the_line_for_everyone(
    coordinator_client, call, three_for_two
):
    response = coordinator_client.get(ranking_url(call))

    marker = pl("above the funding line")
    for position, above in (("1", True), ("2", True), ("3", False), ("4", False)):
        row = response.text.split(f'data-position="{position}"', 1)[1].split("</tr>", 1)[0]
        assert (marker in row) is above
    assert response.text.count('class="table-success"') == 2


def test_ranking_page_shows_flags_as_text(coordinator_client, call, three_for_two):
    response = coordinator_client.get(ranking_url(call))

    def row(position):
        return response.text.split(f'data-position="{position}"', 1)[1].split("</tr>", 1)[0]

    discrepancy, below = pl("discrepancy"), pl("below minimum score")
    assert discrepancy in row("3") and below not in row("3")
    assert below in row("4") and discrepancy not in row("4")
    assert discrepancy not in row("1") and below not in row("1")


def test_ranking_page_says_so_when_the_budget_covers_everyone_fundable(coordinator_client):
    call = GrantCallFactory(total_budget=Decimal("50000"), min_score=Decimal("60"))
    reviewer = UserFactory()
    for total in (90, 40):
        scored(ranked_application(call, amount="4000.00"), reviewer, total)

    response = coordinator_client.get(ranking_url(call))

    assert rows_and_lines(response) == ["1", "LINE", "2"]
    assert pl("Budget runs out here")[:10] not in response.text


def test_ranking_page_without_any_review_draws_the_line_on_top(coordinator_client, call):
    ranked_application(call)
    ranked_application(call)

    response = coordinator_client.get(ranking_url(call))

    assert rows_and_lines(response) == ["LINE", "1", "2"]
    assert (
        pl("Funding line — no application has a final score at or above the minimum yet.")
        in response.text
    )
    assert pl("unscored") in response.text


def test_ranking_page_without_applications(coordinator_client, call):
    response = coordinator_client.get(ranking_url(call))
    assert response.status_code == 200
    assert pl("No application of this call has been accepted for review yet.") in response.text
    assert "<table" not in response.text


def test_ranking_page_links_each_reference_number_to_the_application(
    coordinator_client, call, three_for_two
):
    response = coordinator_client.get(ranking_url(call))

    application = three_for_two[0]
    try:
        url = reverse("review_manage:application", args=[application.pk])
    except NoReverseMatch:
        url = reverse("applicants_manage:detail", args=[application.pk])
    assert (
        f'<a class="link-body-emphasis" href="{url}">{application.reference_number}</a>'
        in response.text
    )


def test_ranking_page_has_an_accessible_table(coordinator_client, call, three_for_two):
    response = coordinator_client.get(ranking_url(call))

    assert "<caption" in response.text
    assert response.text.count('scope="col"') == 11
    assert response.text.count('scope="row"') == 4
    assert response.text.count('aria-sort="descending"') == 1


# --- Order -----------------------------------------------------------------------------


@pytest.fixture
def strict_and_lenient(call):
    """Strict reviewer: 62, 40, 48; lenient one: 90, 80, 85 (see test_ranking)."""
    strict, lenient = UserFactory(), UserFactory()
    by_strict = [ranked_application(call, amount="1000.00") for _ in range(3)]
    by_lenient = [ranked_application(call, amount="1000.00") for _ in range(3)]
    for application, total in zip(by_strict, (62, 40, 48), strict=True):
        scored(application, strict, total)
    for application, total in zip(by_lenient, (90, 80, 85), strict=True):
        scored(application, lenient, total)
    return by_strict, by_lenient


def current_order(response) -> str:
    """The text after the order button marked current (the call's nav marks its group too)."""
    order_buttons = response.text.split('id="order-heading"', 1)[1]
    return order_buttons.split('aria-current="true"', 1)[1][:80]


def test_ranking_page_orders_by_final_score_by_default(
    coordinator_client, call, strict_and_lenient
):
    _by_strict, by_lenient = strict_and_lenient

    response = coordinator_client.get(ranking_url(call))

    assert response.context["order"] == "final"
    assert shown(response)[:2] == [by_lenient[0].reference_number, by_lenient[2].reference_number]
    assert pl("By final score") in current_order(response)


def test_ranking_page_orders_by_normalised_score_on_request(
    coordinator_client, call, strict_and_lenient
):
    by_strict, by_lenient = strict_and_lenient

    response = coordinator_client.get(ranking_url(call, "order=normalised"))

    assert response.context["order"] == "normalised"
    assert shown(response)[:2] == [by_strict[0].reference_number, by_lenient[0].reference_number]
    assert pl("By normalised score") in current_order(response)
    assert (
        pl(
            "The normalised score standardises each reviewer's totals against that reviewer's own "
            "average and spread, so a strict or a lenient reviewer does not decide the order."
        )
        in response.text
    )


def test_ranking_page_ignores_an_unknown_order(coordinator_client, call, strict_and_lenient):
    response = coordinator_client.get(ranking_url(call, "order=random"))
    assert response.status_code == 200
    assert response.context["order"] == "final"


# --- Filters ---------------------------------------------------------------------------


def test_ranking_filter_flagged_keeps_positions_totals_and_the_line(
    coordinator_client, call, three_for_two
):
    response = coordinator_client.get(ranking_url(call, "flagged=on"))

    assert shown(response) == [three_for_two[2].reference_number]
    assert rows_and_lines(response) == ["LINE", "3"]
    row = response.context["rows"][0]
    assert (row.position, row.running_total) == (3, Decimal("12000.00"))
    assert budget_runs_out_text(2, Decimal("2000.00")) in response.text
    assert 'href="?export=csv"' in response.text  # the download leaves the filter out


def test_ranking_filter_below_minimum(coordinator_client, call, three_for_two):
    response = coordinator_client.get(ranking_url(call, "below_minimum=on"))
    assert rows_and_lines(response) == ["LINE", "4"]


def test_ranking_filter_unscored_or_incomplete(coordinator_client, call, three_for_two):
    waiting = ranked_application(call, title="Czeka na drugą recenzję")
    scored(waiting, UserFactory(), 95)
    unscored = ranked_application(call, title="Bez recenzji")

    response = coordinator_client.get(ranking_url(call, "incomplete=on"))

    assert shown(response) == [waiting.reference_number, unscored.reference_number]
    assert [row.position for row in response.context["rows"]] == [1, 6]
    assert rows_and_lines(response) == ["1", "LINE", "6"]


def test_ranking_search_matches_title_reference_and_applicant_ignoring_case(
    coordinator_client, call, three_for_two
):
    three_for_two[1].applicant_name = "Stowarzyszenie „Żuraw”"
    three_for_two[1].save(update_fields=["applicant_name"])

    by_title = coordinator_client.get(ranking_url(call, "q=ŁĄKA"))
    by_applicant = coordinator_client.get(ranking_url(call, "q=żuraw"))
    by_reference = coordinator_client.get(
        ranking_url(call, f"q={three_for_two[3].reference_number.lower()}")
    )

    assert shown(by_title) == [three_for_two[0].reference_number]
    assert rows_and_lines(by_title) == ["1", "LINE"]
    assert shown(by_applicant) == [three_for_two[1].reference_number]
    assert shown(by_reference) == [three_for_two[3].reference_number]


def test_ranking_filters_combine_and_keep_the_order(coordinator_client, call, three_for_two):
    response = coordinator_client.get(
        ranking_url(call, "order=normalised&below_minimum=on&q=hotel")
    )
    assert shown(response) == [three_for_two[3].reference_number]
    assert response.context["order"] == "normalised"
    assert 'name="order" value="normalised"' in response.text


def test_ranking_filter_without_matches_offers_to_clear(coordinator_client, call, three_for_two):
    response = coordinator_client.get(ranking_url(call, "q=nic+takiego"))
    assert shown(response) == []
    assert pl("No application matches these filters.") in response.text
    assert f'href="{ranking_url(call)}"' in response.text


def test_ranking_filter_too_long_search_is_an_error_not_a_crash(
    coordinator_client, call, three_for_two
):
    response = coordinator_client.get(ranking_url(call, "q=" + "x" * 101 + "&flagged=on"))
    assert response.status_code == 200
    assert response.context["filter_form"].errors
    assert shown(response) == [three_for_two[2].reference_number]  # the valid filter still applies


# --- Downloads -------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_ranking_csv_has_every_row_of_the_whole_ranking(coordinator_client, call, three_for_two):
    three_for_two[0].title = '=HYPERLINK("http://zlo.example")'
    three_for_two[0].save(update_fields=["title"])

    # Filters and the page are for the screen; the download is always the whole ranking.
    response = coordinator_client.get(ranking_url(call, "export=csv&flagged=on&page=2"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "zielone-podworka-2027-ranking.csv" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    header, *rows = csv_rows(response)
    with translation.override("pl"):
        yes, no = gettext("yes"), gettext("no")
        assert header[0] == gettext("Position")
        assert header[-1] == gettext("Above the funding line")
    assert len(header) == 14
    assert [row[0] for row in rows] == ["1", "2", "3", "4"]
    first, _second, third, fourth = rows
    assert first[1:4] == [
        three_for_two[0].reference_number,
        '\'=HYPERLINK("http://zlo.example")',  # never a formula
        three_for_two[0].applicant_name,
    ]
    assert first[4:9] == ["4000,00", "4000,00", "2", "2", "90,0"]  # decimal commas
    assert first[11:] == [no, no, yes]
    assert third[5] == "12000,00"
    assert third[10] == "22,0"
    assert third[11:] == [yes, no, no]
    assert fourth[5] == ""  # below the minimum: its request is not counted
    assert fourth[11:] == [no, yes, no]


def test_ranking_csv_follows_the_chosen_order(coordinator_client, call, strict_and_lenient):
    by_strict, by_lenient = strict_and_lenient
    _header, *rows = csv_rows(
        coordinator_client.get(ranking_url(call, "export=csv&order=normalised"))
    )
    assert [row[1] for row in rows[:2]] == [
        by_strict[0].reference_number,
        by_lenient[0].reference_number,
    ]


def test_ranking_xlsx_has_the_same_rows_with_numbers_as_numbers(
    coordinator_client, call, three_for_two
):
    three_for_two[1].title = "=1+1"
    three_for_two[1].save(update_fields=["title"])

    response = coordinator_client.get(ranking_url(call, "export=xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "zielone-podworka-2027-ranking.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 5
    assert values[1][0] == 1
    assert values[1][4] == 4000  # the requested amount, a number in zł
    assert values[1][8] == 90
    assert values[2][2] == "=1+1"
    assert sheet.cell(row=3, column=3).data_type == "s"  # text, not a formula
    assert values[4][5] is None


# --- Pagination and the number of queries ------------------------------------------------


def test_ranking_page_shows_100_rows_a_page_with_global_positions(coordinator_client):
    call = bulk_ranked_call(130)

    first = coordinator_client.get(ranking_url(call))
    second = coordinator_client.get(ranking_url(call, "page=2"))

    assert len(first.context["rows"]) == 100
    assert [row.position for row in second.context["rows"]] == list(range(101, 131))
    assert second.context["rows"][0].running_total > 0
    assert 'rel="prev"' in second.text


@pytest.mark.parametrize(
    "query", ["", "order=normalised&flagged=on&q=projekt", "export=csv", "export=xlsx"]
)
def test_ranking_page_needs_the_same_queries_for_10_or_500_applications(
    coordinator_client, django_assert_max_num_queries, query
):
    small, large = bulk_ranked_call(10), bulk_ranked_call(500)
    with CaptureQueriesContext(connection) as for_small:
        assert coordinator_client.get(ranking_url(small, query)).status_code == 200
    assert len(for_small) <= 8  # session, user, groups, call, ranking: a few, never per row

    with django_assert_max_num_queries(len(for_small)):
        response = coordinator_client.get(ranking_url(large, query))
    assert response.status_code == 200
