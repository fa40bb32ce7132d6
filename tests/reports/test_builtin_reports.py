"""The built-in reports against numbers computed by hand (the fixture's table in conftest.py)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from faq.feedback_models import Deflection, Vote
from reports.registry import REPORTS
from tests.faq.kb import article, category
from tests.reports.conftest import WEEK, at

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def compute(slug, viewer, **filters):
    return REPORTS[slug].compute(viewer, replace(WEEK, **filters))


def test_every_planned_report_is_registered():
    planned = {"volume", "volume_queue", "volume_channel", "agents", "sla", "companies", "categories", "faq"}
    assert planned | {"satisfaction", "satisfaction_trend", "satisfaction_comments"} <= set(REPORTS)


def test_volume_created_closed_and_backlog_per_day(world):
    table = compute("volume", world.admin)
    assert [c.key for c in table.columns] == ["day", "created", "closed", "backlog"]
    assert table.rows == [
        (date(2026, 3, 2), 2, 0, 2),
        (date(2026, 3, 3), 1, 2, 1),
        (date(2026, 3, 4), 1, 1, 1),
        (date(2026, 3, 5), 1, 0, 2),
        (date(2026, 3, 6), 0, 0, 2),
        (date(2026, 3, 7), 0, 0, 2),
        (date(2026, 3, 8), 0, 0, 2),
    ]
    # The backlog carries over from before the period: from Wednesday on, T1 and T3 are closed, T2 open.
    table = compute("volume", world.admin, start=date(2026, 3, 4))
    assert table.rows[0] == (date(2026, 3, 4), 1, 1, 1)


def test_volume_takes_weeks_then_months_for_longer_periods(world):
    assert compute("volume", world.admin, start=date(2026, 1, 1), end=date(2026, 3, 31)).columns[0].key == "week"
    table = compute("volume", world.admin, start=date(2025, 9, 1), end=date(2026, 3, 31))
    assert table.columns[0].key == "month"
    assert table.rows[-1] == (date(2026, 3, 1), 5, 3, 2)


def test_volume_by_queue_and_by_channel(world):
    assert compute("volume_queue", world.admin).rows == [("1st level", 3, 2, 1), ("2nd level", 2, 1, 1)]
    assert compute("volume_channel", world.admin).rows == [("phone", 1, 0, 1), ("web", 4, 3, 1)]
    assert compute("volume_queue", world.rita).rows == [("1st level", 3, 2, 1)]


def test_per_agent(world):
    table = compute("agents", world.admin)
    assert [c.key for c in table.columns] == [
        "agent",
        "handled",
        "articles",
        "first_response_median",
        "first_response_p90",
        "solution_median",
        "solution_p90",
        "time_accounted",
        "rating",
        "open_now",
    ]
    assert table.rows == [
        # first responses 60 and 30: median 45, p90 30 + 0.9 * 30; solutions 480 and 240
        ("Anna Alpha", 2, 2, 45.0, 57.0, 360.0, 456.0, Decimal(90), 4.5, 1),
        ("Boris Beta", 1, 1, 150.0, 150.0, 660.0, 660.0, Decimal(45), 3.0, 0),
    ]
    assert compute("agents", world.admin, agent_ids=(world.boris.pk,)).rows == [table.rows[1]]


def test_per_agent_counts_only_what_the_viewer_may_see(world):
    # Rita reads the 1st level only: T3 (2nd level) is not Anna's there.
    assert compute("agents", world.rita).rows == [
        ("Anna Alpha", 1, 1, 60.0, 60.0, 480.0, 480.0, Decimal(30), 5.0, 1),
        ("Boris Beta", 1, 1, 150.0, 150.0, 660.0, 660.0, Decimal(45), 3.0, 0),
    ]


def test_sla_compliance_by_queue_and_priority(world):
    table = compute("sla", world.admin)
    # t4 (a phone ticket never answered) breached its first response at its due time, 4 March 11:00.
    assert table.rows == [("1st level", "3 normal", 1, 2, 33.3, 1, 1, 50.0)]
    assert "needs SLA data" not in table.note


def test_sla_compliance_says_it_needs_sla_data_when_there_is_none(world):
    table = compute("sla", world.admin, queue_ids=(world.second.pk,))
    assert table.rows == []
    assert "needs SLA data" in table.note


def test_per_company(world):
    assert compute("companies", world.admin).rows == [
        ("Acme", 3, 2, Decimal(75), Decimal(30), 4.0),
        ("Globex", 2, 1, Decimal(60), Decimal(60), 4.0),
    ]
    assert compute("companies", world.admin, company_ids=(world.globex.pk,)).rows == [
        ("Globex", 2, 1, Decimal(60), Decimal(60), 4.0)
    ]


def test_by_category_and_type(world):
    # Solutions 480, 660 and 240 minutes: 460 on average.
    assert compute("categories", world.admin).rows == [("—", "—", 5, 3, 460.0)]


def test_satisfaction_distribution_trend_and_comments(world):
    table = compute("satisfaction", world.admin)
    assert table.rows == [(1, 0, 0.0), (2, 0, 0.0), (3, 1, 33.3), (4, 1, 33.3), (5, 1, 33.3)]
    assert "3" in table.note and "4.00" in table.note
    assert compute("satisfaction_trend", world.admin).rows == [(date(2026, 3, 2), 4.0, 3)]
    assert compute("satisfaction_comments", world.admin).rows == [
        (date(2026, 3, 4), world.t2.number, "Help", 3, "Boris Beta", "Slow"),
        (date(2026, 3, 3), world.t1.number, "Help", 5, "Anna Alpha", "Great"),
    ]
    assert compute("satisfaction_comments", world.admin, company_ids=(world.globex.pk,)).rows == []


def test_faq_deflection(world):
    kb = category()
    vpn, printer = article(kb, "VPN setup"), article(kb, "Printer jams")
    Deflection.objects.create(customer=world.alice, article=vpn, opened_at=at(2, 9, 55), ticket=world.t1)
    Deflection.objects.create(customer=world.alice, article=vpn, opened_at=at(5, 9))
    Deflection.objects.create(customer=world.bob, article=printer, opened_at=at(4, 9))
    Deflection.objects.create(customer=world.bob, article=printer, opened_at=at(1, 9))  # before the period
    Vote.objects.create(article=vpn, user=world.alice, helpful=True, created=at(3, 9))
    Vote.objects.create(article=printer, user=world.bob, helpful=False, created=at(3, 9))
    table = compute("faq", world.admin)
    assert table.rows == [("VPN setup", 2, 1, 1, 50.0, 1, 0), ("Printer jams", 1, 0, 1, 100.0, 0, 1)]
    assert "2 of 3" in table.note
    assert compute("faq", world.admin, company_ids=(world.globex.pk,)).rows == [("Printer jams", 1, 0, 1, 100.0, 0, 1)]


@pytest.mark.parametrize("slug", sorted(REPORTS))
def test_each_report_runs_a_constant_number_of_queries(world, slug, django_assert_max_num_queries):
    # At most 10, plus one read of the open states' ids that a process keeps afterwards (tickets.reference).
    with django_assert_max_num_queries(11):
        table = compute(slug, world.admin, agent_ids=(world.anna.pk,), company_ids=(world.acme.pk,))
    assert table.filters["Agents"] == "Anna Alpha"
