"""The SVG charts: a pure function of the Table; lines for time series, bars for groupings, readable ticks,
values in their column's kind, a legend, and nothing the strict Content-Security-Policy would block."""

import re
import xml.etree.ElementTree as ET
from datetime import date

from django.utils import translation

from reports import charts
from reports.table import BAR, DATE, LINE, MINUTES, NUMBER, TEXT, Chart, Column, Table

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def series_table(kind=LINE):
    columns = [Column("day", "Day", DATE), Column("created", "Created", NUMBER), Column("closed", "Closed", NUMBER)]
    rows = [(date(2026, 11, 1), 4, 1), (date(2026, 11, 2), 7, None), (date(2026, 11, 3), 2, 5)]
    return Table("Volume", columns, rows, Chart(kind, "day", ("created", "closed")))


def durations_table():
    columns = [Column("queue", "Queue", TEXT), Column("first", "First response", MINUTES)]
    rows = [("1st level", 90), ("2nd <level>", 610)]
    return Table("Response times", columns, rows, Chart(BAR, "queue", ("first",)))


def test_a_time_series_is_drawn_as_one_line_per_series_broken_where_a_value_is_missing():
    svg = parse(charts.render(series_table()))
    lines = svg.findall(f"{SVG}polyline")
    # "created" is one line of three points; "closed" misses the 2nd day: two pieces of one point each.
    assert sorted(len(line.get("points").split()) for line in lines) == [1, 1, 3]
    assert len(svg.findall(f"{SVG}circle")) == 5


def test_a_grouping_is_drawn_as_bars_one_per_row_and_series():
    svg = parse(charts.render(series_table(BAR)))
    assert len(svg.findall(f"{SVG}rect")) == 5 + 2  # five values, two legend keys


def test_stacked_bars_sit_on_each_other():
    svg = parse(charts.render(series_table(BAR), stacked=True))
    bars = [r for r in svg.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    first_day = [r for r in bars if "11/01/2026" in r.find(f"{SVG}title").text]
    created, closed = sorted(first_day, key=lambda r: -float(r.get("y")))
    assert float(created.get("y")) == float(closed.get("y")) + float(closed.get("height"))
    assert created.get("x") == closed.get("x")


def test_durations_read_as_hours_and_minutes_on_the_axis_and_in_the_tooltips():
    markup = str(charts.render(durations_table()))
    assert "1st level · First response: 1 h 30 min" in markup
    assert "10 h 10 min" in markup
    ticks = re.findall(r'text-anchor="end">([^<]*)</text>', markup)
    assert ticks[0] == "0" and all(t.endswith(" h") for t in ticks[1:])


def test_axis_ticks_are_round_numbers_covering_the_values():
    assert charts.ticks(0, 7, NUMBER) == [0, 2, 4, 6, 8]
    assert charts.ticks(0, 610, MINUTES) == [0, 180, 360, 540, 720]  # whole hours
    assert charts.ticks(0, 0.8, NUMBER)[-1] >= 0.8


def test_the_legend_names_every_series():
    texts = [t.text for t in parse(charts.render(series_table())).iter(f"{SVG}text")]
    assert "Created" in texts and "Closed" in texts


def test_labels_are_escaped_and_nothing_needs_unsafe_inline_styles_or_scripts():
    markup = str(charts.render(durations_table()))
    assert "2nd &lt;level&gt;" in markup and "<level>" not in markup
    assert "style" not in markup.lower() and "<script" not in markup.lower() and "on" + "click" not in markup
    parse(markup)  # well-formed XML


def test_labels_come_in_the_active_language_and_its_date_format():
    with translation.override("ru"):
        markup = str(charts.render(series_table()))
        minutes = str(charts.render(durations_table()))
    assert "01.11.2026" in markup
    assert "1 ч 30 мин" in minutes


def test_a_table_without_rows_says_so():
    empty = Table("Nothing", series_table().columns, [], Chart(LINE, "day", ("created",)))
    assert "No data" in str(charts.render(empty))


def test_a_table_without_a_chart_draws_nothing():
    assert charts.render(Table("Plain", [Column("a", "A")], [(1,)])) == ""
