"""What every report is narrowed by: a period, queues, agents, companies; and the tickets it may count.

A report counts only tickets the viewer may see (tickets.permissions.tickets_for), whatever the filters say.
The period is whole days in the viewer's time zone, both ends included.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet

from accounts.models import User
from tickets.models import Ticket
from tickets.permissions import tickets_for


@dataclass(frozen=True)
class ReportFilters:
    start: date
    end: date  # included
    tz: str = "UTC"  # the viewer's time zone: days, weeks and months are cut there
    queue_ids: tuple[int, ...] = ()
    agent_ids: tuple[int, ...] = ()  # the tickets' owners (per-agent reports: the agents shown)
    company_ids: tuple[int, ...] = ()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.tz)

    @property
    def since(self) -> datetime:
        """The period's first moment, aware."""
        return datetime.combine(self.start, time.min, tzinfo=self.zone)

    @property
    def until(self) -> datetime:
        """The moment after the period (exclusive bound), aware."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=self.zone)


def scoped_tickets(viewer: User, filters: ReportFilters) -> QuerySet[Ticket]:
    """The tickets the viewer may see, narrowed by queue, owner and company (not by the period: each
    report decides which date falls in it: created, closed, worked on...)."""
    tickets = tickets_for(viewer)
    if filters.queue_ids:
        tickets = tickets.filter(queue_id__in=filters.queue_ids)
    if filters.agent_ids:
        tickets = tickets.filter(owner_id__in=filters.agent_ids)
    if filters.company_ids:
        tickets = tickets.filter(company_id__in=filters.company_ids)
    return tickets
