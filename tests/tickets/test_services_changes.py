"""change_state, move_queue, assign_owner, set_responsible, lock, unlock and the simple setters."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Permission
from tests.factories import AgentFactory, grant, priority, state
from tests.tickets.helpers import last_history, snapshot
from tickets import events, services
from tickets.errors import InvalidChange, PermissionDenied, TicketLocked
from tickets.models import Category, CustomField, Ticket, TicketType

pytestmark = pytest.mark.django_db


def _reload(ticket):
    return Ticket.objects.get(pk=ticket.pk)


# --- change_state -----------------------------------------------------------------------------


@pytest.mark.smoke
def test_agent_changes_state_with_history_event_and_version(ticket, agent, captured_events, committed):
    with committed():
        services.change_state(ticket=ticket, actor=agent, state=state("open"), expected_version=1)

    fresh = _reload(ticket)
    assert fresh.state.name == "open"
    assert fresh.version == 2
    assert ticket.version == 2, "the caller's object shows the saved change"
    entry = last_history(ticket)
    assert (entry.event, entry.field, entry.old_value, entry.new_value, entry.actor) == (
        "state_changed",
        "state",
        "new",
        "open",
        agent,
    )
    assert [e.name for e in captured_events] == [events.STATE_CHANGED]
    assert captured_events[0].ticket_id == ticket.pk
    assert captured_events[0].actor_id == agent.pk
    assert captured_events[0].data["new"] == state("open").pk


def test_closing_sets_closed_at_and_releases_the_lock_reopening_clears_it(ticket, agent):
    services.lock(ticket=ticket, actor=agent)
    services.change_state(ticket=ticket, actor=agent, state=state("closed successful"))
    fresh = _reload(ticket)
    assert fresh.closed_at is not None
    assert not fresh.is_locked
    assert not fresh.is_open

    services.change_state(ticket=ticket, actor=agent, state=state("open"))
    fresh = _reload(ticket)
    assert fresh.closed_at is None
    assert fresh.is_open


def test_pending_state_keeps_its_date(ticket, agent):
    when = timezone.now() + timedelta(days=2)
    services.change_state(ticket=ticket, actor=agent, state=state("pending reminder"), pending_until=when)
    assert _reload(ticket).pending_until == when


def test_pending_state_without_a_date_gets_the_default_one(ticket, agent):
    """Not refused (issue 12): the next business day of the queue's calendar (tests/tickets/test_pending.py)."""
    services.change_state(ticket=ticket, actor=agent, state=state("pending reminder"))
    ticket.refresh_from_db()
    assert ticket.state.name == "pending reminder" and ticket.pending_until > timezone.now()


def test_merged_state_only_through_merge(ticket, agent):
    with pytest.raises(InvalidChange):
        services.change_state(ticket=ticket, actor=agent, state=state("merged"))
    assert _reload(ticket).state.name == "new"


def test_same_state_again_changes_nothing(ticket, agent):
    before = snapshot(ticket)
    services.change_state(ticket=ticket, actor=agent, state=state("new"))
    assert snapshot(ticket) == before


def test_customer_closes_and_reopens_own_ticket(ticket, customer):
    services.change_state(ticket=ticket, actor=customer, state=state("closed successful"))
    assert _reload(ticket).state.name == "closed successful"
    assert last_history(ticket).actor == customer
    services.change_state(ticket=ticket, actor=customer, state=state("open"))
    assert _reload(ticket).state.name == "open"


def test_customer_may_not_set_a_pending_or_spam_state(ticket, customer):
    before = snapshot(ticket)
    when = timezone.now() + timedelta(days=1)
    with pytest.raises(PermissionDenied):
        services.change_state(ticket=ticket, actor=customer, state=state("pending reminder"), pending_until=when)
    with pytest.raises(PermissionDenied):
        services.change_state(ticket=ticket, actor=customer, state=state("rejected as spam"))
    assert snapshot(ticket) == before


def test_company_colleague_sees_but_may_not_close_someone_elses_ticket(ticket, colleague):
    colleague.can_see_company_tickets = True
    colleague.save()
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        services.change_state(ticket=ticket, actor=colleague, state=state("closed successful"))
    assert snapshot(ticket) == before


def test_other_companys_customer_may_not_close(ticket, other_customer):
    with pytest.raises(PermissionDenied):
        services.change_state(ticket=ticket, actor=other_customer, state=state("closed successful"))
    assert _reload(ticket).state.name == "new"


