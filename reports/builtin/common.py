"""What the built-in reports share: the time bucket a period calls for, and the filters as words."""

from django.utils.translation import gettext as _

from accounts.models import Company, User
from reports.filters import ReportFilters
from tickets.models import Queue


def bucket_for(filters: ReportFilters) -> str:
    """Days for up to a month, weeks up to half a year, months beyond."""
    days = (filters.end - filters.start).days + 1
    return "day" if days <= 31 else "week" if days <= 183 else "month"


def applied(filters: ReportFilters) -> dict:
    """The filters a table was computed with, as an export's header shows them (names, not ids)."""
    shown = {_("Period"): f"{filters.start.isoformat()} – {filters.end.isoformat()}", _("Time zone"): filters.tz}
    if filters.queue_ids:
        shown[_("Queues")] = ", ".join(Queue.objects.filter(pk__in=filters.queue_ids).values_list("name", flat=True))
    if filters.agent_ids:
        agents = User.objects.filter(pk__in=filters.agent_ids).order_by("username")
        shown[_("Agents")] = ", ".join(a.display_name() for a in agents)
    if filters.company_ids:
        companies = Company.objects.filter(pk__in=filters.company_ids).values_list("name", flat=True)
        shown[_("Companies")] = ", ".join(companies)
    return shown


def ratio(part, whole, digits: int = 1) -> float | None:
    return round(100.0 * part / whole, digits) if whole else None
