"""manage.py load_demo: logins that work, the queues, a few hundred tickets in four languages, idempotent."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import Company, GroupGrant, Role, User
from tickets import permissions
from tickets.models import Article, Queue, Ticket, TicketHistory, TicketLink, TicketMerge

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