def test_state_change_respects_another_agents_lock(ticket, agent, second_agent, admin_user):
    services.lock(ticket=ticket, actor=agent)
    before = snapshot(ticket)
    with pytest.raises(TicketLocked):
        services.change_state(ticket=ticket, actor=second_agent, state=state("open"))
    assert snapshot(ticket) == before
    services.change_state(ticket=ticket, actor=admin_user, state=state("open"))
    assert _reload(ticket).state.name == "open"


def test_system_changes_state_without_an_actor(ticket):
    services.change_state(ticket=ticket, actor=None, state=state("open"))
    entry = last_history(ticket)
    assert entry.actor is None and entry.new_value == "open"


# --- move_queue -------------------------------------------------------------------------------


def test_move_needs_move_into_on_both_queues(ticket, agent, queue, other_queue, captured_events, committed):
    grant(agent, other_queue, Permission.RO, Permission.MOVE_INTO)
    with committed():
        services.move_queue(ticket=ticket, actor=agent, queue=other_queue)
    assert _reload(ticket).queue == other_queue
    entry = last_history(ticket)
    assert (entry.event, entry.field, entry.old_value, entry.new_value) == (
        "queue_moved",
        "queue",
        queue.name,
        other_queue.name,
    )
    assert [e.name for e in captured_events] == [events.QUEUE_MOVED]
    assert _reload(ticket).version == 2


def test_move_into_a_queue_without_the_right_is_refused(ticket, agent, other_queue):
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        services.move_queue(ticket=ticket, actor=agent, queue=other_queue)
    assert snapshot(ticket) == before


def test_move_into_without_ro_on_the_target_is_refused(ticket, agent, other_queue):
    grant(agent, other_queue, Permission.MOVE_INTO)
    with pytest.raises(PermissionDenied):
        services.move_queue(ticket=ticket, actor=agent, queue=other_queue)


def test_move_releases_the_lock_of_an_owner_who_cannot_see_the_new_queue(ticket, agent, second_agent, other_queue):
    grant(agent, other_queue, Permission.RW)
    services.lock(ticket=ticket, actor=second_agent)
    # The ticket is locked by second_agent: agent cannot move it...
    with pytest.raises(TicketLocked):
        services.move_queue(ticket=ticket, actor=agent, queue=other_queue)
    # ...but the system can, and second_agent (no right on other_queue) loses the lock.
    services.move_queue(ticket=ticket, actor=None, queue=other_queue)
    fresh = _reload(ticket)
    assert fresh.queue == other_queue and not fresh.is_locked


# --- assign_owner -----------------------------------------------------------------------------


def test_assign_owner_writes_history_and_event(ticket, agent, second_agent, captured_events, committed):
    with committed():
        services.assign_owner(ticket=ticket, actor=agent, owner=second_agent, lock=True)
    fresh = _reload(ticket)
    assert fresh.owner == second_agent and fresh.is_locked and fresh.locked_at
    entry = last_history(ticket)
    assert (entry.event, entry.field, entry.old_value, entry.new_value, entry.actor) == (
        "owner_changed",
        "owner",
        "",
        str(second_agent),
        agent,
    )
    assert [(e.name, e.data["new"]) for e in captured_events] == [(events.OWNER_CHANGED, second_agent.pk)]


def test_assigning_the_current_owner_again_changes_nothing(ticket, agent, second_agent):
    services.assign_owner(ticket=ticket, actor=agent, owner=second_agent, lock=True)
    services.set_responsible(ticket=ticket, actor=agent, responsible=second_agent)
    before = snapshot(ticket)
    services.assign_owner(ticket=ticket, actor=agent, owner=second_agent)
    services.assign_owner(ticket=ticket, actor=agent, owner=second_agent, lock=True)
    services.set_responsible(ticket=ticket, actor=agent, responsible=second_agent)
    assert snapshot(ticket) == before


def test_a_merged_ticket_does_not_change_state(ticket, agent, customer, make_ticket):
    services.merge(source=ticket, target=make_ticket(), actor=agent)
    before = snapshot(ticket)
    with pytest.raises(InvalidChange):
        services.change_state(ticket=ticket, actor=agent, state=state("open"))
    with pytest.raises(InvalidChange):
        services.change_state(ticket=ticket, actor=customer, state=state("open"))
    assert snapshot(ticket) == before


def test_assigning_nobody_unlocks(ticket, agent):
    services.lock(ticket=ticket, actor=agent)
    services.assign_owner(ticket=ticket, actor=agent, owner=None)
    fresh = _reload(ticket)
    assert fresh.owner is None and not fresh.is_locked


def test_owner_must_hold_the_owner_right(ticket, agent, readonly_agent, customer):
    before = snapshot(ticket)
    with pytest.raises(InvalidChange):
        services.assign_owner(ticket=ticket, actor=agent, owner=readonly_agent)
    with pytest.raises(InvalidChange):
        services.assign_owner(ticket=ticket, actor=agent, owner=customer)
    assert snapshot(ticket) == before


