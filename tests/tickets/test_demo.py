"""manage.py load_demo: logins that work, the queues, a few hundred tickets in four languages, idempotent."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Company, GroupGrant, Role, User
from tickets import permissions
from tickets.models import Article, Queue, Ticket, TicketHistory, TicketLink, TicketMerge, TicketSlaCheck

pytestmark = pytest.mark.django_db


def counts():
    models = [User, Company, Role, GroupGrant, Queue, Ticket, Article, TicketHistory, TicketLink, TicketMerge]
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.smoke
def test_load_demo_creates_a_usable_helpdesk_and_a_second_run_changes_nothing():
    out = StringIO()
    call_command("load_demo", stdout=out)
    output = out.getvalue()
    assert "demo credentials" in output
    for login in ("admin", "agent", "customer"):
        assert login in output
        assert authenticate(username=login, password="demo") is not None

    admin, agent, customer = (User.objects.get(username=n) for n in ("admin", "agent", "customer"))
    assert admin.is_superuser and admin.is_staff and admin.is_agent
    assert agent.is_agent and not agent.is_staff
    assert customer.is_customer and customer.company and customer.can_see_company_tickets

    names = set(Queue.objects.values_list("name", flat=True))
    assert {"1st level", "2nd level", "IT", "HR", "Facilities", "Sales", "Postmaster"} <= names
    assert Queue.objects.get(name="2nd level").parent.name == "1st level"
    assert Queue.objects.get(name="1st level").email_addresses == "support@demo.helpdesk.test"
    assert Queue.objects.filter(customer_selectable=True).exists()
    # The agent has rights on most queues, not all; the manager on all of them.
    agent_queues = set(permissions.queues_for(agent).values_list("name", flat=True))
    assert "IT" in agent_queues and "HR" not in agent_queues
    assert permissions.queues_for(User.objects.get(username="manager")).count() == len(names)

    assert Ticket.objects.count() >= 200
    bodies = " ".join(Article.objects.values_list("body_text", flat=True))
    assert re.search("[а-яё]", bodies)  # Russian
    assert re.search("[ąęłńśźż]", bodies)  # Polish
    assert re.search("[ěřůčš]", bodies)  # Czech
    assert "LaserJet" in bodies and "VPN" in bodies
    assert Ticket.objects.filter(is_locked=True).exists()
    assert Ticket.objects.filter(time_accounted__gt=0).exists()
    assert Article.objects.filter(is_visible_to_customer=False).exists()
    assert TicketMerge.objects.exists() and TicketLink.objects.exists()
    assert Ticket.objects.filter(customer__company=customer.company).exclude(customer=customer).exists()
    assert Ticket.objects.values("state").distinct().count() >= 5
    oldest = Ticket.objects.order_by("created").first().created
    newest = Ticket.objects.order_by("-created").first().created
    assert (newest - oldest).days >= 60

    before = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == before


def test_demo_tickets_went_through_the_services():
    call_command("load_demo", "--tickets", "30", stdout=StringIO())
    for ticket in Ticket.objects.all():
        assert ticket.history.filter(event="ticket_created").exists(), ticket
    assert TicketHistory.objects.filter(event="state_changed", actor__username__isnull=False).exists()


def test_demo_has_a_business_calendar_slas_with_due_times_and_tickets_in_warning_and_breached(client):
    from tickets.calendars import Calendar
    from tickets.demo.clocks import SHOWCASE
    from tickets.models import SLA, Priority, TicketClockSegment
    from tickets.queries import dashboard_counters, escalation_list
    from tickets.sla_display import BREACHED, WARNING, sla_panel

    call_command("load_demo", "--tickets", "30", stdout=StringIO())
    calendar = Calendar.objects.get(name="Demo office hours")
    assert calendar.time_zone == "Europe/Prague" and calendar.intervals.count() == 5
    assert calendar.holidays.filter(date__month=12, date__day=25).count() >= 2, "Christmas, from the holidays fill"
    gold = SLA.objects.get(name="Gold")
    assert (gold.first_response_minutes, gold.update_minutes, gold.solution_minutes) == (30, 120, 480)
    assert set(SLA.objects.values_list("calendar__name", flat=True)) == {"Demo office hours"}
    assert Company.objects.get(name="Globex Corporation").sla == gold
    assert Priority.objects.get(level=5).sla.name == "Premium"
    assert Queue.objects.get(name="IT").sla.name == "Premium"

    open_tickets = Ticket.objects.open().exclude(queue__name="Postmaster")
    assert open_tickets.exists() and not open_tickets.filter(sla__isnull=True).exists()
    assert not open_tickets.filter(solution_due__isnull=True).exists(), "every open ticket has its due times"
    for ticket in Ticket.objects.all():
        first = TicketClockSegment.objects.filter(ticket=ticket).order_by("started", "id").first()
        assert first is not None and first.started == ticket.created, "the timeline starts at the creation"

    statuses = {}
    for ticket in Ticket.objects.filter(pk__in=[t.pk for t in open_tickets]).select_related("queue", "state", "sla"):
        statuses[ticket.pk] = sla_panel(ticket).status
    assert WARNING in statuses.values() and BREACHED in statuses.values()
    showcase = [Article.objects.get(message_id=f"<demo-{i:04d}@demo.helpdesk.test>").ticket for i in SHOWCASE if i < 30]
    assert {statuses[t.pk] for t in showcase} == {WARNING, BREACHED}
    # The sweep's marks are set as it would have set them, so it does not notify about the past.
    marks = TicketSlaCheck.objects.all()
    assert marks.filter(first_response_warned_at__isnull=False, first_response_breached_at__isnull=True).exists()
    assert marks.filter(first_response_breached_at__isnull=False).exists()

    manager = User.objects.get(username="manager")
    due = list(escalation_list(manager))
    assert {t.pk for t in showcase} <= {t.pk for t in due}
    assert dashboard_counters(manager)["escalated"] == len(due)
    client.force_login(manager)
    breached = next(t for t in showcase if statuses[t.pk] == BREACHED)
    page = client.get(reverse("agent:ticket", args=[breached.pk])).content.decode()
    assert 'id="sla-panel"' in page and ">breached<" in page
