"""What every report produces, whatever computed it: a titled table, optionally drawn as a chart.

The built-in reports and the report builder return a Table; the pages, the SVG charts, the CSV / XLSX /
PDF exports and the scheduled mails consume one. Values in `rows` are plain Python (str, int, Decimal,
float, date, None); `Column.kind` says how to show them.
"""

from dataclasses import dataclass, field

TEXT, NUMBER, MINUTES, PERCENT, DATE, RATING = "text", "number", "minutes", "percent", "date", "rating"
LINE, BAR = "line", "bar"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = NUMBER


@dataclass(frozen=True)
class Chart:
    kind: str  # LINE for time series, BAR for groupings
    x: str  # the key of the column on the horizontal axis
    series: tuple[str, ...]  # the keys of the columns drawn


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[tuple]
    chart: Chart | None = None
    note: str = ""  # e.g. "needs SLA data", shown under the title
    filters: dict = field(default_factory=dict)  # what was applied, for the export's header

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def values(self, key: str) -> list:
        i = [c.key for c in self.columns].index(key)
        return [row[i] for row in self.rows]
