"""The "time" report (and its per-entry detail): minutes per customer company worked in the period, billable
and not, counted by hand on a small fixture with frozen time; only tickets the viewer may see."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from reports.filters import ReportFilters
from reports.registry import REPORTS
from reports.table import BAR, DATE, MINUTES
from tickets import services
from tickets.message import Message

pytestmark = pytest.mark.django_db

NOVEMBER = ReportFilters(start=date(2026, 11, 1), end=date(2026, 11, 30))
D = Decimal


@pytest.fixture
def world(agent, second_agent, admin_user, queue, other_queue, customer, other_customer):
    """Acme: two tickets; Globex: one in the agent's queue, one outside it; one ticket of no company."""
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=UTC), tick=False):

        def ticket(title, who, where=queue):
            return services.create_ticket(actor=None, queue=where, title=title, customer=who)

        def spend(t, actor, minutes, day, billable=True):
            services.add_time_entry(ticket=t, actor=actor, minutes=minutes, worked_on=day, billable=billable)

        acme1, acme2 = ticket("Printer", customer), ticket("Scanner", customer)
        globex, hidden = ticket("Router", other_customer), ticket("Secret", other_customer, other_queue)
        nobody = ticket("Walk-in", None)
        spend(acme1, agent, 30, date(2026, 11, 2))
        spend(acme1, second_agent, 15, date(2026, 11, 3), billable=False)
        spend(acme1, agent, 10, date(2026, 10, 31))  # before the period
        spend(acme1, agent, 20, date(2026, 12, 1))  # after it
        spend(acme2, second_agent, "12.5", date(2026, 11, 30))
        spend(globex, agent, 45, date(2026, 11, 1))
        spend(globex, agent, 5, date(2026, 11, 15), billable=False)
        # Written with a note today (20 November): billable, today.
        services.add_article(
            ticket=globex,
            actor=agent,
            message=Message(channel="note", body_text="Swapped it", is_visible_to_customer=False, time_minutes=7),
        )
        spend(nobody, agent, 8, date(2026, 11, 10))
        spend(hidden, admin_user, 100, date(2026, 11, 5))
    return {"acme": acme1, "acme2": acme2, "globex": globex, "hidden": hidden, "nobody": nobody}


def table(viewer, filters=NOVEMBER, slug="time"):
    return REPORTS[slug].compute(viewer, filters)


def test_it_is_registered_as_time_with_a_bar_chart_and_minutes_columns(world, agent):
    assert str(REPORTS["time"].title) == "Time accounted"
    result = table(agent)
    assert [c.key for c in result.columns] == ["company", "tickets", "entries", "billable", "not_billable", "total"]
    assert {c.key for c in result.columns if c.kind == MINUTES} == {"billable", "not_billable", "total"}
    assert (result.chart.kind, result.chart.x, result.chart.series) == (BAR, "company", ("billable", "not_billable"))


def test_minutes_per_company_in_the_period_for_an_agent(world, agent):
    result = table(agent)
    assert result.rows == [
        ("Acme", 2, 3, D("42.50"), D("15.00"), D("57.50")),
        ("Globex", 1, 3, D("52.00"), D("5.00"), D("57.00")),
        ("No company", 1, 1, D("8.00"), D("0.00"), D("8.00")),
    ]
    assert result.note == "In all: 102.50 min billable, 20.00 min not billable, 122.50 min."


def test_an_administrator_also_counts_the_queue_the_agent_cannot_see(world, admin_user):
    rows = {row[0]: row for row in table(admin_user).rows}
    assert rows["Globex"] == ("Globex", 2, 4, D("152.00"), D("5.00"), D("157.00"))
    assert rows["Acme"][5] == D("57.50")


def test_the_agents_filter_selects_whose_time_and_the_others_narrow_the_tickets(
    world, agent, second_agent, admin_user, company, other_queue
):
    theirs = table(agent, ReportFilters(start=NOVEMBER.start, end=NOVEMBER.end, agent_ids=(second_agent.pk,)))
    assert theirs.rows == [("Acme", 2, 2, D("12.50"), D("15.00"), D("27.50"))]
    acme = table(agent, ReportFilters(start=NOVEMBER.start, end=NOVEMBER.end, company_ids=(company.pk,)))
    assert [r[0] for r in acme.rows] == ["Acme"]
    other = table(admin_user, ReportFilters(start=NOVEMBER.start, end=NOVEMBER.end, queue_ids=(other_queue.pk,)))
    assert other.rows == [("Globex", 1, 1, D("100.00"), D("0.00"), D("100.00"))]
    one_day = table(agent, ReportFilters(start=date(2026, 11, 30), end=date(2026, 11, 30)))
    assert one_day.rows == [("Acme", 1, 1, D("12.50"), D("0.00"), D("12.50"))]


def test_a_period_without_time_is_an_empty_table(world, agent):
    empty = table(agent, ReportFilters(start=date(2025, 1, 1), end=date(2025, 1, 31)))
    assert empty.rows == [] and empty.note == "In all: 0.00 min billable, 0.00 min not billable, 0.00 min."


def test_the_detail_lists_each_entry_by_company_day_and_ticket(world, agent, second_agent):
    result = table(agent, slug="time_entries")
    assert result.column("worked_on").kind == DATE
    a, b = agent.display_name(), second_agent.display_name()
    acme, acme2, globex, nobody = (world[k].number for k in ("acme", "acme2", "globex", "nobody"))
    assert result.rows == [
        ("Acme", acme, "Printer", date(2026, 11, 2), a, D("30.00"), "yes", ""),
        ("Acme", acme, "Printer", date(2026, 11, 3), b, D("15.00"), "no", ""),
        ("Acme", acme2, "Scanner", date(2026, 11, 30), b, D("12.50"), "yes", ""),
        ("Globex", globex, "Router", date(2026, 11, 1), a, D("45.00"), "yes", ""),
        ("Globex", globex, "Router", date(2026, 11, 15), a, D("5.00"), "no", ""),
        ("Globex", globex, "Router", date(2026, 11, 20), a, D("7.00"), "yes", ""),
        ("No company", nobody, "Walk-in", date(2026, 11, 10), a, D("8.00"), "yes", ""),
    ]
    assert sum(r[5] for r in result.rows) == D("122.50")


def test_each_report_is_one_query(world, agent, django_assert_num_queries):
    from tickets.permissions import grants

    grants(agent)
    with django_assert_num_queries(1):
        table(agent)
    with django_assert_num_queries(1):
        table(agent, slug="time_entries")
