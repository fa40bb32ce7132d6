"""Per customer company: tickets created and closed in the period, time accounted (worked on a day of
the period; all of it and the billable part) and the average rating given in the period. The basis for
billing and contract reviews. Tickets without a company are shown as "—"."""

from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import queries
from reports.builtin.common import applied
from reports.dimensions import NONE
from reports.filters import ReportFilters, scoped_tickets
from reports.registry import builtin
from reports.table import BAR, MINUTES, NUMBER, RATING, TEXT, Chart, Column, Table


@builtin("companies", gettext_lazy("Per company"), gettext_lazy("Volume, time accounted and satisfaction per company."))
def companies(viewer, filters: ReportFilters) -> Table:
    in_created = queries.during("created", filters)
    in_closed = queries.CLOSED & queries.during("closed_at", filters)
    volume = (
        scoped_tickets(viewer, filters)
        .filter(in_created | in_closed)
        .values("company_id", "company__name")
        .annotate(n_created=Count("pk", filter=in_created), n_closed=Count("pk", filter=in_closed))
        .order_by()
    )
    time = (
        queries.time_entries(viewer, filters)
        .values("ticket__company_id", "ticket__company__name")
        .annotate(total=Sum("minutes"), billable=Sum("minutes", filter=Q(billable=True)))
        .order_by()
    )
    rated = (
        queries.ratings(viewer, filters)
        .values("ticket__company_id", "ticket__company__name")
        .annotate(avg=Avg("score"))
        .order_by()
    )
    zero = Decimal(0)
    found: dict = {}

    def entry(pk, name):
        return found.setdefault(pk, {"name": name or NONE, "created": 0, "closed": 0, "time": zero, "billable": zero})

    for r in volume:
        entry(r["company_id"], r["company__name"]).update(created=r["n_created"], closed=r["n_closed"])
    for r in time:
        entry(r["ticket__company_id"], r["ticket__company__name"]).update(
            time=r["total"] or zero, billable=r["billable"] or zero
        )
    for r in rated:
        entry(r["ticket__company_id"], r["ticket__company__name"])["rating"] = round(float(r["avg"]), 2)
    rows = [
        (e["name"], e["created"], e["closed"], e["time"], e["billable"], e.get("rating"))
        for pk, e in sorted(found.items(), key=lambda item: (item[0] is None, item[1]["name"].casefold()))
    ]
    return Table(
        title=_("Per company"),
        columns=[
            Column("company", _("Company"), TEXT),
            Column("created", _("Created"), NUMBER),
            Column("closed", _("Closed"), NUMBER),
            Column("time_accounted", _("Time accounted"), MINUTES),
            Column("billable", _("Billable"), MINUTES),
            Column("rating", _("Satisfaction"), RATING),
        ],
        rows=rows,
        chart=Chart(BAR, "company", ("created", "closed")),
        filters=applied(filters),
    )
