"""Exports parse back to the numbers on the page: CSV (formula injection neutralised), XLSX, PDF with the chart."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from helpdesk.lib import slots
from reports import exports
from reports.table import BAR, DATE, MINUTES, NUMBER, TEXT, Chart, Column, Table
from tests.reports.conftest import COUNT_BY_QUEUE
from tickets import pdf

HOSTILE = ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn", "plain"]


def table():
    columns = [
        Column("name", "Name", TEXT),
        Column("day", "Day", DATE),
        Column("n", "Tickets", NUMBER),
        Column("t", "Time", MINUTES),
    ]
    rows = [(name, date(2026, 11, i + 1), i + 1, Decimal("90.5")) for i, name in enumerate(HOSTILE)]
    rows.append(("Résumé ř", date(2026, 11, 30), -3, None))
    return Table("Hostile = names", columns, rows, Chart(BAR, "name", ("n",)), filters={"Period": "2026-11"})


def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas():
    content = exports.to_csv(table())
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads the accents right
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Day", "Tickets", "Time (minutes)"]
    names = [r[0] for r in rows[1:]]
    assert names[:6] == ["'" + h for h in HOSTILE[:6]] and names[6] == "plain"
    assert names[7] == "Résumé ř"
    # Numbers stay numbers, a negative one too (only text is neutralised); dates are ISO; durations in minutes.
    assert rows[1][1:] == ["2026-11-01", "1", "90.5"] and rows[8][1:] == ["2026-11-30", "-3", ""]


def test_xlsx_keeps_numbers_and_dates_typed_and_never_stores_a_formula():
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(table())))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Day", "Tickets", "Time (minutes)")
    assert rows[1][0] == HOSTILE[0] and sheet["A2"].data_type == "s"  # text, not a formula
    assert all(cell.data_type == "s" for cell in sheet["A"][1:])
    assert rows[1][1].date() == date(2026, 11, 1) and sheet["B2"].is_date
    assert rows[1][2] == 1 and rows[8][2] == -3 and rows[1][3] == 90.5
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["Report"] == "Hostile = names" and about["Period"] == "2026-11"


@pytest.mark.django_db
@pytest.mark.smoke
def test_builder_exports_parse_back_to_the_previewed_numbers(reporter_client, november):
    url = reverse("reports:builder")
    page = reporter_client.get(url, COUNT_BY_QUEUE)
    assert "export=csv" in page.context["exports"]["csv"]
    shown = page.context["table"]
    labels = [c.label for c in shown.columns]
    assert shown.rows == [("1st level", 2)]  # the reporter's queue only, November only

    response = reporter_client.get(url, {**COUNT_BY_QUEUE, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"].startswith('attachment; filename="')
        and '.csv"' in response["Content-Disposition"]
    )
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [labels, ["1st level", "2"]]

    response = reporter_client.get(url, {**COUNT_BY_QUEUE, "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert list(sheet.iter_rows(values_only=True)) == [tuple(labels), ("1st level", 2)]


@pytest.mark.django_db
def test_pdf_export_holds_the_title_the_chart_and_the_numbers(reporter_client, november):
    title = reporter_client.get(reverse("reports:builder"), COUNT_BY_QUEUE).context["table"].title
    response = reporter_client.get(reverse("reports:builder"), {**COUNT_BY_QUEUE, "export": "pdf"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert " ".join(title.split()) in " ".join(text.split())
    assert "1st level" in text and "2" in text
    assert "2026-11-01 – 2026-11-30" in text  # the filters


@pytest.mark.django_db
def test_pdf_export_when_every_renderer_is_busy_says_try_again(reporter_client, november, settings):
    ttl = settings.HELPDESK_PDF_SECONDS + pdf.SLOT_MARGIN_SECONDS
    for _ in range(settings.HELPDESK_PDF_CONCURRENCY):
        slots.take(pdf.SLOTS, settings.HELPDESK_PDF_CONCURRENCY, ttl)
    response = reporter_client.get(reverse("reports:builder"), {**COUNT_BY_QUEUE, "export": "pdf"})
    assert response.status_code == 503 and response["Retry-After"] == str(pdf.RETRY_AFTER_SECONDS)
    assert "Every PDF renderer is busy" in response.content.decode()
