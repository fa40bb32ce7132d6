"""The report builder's engine: a ReportSpec computed into a Table by SQL aggregation.

A minimal stand-in (the `count` metric by queue, state or day) so the builder's pages work; the full
engine (every metric and dimension) replaces this module. Tickets count in the period by their creation.
"""

from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from reports.filters import scoped_tickets
from reports.spec import DIMENSIONS, METRICS, ReportSpec
from reports.table import BAR, DATE, LINE, NUMBER, TEXT, Chart, Column, Table

SUPPORTED_METRICS = {"count"}
# dimension -> (the value to group by, its column kind)
GROUPINGS = {"queue": (F("queue__name"), TEXT), "state": (F("state__name"), TEXT), "day": (None, DATE)}


class UnsupportedSpec(ValueError):
    """The spec asks for a metric or dimension this engine cannot compute."""


def run(spec: ReportSpec, viewer) -> Table:
    if spec.metric not in SUPPORTED_METRICS or not 1 <= len(spec.dimensions) <= 2:
        raise UnsupportedSpec(spec.metric)
    if any(d not in GROUPINGS for d in spec.dimensions):
        raise UnsupportedSpec(",".join(spec.dimensions))
    filters = spec.filters
    tickets = scoped_tickets(viewer, filters).filter(created__gte=filters.since, created__lt=filters.until)
    keys = [f"d{i}" for i in range(len(spec.dimensions))]
    groups = {}
    for key, dim in zip(keys, spec.dimensions, strict=True):
        expr, _kind = GROUPINGS[dim]
        groups[key] = TruncDate("created", tzinfo=filters.zone) if dim == "day" else expr
    counted = tickets.order_by().values(**groups).annotate(n=Count("id")).order_by(*keys)
    first = spec.dimensions[0]
    x = Column("d0", str(DIMENSIONS[first]), GROUPINGS[first][1])
    metric = str(METRICS[spec.metric])
    kind = LINE if first == "day" else BAR
    title = _("%(metric)s by %(dimensions)s") % {
        "metric": metric,
        "dimensions": ", ".join(str(DIMENSIONS[d]).lower() for d in spec.dimensions),
    }
    if len(keys) == 1:
        rows = [(r["d0"], r["n"]) for r in counted]
        return Table(title, [x, Column("n", metric, NUMBER)], rows, Chart(kind, "d0", ("n",)))
    # Two dimensions: one row per value of the first, one column per value of the second.
    seconds = sorted({r["d1"] for r in counted}, key=str)
    by_first: dict = {}
    for r in counted:
        by_first.setdefault(r["d0"], {})[r["d1"]] = r["n"]
    columns = [x] + [Column(f"s{i}", str(v), NUMBER) for i, v in enumerate(seconds)]
    rows = [(first_value, *(cells.get(v, 0) for v in seconds)) for first_value, cells in by_first.items()]
    return Table(title, columns, rows, Chart(kind, "d0", tuple(c.key for c in columns[1:])))
