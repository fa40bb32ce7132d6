"""By category and type: tickets created and closed in the period, and the average solution time (business
minutes) of those closed, per (category, type). Tickets without one are shown as "—"."""

from django.db.models import Avg, Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import queries
from reports.builtin.common import applied
from reports.dimensions import NONE
from reports.filters import ReportFilters, scoped_tickets
from reports.registry import builtin
from reports.table import BAR, MINUTES, NUMBER, TEXT, Chart, Column, Table


@builtin("categories", gettext_lazy("By category and type"), gettext_lazy("Volume and solution time per category."))
def categories(viewer, filters: ReportFilters) -> Table:
    in_created = queries.during("created", filters)
    in_closed = queries.CLOSED & queries.during("closed_at", filters)
    found = (
        scoped_tickets(viewer, filters)
        .filter(in_created | in_closed)
        .values("category__name", "type__name")
        .annotate(
            n_created=Count("pk", filter=in_created),
            n_closed=Count("pk", filter=in_closed),
            solution=Avg("solution_minutes", filter=in_closed),
        )
        .order_by()
    )
    rows = sorted(
        (
            (
                r["category__name"] or NONE,
                r["type__name"] or NONE,
                r["n_created"],
                r["n_closed"],
                None if r["solution"] is None else round(float(r["solution"]), 1),
            )
            for r in found
        ),
        key=lambda r: ((r[0] == NONE, r[0].casefold()), (r[1] == NONE, r[1].casefold())),
    )
    return Table(
        title=_("By category and type"),
        columns=[
            Column("category", _("Category"), TEXT),
            Column("type", _("Type"), TEXT),
            Column("created", _("Created"), NUMBER),
            Column("closed", _("Closed"), NUMBER),
            Column("solution_avg", _("Solution time, average"), MINUTES),
        ],
        rows=rows,
        chart=Chart(BAR, "category", ("created", "closed")),
        filters=applied(filters),
    )
