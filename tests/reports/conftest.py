"""A small helpdesk whose report numbers are computed by hand (the comments give each one).

Calendar: Monday to Friday 09:00-17:00 UTC (the default). The week of 2026-03-02 (a Monday).
Queues "1st level" (SLA Gold: first response 120, solution 600 business minutes) and "2nd level".
Agents Anna Alpha and Boris Beta (rw on both); Rita (ro on 1st level only) sees only its tickets.
Customers alice (Acme) and bob (Globex).

ticket queue company channel created    owner  first response   closed           rating  time entries (worked on)
T1     1st   Acme    web     Mon 10:00  Anna   Mon 11:00 = 60   Tue 10:00 = 480  5       Anna 30 billable (Mon)
T2     1st   Acme    web     Mon 16:00  Boris  Tue 10:30 = 150  Wed 11:00 = 660  3 Slow  Boris 45 not billable (Tue)
T3     2nd   Globex  web     Tue 09:00  Anna   Tue 09:30 = 30   Tue 13:00 = 240  4       Anna 60 billable (Tue)
T4     1st   Acme    phone   Wed 09:00  Anna   -                open             -
T5     2nd   Globex  web     Thu 10:00  -      -                open             -
Tags: T1 printer, urgent; T2 printer. SLA: T1 met; T2 missed both clocks (150 > 120, 660 > 600); the rest have
no SLA or are open. All of it in the past of "now": Monday 2026-03-09 12:00.
"""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine

from accounts.models import Permission
from reports.filters import ReportFilters
from tests.factories import AdminFactory, AgentFactory, CompanyFactory, CustomerFactory, QueueFactory, grant, state
from tickets import services
from tickets.calendars import Calendar, WorkingInterval
from tickets.message import Message
from tickets.models import SLA, TimeEntry
from tickets.services import create_ticket

NOW = datetime(2026, 3, 9, 12, tzinfo=UTC)
WEEK = ReportFilters(start=date(2026, 3, 2), end=date(2026, 3, 8))


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def build_world():
    calendar = Calendar.objects.create(name="Office", time_zone="UTC", is_default=True)
    for weekday in range(5):
        WorkingInterval.objects.create(calendar=calendar, weekday=weekday, start=time(9), end=time(17))
    gold = SLA.objects.create(name="Gold", first_response_minutes=120, solution_minutes=600)
    first = QueueFactory(name="1st level", customer_selectable=True, sla=gold)
    second = QueueFactory(name="2nd level", customer_selectable=True)
    anna = AgentFactory(username="anna", first_name="Anna", last_name="Alpha")
    boris = AgentFactory(username="boris", first_name="Boris", last_name="Beta")
    rita = AgentFactory(username="rita", first_name="Rita", last_name="Read")
    for agent in (anna, boris):
        grant(agent, first, Permission.RW)
        grant(agent, second, Permission.RW)
    grant(rita, first, Permission.RO)
    admin = AdminFactory(username="root", first_name="Root", last_name="Admin")
    acme, globex = CompanyFactory(name="Acme"), CompanyFactory(name="Globex")
    alice = CustomerFactory(username="alice", company=acme)
    bob = CustomerFactory(username="bob", company=globex)

    def filed(customer, queue, when):
        with time_machine.travel(when, tick=False):
            return services.create_ticket(
                actor=customer, queue=queue, title="Help", message=Message(body_text="Help me.", channel="web")
            )

    def owned(ticket, owner, when):
        with time_machine.travel(when, tick=False):
            services.assign_owner(ticket=ticket, actor=admin, owner=owner)

    def answered(ticket, agent, when):
        with time_machine.travel(when, tick=False):
            services.add_article(ticket=ticket, actor=agent, message=Message(body_text="Done?", channel="email"))

    def closed(ticket, agent, when):
        with time_machine.travel(when, tick=False):
            services.change_state(ticket=ticket, actor=agent, state=state("closed successful"))

    def rated(ticket, customer, score, when, comment=""):
        with time_machine.travel(when, tick=False):
            services.rate_ticket(ticket=ticket, actor=customer, score=score, comment=comment)

    def worked(ticket, author, minutes, day, billable=True):
        TimeEntry.objects.create(
            ticket=ticket, author=author, worked_on=date(2026, 3, day), minutes=Decimal(minutes), billable=billable
        )

    t1 = filed(alice, first, at(2, 10))
    owned(t1, anna, at(2, 10, 5))
    answered(t1, anna, at(2, 11))
    closed(t1, anna, at(3, 10))
    rated(t1, alice, 5, at(3, 12), "Great")
    worked(t1, anna, 30, 2)
    with time_machine.travel(at(2, 10, 6), tick=False):
        services.tag(ticket=t1, actor=anna, names=["printer", "urgent"])

    t2 = filed(alice, first, at(2, 16))
    owned(t2, boris, at(2, 16, 5))
    answered(t2, boris, at(3, 10, 30))
    closed(t2, boris, at(4, 11))
    rated(t2, alice, 3, at(4, 12), "Slow")
    worked(t2, boris, 45, 3, billable=False)
    with time_machine.travel(at(2, 16, 6), tick=False):
        services.tag(ticket=t2, actor=boris, names=["printer"])

    t3 = filed(bob, second, at(3, 9))
    owned(t3, anna, at(3, 9, 5))
    answered(t3, anna, at(3, 9, 30))
    closed(t3, anna, at(3, 13))
    rated(t3, bob, 4, at(3, 14))
    worked(t3, anna, 60, 3)

    with time_machine.travel(at(4, 9), tick=False):
        t4 = services.create_ticket(
            actor=anna,
            queue=first,
            title="Phone call",
            customer=alice,
            owner=anna,
            message=Message(body_text="Called.", channel="phone", is_visible_to_customer=False),
        )
    t5 = filed(bob, second, at(5, 10))
    return SimpleNamespace(**locals())


@pytest.fixture
def world(db):
    built = build_world()
    with time_machine.travel(NOW, tick=False):
        yield built


# Report pages: viewers and a few tickets created at known moments.


@pytest.fixture
def reporter(queue):
    """An agent with rw and the reports right on `queue`'s group."""
    user = AgentFactory(username="rex", email="rex@support.example.com")
    grant(user, queue, Permission.RW, Permission.REPORTS)
    return user


@pytest.fixture
def other_reporter(other_queue):
    """A report viewer whose rights are on the other queue only."""
    user = AgentFactory(username="olga", email="olga@support.example.com")
    grant(user, other_queue, Permission.RW, Permission.REPORTS)
    return user


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


def make_ticket(actor, queue, when: datetime, title="Printer on fire"):
    with time_machine.travel(when, tick=False):
        return create_ticket(actor=actor, queue=queue, title=title, message=Message(body_text="x", channel="phone"))


@pytest.fixture
def november(admin_user, queue, other_queue):
    """Three tickets in `queue` (1 and 2 Nov and 2 Oct) and two in `other_queue` (1 Nov), created by an admin."""
    return [
        make_ticket(admin_user, queue, datetime(2026, 11, 1, 10, tzinfo=UTC)),
        make_ticket(admin_user, queue, datetime(2026, 11, 2, 10, tzinfo=UTC)),
        make_ticket(admin_user, queue, datetime(2026, 10, 2, 10, tzinfo=UTC)),
        make_ticket(admin_user, other_queue, datetime(2026, 11, 1, 11, tzinfo=UTC)),
        make_ticket(admin_user, other_queue, datetime(2026, 11, 1, 12, tzinfo=UTC)),
    ]


NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}
COUNT_BY_QUEUE = {"metric": "count", "by": "queue", **NOVEMBER}
