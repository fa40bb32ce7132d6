"""A report's Table drawn as an SVG chart: lines for time series, bars for groupings (grouped or stacked
for several series), axes with readable ticks, values formatted by their column's kind, a legend.

A pure function of the Table (no database, no JavaScript, no charting dependency): the markup goes
straight into the page and into the PDF. Only SVG presentation attributes (fill, stroke, ...): no style
attributes, no <style> block, no script, so it passes the strict Content-Security-Policy.
"""

import math
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.formatting import axis_text, value_text
from reports.table import BAR, LINE, MINUTES, Chart, Column, Table

WIDTH = 760
LEFT, RIGHT, TOP = 76, 16, 16
PLOT_BOTTOM = 250  # the x axis; labels and the legend below it
# Okabe-Ito: told apart by colour-blind readers too.
COLOURS = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#7f7f00", "#000000")
HOUR_STEPS = (1, 2, 3, 4, 6, 8, 12, 24)
TEXT_COLOUR, GRID_COLOUR, AXIS_COLOUR = "#212529", "#dee2e6", "#6c757d"


def colour(i: int) -> str:
    return COLOURS[i % len(COLOURS)]


def number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def nice_step(raw: float) -> float:
    """The round step (1, 2, 2.5, 5 x 10^k) at or above `raw`."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def ticks(low: float, high: float, kind: str, count: int = 5) -> list[float]:
    """Round tick values from at or below `low` to at or above `high`; whole hours for durations."""
    if high <= low:
        high = low + 1
    span = high - low
    if kind == MINUTES and span > 120:
        hours = span / count / 60
        step = next((h for h in HOUR_STEPS if h >= hours), None) or nice_step(hours / 24) * 24
        step *= 60
    else:
        step = nice_step(span / count)
        if all(float(v).is_integer() for v in (low, high)) and step < 1:
            step = 1.0
    start = math.floor(low / step) * step
    values, value = [], start
    while value < high + step * 1e-9:
        values.append(round(value, 10))
        value += step
    if values[-1] < high:
        values.append(round(value, 10))
    return values


def wide(table: Table) -> Table:
    """A two-dimension table in rows of (first, second, value) turned into one series per second value,
    so the chart draws a bar (or a line) per second value at each first value. Other tables as they are."""
    chart = table.chart
    if chart is None or len(chart.series) != 1 or len(table.columns) != 3 or table.columns[1].key == chart.x:
        return table
    if table.columns[0].key != chart.x or table.columns[2].key != chart.series[0]:
        return table
    value = table.columns[2]
    firsts, seconds, cells = [], [], {}
    for first, second, amount in table.rows:
        if first not in cells:
            firsts.append(first)
            cells[first] = {}
        if second not in seconds:
            seconds.append(second)
        cells[first][second] = amount
    columns = [table.columns[0]] + [Column(f"s{i}", str(v), value.kind) for i, v in enumerate(seconds)]
    rows = [(first, *(cells[first].get(second) for second in seconds)) for first in firsts]
    series = tuple(c.key for c in columns[1:])
    return Table(table.title, columns, rows, Chart(chart.kind, chart.x, series), table.note, table.filters)


def render(table: Table, *, stacked: bool = False) -> SafeString:
    """The chart of `table` as SVG markup ("" when the table has no chart)."""
    if table.chart is None:
        return mark_safe("")
    table = wide(table)
    chart = table.chart
    x_column = table.column(chart.x)
    series = [table.column(key) for key in chart.series]
    labels = [value_text(v, x_column.kind) for v in table.values(chart.x)]
    data = [[number(v) for v in table.values(s.key)] for s in series]
    kind = series[0].kind if series else ""
    stacked = stacked and chart.kind == BAR and len(series) > 1

    legend_rows = legend_layout([s.label for s in series])
    slanted, every, depth = label_layout(labels)
    legend_top = PLOT_BOTTOM + depth + 22
    height = legend_top + 18 * len(legend_rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(table.title)}" '
        f'font-family="sans-serif" font-size="12" fill="{TEXT_COLOUR}">',
        f"<title>{escape(table.title)}</title>",
    ]
    present = [v for column in data for v in column if v is not None]
    if not labels or not present:
        parts.append(f'<text x="{WIDTH / 2}" y="{PLOT_BOTTOM / 2}" text-anchor="middle">{escape(_("No data"))}</text>')
        parts.append("</svg>")
        return mark_safe("".join(parts))

    if stacked:
        totals = [sum(col[i] or 0 for col in data) for i in range(len(labels))]
        low, high = min(0.0, *present), max(0.0, *totals)
    else:
        low, high = min(0.0, *present), max(0.0, *present)
    steps = ticks(low, high, kind)
    low, high = steps[0], steps[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PLOT_BOTTOM - TOP

    def y(value: float) -> float:
        return round(PLOT_BOTTOM - (value - low) / (high - low) * plot_h, 2)

    band = plot_w / len(labels)

    def x_centre(i: int) -> float:
        return round(LEFT + band * (i + 0.5), 2)

    # Grid and y axis, ticks labelled in the series' kind (minutes as hours).
    for value in steps:
        parts.append(
            f'<line x1="{LEFT}" y1="{y(value)}" x2="{WIDTH - RIGHT}" y2="{y(value)}" stroke="{GRID_COLOUR}"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4}" text-anchor="end">{escape(axis_text(value, kind))}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{PLOT_BOTTOM}" stroke="{AXIS_COLOUR}"/>'
        f'<line x1="{LEFT}" y1="{y(max(low, 0))}" x2="{WIDTH - RIGHT}" y2="{y(max(low, 0))}" stroke="{AXIS_COLOUR}"/>'
    )
    parts.extend(x_labels(labels, x_centre, slanted, every))
    if chart.kind == LINE:
        parts.extend(lines(series, data, labels, x_centre, y))
    else:
        parts.extend(bars(series, data, labels, band, x_centre, y, stacked, base=max(low, 0)))
    parts.extend(legend(legend_rows, top=legend_top))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def label_layout(labels: list[str]) -> tuple[bool, int, int]:
    """Slanted or not, every how many-th label is written, and how deep they reach under the axis."""
    if not labels:
        return False, 1, 16
    longest = min(max(len(label) for label in labels), 18)
    slanted = longest * 7 > (WIDTH - LEFT - RIGHT) / len(labels)
    room = 26 if slanted else longest * 7 + 10
    every = max(1, math.ceil(len(labels) * room / (WIDTH - LEFT - RIGHT)))
    depth = round(longest * 7 * 0.6) + 16 if slanted else 16
    return slanted, every, depth


def x_labels(labels: list[str], x_centre, slanted: bool, every: int) -> list[str]:
    """Every label when they fit, else every n-th; slanted when long."""
    out = []
    for i, label in enumerate(labels):
        if i % every:
            continue
        text = label if len(label) <= 18 else label[:17] + "…"
        x, top = x_centre(i), PLOT_BOTTOM + 16
        if slanted:
            out.append(
                f'<text x="{x}" y="{top}" text-anchor="end" transform="rotate(-35 {x} {top})">{escape(text)}</text>'
            )
        else:
            out.append(f'<text x="{x}" y="{top}" text-anchor="middle">{escape(text)}</text>')
    return out


def point_title(label: str, column, value) -> str:
    return f"<title>{escape(label)} · {escape(column.label)}: {escape(value_text(value, column.kind))}</title>"


def lines(series, data, labels, x_centre, y) -> list[str]:
    out = []
    for s, (column, values) in enumerate(zip(series, data, strict=True)):
        # A missing value breaks the line rather than dropping to zero.
        runs, run = [], []
        for i, value in enumerate(values):
            if value is None:
                runs, run = runs + ([run] if run else []), []
            else:
                run.append(f"{x_centre(i)},{y(value)}")
        runs += [run] if run else []
        for points in runs:
            out.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour(s)}" stroke-width="2"/>')
        if len(values) <= 62:
            for i, value in enumerate(values):
                if value is not None:
                    out.append(
                        f'<circle cx="{x_centre(i)}" cy="{y(value)}" r="3" fill="{colour(s)}">'
                        f"{point_title(labels[i], column, value)}</circle>"
                    )
    return out


def bars(series, data, labels, band, x_centre, y, stacked: bool, base: float) -> list[str]:
    out = []
    inner = band * 0.8
    width = inner if stacked else inner / len(series)
    tops = [base] * len(labels)
    for s, (column, values) in enumerate(zip(series, data, strict=True)):
        for i, value in enumerate(values):
            if value is None:
                continue
            if stacked:
                x = x_centre(i) - inner / 2
                bottom, top = tops[i], tops[i] + value
                tops[i] = top
            else:
                x = x_centre(i) - inner / 2 + s * width
                bottom, top = base, value
            y_top, y_bottom = y(max(bottom, top)), y(min(bottom, top))
            out.append(
                f'<rect x="{round(x, 2)}" y="{y_top}" width="{round(max(width - 1, 1), 2)}" '
                f'height="{round(max(y_bottom - y_top, 0), 2)}" fill="{colour(s)}">'
                f"{point_title(labels[i], column, value)}</rect>"
            )
    return out


def legend_layout(names: list[str]) -> list[list[tuple[int, str]]]:
    rows, row, used = [], [], 0
    for i, name in enumerate(names):
        width = 22 + min(len(name), 30) * 7 + 16
        if row and used + width > WIDTH - LEFT - RIGHT:
            rows.append(row)
            row, used = [], 0
        row.append((i, name))
        used += width
    return rows + ([row] if row else [])


def legend(rows, top: int) -> list[str]:
    out = []
    for r, row in enumerate(rows):
        x, y = LEFT, top + r * 18
        for i, name in row:
            text = name if len(name) <= 30 else name[:29] + "…"
            out.append(
                f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour(i)}"/>'
                f'<text x="{x + 18}" y="{y}">{escape(text)}</text>'
            )
            x += 22 + len(text) * 7 + 16
    return out
