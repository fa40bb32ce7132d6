"""create_ticket: agents, customers, the system, and what customers may not decide."""

import pytest

from accounts.models import Permission
from tests.factories import AgentFactory, QueueFactory, grant, state
from tickets import events, permissions, services
from tickets.errors import InvalidChange, PermissionDenied
from tickets.message import Message
from tickets.models import Article, Ticket
from tickets.numbers import is_valid

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_agent_creates_a_ticket_with_its_first_article(agent, queue, customer, captured_events, committed):
    with committed():
        ticket = services.create_ticket(
            actor=agent,
            queue=queue,
            title=" Printer on fire ",
            customer=customer,
            message=Message(body_text="Smoke.", channel="phone"),
        )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert is_valid(ticket.number)
    assert (ticket.title, ticket.queue, ticket.state.name, ticket.priority.level) == (
        "Printer on fire",
        queue,
        "new",
        3,
    )
    assert (ticket.customer, ticket.company, ticket.version) == (customer, customer.company, 1)
    article = ticket.articles.get()
    assert (article.body_text, article.author, article.sender_type, article.channel) == (
        "Smoke.",
        agent,
        Article.Sender.AGENT,
        "phone",
    )
    entry = ticket.history.get()
    assert (entry.event, entry.actor, entry.field, entry.new_value) == ("ticket_created", agent, "queue", queue.name)
    assert [(e.name, e.ticket_id, e.actor_id, e.data["article_id"]) for e in captured_events] == [
        (events.TICKET_CREATED, ticket.pk, agent.pk, article.pk)
    ]


def test_agent_sets_owner_state_and_tags_at_creation(agent, second_agent, queue):
    ticket = services.create_ticket(
        actor=agent,
        queue=queue,
        title="Pre-sorted",
        owner=second_agent,
        state=state("closed successful"),
        tags=["VPN", " vpn ", "urgent"],
    )
    ticket.refresh_from_db()
    assert ticket.owner == second_agent
    assert ticket.closed_at is not None
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["urgent", "vpn"]
    assert ticket.articles.count() == 0


def test_owner_without_the_owner_right_is_refused(agent, readonly_agent, queue):
    with pytest.raises(PermissionDenied):
        services.create_ticket(actor=agent, queue=queue, title="x", owner=readonly_agent)
    assert not Ticket.objects.exists()


def test_empty_title_is_refused(agent, queue):
    with pytest.raises(InvalidChange):
        services.create_ticket(
            actor=agent,
            queue=queue,
            title="  ",
            message=Message(body_text="text"),
        )
    assert not Ticket.objects.exists()


def test_agent_needs_create_with_ro(queue):
    creator = AgentFactory(username="creator")
    grant(creator, queue, Permission.CREATE)
    with pytest.raises(PermissionDenied):
        services.create_ticket(actor=creator, queue=queue, title="x")
    grant(creator, queue, Permission.RO)
    services.create_ticket(actor=creator, queue=queue, title="x")
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("who", ["readonly_agent", "outsider_agent"])
def test_agents_without_create_right_cannot_create(request, who, queue):
    with pytest.raises(PermissionDenied):
        services.create_ticket(
            actor=request.getfixturevalue(who),
            queue=queue,
            title="x",
            message=Message(body_text="y"),
        )
    assert not Ticket.objects.exists()


def test_system_creates_for_a_customer(queue, customer):
    ticket = services.create_ticket(
        actor=None,
        queue=queue,
        title="By mail",
        customer=customer,
        message=Message(body_text="Hi"),
    )
    article = ticket.articles.get()
    assert (article.author, article.sender_type) == (customer, Article.Sender.CUSTOMER)
    assert ticket.history.get().actor is None


@pytest.mark.smoke
def test_customer_creates_only_in_customer_selectable_queues(customer, queue, other_queue):
    with pytest.raises(PermissionDenied):
        services.create_ticket(
            actor=customer,
            queue=other_queue,
            title="Help",
            message=Message(body_text="Please"),
        )
    assert not Ticket.objects.exists()
    inactive = QueueFactory(name="Closed desk", customer_selectable=True, is_active=False)
    with pytest.raises(PermissionDenied):
        services.create_ticket(
            actor=customer,
            queue=inactive,
            title="Help",
            message=Message(body_text="Please"),
        )
    ticket = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Help",
        message=Message(body_text="Please"),
    )
    assert ticket.customer == customer and ticket.company == customer.company


def test_customer_cannot_set_owner_state_tags_or_hide_the_article(customer, other_customer, agent, queue):
    ticket = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Help",
        message=Message(
            body_text="Please",
            author=agent,
            sender_type=Article.Sender.AGENT,
            is_visible_to_customer=False,
            time_minutes=90,
        ),
        owner=agent,
        responsible=agent,
        state=state("closed successful"),
        tags=["vip"],
        customer=other_customer,
        company=other_customer.company,
    )
    ticket.refresh_from_db()
    assert (ticket.owner, ticket.responsible, ticket.state.name) == (None, None, "new")
    assert (ticket.customer, ticket.company) == (customer, customer.company)
    assert not ticket.tags.exists()
    assert ticket.time_accounted == 0
    article = ticket.articles.get()
    assert (article.author, article.sender_type, article.is_visible_to_customer) == (
        customer,
        Article.Sender.CUSTOMER,
        True,
    )


def test_company_colleague_sees_the_ticket_only_with_the_company_right(customer, colleague, queue):
    ticket = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Help",
        message=Message(body_text="Please"),
    )
    assert not permissions.can(colleague, permissions.RO, ticket)
    assert not permissions.tickets_for(colleague).filter(pk=ticket.pk).exists()
    colleague.can_see_company_tickets = True
    colleague.save()
    assert permissions.can(colleague, permissions.RO, ticket)
    assert permissions.tickets_for(colleague).filter(pk=ticket.pk).exists()


def test_time_accounted_at_creation(agent, queue):
    ticket = services.create_ticket(
        actor=agent,
        queue=queue,
        title="Call",
        message=Message(body_text="Talked", time_minutes=15),
    )
    ticket.refresh_from_db()
    assert ticket.time_accounted == 15
    assert ticket.articles.get().time_accounted == 15


def test_html_from_mail_is_sanitised_at_creation(queue, customer):
    ticket = services.create_ticket(
        actor=None,
        queue=queue,
        title="HTML mail",
        customer=customer,
        message=Message(
            channel="email", body_html='<div>Hello<script>steal()</script><img src="cid:logo" onerror="x()"></div>'
        ),
    )
    html = ticket.articles.get().body_html
    assert "<script" not in html and "onerror" not in html and "steal()" not in html
    assert 'src="cid:logo"' in html, "inline images by Content-ID stay"
