"""A report's Table as a file: CSV, XLSX or PDF (with its chart).

CSV: UTF-8 with a byte-order mark (Excel then reads the accents right), a header row, raw values (durations
in minutes, dates as ISO). A text cell that a spreadsheet would run as a formula (starting with =, +, -, @,
tab or carriage return) is prefixed with an apostrophe, which spreadsheets show as text.
XLSX: numbers as numbers, dates as dates, the header row, the filters on a second sheet; text cells are
always stored as text, never as formulas.
PDF: rendered by the ticket printer's limited child process (tickets.pdf.html_to_pdf: memory and CPU limits,
a timeout, the installation-wide cap on renderers).
"""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from reports import charts
from reports.formatting import value_text
from reports.table import MINUTES, Table
from tickets.pdf import html_to_pdf

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def neutralised(text: str) -> str:
    """A text a spreadsheet shows as it is, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def header(column) -> str:
    return f"{column.label} ({_('minutes')})" if column.kind == MINUTES else column.label


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return neutralised(str(value))
    return str(value)


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralised(header(c)) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_value(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.get_current_timezone()).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date | int | float | Decimal) or value is None:
        return value
    return str(value)


def to_xlsx(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = safe_sheet_title(table.title)
    sheet.append([header(c) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    for row in table.rows:
        sheet.append([xlsx_value(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # stored as text: "=1+1" stays "=1+1"
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for i, column in enumerate(table.columns, start=1):
        width = max([len(header(column))] + [len(value_text(v, column.kind)) for v in table.values(column.key)])
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    about = book.create_sheet(_("Filters")[:31])
    for key, value in [(_("Report"), table.title), *table.filters.items()] + (
        [(_("Note"), table.note)] if table.note else []
    ):
        about.append([str(key), str(value)])
        for cell in about[about.max_row]:
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def safe_sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Report"


def to_pdf(table: Table) -> bytes:
    """The table and its chart as a PDF; tickets.pdf.PrintFailed / PrintersBusy when it cannot be made now."""
    html = render_to_string(
        "agent/reports/print.html",
        {"table": table, "chart": charts.render(table), "printed": timezone.localtime()},
    )
    return html_to_pdf(html)


RENDERERS = {"csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}


def filename(table: Table, fmt: str, day: date | None = None) -> str:
    day = day or timezone.localdate()
    return f"{slugify(table.title) or 'report'}-{day.isoformat()}.{fmt}"


def export(table: Table, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of `table` in `fmt` (csv, xlsx or pdf)."""
    return RENDERERS[fmt](table), CONTENT_TYPES[fmt], filename(table, fmt)