def test_reassigning_a_locked_ticket_needs_rw(ticket, queue, second_agent, agent):
    dispatcher = AgentFactory(username="dispatcher")
    grant(dispatcher, queue, Permission.RO, Permission.OWNER)
    services.lock(ticket=ticket, actor=second_agent)
    before = snapshot(ticket)
    with pytest.raises(TicketLocked):
        services.assign_owner(ticket=ticket, actor=dispatcher, owner=dispatcher)
    assert snapshot(ticket) == before
    services.assign_owner(ticket=ticket, actor=agent, owner=agent, lock=True)
    assert _reload(ticket).owner == agent


# --- set_responsible --------------------------------------------------------------------------


def test_set_responsible(ticket, agent, readonly_agent, captured_events, committed):
    with committed():
        services.set_responsible(ticket=ticket, actor=agent, responsible=readonly_agent)
    assert _reload(ticket).responsible == readonly_agent
    entry = last_history(ticket)
    assert (entry.event, entry.new_value) == ("responsible_changed", str(readonly_agent))
    assert [e.name for e in captured_events] == [events.RESPONSIBLE_CHANGED]


def test_responsible_must_see_the_ticket(ticket, agent, outsider_agent, customer):
    before = snapshot(ticket)
    for who in (outsider_agent, customer):
        with pytest.raises(InvalidChange):
            services.set_responsible(ticket=ticket, actor=agent, responsible=who)
    assert snapshot(ticket) == before


# --- lock / unlock ----------------------------------------------------------------------------


@pytest.mark.smoke
def test_lock_makes_the_agent_owner_and_unlock_releases(ticket, agent, captured_events, committed):
    with committed():
        services.lock(ticket=ticket, actor=agent)
    fresh = _reload(ticket)
    assert fresh.is_locked and fresh.owner == agent and fresh.locked_at
    assert list(ticket.history.values_list("event", flat=True))[-2:] == ["locked", "owner_changed"]
    with committed():
        services.unlock(ticket=ticket, actor=agent)
    fresh = _reload(ticket)
    assert not fresh.is_locked and fresh.owner == agent
    assert last_history(ticket).event == "unlocked"
    assert [(e.name, e.data["locked"]) for e in captured_events] == [
        (events.LOCK_CHANGED, True),
        (events.LOCK_CHANGED, False),
    ]
    assert fresh.version == 3


def test_locking_twice_is_harmless(ticket, agent):
    services.lock(ticket=ticket, actor=agent)
    before = snapshot(ticket)
    services.lock(ticket=ticket, actor=agent)
    assert snapshot(ticket) == before


def test_lock_held_by_another_agent_is_refused(ticket, agent, second_agent):
    services.lock(ticket=ticket, actor=agent)
    before = snapshot(ticket)
    with pytest.raises(TicketLocked):
        services.lock(ticket=ticket, actor=second_agent)
    assert snapshot(ticket) == before


def test_only_agents_with_owner_right_lock(ticket, customer, readonly_agent):
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        services.lock(ticket=ticket, actor=customer)
    with pytest.raises(PermissionDenied):
        services.lock(ticket=ticket, actor=readonly_agent)
    with pytest.raises(PermissionDenied):
        services.lock(ticket=ticket, actor=None)
    assert snapshot(ticket) == before


def test_unlocking_someone_elses_lock_needs_rw(ticket, agent, second_agent, queue):
    helper = AgentFactory(username="helper")
    grant(helper, queue, Permission.RO, Permission.OWNER)
    services.lock(ticket=ticket, actor=agent)
    with pytest.raises(PermissionDenied):
        services.unlock(ticket=ticket, actor=helper)
    assert _reload(ticket).is_locked
    services.unlock(ticket=ticket, actor=second_agent)
    assert not _reload(ticket).is_locked


def test_system_unlocks(ticket, agent):
    services.lock(ticket=ticket, actor=agent)
    services.unlock(ticket=ticket, actor=None)
    assert not _reload(ticket).is_locked
    assert last_history(ticket).actor is None


# --- simple setters ---------------------------------------------------------------------------


