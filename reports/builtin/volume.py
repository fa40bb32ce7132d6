"""Volume: tickets created, closed and the backlog over time; and per queue and per channel.

Created: `created` in the bucket. Closed: `closed_at` in the bucket (closed or merged; a reopened ticket
is no longer closed). Backlog: tickets created before the bucket's end and not closed by then. Tickets
rejected as spam (state type *removed*) are no work: left out of all three.
"""

from django.db.models import Count, DateField, F
from django.db.models.functions import Trunc
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import dimensions as dims
from reports import queries
from reports.aggregates import as_date
from reports.builtin.common import applied, bucket_for
from reports.filters import ReportFilters, scoped_tickets
from reports.registry import builtin
from reports.spec import DIMENSIONS
from reports.table import BAR, DATE, LINE, NUMBER, TEXT, Chart, Column, Table
from tickets.models import StateType


def _work(viewer, filters: ReportFilters):
    return scoped_tickets(viewer, filters).exclude(state__type=StateType.REMOVED)


def _counts(tickets, moment: str, bucket: str, filters: ReportFilters) -> dict:
    cut = Trunc(moment, bucket, output_field=DateField(), tzinfo=filters.zone)
    rows = (
        tickets.filter(**{f"{moment}__gte": filters.since, f"{moment}__lt": filters.until})
        .values(bucket=cut)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {as_date(r["bucket"]): r["n"] for r in rows}


@builtin("volume", gettext_lazy("Volume"), gettext_lazy("Tickets created, closed and open (backlog) over time."))
def volume(viewer, filters: ReportFilters) -> Table:
    tickets = _work(viewer, filters)
    bucket = bucket_for(filters)
    created = _counts(tickets, "created", bucket, filters)
    closed = _counts(tickets, "closed_at", bucket, filters)
    backlog = tickets.filter(queries.open_at(filters.since))
    open_now = backlog.count()
    rows = []
    for day in dims.buckets(bucket, filters.start, filters.end):
        new, done = created.get(day, 0), closed.get(day, 0)
        open_now += new - done
        rows.append((day, new, done, open_now))
    return Table(
        title=_("Volume"),
        columns=[
            Column(bucket, str(DIMENSIONS[bucket]), DATE),
            Column("created", _("Created"), NUMBER),
            Column("closed", _("Closed"), NUMBER),
            Column("backlog", _("Backlog"), NUMBER),
        ],
        rows=rows,
        chart=Chart(LINE, bucket, ("created", "closed", "backlog")),
        note=_("Backlog: the tickets open at the end of each row's day, week or month (created, not yet closed)."),
        filters=applied(filters),
    )


def _by(viewer, filters: ReportFilters, field: str, label_field: str | None):
    """Created and closed in the period, and the backlog at its end, per `field` (one grouped query)."""
    in_created = queries.during("created", filters)
    in_closed = queries.during("closed_at", filters)
    open_at_end = queries.open_at(filters.until)
    groups = {"key": field} if label_field is None else {"key": field, "label": label_field}
    return (
        _work(viewer, filters)
        .filter(in_created | in_closed | open_at_end)
        .values(**{k: F(v) for k, v in groups.items()})
        .annotate(
            n_created=Count("pk", filter=in_created),
            n_closed=Count("pk", filter=in_closed),
            n_backlog=Count("pk", filter=open_at_end),
        )
        .order_by()
    )


def _grouped_table(title, key: str, label: str, rows: list, filters) -> Table:
    return Table(
        title=title,
        columns=[
            Column(key, label, TEXT),
            Column("created", _("Created"), NUMBER),
            Column("closed", _("Closed"), NUMBER),
            Column("backlog", _("Backlog at the end"), NUMBER),
        ],
        rows=rows,
        chart=Chart(BAR, key, ("created", "closed", "backlog")),
        filters=applied(filters),
    )


@builtin("volume_queue", gettext_lazy("Volume by queue"), gettext_lazy("Tickets created and closed per queue."))
def volume_by_queue(viewer, filters: ReportFilters) -> Table:
    found = _by(viewer, filters, "queue_id", "queue__name")
    rows = [(r["label"], r["n_created"], r["n_closed"], r["n_backlog"]) for r in found]
    rows.sort(key=lambda r: r[0].casefold())
    return _grouped_table(_("Volume by queue"), "queue", _("Queue"), rows, filters)


@builtin("volume_channel", gettext_lazy("Volume by channel"), gettext_lazy("Tickets created and closed per channel."))
def volume_by_channel(viewer, filters: ReportFilters) -> Table:
    found = _by(viewer, filters, "channel", None)
    rows = sorted(
        ((dims.show("channel", r["key"], None), r["n_created"], r["n_closed"], r["n_backlog"]) for r in found),
        key=lambda r: (r[0] == dims.NONE, r[0]),
    )
    return _grouped_table(_("Volume by channel"), "channel", _("Channel"), rows, filters)
