"""Time entries: each piece of work is a row; the ticket's total is their sum; their author or an administrator
changes them, with history and events; a locked period refuses every change; a merge takes them along; the
time accounted before entries existed became entries (the data migration)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.models import Permission, User
from tests.factories import AdminFactory, AgentFactory, CompanyFactory, CustomerFactory, RoleFactory, grant
from tickets import events, permissions, services
from tickets.errors import InvalidChange, PermissionDenied, TimeLocked
from tickets.message import Message
from tickets.models import Article, Ticket, TicketHistory, TimeEntry, TimeLock

pytestmark = pytest.mark.django_db

# 23:30 UTC on 2 November is already 3 November in Tokyo.
LATE_EVENING = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)


def reload(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def total(ticket):
    return reload(ticket).time_accounted


def entries(ticket):
    return list(
        TimeEntry.objects.filter(ticket=ticket)
        .order_by("pk")
        .values_list("author__username", "worked_on", "minutes", "billable", "note", "article_id")
    )


# --- adding ------------------------------------------------------------------------------------


def test_accounting_time_makes_an_entry_on_today_in_the_agents_time_zone(ticket, agent, captured_events, committed):
    agent.timezone = "Asia/Tokyo"
    agent.save()
    with time_machine.travel(LATE_EVENING, tick=False), committed():
        entry = services.add_time_entry(
            ticket=ticket, actor=agent, minutes="12.5", billable=False, note=" Remote\nfix "
        )
    assert entries(ticket) == [("anna", date(2026, 11, 3), Decimal("12.5"), False, "Remote fix", None)]
    assert total(ticket) == Decimal("12.5")
    history = ticket.history.filter(event="time_accounted").get()
    assert (history.actor, history.new_value) == (agent, "12.5")
    accounted = [e for e in captured_events if e.name == events.TIME_ACCOUNTED]
    assert [(e.data["minutes"], e.data["entry_id"]) for e in accounted] == [("12.5", entry.pk)]


def test_account_time_keeps_its_signature_and_books_on_a_given_day_and_article(ticket, agent):
    article = ticket.articles.get()
    returned = services.account_time(
        ticket=ticket, actor=agent, minutes=15, article=article, worked_on=date(2026, 10, 5)
    )
    assert returned is ticket and ticket.time_accounted == 15
    assert entries(ticket) == [("anna", date(2026, 10, 5), Decimal("15"), True, "", article.pk)]
    assert Article.objects.get(pk=article.pk).time_accounted == 15


def test_an_article_written_with_time_makes_its_entry(ticket, agent, queue, customer):
    with time_machine.travel(LATE_EVENING, tick=False):
        note = services.add_article(
            ticket=ticket,
            actor=agent,
            message=Message(channel="note", body_text="Fixed", is_visible_to_customer=False, time_minutes=20),
        )
        created = services.create_ticket(
            actor=agent, queue=queue, title="Call", customer=customer, message=Message(body_text="x", time_minutes=7)
        )
    assert entries(ticket) == [("anna", date(2026, 11, 2), Decimal("20"), True, "", note.pk)]
    assert entries(created) == [("anna", date(2026, 11, 2), Decimal("7"), True, "", created.articles.get().pk)]
    assert (total(ticket), total(created)) == (20, 7)


def test_customers_account_no_time(ticket, customer):
    with pytest.raises(PermissionDenied):
        services.add_time_entry(ticket=ticket, actor=customer, minutes=5)
    services.add_article(ticket=ticket, actor=customer, message=Message(body_text="thanks", time_minutes=30))
    assert (entries(ticket), total(ticket)) == ([], 0)


@pytest.mark.parametrize("minutes", ["0", "-1", "abc", "1000000", "0.001"])
def test_a_bad_number_of_minutes_is_refused_and_nothing_is_written(ticket, agent, minutes):
    with pytest.raises(InvalidChange):
        services.add_time_entry(ticket=ticket, actor=agent, minutes=minutes)
    assert (entries(ticket), total(ticket)) == ([], 0)


def test_a_note_longer_than_the_column_is_refused(ticket, agent):
    with pytest.raises(InvalidChange, match="500 characters"):
        services.add_time_entry(ticket=ticket, actor=agent, minutes=5, note="x" * 501)
    assert entries(ticket) == []


# --- editing and deleting ------------------------------------------------------------------------


@pytest.fixture
def entry(ticket, agent):
    return services.add_time_entry(ticket=ticket, actor=agent, minutes=30, worked_on=date(2026, 11, 2), note="call")


def test_the_author_edits_an_entry_with_history_and_event(ticket, agent, entry, captured_events, committed):
    article = ticket.articles.get()
    services.account_time(ticket=ticket, actor=agent, minutes=10, article=article, worked_on=date(2026, 11, 2))
    on_article = TimeEntry.objects.get(article=article)
    with committed():
        services.edit_time_entry(
            entry=entry, actor=agent, minutes=45, worked_on=date(2026, 11, 3), billable=False, note="long call"
        )
        services.edit_time_entry(entry=on_article, actor=agent, minutes=4)
    assert entries(ticket) == [
        ("anna", date(2026, 11, 3), Decimal("45"), False, "long call", None),
        ("anna", date(2026, 11, 2), Decimal("4"), True, "", article.pk),
    ]
    assert total(ticket) == 49
    assert Article.objects.get(pk=article.pk).time_accounted == 4
    changes = list(
        ticket.history.filter(event="time_entry_changed").order_by("pk").values_list("actor", "old_value", "new_value")
    )
    assert changes == [
        (agent.pk, "30.00 min, 2026-11-02, billable", "45.00 min, 2026-11-03, not billable"),
        (agent.pk, "10.00 min, 2026-11-02, billable", "4.00 min, 2026-11-02, billable"),
    ]
    changed = [(e.data["entry_id"], e.data["minutes"]) for e in captured_events if e.name == events.TIME_ENTRY_CHANGED]
    assert changed == [(entry.pk, "15.00"), (on_article.pk, "-6.00")]


def test_an_edit_that_changes_nothing_writes_nothing(ticket, agent, entry):
    version = reload(ticket).version
    services.edit_time_entry(entry=entry, actor=agent, minutes=30, note="call")
    assert reload(ticket).version == version
    assert not ticket.history.filter(event="time_entry_changed").exists()


def test_the_author_deletes_an_entry_and_its_minutes_leave_the_total(ticket, agent, entry, captured_events, committed):
    services.add_time_entry(ticket=ticket, actor=agent, minutes=5)
    with committed():
        services.delete_time_entry(entry=entry, actor=agent)
    assert [row[2] for row in entries(ticket)] == [Decimal("5")]
    assert total(ticket) == 5
    deleted = ticket.history.get(event="time_entry_deleted")
    assert (deleted.actor, deleted.old_value, deleted.new_value) == (agent, "30.00 min, 2026-11-02, billable", "")
    assert [e.data["entry_id"] for e in captured_events if e.name == events.TIME_ENTRY_DELETED] == [entry.pk]


def test_an_administrator_changes_anyones_entry_but_a_colleague_does_not(ticket, entry, second_agent, admin_user):
    for attempt in (
        lambda: services.edit_time_entry(entry=entry, actor=second_agent, minutes=1),
        lambda: services.delete_time_entry(entry=entry, actor=second_agent),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert total(ticket) == 30
    services.edit_time_entry(entry=entry, actor=admin_user, minutes=20)
    assert ticket.history.get(event="time_entry_changed").actor == admin_user
    services.delete_time_entry(entry=entry, actor=admin_user)
    assert (entries(ticket), total(ticket)) == ([], 0)


# --- who may change an entry: the matrix ----------------------------------------------------------

# subject -> may change (own entry, a colleague's entry) on a ticket of the granted queue
EDITORS = {
    "admin": (True, True),
    "inactive_admin": (False, False),
    "author_with_rw": (True, False),
    "author_with_note_and_ro": (True, False),
    "author_with_note_via_role": (True, False),
    "author_with_ro_only": (False, False),
    "author_with_note_alone": (False, False),
    "author_without_grant": (False, False),
    "inactive_author_with_rw": (False, False),
    "customer_of_the_ticket": (False, False),
    "anonymous": (False, False),
}


def _subject(name, queue, customer):
    if name == "anonymous":
        return AnonymousUser()
    if name == "customer_of_the_ticket":
        return customer
    if name.endswith("admin"):
        return AdminFactory(username="root", is_active=name == "admin")
    user = AgentFactory(username="subject", is_active=not name.startswith("inactive"))
    rights = {
        "author_with_rw": ("direct", [Permission.RW]),
        "inactive_author_with_rw": ("direct", [Permission.RW]),
        "author_with_note_and_ro": ("direct", [Permission.NOTE, Permission.RO]),
        "author_with_note_via_role": ("role", [Permission.NOTE, Permission.RO]),
        "author_with_ro_only": ("direct", [Permission.RO]),
        "author_with_note_alone": ("direct", [Permission.NOTE]),
        "author_without_grant": ("direct", []),
    }[name]
    holder = user
    if rights[0] == "role":
        holder = RoleFactory(name="subject role")
        user.roles.add(holder)
    if rights[1]:
        grant(holder, queue, *rights[1])
    return user


@pytest.mark.parametrize("subject", list(EDITORS))
def test_who_may_edit_a_time_entry(subject, ticket, queue, customer, second_agent):
    user = _subject(subject, queue, customer)
    own = TimeEntry.objects.create(
        ticket=ticket, author=user if isinstance(user, User) else None, worked_on=date(2026, 11, 2), minutes=5
    )
    colleagues = TimeEntry.objects.create(ticket=ticket, author=second_agent, worked_on=date(2026, 11, 2), minutes=5)
    fresh = user if isinstance(user, AnonymousUser) else User.objects.get(pk=user.pk)
    answers = tuple(permissions.may_edit_time_entry(fresh, e) for e in (own, colleagues))
    assert answers == EDITORS[subject]
    assert permissions.may_edit_time_entry(None, colleagues), "the system may"


# --- locked periods ----------------------------------------------------------------------------------


def test_a_period_locked_for_every_company_refuses_add_edit_and_delete(ticket, agent, admin_user, entry):
    TimeLock.objects.create(locked_until=date(2026, 11, 2), locked_by=admin_user)
    before = (entries(ticket), total(ticket), TicketHistory.objects.count())
    for attempt in (
        lambda: services.add_time_entry(ticket=ticket, actor=agent, minutes=5, worked_on=date(2026, 10, 30)),
        lambda: services.edit_time_entry(entry=entry, actor=agent, minutes=1),
        lambda: services.edit_time_entry(entry=entry, actor=admin_user, worked_on=date(2026, 11, 5)),
        lambda: services.delete_time_entry(entry=entry, actor=admin_user),
    ):
        with pytest.raises(TimeLocked, match="locked until 2026-11-02"):
            attempt()
    assert (entries(ticket), total(ticket), TicketHistory.objects.count()) == before
    # After the lock: free; and nothing moves into the locked period.
    later = services.add_time_entry(ticket=ticket, actor=agent, minutes=5, worked_on=date(2026, 11, 3))
    with pytest.raises(TimeLocked):
        services.edit_time_entry(entry=later, actor=agent, worked_on=date(2026, 11, 1))
    assert TimeEntry.objects.get(pk=later.pk).worked_on == date(2026, 11, 3)


def test_a_period_locked_for_one_company_binds_only_its_tickets(ticket, agent, company, make_ticket):
    TimeLock.objects.create(locked_until=date(2026, 11, 30), company=company)
    elsewhere = make_ticket(customer=CustomerFactory(username="zed", company=CompanyFactory(name="Initech")))
    with pytest.raises(TimeLocked, match="of Acme is locked"):
        services.add_time_entry(ticket=ticket, actor=agent, minutes=5, worked_on=date(2026, 11, 2))
    services.add_time_entry(ticket=elsewhere, actor=agent, minutes=5, worked_on=date(2026, 11, 2))
    assert (total(ticket), total(elsewhere)) == (0, 5)


def test_a_reply_with_time_on_a_locked_day_is_refused_whole(ticket, agent):
    TimeLock.objects.create(locked_until=date(2026, 11, 30))
    with time_machine.travel(LATE_EVENING, tick=False), pytest.raises(TimeLocked):
        services.add_article(ticket=ticket, actor=agent, message=Message(channel="note", body_text="x", time_minutes=5))
    assert ticket.articles.count() == 1 and total(ticket) == 0


# --- merge ---------------------------------------------------------------------------------------------


def test_a_merge_takes_the_entries_along_with_the_time(ticket, agent, make_ticket):
    target = make_ticket(title="Target")
    services.add_time_entry(ticket=ticket, actor=agent, minutes=20, worked_on=date(2026, 11, 2))
    services.add_time_entry(ticket=target, actor=agent, minutes=5, worked_on=date(2026, 11, 3))
    services.merge(source=ticket, target=target, actor=agent)
    assert (total(ticket), total(target)) == (0, 25)
    assert sorted(e[2] for e in entries(target)) == [Decimal("5"), Decimal("20")]
    assert entries(ticket) == []


def test_a_merge_across_companies_does_not_move_locked_time(ticket, agent, make_ticket, company):
    target = make_ticket(title="Elsewhere", customer=CustomerFactory(username="zed", company=CompanyFactory(name="X")))
    services.add_time_entry(ticket=ticket, actor=agent, minutes=20, worked_on=date(2026, 11, 2))
    TimeLock.objects.create(locked_until=date(2026, 11, 2), company=company)
    with pytest.raises(TimeLocked):
        services.merge(source=ticket, target=target, actor=agent)
    assert (total(ticket), total(target), len(entries(ticket))) == (20, 0, 1)
    assert reload(ticket).merged_into is None


# --- the data migration ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_time_accounted_before_entries_existed_becomes_entries_with_the_same_totals(ticket, agent):
    before = [("tickets", "0011_time_entries_and_report_fields")]
    after = [("tickets", "0012_time_entries_from_accounted_time")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        OldTicket, OldArticle = old.get_model("tickets", "Ticket"), old.get_model("tickets", "Article")
        OldHistory = old.get_model("tickets", "TicketHistory")
        first = OldArticle.objects.get(ticket_id=ticket.pk)
        OldArticle.objects.filter(pk=first.pk).update(
            time_accounted=Decimal("12.5"), created=datetime(2026, 10, 5, 9, tzinfo=UTC)
        )
        second = OldArticle.objects.create(
            ticket_id=ticket.pk,
            author_id=None,
            body_text="by mail",
            time_accounted=Decimal("3"),
            channel="note",
            sender_type="agent",
        )
        OldArticle.objects.filter(pk=second.pk).update(created=datetime(2026, 10, 6, 9, tzinfo=UTC))
        # 10 more minutes accounted on the ticket alone, on 7 October.
        OldTicket.objects.filter(pk=ticket.pk).update(time_accounted=Decimal("25.5"))
        row = OldHistory.objects.create(ticket_id=ticket.pk, event="time_accounted", new_value="10")
        OldHistory.objects.filter(pk=row.pk).update(created=datetime(2026, 10, 7, 9, tzinfo=UTC))
        bare = OldTicket.objects.create(
            number="X-1", title="no articles", queue_id=ticket.queue_id, state_id=ticket.state_id,
            priority_id=ticket.priority_id, time_accounted=Decimal("4"),
        )  # fmt: skip
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        executor = MigrationExecutor(connection)
        executor.migrate(before)  # back (the entries stay) and forward again: nothing is added twice
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert entries(ticket) == [
        ("anna", date(2026, 10, 5), Decimal("12.5"), True, "", first.pk),
        (None, date(2026, 10, 6), Decimal("3"), True, "", second.pk),
        (None, date(2026, 10, 7), Decimal("10"), True, "", None),
    ]
    assert [(e[1] is not None, e[2]) for e in entries(Ticket.objects.get(pk=bare.pk))] == [(True, Decimal("4"))]
    for t in Ticket.objects.all():
        summed = sum((e.minutes for e in TimeEntry.objects.filter(ticket=t)), Decimal(0))
        assert summed == t.time_accounted, t.number


# --- the admin -------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def admin_url(model, page, *args):
    return reverse(f"admin:tickets_{model._meta.model_name}_{page}", args=args)


def test_the_admin_adds_changes_and_deletes_entries_through_the_services(admin_client, admin_user, ticket, entry):
    response = admin_client.post(
        admin_url(TimeEntry, "add"),
        {"ticket": ticket.pk, "article": "", "minutes": "15", "worked_on": "2026-11-05", "billable": "on", "note": "x"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = TimeEntry.objects.exclude(pk=entry.pk).get()
    assert (added.author, added.minutes, added.worked_on) == (admin_user, 15, date(2026, 11, 5))
    assert ticket.history.filter(event="time_accounted", actor=admin_user).exists()

    response = admin_client.post(
        admin_url(TimeEntry, "change", entry.pk), {"minutes": "10", "worked_on": "2026-11-02", "note": "call"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = ticket.history.get(event="time_entry_changed")
    assert (change.actor, change.new_value) == (admin_user, "10.00 min, 2026-11-02, not billable")

    response = admin_client.post(admin_url(TimeEntry, "delete", added.pk), {"post": "yes"})
    assert response.status_code == 302
    assert list(TimeEntry.objects.values_list("pk", flat=True)) == [entry.pk]
    assert total(ticket) == 10
    assert ticket.history.get(event="time_entry_deleted").actor == admin_user


def test_the_admin_shows_a_refusal_and_keeps_the_input(admin_client, ticket, entry):
    TimeLock.objects.create(locked_until=date(2026, 11, 2))
    url = admin_url(TimeEntry, "change", entry.pk)
    response = admin_client.post(url, {"minutes": "99", "worked_on": "2026-11-02", "billable": "on", "note": "call"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html and "locked until 2026-11-02" in html and 'value="99"' in html
    assert TimeEntry.objects.get(pk=entry.pk).minutes == 30
    response = admin_client.post(admin_url(TimeEntry, "delete", entry.pk), {"post": "yes"}, follow=True)
    assert "Nothing was deleted" in response.content.decode()
    response = admin_client.post(
        admin_url(TimeEntry, "changelist"), {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert TimeEntry.objects.filter(pk=entry.pk).exists() and total(ticket) == 30


def test_the_admin_lists_entries_by_ticket_author_and_day(admin_client, ticket, entry, second_agent):
    services.add_time_entry(ticket=ticket, actor=second_agent, minutes=7, worked_on=date(2026, 11, 9), billable=False)
    html = admin_client.get(admin_url(TimeEntry, "changelist") + "?billable__exact=0").content.decode()
    assert ticket.number in html and "2026" in html
    assert html.count('class="field-minutes"') == 1 and ">7.00<" in html


def test_an_administrator_locks_a_period_but_not_the_future(admin_client, admin_user, company):
    with time_machine.travel(LATE_EVENING, tick=False):
        refused = admin_client.post(admin_url(TimeLock, "add"), {"locked_until": "2026-11-03", "company": ""})
        assert refused.status_code == 200 and "up to today at most" in refused.content.decode()
        done = admin_client.post(admin_url(TimeLock, "add"), {"locked_until": "2026-10-31", "company": company.pk})
    assert done.status_code == 302
    lock = TimeLock.objects.get()
    assert (lock.locked_until, lock.company, lock.locked_by) == (date(2026, 10, 31), company, admin_user)


# --- the demo --------------------------------------------------------------------------------------------------


def test_the_demos_time_entries_are_spread_over_the_tickets_past():
    call_command("load_demo", "--tickets", "40", stdout=StringIO())
    assert TimeEntry.objects.exists()
    for ticket in Ticket.objects.filter(time_accounted__gt=0):
        assert sum(e.minutes for e in ticket.time_entries.all()) == ticket.time_accounted, ticket.number
    with_article = TimeEntry.objects.filter(article__isnull=False).select_related("article")
    assert all(e.worked_on == e.article.created.date() for e in with_article)
    assert TimeEntry.objects.values("worked_on").distinct().count() > 5
