"""The report builder's engine: every metric and dimension against numbers computed by hand
(the fixture's table in conftest.py), on PostgreSQL and on SQLite (smoke)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from reports.builder import run
from reports.spec import ReportSpec
from reports.table import BAR, LINE
from tests.reports.conftest import WEEK

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def build(viewer, metric, *dimensions, **filters):
    return run(ReportSpec(metric, tuple(dimensions), replace(WEEK, **filters)), viewer)


def pairs(table):
    return {row[:-1] if len(row) > 2 else row[0]: row[-1] for row in table.rows}


def test_count_by_queue_counts_the_tickets_created_in_the_period(world):
    table = build(world.admin, "count", "queue")
    assert table.rows == [("1st level", 3), ("2nd level", 2)]
    assert [c.key for c in table.columns] == ["queue", "value"]
    assert table.chart.kind == BAR and table.chart.x == "queue"


def test_count_by_day_is_a_line_with_every_day_of_the_period(world):
    table = build(world.admin, "count", "day")
    assert table.rows == [
        (date(2026, 3, 2), 2),
        (date(2026, 3, 3), 1),
        (date(2026, 3, 4), 1),
        (date(2026, 3, 5), 1),
        (date(2026, 3, 6), 0),
        (date(2026, 3, 7), 0),
        (date(2026, 3, 8), 0),
    ]
    assert table.chart.kind == LINE


def test_days_are_cut_in_the_viewers_time_zone(world):
    # Monday 16:00 UTC is Tuesday 01:00 in Tokyo: T2 moves to Tuesday.
    table = build(world.admin, "count", "day", tz="Asia/Tokyo")
    assert pairs(table)[date(2026, 3, 2)] == 1
    assert pairs(table)[date(2026, 3, 3)] == 2


def test_count_by_week_and_month(world):
    assert build(world.admin, "count", "week").rows == [(date(2026, 3, 2), 5)]
    assert build(world.admin, "count", "month").rows == [(date(2026, 3, 1), 5)]


def test_an_agent_counts_only_the_tickets_of_queues_they_may_read(world):
    assert build(world.rita, "count", "queue").rows == [("1st level", 3)]
    assert build(world.rita, "time_accounted", "company").rows == [("Acme", Decimal(75))]


def test_the_agent_and_company_filters(world):
    assert build(world.admin, "count", "queue", agent_ids=(world.boris.pk,)).rows == [("1st level", 1)]
    assert build(world.admin, "count", "queue", company_ids=(world.globex.pk,)).rows == [("2nd level", 2)]
    assert build(world.admin, "count", "queue", queue_ids=(world.second.pk,)).rows == [("2nd level", 2)]


def test_the_period_leaves_out_what_happened_outside_it(world):
    table = build(world.admin, "count", "queue", start=date(2026, 3, 4), end=date(2026, 3, 4))
    assert table.rows == [("1st level", 1)]
    # T1 closed on Tuesday: only it and T3 are solved that day.
    table = build(world.admin, "solution_avg", "agent", start=date(2026, 3, 3), end=date(2026, 3, 3))
    assert table.rows == [("Anna Alpha", 360.0)]


def test_first_response_average_and_median(world):
    assert build(world.admin, "first_response_avg", "agent").rows == [("Anna Alpha", 45.0), ("Boris Beta", 150.0)]
    assert build(world.admin, "first_response_median", "queue").rows == [("1st level", 105.0), ("2nd level", 30.0)]


def test_solution_average_and_median(world):
    assert build(world.admin, "solution_avg", "queue").rows == [("1st level", 570.0), ("2nd level", 240.0)]
    assert build(world.admin, "solution_median", "agent").rows == [("Anna Alpha", 360.0), ("Boris Beta", 660.0)]
    assert build(world.admin, "solution_median", "day").rows[:3] == [
        (date(2026, 3, 2), None),
        (date(2026, 3, 3), 360.0),
        (date(2026, 3, 4), 660.0),
    ]


def test_time_accounted_by_the_day_it_was_worked_on(world):
    assert build(world.admin, "time_accounted", "agent").rows == [
        ("Anna Alpha", Decimal(90)),
        ("Boris Beta", Decimal(45)),
    ]
    assert pairs(build(world.admin, "time_accounted", "day"))[date(2026, 3, 3)] == Decimal(105)


def test_sla_percent_of_the_tickets_closed_with_an_sla(world):
    # T1 met both clocks, T2 missed both; T3 has no SLA, T4 and T5 are open.
    assert build(world.admin, "sla_percent", "queue").rows == [("1st level", 50.0)]


def test_average_rating(world):
    assert build(world.admin, "rating_avg", "queue").rows == [("1st level", 4.0), ("2nd level", 4.0)]
    assert build(world.admin, "rating_avg", "agent").rows == [("Anna Alpha", 4.5), ("Boris Beta", 3.0)]


def test_two_dimensions_give_rows_of_both_and_the_value(world):
    table = build(world.admin, "count", "queue", "channel")
    assert table.rows == [("1st level", "phone", 1), ("1st level", "web", 2), ("2nd level", "web", 2)]
    assert [c.key for c in table.columns] == ["queue", "channel", "value"]
    table = build(world.admin, "count", "week", "company")
    assert table.rows == [(date(2026, 3, 2), "Acme", 3), (date(2026, 3, 2), "Globex", 2)]
    assert table.chart.kind == LINE


def test_tags_count_through_the_m2m_and_no_tag_is_a_dash(world):
    assert build(world.admin, "count", "tag").rows == [("printer", 2), ("urgent", 1), ("—", 3)]


def test_names_not_ids_and_a_dash_for_none(world):
    assert build(world.admin, "count", "agent").rows == [("Anna Alpha", 3), ("Boris Beta", 1), ("—", 1)]
    assert build(world.admin, "count", "state").rows == [("closed successful", 3), ("new", 2)]
    assert build(world.admin, "count", "priority").rows == [("3 normal", 5)]
    assert build(world.admin, "count", "type").rows == [("—", 5)]
    assert build(world.admin, "count", "category").rows == [("—", 5)]


def test_one_query_per_report(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        build(world.admin, "solution_median", "agent", "month")
    with django_assert_num_queries(1):
        build(world.admin, "time_accounted", "tag", "queue")


@pytest.mark.parametrize(
    ("metric", "dimensions", "error"),
    [
        ("speed", ("queue",), "Unknown metric"),
        ("count", (), "one or two"),
        ("count", ("queue", "agent", "day"), "one or two"),
        ("count", ("colour",), "Unknown dimension"),
        ("count", ("queue", "queue"), "different"),
    ],
)
def test_a_spec_it_cannot_compute_is_refused_with_a_clear_error(admin_user, metric, dimensions, error):
    with pytest.raises(ValueError, match=error):
        run(ReportSpec(metric, dimensions, WEEK), admin_user)
