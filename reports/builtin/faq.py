"""FAQ deflection: what the knowledge base spared the desk, per FAQ article.

While a customer writes a new request, the customer panel suggests FAQ articles (faq.feedback). A
suggestion the customer opened counts as *deflected* when no ticket followed within
HELPDESK_FAQ_DEFLECTION_MINUTES; *filed anyway* when one did. Beside it, the "Was this helpful?" votes
given in the period. Suggestions and votes are counted when they happened in the period; the queue and
agent filters do not apply (they are not tickets), the company filter applies to the customer.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from faq.feedback_models import Deflection, Vote
from reports import queries
from reports.builtin.common import applied, ratio
from reports.filters import ReportFilters
from reports.registry import builtin
from reports.table import BAR, NUMBER, PERCENT, TEXT, Chart, Column, Table


@builtin("faq", gettext_lazy("FAQ deflection"), gettext_lazy("Suggested FAQ articles that spared a ticket."))
def faq(viewer, filters: ReportFilters) -> Table:
    settled = timezone.now() - timedelta(minutes=settings.HELPDESK_FAQ_DEFLECTION_MINUTES)
    opened = Deflection.objects.filter(queries.during("opened_at", filters))
    votes = Vote.objects.filter(queries.during("created", filters))
    if filters.company_ids:
        opened = opened.filter(customer__company_id__in=filters.company_ids)
        votes = votes.filter(user__company_id__in=filters.company_ids)
    deflections = (
        opened.values("article_id", "article__title")
        .annotate(
            opened=Count("pk"),
            filed=Count("pk", filter=Q(ticket__isnull=False)),
            deflected=Count("pk", filter=Q(ticket=None, opened_at__lt=settled)),
        )
        .order_by()
    )
    voted = (
        votes.values("article_id", "article__title")
        .annotate(yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
        .order_by()
    )
    found: dict = {}
    for r in deflections:
        found[r["article_id"]] = {"title": r["article__title"], **r}
    for r in voted:
        found.setdefault(r["article_id"], {"title": r["article__title"]}).update(yes=r["yes"], no=r["no"])
    rows = []
    for e in found.values():
        opened_n, deflected = e.get("opened", 0), e.get("deflected", 0)
        yes, no = e.get("yes", 0), e.get("no", 0)
        rows.append((e["title"], opened_n, e.get("filed", 0), deflected, ratio(deflected, opened_n), yes, no))
    rows.sort(key=lambda r: (-r[3], -r[1], r[0].casefold()))
    total_opened, total_deflected = sum(r[1] for r in rows), sum(r[3] for r in rows)
    note = _(
        "Deflected: a suggestion opened while writing a new request, and no ticket filed within %(minutes)s "
        "minutes. In all: %(deflected)s of %(opened)s opened suggestions."
    ) % {
        "minutes": settings.HELPDESK_FAQ_DEFLECTION_MINUTES,
        "deflected": total_deflected,
        "opened": total_opened,
    }
    return Table(
        title=_("FAQ deflection"),
        columns=[
            Column("article", _("FAQ article"), TEXT),
            Column("opened", _("Suggestions opened"), NUMBER),
            Column("filed", _("Ticket filed anyway"), NUMBER),
            Column("deflected", _("Deflected"), NUMBER),
            Column("deflected_percent", _("Deflected, %"), PERCENT),
            Column("helpful", _("Helpful votes"), NUMBER),
            Column("not_helpful", _("Not helpful votes"), NUMBER),
        ],
        rows=rows,
        chart=Chart(BAR, "article", ("deflected", "filed")),
        note=note,
        filters=applied(filters),
    )
