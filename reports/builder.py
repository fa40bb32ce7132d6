"""The report builder's engine: a metric grouped by one or two dimensions, computed by one SQL query.

`run(spec, viewer)` aggregates the rows of the metric (reports.queries: what falls in the period among
the tickets the viewer may see) with GROUP BY on the dimensions' expressions (reports.dimensions), and
returns a Table: the dimensions' columns, then the value. One dimension that is time gives a line chart
with every day / week / month of the period (counts and sums of empty ones are 0); otherwise bars. Two
dimensions give rows (first, second, value).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Case, Count, FloatField, QuerySet, Sum, Value, When

from accounts.models import User
from reports import dimensions as dims
from reports import queries
from reports.aggregates import as_date, grouped_percentiles
from reports.builtin.common import applied
from reports.spec import DIMENSIONS, METRICS, ReportSpec
from reports.table import BAR, DATE, LINE, MINUTES, NUMBER, PERCENT, RATING, TEXT, Chart, Column, Table


@dataclass(frozen=True)
class Metric:
    rows: Callable[..., QuerySet]  # (viewer, filters) -> the rows aggregated
    kind: str  # the value column's kind
    aggregate: Callable[[], object] | None = None  # the SQL aggregate, or:
    median_of: str = ""  # the field whose median is taken
    prefix: str = ""  # the path from a row to its ticket
    moment: str = "created"  # what time dimensions cut
    moment_is_date: bool = False
    zero: object = None  # the value of an empty time bucket


METRIC_DEFS = {
    "count": Metric(queries.created, NUMBER, lambda: Count("pk"), zero=0),
    "first_response_avg": Metric(
        queries.first_responded, MINUTES, lambda: Avg("first_response_minutes"), moment="first_response_at"
    ),
    "first_response_median": Metric(
        queries.first_responded, MINUTES, median_of="first_response_minutes", moment="first_response_at"
    ),
    "solution_avg": Metric(queries.solved, MINUTES, lambda: Avg("solution_minutes"), moment="closed_at"),
    "solution_median": Metric(queries.solved, MINUTES, median_of="solution_minutes", moment="closed_at"),
    "time_accounted": Metric(
        queries.time_entries,
        MINUTES,
        lambda: Sum("minutes"),
        prefix="ticket__",
        moment="worked_on",
        moment_is_date=True,
        zero=Decimal(0),
    ),
    "sla_percent": Metric(
        queries.sla_finished,
        PERCENT,
        lambda: Avg(Case(When(queries.SLA_MET, then=Value(100.0)), default=Value(0.0), output_field=FloatField())),
        moment="closed_at",
    ),
    "rating_avg": Metric(queries.ratings, RATING, lambda: Avg("score"), prefix="ticket__"),
}
ROUNDING = {MINUTES: 1, PERCENT: 1, RATING: 2}


def check(spec: ReportSpec) -> None:
    """Refuse a spec the builder cannot compute, with a message a user can act on."""
    if spec.metric not in METRICS:
        raise ValueError(f"Unknown metric {spec.metric!r}.")
    if not 1 <= len(spec.dimensions) <= 2:
        raise ValueError("Group by one or two dimensions.")
    unknown = [d for d in spec.dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"Unknown dimension {unknown[0]!r}.")
    if len(set(spec.dimensions)) != len(spec.dimensions):
        raise ValueError("Group by two different dimensions.")
    if spec.filters.start > spec.filters.end:
        raise ValueError("The period ends before it starts.")


def run(spec: ReportSpec, viewer: User) -> Table:
    check(spec)
    metric = METRIC_DEFS[spec.metric]
    filters = spec.filters
    rows = metric.rows(viewer, filters)
    groups = {}
    for i, dimension in enumerate(spec.dimensions):
        g = dims.grouping(
            dimension, prefix=metric.prefix, moment=metric.moment, moment_is_date=metric.moment_is_date, tz=filters.zone
        )
        groups[f"k{i}"] = g.key
        if g.label is not None:
            groups[f"l{i}"] = g.label
    if metric.median_of:
        found = grouped_percentiles(rows, groups, metric.median_of, {"value": 0.5})
    else:
        found = list(rows.values(**groups).annotate(value=metric.aggregate()).order_by())
    table_rows = [_row(spec.dimensions, group, metric.kind) for group in found]
    if len(spec.dimensions) == 1 and spec.dimensions[0] in dims.TIME:
        table_rows = _without_gaps(spec.dimensions[0], table_rows, filters, metric.zero)
    table_rows.sort(key=lambda r: r[0])
    return Table(
        title=_title(spec),
        columns=[
            *(Column(d, str(DIMENSIONS[d]), DATE if d in dims.TIME else TEXT) for d in spec.dimensions),
            Column("value", str(METRICS[spec.metric]), metric.kind),
        ],
        rows=[shown for _, shown in table_rows],
        chart=Chart(LINE if spec.dimensions[0] in dims.TIME else BAR, spec.dimensions[0], ("value",)),
        filters=applied(filters),
    )


def _row(dimensions: tuple[str, ...], group: dict, kind: str) -> tuple[tuple, tuple]:
    """(sort keys, the row shown) of one group."""
    sort, shown = [], []
    for i, dimension in enumerate(dimensions):
        key = group[f"k{i}"]
        if dimension in dims.TIME:
            key = as_date(key)
        value = dims.show(dimension, key, group.get(f"l{i}"))
        sort.append(dims.sort_key(dimension, key, value))
        shown.append(value)
    return tuple(sort), (*shown, rounded(group["value"], kind))


def rounded(value, kind: str):
    if value is None or kind not in ROUNDING or isinstance(value, Decimal):
        return value
    return round(float(value), ROUNDING[kind])


def _without_gaps(dimension: str, rows: list, filters, zero) -> list:
    have = {shown[0] for _, shown in rows}
    missing = [d for d in dims.buckets(dimension, filters.start, filters.end) if d not in have]
    return rows + [((dims.sort_key(dimension, d, d),), (d, zero)) for d in missing]


def _title(spec: ReportSpec) -> str:
    by = " × ".join(str(DIMENSIONS[d]) for d in spec.dimensions)
    return f"{METRICS[spec.metric]} / {by}"
