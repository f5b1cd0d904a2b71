"""Downloads of a call's tables (the application list, the ranking): CSV and XLSX.

Every CSV download is written by table_csv_response(), for Excel set to Polish:
UTF-8 with a byte-order mark, ";" between columns, a decimal comma ("1234,56"),
dates as "14.12.2026 23:59" in Polish time. Text typed by applicants can never
become a formula in the coordinator's spreadsheet: in CSV a leading =, +, -, @
(or tab, carriage return) is neutralised with an apostrophe, in XLSX the cell is
stored as a string.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from applicants.models import Application

WARSAW = ZoneInfo("Europe/Warsaw")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MONEY_FORMAT = '#,##0.00 "zł"'
XLSX_MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
# Width of each column in characters, in the order of export_headers().
XLSX_COLUMN_WIDTHS = (16, 50, 32, 22, 16, 16, 16, 24, 18)


def export_headers() -> list[str]:
    return [
        _("Reference number"),
        _("Title"),
        _("Applicant"),
        _("Applicant type"),
        _("Requested amount (zł)"),
        _("Total cost (zł)"),
        _("Own contribution (zł)"),
        _("Status"),
        _("Submitted at (Polish time)"),
    ]


def export_rows(applications: Iterable[Application]) -> Iterator[list]:
    """One row per application: text as str, money as Decimal, the moment in Polish time."""
    for application in applications:
        submitted_at = application.last_submitted_at
        yield [
            application.reference_number or "",
            application.title,
            application.applicant_name,
            str(application.get_applicant_kind_display()),
            application.requested_amount,
            application.total_cost,
            application.own_contribution,
            str(application.get_status_display()),
            submitted_at.astimezone(WARSAW).replace(tzinfo=None) if submitted_at else None,
        ]


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # A list of applicants' names and amounts: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def applications_csv_response(
    applications: Iterable[Application], *, filename: str
) -> HttpResponse:
    """The applications as a CSV download that Polish Excel opens as it is."""
    return table_csv_response(export_headers(), export_rows(applications), filename=filename)


def _sheet_title(title: str) -> str:
    """A valid sheet name: none of []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "", title)[:31].strip() or "Sheet"


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        # openpyxl turns any text that starts with "=" into a formula; keep it text.
        cell.data_type = "s"
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, Decimal):
        cell.number_format = XLSX_MONEY_FORMAT
    elif isinstance(value, datetime):
        cell.number_format = XLSX_MOMENT_FORMAT
    return cell


def applications_xlsx_response(
    applications: Iterable[Application], *, filename: str, sheet_title: str
) -> HttpResponse:
    """The applications as an Excel workbook: a bold header row, amounts as numbers in zł.

    The sheet is written row by row (openpyxl's write-only mode) and the file is
    built in memory: a call has at most a few thousand applications.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    for index, width in enumerate(XLSX_COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in export_headers():
        cell = _xlsx_cell(sheet, title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in export_rows(applications):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), filename)


# --- Any other table of a call (e.g. the ranking), with the same safeguards -----------------

XLSX_SCORE_FORMAT = "0.00"


def _decimal_comma(number: Decimal | int | float) -> str:
    # Through str(): a float keeps the digits it was given (74.2 stays "74,2").
    return format(Decimal(str(number)), "f").replace(".", ",")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _decimal_comma(value.quantize(Decimal("0.01")))  # money: always two decimals
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        # A number is no formula: "-1,5" needs no apostrophe.
        return _decimal_comma(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def table_csv_response(
    headers: Sequence[str], rows: Iterable[Sequence], *, filename: str
) -> HttpResponse:
    """Any table as a CSV download that Polish Excel opens as it is.

    UTF-8 with a byte-order mark (without it Excel reads the Polish letters as
    Windows-1250), ";" between columns and a decimal comma (Excel in Polish
    expects both). Values: str (formula-safe), Decimal (money, two decimals),
    int or float, datetime (already in Polish time), date, None.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return _attachment(response, filename)


def table_xlsx_response(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    filename: str,
    sheet_title: str,
    column_widths: Sequence[int] = (),
) -> HttpResponse:
    """Any table as an Excel workbook made like the application list's.

    Text stays text (never a formula), Decimal is money in zł, a float is shown
    with two decimals.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    for index, width in enumerate(column_widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in headers:
        cell = _xlsx_cell(sheet, title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = _xlsx_cell(sheet, value)
            if isinstance(value, float):
                cell.number_format = XLSX_SCORE_FORMAT
            cells.append(cell)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), filename)
