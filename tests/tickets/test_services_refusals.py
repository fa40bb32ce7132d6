"""Every service function, refused: no right, a stale form. A refusal changes nothing and writes no history."""

import pytest

from accounts.models import Permission
from tests.factories import grant, priority, state
from tests.tickets.helpers import snapshot
from tickets import services
from tickets.errors import PermissionDenied, StaleTicket
from tickets.message import Message
from tickets.models import Category, CustomField, Ticket, TicketType

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(ticket, agent, make_ticket, other_queue):
    services.tag(ticket=ticket, actor=agent, names=["keep"])
    services.watch(ticket=ticket, actor=agent)
    other = make_ticket(title="Other")
    services.link(source=ticket, target=other, kind="related", actor=agent)
    entry = services.add_time_entry(ticket=ticket, actor=agent, minutes=5)
    ticket.refresh_from_db()
    return {
        "ticket": ticket,
        "agent": agent,
        "other": other,
        "other_queue": other_queue,
        "article": ticket.articles.first(),
        "field": CustomField.objects.create(name="seats", label="Seats", kind=CustomField.Kind.NUMBER),
        "category": Category.objects.create(name="Hardware"),
        "entry": entry,
    }


# name -> call(ctx, actor, **extra); every call would change the ticket if it were allowed.
CALLS = {
    "change_state": lambda c, a, **kw: services.change_state(ticket=c["ticket"], actor=a, state=state("open"), **kw),
    "move_queue": lambda c, a, **kw: services.move_queue(ticket=c["ticket"], actor=a, queue=c["other_queue"], **kw),
    "assign_owner": lambda c, a, **kw: services.assign_owner(ticket=c["ticket"], actor=a, owner=c["agent"], **kw),
    "set_responsible": lambda c, a, **kw: services.set_responsible(
        ticket=c["ticket"], actor=a, responsible=c["agent"], **kw
    ),
    "lock": lambda c, a, **kw: services.lock(ticket=c["ticket"], actor=a, **kw),
    "set_priority": lambda c, a, **kw: services.set_priority(ticket=c["ticket"], actor=a, priority=priority(5), **kw),
    "set_category": lambda c, a, **kw: services.set_category(ticket=c["ticket"], actor=a, category=c["category"], **kw),
    "set_type": lambda c, a, **kw: services.set_type(
        ticket=c["ticket"], actor=a, type=TicketType.objects.get(name="Problem"), **kw
    ),
    "set_title": lambda c, a, **kw: services.set_title(ticket=c["ticket"], actor=a, title="Renamed", **kw),
    "set_custom_field": lambda c, a, **kw: services.set_custom_field(
        ticket=c["ticket"], actor=a, field=c["field"], value=3, **kw
    ),
    "account_time": lambda c, a, **kw: services.account_time(ticket=c["ticket"], actor=a, minutes=5, **kw),
    "add_time_entry": lambda c, a, **kw: services.add_time_entry(ticket=c["ticket"], actor=a, minutes=5, **kw),
    "tag": lambda c, a, **kw: services.tag(ticket=c["ticket"], actor=a, names=["new"], **kw),
    "untag": lambda c, a, **kw: services.untag(ticket=c["ticket"], actor=a, names=["keep"], **kw),
    "link": lambda c, a, **kw: services.link(source=c["ticket"], target=c["other"], kind="duplicate", actor=a, **kw),
    "unlink": lambda c, a, **kw: services.unlink(source=c["ticket"], target=c["other"], kind="related", actor=a, **kw),
    "merge": lambda c, a, **kw: services.merge(source=c["ticket"], target=c["other"], actor=a, **kw),
}
# Without a version check (they do not overwrite what someone else typed):
NO_VERSION = {
    # An article only adds: two agents replying at once both keep their reply.
    "add_article": lambda c, a: services.add_article(
        ticket=c["ticket"],
        actor=a,
        message=Message(channel="note", body_text="x", is_visible_to_customer=False),
    ),
    # A customer's follow-up only adds, too.
    "follow_up": lambda c, a: services.follow_up(ticket=c["ticket"], actor=a, message=Message(body_text="x")),
    # Only the ticket's customer rates (and only a closed ticket).
    "rate_ticket": lambda c, a: services.rate_ticket(ticket=c["ticket"], actor=a, score=5),
    # Reply and set the next state: the article is kept even when the state collides (test_concurrent_replies).
    "reply": lambda c, a: services.reply(
        ticket=c["ticket"], actor=a, message=Message(channel="email", body_text="x"), next_state=state("open")
    ),
    "unlock": lambda c, a: services.unlock(ticket=c["ticket"], actor=a),
    "watch": lambda c, a: services.watch(ticket=c["ticket"], actor=a, user=c["agent"]),
    "unwatch": lambda c, a: services.unwatch(ticket=c["ticket"], actor=a, user=c["agent"]),
    "split_article_to_ticket": lambda c, a: services.split_article_to_ticket(article=c["article"], actor=a),
    # A time entry is changed by its author (or an administrator), whatever else changed on the ticket.
    "edit_time_entry": lambda c, a: services.edit_time_entry(entry=c["entry"], actor=a, minutes=50),
    "delete_time_entry": lambda c, a: services.delete_time_entry(entry=c["entry"], actor=a),
}


def test_the_tables_cover_every_service_function():
    # auto_close is the system's own (no actor to refuse): tests/tickets/test_pending.py.
    assert set(CALLS) | set(NO_VERSION) | {"create_ticket", "open_ticket", "auto_close"} == set(services.__all__)


def test_only_an_agent_with_the_create_right_opens_a_ticket_for_a_customer(ctx, request, customer, queue):
    for who in ("outsider_agent", "other_customer", "readonly_agent"):
        with pytest.raises(PermissionDenied):
            services.open_ticket(
                actor=request.getfixturevalue(who),
                queue=queue,
                title="Call",
                message=Message(channel="phone", body_text="x"),
                customer=customer,
            )
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("name", sorted([*CALLS, *NO_VERSION]))
def test_without_a_right_nothing_changes(request, ctx, name):
    if name == "unlock":
        services.lock(ticket=ctx["ticket"], actor=ctx["agent"])
    before, other_before = snapshot(ctx["ticket"]), snapshot(ctx["other"])
    tickets_before = Ticket.objects.count()
    call = CALLS.get(name) or NO_VERSION[name]
    for who in ("outsider_agent", "other_customer", "readonly_agent"):
        with pytest.raises(PermissionDenied):
            call(ctx, request.getfixturevalue(who))
        assert snapshot(ctx["ticket"]) == before, who
        assert snapshot(ctx["other"]) == other_before, who
        assert Ticket.objects.count() == tickets_before, who


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_stale_form_is_refused(ctx, name, agent, other_queue):
    grant(agent, other_queue, Permission.RW)
    ticket = ctx["ticket"]
    stale = ticket.version - 1
    before = snapshot(ticket)
    with pytest.raises(StaleTicket):
        CALLS[name](ctx, agent, expected_version=stale)
    assert snapshot(ticket) == before
    # The same call with the current version goes through.
    CALLS[name](ctx, agent, expected_version=ticket.version)
    assert snapshot(ticket) != before


@pytest.mark.parametrize("who", ["outsider_agent", "other_customer", "readonly_agent"])
def test_create_ticket_without_a_right_creates_nothing(request, queue, other_queue, who):
    actor = request.getfixturevalue(who)
    target = other_queue if who == "other_customer" else queue
    with pytest.raises(PermissionDenied):
        services.create_ticket(
            actor=actor,
            queue=target,
            title="x",
            message=Message(body_text="y"),
        )
    assert not Ticket.objects.exists()