def test_set_priority_needs_the_priority_right(ticket, queue, readonly_agent, captured_events, committed):
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        services.set_priority(ticket=ticket, actor=readonly_agent, priority=priority(5))
    assert snapshot(ticket) == before
    grant(readonly_agent, queue, Permission.PRIORITY)
    with committed():
        services.set_priority(ticket=ticket, actor=readonly_agent, priority=priority(5))
    assert _reload(ticket).priority.level == 5
    assert _reload(ticket).version == 2
    assert [(e.name, e.data["new"]) for e in captured_events] == [(events.PRIORITY_CHANGED, priority(5).pk)]
    entry = last_history(ticket)
    assert (entry.event, entry.field, entry.old_value, entry.new_value) == (
        events.PRIORITY_CHANGED,
        "priority",
        "3 normal",
        "5 very high",
    )


def test_set_category_and_type(ticket, agent, captured_events, committed):
    category = Category.objects.create(name="Hardware")
    kind = TicketType.objects.get(name="Incident")
    with committed():
        services.set_category(ticket=ticket, actor=agent, category=category)
        services.set_type(ticket=ticket, actor=agent, type=kind)
    fresh = _reload(ticket)
    assert (fresh.category, fresh.type, fresh.version) == (category, kind, 3)
    assert [(h.field, h.new_value) for h in ticket.history.order_by("id")][-2:] == [
        ("category", "Hardware"),
        ("type", "Incident"),
    ]
    assert [e.name for e in captured_events] == [events.CATEGORY_CHANGED, events.TYPE_CHANGED]


def test_set_title(ticket, agent, captured_events, committed):
    with committed():
        services.set_title(ticket=ticket, actor=agent, title="  Printer fixed  ")
    fresh = _reload(ticket)
    assert (fresh.title, fresh.version) == ("Printer fixed", 2)
    entry = last_history(ticket)
    assert (entry.event, entry.actor, entry.old_value, entry.new_value) == (
        "title_changed",
        agent,
        "Printer on fire",
        "Printer fixed",
    )
    assert [(e.name, e.actor_id) for e in captured_events] == [("title_changed", agent.pk)]


def test_empty_title_is_refused(ticket, agent):
    before = snapshot(ticket)
    with pytest.raises(InvalidChange):
        services.set_title(ticket=ticket, actor=agent, title="   ")
    assert snapshot(ticket) == before


def test_custom_fields_are_typed(ticket, agent, captured_events, committed):
    seats = CustomField.objects.create(name="seats", label="Seats", kind=CustomField.Kind.NUMBER)
    due = CustomField.objects.create(name="due", label="Due", kind=CustomField.Kind.DATE)
    tier = CustomField.objects.create(name="tier", label="Tier", kind=CustomField.Kind.CHOICE, choices=["gold"])
    with committed():
        services.set_custom_field(ticket=ticket, actor=agent, field=seats, value="12")
    services.set_custom_field(ticket=ticket, actor=agent, field=due, value="2026-12-24")
    services.set_custom_field(ticket=ticket, actor=agent, field=tier, value="gold")
    values = {v.field.name: v.value for v in ticket.field_values.select_related("field")}
    assert values == {"seats": Decimal("12"), "due": date(2026, 12, 24), "tier": "gold"}
    assert last_history(ticket).field == "tier"
    assert captured_events[0].name == events.FIELD_CHANGED
    before = snapshot(ticket)
    for field, value in ((seats, "many"), (due, "24.12.2026"), (tier, "bronze")):
        with pytest.raises(InvalidChange):
            services.set_custom_field(ticket=ticket, actor=agent, field=field, value=value)
    assert snapshot(ticket) == before


def test_setting_a_custom_field_to_its_current_value_writes_no_history(ticket, agent):
    seats = CustomField.objects.create(name="seats", label="Seats", kind=CustomField.Kind.NUMBER)
    services.set_custom_field(ticket=ticket, actor=agent, field=seats, value="12")
    before = snapshot(ticket)
    services.set_custom_field(ticket=ticket, actor=agent, field=seats, value="12.0")
    assert snapshot(ticket) == before
    services.set_custom_field(ticket=ticket, actor=agent, field=seats, value="13")
    assert last_history(ticket).new_value == "13"


@pytest.mark.parametrize(
    "change",
    [
        lambda t, a: services.set_priority(ticket=t, actor=a, priority=priority(5)),
        lambda t, a: services.set_title(ticket=t, actor=a, title="Renamed"),
        lambda t, a: services.set_custom_field(
            ticket=t, actor=a, field=CustomField.objects.get_or_create(name="tier", label="Tier")[0], value="gold"
        ),
    ],
    ids=["priority", "title", "custom field"],
)
def test_field_changes_respect_another_agents_lock(ticket, agent, second_agent, admin_user, change):
    services.lock(ticket=ticket, actor=agent)
    before = snapshot(ticket)
    with pytest.raises(TicketLocked):
        change(ticket, second_agent)
    assert snapshot(ticket) == before
    change(ticket, agent)
    assert snapshot(ticket) != before
