"""The coordinator's list of a call's applications, tested through its URL."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.enums import ApplicantKind, ApplicationStatus
from applicants.models import Application, StatusChange
from applicants.services import application_submit, application_update, profile_save
from applicants.tests.builders import CONSENTS, complete_draft
from applicants.tests.factories import ApplicationFactory
from grants.tests.factories import GrantCallFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def list_url(call, query: str = "") -> str:
    url = reverse("applicants_manage:list", args=[call.pk])
    return f"{url}?{query}" if query else url


def listed(response) -> list[str]:
    """Reference numbers of the rows on the page, top to bottom."""
    return [application.reference_number for application in response.context["applications"]]


def numbers(*applications) -> list[str]:
    return [application.reference_number for application in applications]


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory())
    return client


@pytest.fixture
def call():
    return GrantCallFactory(slug="zielone-podworka-2027")


# --- Permissions ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "applicant", "another user"])
@pytest.mark.parametrize("query", ["", "export=csv", "export=xlsx"])
def test_application_list_refuses_everyone_but_coordinators(client, call, who, query):
    application = ApplicationFactory(call=call, title="Tajny ogród deszczowy")
    if who == "applicant":
        client.force_login(application.applicant)
    elif who == "another user":
        client.force_login(UserFactory())
    response = client.get(list_url(call, query))
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
    assert b"Tajny" not in response.content
    assert application.applicant_name.encode() not in response.content


@pytest.mark.parametrize("who", ["anonymous", "applicant", "another user"])
def test_application_list_bulk_accept_refuses_everyone_but_coordinators(client, call, who):
    application = ApplicationFactory(call=call)
    if who == "applicant":
        client.force_login(application.applicant)
    elif who == "another user":
        client.force_login(UserFactory())
    response = client.post(list_url(call), {"applications": [application.pk]})
    assert response.status_code == (302 if who == "anonymous" else 403)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not StatusChange.objects.exists()


def test_application_list_checks_permission_before_looking_up_the_call(client):
    response = client.get(reverse("applicants_manage:list", args=[999999]))
    assert response.status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("applicants_manage:list", args=[999999])).status_code == 403


def test_application_list_unknown_call_is_not_found(coordinator_client):
    response = coordinator_client.get(reverse("applicants_manage:list", args=[999999]))
    assert response.status_code == 404


# --- What is listed -----------------------------------------------------------


def test_application_list_shows_submitted_applications_of_the_call_only(coordinator_client, call):
    listed_statuses = [
        S.SUBMITTED,
        S.CORRECTION_REQUESTED,
        S.FORMALLY_REJECTED,
        S.ACCEPTED_FOR_REVIEW,
        S.IN_REVIEW,
        S.REVIEWED,
    ]
    shown = [ApplicationFactory(call=call, status=status) for status in listed_statuses]
    draft = ApplicationFactory(call=call, draft=True, title="Szkic bez numeru")
    withdrawn = ApplicationFactory(call=call, withdrawn=True, title="Wycofany wniosek")
    elsewhere = ApplicationFactory(title="Wniosek z innego naboru")

    response = coordinator_client.get(list_url(call))

    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(numbers(*shown))
    for application in (draft, withdrawn, elsewhere):
        assert application.title not in response.text
    assert withdrawn.reference_number not in response.text


def test_application_list_counts_drafts_and_withdrawn_above_the_table(coordinator_client, call):
    ApplicationFactory.create_batch(3, call=call)
    ApplicationFactory.create_batch(2, call=call, draft=True)
    ApplicationFactory(call=call, withdrawn=True)
    ApplicationFactory(draft=True)  # another call's draft is not counted

    response = coordinator_client.get(list_url(call))

    assert 'data-count="listed">3<' in response.text
    assert 'data-count="drafts">2<' in response.text
    assert 'data-count="withdrawn">1<' in response.text


def test_application_list_shows_row_columns(coordinator_client, call):
    ApplicationFactory(
        call=call,
        title="Łąka kwietna na Żoliborzu",
        applicant_name="Grupa „Zielony Żoliborz”",
        applicant_kind=ApplicantKind.GROUP,
        requested_amount=Decimal("4250.50"),
        last_submitted_at=datetime(2027, 3, 1, 22, 30, tzinfo=UTC),
    )

    response = coordinator_client.get(list_url(call))

    assert "Łąka kwietna na Żoliborzu" in response.text
    assert "Grupa „Zielony Żoliborz”" in response.text
    assert "4\u00a0250,50\u00a0zł" in response.text
    assert "1 marca 2027, 23:30" in response.text  # Polish time, Polish month name
    with translation.override("pl"):
        assert str(ApplicantKind.GROUP.label) in response.text
        assert str(S.SUBMITTED.label) in response.text


def test_application_list_links_reference_number_to_the_application(coordinator_client, call):
    application = ApplicationFactory(call=call)
    response = coordinator_client.get(list_url(call))
    detail_url = reverse("applicants_manage:detail", args=[application.pk])
    assert f'<a href="{detail_url}">{application.reference_number}</a>' in response.text


def test_application_list_is_linked_from_the_call_list_for_published_calls(coordinator_client):
    published = GrantCallFactory()
    draft = GrantCallFactory(draft=True)
    response = coordinator_client.get(reverse("manage:home"))
    assert f'href="{list_url(published)}"' in response.text
    assert f'href="{list_url(draft)}"' not in response.text


def test_application_list_has_accessible_table(coordinator_client, call):
    ApplicationFactory(call=call)
    response = coordinator_client.get(list_url(call))
    assert "<caption" in response.text
    assert response.text.count('scope="col"') == 7
    assert 'aria-sort="ascending"' in response.text  # the default sort, by number
    assert (
        f'<a href="{reverse("manage:call_edit", args=[call.pk])}">{call.title}</a>' in response.text
    )


# --- Filtering ----------------------------------------------------------------


def test_application_list_filters_by_several_statuses(coordinator_client, call):
    submitted = ApplicationFactory(call=call, status=S.SUBMITTED)
    correction = ApplicationFactory(call=call, status=S.CORRECTION_REQUESTED)
    ApplicationFactory(call=call, status=S.ACCEPTED_FOR_REVIEW)

    response = coordinator_client.get(
        list_url(call, "status=submitted&status=correction_requested")
    )

    assert listed(response) == numbers(submitted, correction)


def test_application_list_ignores_a_status_that_is_not_listed(coordinator_client, call):
    submitted = ApplicationFactory(call=call)
    ApplicationFactory(call=call, draft=True)

    response = coordinator_client.get(list_url(call, "status=draft"))

    assert listed(response) == numbers(submitted)
    assert response.context["filter_form"].errors


def test_application_list_filters_by_applicant_type(coordinator_client, call):
    ApplicationFactory(call=call, applicant_kind=ApplicantKind.INDIVIDUAL)
    group = ApplicationFactory(call=call, applicant_kind=ApplicantKind.GROUP)
    ApplicationFactory(call=call, applicant_kind=ApplicantKind.NGO)

    response = coordinator_client.get(list_url(call, "applicant_kind=group"))

    assert listed(response) == numbers(group)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("amount_min=2000", ["middle", "high"]),
        ("amount_max=2000", ["low", "middle"]),
        ("amount_min=1500&amount_max=2500", ["middle"]),
        # Typed the Polish way: a decimal comma, a space between thousands.
        ("amount_min=1+999,99&amount_max=2+000,00", ["middle"]),
    ],
)
def test_application_list_filters_by_requested_amount_range(
    coordinator_client, call, query, expected
):
    made = {
        "low": ApplicationFactory(call=call, requested_amount=Decimal("1000.00")),
        "middle": ApplicationFactory(call=call, requested_amount=Decimal("2000.00")),
        "high": ApplicationFactory(call=call, requested_amount=Decimal("4999.99")),
    }

    response = coordinator_client.get(list_url(call, query))

    assert listed(response) == numbers(*(made[name] for name in expected))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("deszczow", "by title"),
        ("DESZCZOW", "by title"),
        ("baluty", "by Polish title"),
        ("BAŁUTY", "by Polish title"),
        ("łódź", "by Polish title"),
        ("LODZ", "by Polish title"),
        ("Lodz", "by Polish title"),
        ("0042", "by number"),
        ("{number}", "by number"),
        ("{number_lower}", "by number"),
        ("kowalsk", "by applicant"),
        ("KOWALSKA", "by applicant"),
        ("zoliborz", "by group"),
        ("Ślęzak", "by contact person"),
        ("slezak", "by contact person"),
        ("ŁUKASZ", "by contact person"),
    ],
)
def test_application_list_search_ignores_case_and_polish_letters(
    coordinator_client, call, query, expected
):
    rows = {
        "by title": {"title": "Ogród deszczowy", "applicant_name": "Ewa"},
        "by Polish title": {"title": "Zielone Bałuty w Łodzi i Łódź", "applicant_name": "Ida"},
        "by number": {"title": "Inny projekt", "applicant_name": "Ola"},
        "by applicant": {"title": "Budki", "applicant_name": "Anna Kowalska"},
        "by group": {
            "title": "Skwer",
            "applicant_kind": ApplicantKind.GROUP,
            "applicant_name": "Grupa „Zielony Żoliborz”",
            "applicant_contact_name": "Maria Lis",
        },
        "by contact person": {
            "title": "Łąka",
            "applicant_kind": ApplicantKind.GROUP,
            "applicant_name": "Sąsiedzi z Ochoty",
            "applicant_contact_name": "Łukasz Ślęzak",
        },
        "other": {"title": "Rowery", "applicant_name": "Jan Nowak"},
    }
    made = {
        key: ApplicationFactory(call=call, number_in_call=42 if key == "by number" else n, **row)
        for n, (key, row) in enumerate(rows.items(), start=1)
    }
    number = made["by number"].reference_number  # e.g. "TB/2027/0042"
    query = query.format(number=number, number_lower=number.lower())

    response = coordinator_client.get(list_url(call), {"q": query})

    assert listed(response) == numbers(made[expected])


def test_application_list_search_does_not_match_across_fields(coordinator_client, call):
    ApplicationFactory(call=call, title="Ogród", applicant_name="Anna Kowalska")

    response = coordinator_client.get(list_url(call), {"q": "ogród anna"})

    assert listed(response) == []


def test_application_list_search_of_punctuation_only_lists_everything(coordinator_client, call):
    made = [ApplicationFactory(call=call), ApplicationFactory(call=call)]

    response = coordinator_client.get(list_url(call), {"q": "„…”"})

    assert listed(response) == numbers(*made)


def test_application_list_search_finds_the_contact_person_given_at_submission(
    coordinator_client, call
):
    draft = complete_draft(call=call)
    profile = draft.applicant.applicant_profile
    profile.kind, profile.group_name = ApplicantKind.GROUP, "Ekipa z Bałut"
    profile.contact_name = "Żaneta Świątek"
    profile_save(
        profile=profile,
        members=[
            {"full_name": "Żaneta Świątek", "age": 19, "is_leader": True},
            {"full_name": "Jan Żak", "age": 18, "is_leader": False},
            {"full_name": "Ola Łęcka", "age": 17, "is_leader": False},
        ],
    )
    application_submit(
        application=draft, by=draft.applicant, consents=CONSENTS, arrived_at=timezone.now()
    )
    draft.refresh_from_db()

    by_person = coordinator_client.get(list_url(call), {"q": "zaneta swiatek"})
    by_group = coordinator_client.get(list_url(call), {"q": "balut"})

    assert listed(by_person) == [draft.reference_number]
    assert listed(by_group) == [draft.reference_number]


def test_application_list_search_follows_a_corrected_title(coordinator_client, call):
    application = ApplicationFactory(
        call=call, title="Ogród", status=S.CORRECTION_REQUESTED, applicant_name="Anna Kowalska"
    )

    application_update(application=application, fields={"title": "Łąka kwietna"})

    assert listed(coordinator_client.get(list_url(call), {"q": "laka"})) == numbers(application)
    assert listed(coordinator_client.get(list_url(call), {"q": "ogrod"})) == []
    assert listed(coordinator_client.get(list_url(call), {"q": "kowalska"})) == numbers(application)


def test_application_list_combines_filters_and_offers_to_clear_them(coordinator_client, call):
    wanted = ApplicationFactory(
        call=call, title="Ogród", applicant_kind=ApplicantKind.NGO, requested_amount=4000
    )
    ApplicationFactory(call=call, title="Ogród", applicant_kind=ApplicantKind.GROUP)
    ApplicationFactory(call=call, title="Rowery", applicant_kind=ApplicantKind.NGO)

    response = coordinator_client.get(
        list_url(call, "q=ogr&applicant_kind=ngo&amount_min=3500&sort=-title")
    )

    assert listed(response) == numbers(wanted)
    assert f'href="{list_url(call)}?sort=-title"' in response.text


# --- Sorting ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["a", "b", "c"]),
        ("number", ["a", "b", "c"]),
        ("-number", ["c", "b", "a"]),
        ("title", ["b", "c", "a"]),
        ("-title", ["a", "c", "b"]),
        ("applicant", ["c", "a", "b"]),
        ("-applicant", ["b", "a", "c"]),
        ("amount", ["c", "a", "b"]),
        ("-amount", ["b", "a", "c"]),
        ("submitted", ["b", "c", "a"]),
        ("-submitted", ["a", "c", "b"]),
        ("password", ["a", "b", "c"]),
        ("-", ["a", "b", "c"]),
    ],
)
def test_application_list_sorts_by_column(coordinator_client, call, sort, expected):
    made = {
        "a": ApplicationFactory(
            call=call,
            number_in_call=1,
            title="Zielone dachy",
            applicant_name="Maria Lis",
            requested_amount=Decimal("3000"),
            last_submitted_at=datetime(2027, 3, 3, tzinfo=UTC),
        ),
        "b": ApplicationFactory(
            call=call,
            number_in_call=2,
            title="budki dla jerzyków",
            applicant_name="Zofia Wrona",
            requested_amount=Decimal("5000"),
            last_submitted_at=datetime(2027, 3, 1, tzinfo=UTC),
        ),
        "c": ApplicationFactory(
            call=call,
            number_in_call=3,
            title="Ogród deszczowy",
            applicant_name="adam Bąk",
            requested_amount=Decimal("1000"),
            last_submitted_at=datetime(2027, 3, 2, tzinfo=UTC),
        ),
    }

    response = coordinator_client.get(list_url(call, f"sort={sort}" if sort else ""))

    assert response.status_code == 200
    assert listed(response) == numbers(*(made[key] for key in expected))


def test_application_list_sort_headers_keep_filters_and_announce_state(coordinator_client, call):
    ApplicationFactory(call=call, title="Zielona ława")  # matches q=a, so the table is shown

    response = coordinator_client.get(list_url(call, "q=a&sort=title&page=1"))

    # The sorted column flips direction; the others sort ascending; the page resets.
    assert 'aria-sort="ascending"' in response.text
    assert 'href="?q=a&amp;sort=-title"' in response.text
    assert 'href="?q=a&amp;sort=amount"' in response.text
    response = coordinator_client.get(list_url(call, "sort=-title"))
    assert 'aria-sort="descending"' in response.text


# --- Pagination ---------------------------------------------------------------


def test_application_list_shows_fifty_per_page(coordinator_client, call):
    ApplicationFactory.create_batch(60, call=call, applicant_kind=ApplicantKind.GROUP)
    ApplicationFactory(call=call, applicant_kind=ApplicantKind.NGO)

    first = coordinator_client.get(list_url(call, "applicant_kind=group"))
    second = coordinator_client.get(list_url(call, "applicant_kind=group&page=2"))

    assert len(listed(first)) == 50
    assert len(listed(second)) == 10
    assert set(listed(first)).isdisjoint(listed(second))
    assert 'href="?applicant_kind=group&amp;page=2"' in first.text
    assert 'href="?applicant_kind=group&amp;page=1"' in second.text


def test_application_list_out_of_range_page_shows_the_last(coordinator_client, call):
    ApplicationFactory.create_batch(3, call=call)
    response = coordinator_client.get(list_url(call, "page=99"))
    assert len(listed(response)) == 3


# --- Row selection ------------------------------------------------------------


def test_application_list_offers_checkbox_only_for_submitted_rows(coordinator_client, call):
    waiting = ApplicationFactory(call=call, status=S.SUBMITTED)
    accepted = ApplicationFactory(call=call, status=S.ACCEPTED_FOR_REVIEW)

    response = coordinator_client.get(list_url(call))

    assert f'name="applications" value="{waiting.pk}"' in response.text
    assert f'name="applications" value="{accepted.pk}"' not in response.text
    assert f'<label class="visually-hidden" for="select-{waiting.pk}">' in response.text
    assert waiting.reference_number in response.text
    assert "bulk-select.js" in response.text


# --- CSV export ---------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))


def test_application_list_csv_has_every_filtered_row_not_one_page(coordinator_client, call):
    ApplicationFactory.create_batch(55, call=call, applicant_kind=ApplicantKind.GROUP)
    ApplicationFactory(call=call, applicant_kind=ApplicantKind.NGO)

    response = coordinator_client.get(list_url(call, "applicant_kind=group&page=2&export=csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="zielone-podworka-2027-wnioski.csv"'
    )
    rows = read_csv(response)
    assert len(rows) == 1 + 55
    assert all(len(row) == 9 for row in rows)


def test_application_list_csv_writes_polish_text_amounts_and_polish_time(coordinator_client, call):
    application = ApplicationFactory(
        call=call,
        title="Łąka kwietna; zażółć gęślą jaźń",
        applicant_name="Stowarzyszenie „Źródło”",
        applicant_kind=ApplicantKind.NGO,
        requested_amount=Decimal("1234.50"),
        total_cost=Decimal("1500"),
        own_contribution=Decimal("265.50"),
        last_submitted_at=datetime(2027, 7, 1, 21, 5, tzinfo=UTC),
    )

    rows = read_csv(coordinator_client.get(list_url(call, "export=csv")))

    with translation.override("pl"):
        kind, status = str(ApplicantKind.NGO.label), str(S.SUBMITTED.label)
    assert rows[1] == [
        application.reference_number,
        "Łąka kwietna; zażółć gęślą jaźń",
        "Stowarzyszenie „Źródło”",
        kind,
        "1234,50",
        "1500,00",
        "265,50",
        status,
        "01.07.2027 23:05",  # summer time in Warsaw: UTC+2
    ]


def test_application_list_csv_bytes_open_in_polish_excel(coordinator_client, call):
    ApplicationFactory(
        call=call,
        title="Łódź; zażółć gęślą jaźń",
        requested_amount=Decimal("1234.56"),
        last_submitted_at=datetime(2027, 12, 14, 22, 59, tzinfo=UTC),
    )

    body = coordinator_client.get(list_url(call, "export=csv")).content

    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    header, row = body[3:].decode("utf-8").splitlines()
    assert header.count(";") == 8
    assert '"Łódź; zażółć gęślą jaźń"' in row  # the Polish letters as they are, quoted
    assert ";1234,56;" in row
    assert row.endswith(";14.12.2027 23:59")


@pytest.mark.parametrize("title", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_application_list_csv_neutralises_formulas(coordinator_client, call, title):
    ApplicationFactory(call=call, title=title, applicant_name="=cmd|' /C calc'!A0")

    rows = read_csv(coordinator_client.get(list_url(call, "export=csv")))

    assert rows[1][1] == "'" + title
    assert rows[1][2] == "'=cmd|' /C calc'!A0"


# --- XLSX export --------------------------------------------------------------


def read_xlsx(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_application_list_xlsx_has_typed_cells_and_bold_header(coordinator_client, call):
    ApplicationFactory(
        call=call,
        title="Zażółć gęślą jaźń",
        requested_amount=Decimal("1234.50"),
        last_submitted_at=datetime(2027, 1, 15, 8, 0, tzinfo=UTC),
    )
    ApplicationFactory(call=call, draft=True)

    response = coordinator_client.get(list_url(call, "export=xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="zielone-podworka-2027-wnioski.xlsx"'
    )
    sheet = read_xlsx(response)
    assert sheet.max_row == 2
    assert sheet.max_column == 9
    assert all(cell.font.b for cell in sheet[1])
    title, amount, submitted = sheet["B2"], sheet["E2"], sheet["I2"]
    assert title.value == "Zażółć gęślą jaźń"
    assert amount.data_type == "n"
    assert amount.value == pytest.approx(1234.5)
    assert amount.number_format == '#,##0.00 "zł"'
    assert submitted.value == datetime(2027, 1, 15, 9, 0)  # Warsaw winter time, UTC+1
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_application_list_xlsx_keeps_formula_like_titles_as_text(coordinator_client, call):
    ApplicationFactory(call=call, title="=1+1", applicant_name="@SUM(A1)")

    sheet = read_xlsx(coordinator_client.get(list_url(call, "export=xlsx")))

    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == "=1+1"
    assert sheet["C2"].data_type == "s"


def test_application_list_xlsx_is_filtered(coordinator_client, call):
    ApplicationFactory(call=call, title="Ogród deszczowy")
    ApplicationFactory(call=call, title="Rowery")

    sheet = read_xlsx(coordinator_client.get(list_url(call, "q=ogród&export=xlsx")))

    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Ogród deszczowy"]


# --- Bulk "accept for review" -------------------------------------------------


def test_application_list_bulk_accepts_only_submitted_applications_of_this_call(client, call):
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    first = ApplicationFactory(call=call)
    second = ApplicationFactory(call=call)
    corrected = ApplicationFactory(call=call, status=S.CORRECTION_REQUESTED)
    untouched = ApplicationFactory(call=call)
    other_call = ApplicationFactory()

    response = client.post(
        list_url(call, "status=submitted&sort=-amount"),
        {"applications": [first.pk, second.pk, corrected.pk, other_call.pk, "abc"]},
    )

    assert response.status_code == 302
    assert response["Location"] == list_url(call, "status=submitted&sort=-amount")
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[first.pk] == S.ACCEPTED_FOR_REVIEW
    assert statuses[second.pk] == S.ACCEPTED_FOR_REVIEW
    assert statuses[corrected.pk] == S.CORRECTION_REQUESTED
    assert statuses[untouched.pk] == S.SUBMITTED
    assert statuses[other_call.pk] == S.SUBMITTED
    changes = StatusChange.objects.order_by("application_id")
    assert [(c.application_id, c.old_status, c.new_status, c.by) for c in changes] == [
        (first.pk, S.SUBMITTED, S.ACCEPTED_FOR_REVIEW, coordinator),
        (second.pk, S.SUBMITTED, S.ACCEPTED_FOR_REVIEW, coordinator),
    ]
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("2" in text for text in texts)


def test_application_list_bulk_accept_without_selection_changes_nothing(coordinator_client, call):
    application = ApplicationFactory(call=call)

    response = coordinator_client.post(list_url(call, "page=1"), {})

    assert response.status_code == 302
    assert response["Location"] == list_url(call, "page=1")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert len(list(get_messages(response.wsgi_request))) == 1


# --- Query count --------------------------------------------------------------


def make_mixed_applications(call, count: int, start: int) -> None:
    kinds = list(ApplicantKind)
    statuses = [S.SUBMITTED, S.ACCEPTED_FOR_REVIEW, S.CORRECTION_REQUESTED]
    for i in range(start, start + count):
        # Every title matches the "q=a" search, so both measurements render rows.
        ApplicationFactory(
            call=call,
            title=f"Zielona ława nr {i}",
            applicant_kind=kinds[i % 3],
            status=statuses[i % 3],
            version=False,
        )


@pytest.mark.parametrize(
    "query", ["", "q=a&sort=-amount&status=submitted", "export=csv", "export=xlsx"]
)
def test_application_list_runs_fixed_number_of_queries(
    coordinator_client, call, query, django_assert_max_num_queries
):
    make_mixed_applications(call, 3, 0)
    ApplicationFactory(call=call, draft=True, version=False)
    with django_assert_max_num_queries(12) as few:
        coordinator_client.get(list_url(call, query))
    make_mixed_applications(call, 57, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(list_url(call, query))
    assert response.status_code == 200


# --- Rows and filters worked out once per page (applicants.list_rows, filter form HTML) -----------


@pytest.mark.parametrize("language", ["pl", "en"])
def test_application_list_rows_write_submission_time_as_the_date_filter(language):
    from django.utils.formats import date_format

    from applicants.list_rows import submitted_at_formatter

    moments = [
        datetime(2027, month, month * 2, month % 24, 5, tzinfo=UTC) for month in range(1, 13)
    ]
    moments.append(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))  # the next year in Poland
    with translation.override(language):
        formatted = submitted_at_formatter()
        for moment in moments:
            expected = date_format(timezone.localtime(moment), "j E Y, H:i")
            assert formatted(moment) == expected
        assert formatted(None) == ""


def test_application_list_shows_an_untitled_application_and_its_applicant_type_in_english(
    client, call
):
    ApplicationFactory(call=call, title="", applicant_kind=ApplicantKind.NGO)
    client.force_login(CoordinatorFactory())
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(list_url(call))
    assert "(untitled application)" in response.text
    assert "Organisation (NGO)" in response.text
    assert "Submitted" in response.text


def test_application_list_shows_a_patron_not_yet_confirmed(coordinator_client, call):
    from applicants.tests.consent_helpers import group_draft

    application = group_draft(call=call)
    application_submit(
        application=application,
        by=application.applicant,
        consents=CONSENTS,
        arrived_at=timezone.now(),
    )
    response = coordinator_client.get(list_url(call))
    assert "data-patron-missing" in response.text
    assert "Patronat niepotwierdzony" in response.text


def test_application_list_filter_form_follows_the_language_and_the_values(client, call):
    from crispy_forms.utils import render_crispy_form

    from applicants.filters import ApplicationListFilter, application_list_filter_form_html

    ApplicationFactory(call=call)
    client.force_login(CoordinatorFactory())
    polish = client.get(list_url(call, "amount_min=abc")).text
    assert "Szukaj" in polish and 'value="abc"' in polish and "is-invalid" in polish
    valid = client.get(list_url(call, "amount_min=12")).text
    assert 'value="12"' in valid and "is-invalid" not in valid
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(list_url(call, "amount_min=abc")).text
    assert "Search" in english and "Szukaj" not in english and "is-invalid" in english
    # The kept HTML is what crispy writes for the same form.
    for query in ("", "status=submitted&q=%C5%81%C4%85ka", "amount_max=x"):
        with translation.override("pl"):
            form = ApplicationListFilter(QueryDict(query)).form
            application_list_filter_form_html(form)
            kept = application_list_filter_form_html(ApplicationListFilter(QueryDict(query)).form)
            assert kept == render_crispy_form(ApplicationListFilter(QueryDict(query)).form)
