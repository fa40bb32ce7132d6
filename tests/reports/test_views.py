"""The reports' pages: who may open them, the filter form, a built-in report's page and the builder's preview."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import builder
from reports.filters import scoped_tickets
from reports.models import SavedReport
from reports.registry import REPORTS, BuiltinReport
from reports.table import BAR, NUMBER, TEXT, Chart, Column, Table
from tests.reports.conftest import COUNT_BY_QUEUE, NOVEMBER, make_ticket

pytestmark = pytest.mark.django_db


def created_by_queue(viewer, filters):
    """A small built-in report for the page's tests: tickets created in the period, by queue."""
    tickets = scoped_tickets(viewer, filters).filter(created__gte=filters.since, created__lt=filters.until)
    rows = [
        (r["queue__name"], r["n"])
        for r in tickets.values("queue__name").annotate(n=Count("id")).order_by("queue__name")
    ]
    columns = [Column("queue", "Queue", TEXT), Column("n", "Created", NUMBER)]
    return Table("Created by queue", columns, rows, Chart(BAR, "queue", ("n",)))


@pytest.fixture
def by_queue_report(monkeypatch):
    report = BuiltinReport("by-queue", "Created by queue", created_by_queue, "Tickets created, per queue")
    monkeypatch.setitem(REPORTS, report.slug, report)
    return report


def cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


@pytest.mark.smoke
def test_agent_without_the_reports_right_gets_a_403_page_and_no_menu_entry(client, agent, by_queue_report):
    client.force_login(agent)
    for url in (reverse("reports:index"), reverse("reports:builder"), reverse("reports:report", args=["by-queue"])):
        response = client.get(url)
        assert response.status_code == 403
        assert "Reports are not open to you" in response.content.decode()
    dashboard = client.get(reverse("agent:dashboard")).content.decode()
    assert reverse("reports:index") not in dashboard


def test_customers_and_anonymous_users_never_reach_the_reports(client, customer):
    assert client.get(reverse("reports:index")).status_code == 302  # to the agent login
    client.force_login(customer)
    assert client.get(reverse("reports:index")).status_code == 404


def test_report_viewer_finds_the_reports_in_the_menu_and_the_index(reporter_client, by_queue_report):
    dashboard = reporter_client.get(reverse("agent:dashboard")).content.decode()
    assert f'href="{reverse("reports:index")}"' in dashboard
    page = reporter_client.get(reverse("reports:index")).content.decode()
    assert "Created by queue" in page and reverse("reports:report", args=["by-queue"]) in page


def test_administrator_sees_reports_without_a_grant(client, admin_user, by_queue_report):
    client.force_login(admin_user)
    assert client.get(reverse("reports:index")).status_code == 200


@pytest.mark.smoke
def test_builtin_report_shows_chart_and_table_of_the_tickets_the_viewer_may_see(
    reporter_client, november, by_queue_report
):
    response = reporter_client.get(reverse("reports:report", args=["by-queue"]), NOVEMBER)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'class="report-chart"' in html
    # Only `queue` is the reporter's: the other queue's two tickets are not counted, October's is out of the period.
    assert cells(html) == ["1st level", "2"]


def test_the_filters_narrow_by_period_and_queue(client, admin_user, november, queue, other_queue, by_queue_report):
    client.force_login(admin_user)
    url = reverse("reports:report", args=["by-queue"])
    assert cells(client.get(url, NOVEMBER).content.decode()) == ["1st level", "2", "2nd level", "2"]
    assert cells(client.get(url, {**NOVEMBER, "queue": other_queue.pk}).content.decode()) == ["2nd level", "2"]
    october = {"start": "2026-10-01", "end": "2026-10-31"}
    assert cells(client.get(url, october).content.decode()) == ["1st level", "1"]


def test_the_queue_filter_offers_only_queues_the_viewer_may_see(reporter_client, queue, other_queue, by_queue_report):
    html = reporter_client.get(reverse("reports:report", args=["by-queue"])).content.decode()
    queue_select = re.search(r'<select name="queue".*?</select>', html, re.S).group(0)
    assert "1st level" in queue_select and "2nd level" not in queue_select
    # Asking for another queue's id anyway is refused by the form, not counted.
    response = reporter_client.get(reverse("reports:report", args=["by-queue"]), {**NOVEMBER, "queue": other_queue.pk})
    assert "Select a valid choice" in response.content.decode() and "report-chart" not in response.content.decode()


def test_a_period_ending_before_it_starts_is_a_clear_error(reporter_client, by_queue_report):
    response = reporter_client.get(
        reverse("reports:report", args=["by-queue"]), {"start": "2026-11-30", "end": "2026-11-01"}
    )
    assert response.status_code == 200
    assert "The period ends before it starts." in response.content.decode()


def test_presets_count_whole_days_in_the_viewers_time_zone(client, reporter, admin_user, queue, by_queue_report):
    reporter.timezone = "Asia/Tokyo"
    reporter.save(update_fields=["timezone"])
    # 31 Oct 20:00 UTC is already 1 Nov 05:00 in Tokyo: this month's, not last month's there.
    make_ticket(admin_user, queue, datetime(2026, 10, 31, 20, tzinfo=ZoneInfo("UTC")))
    client.force_login(reporter)
    url = reverse("reports:report", args=["by-queue"])
    with time_machine.travel(datetime(2026, 11, 15, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        this_month = cells(client.get(url, {"period": "this_month"}).content.decode())
        last_month = cells(client.get(url, {"period": "last_month"}).content.decode())
    assert this_month == ["1st level", "1"]
    assert last_month == ["No tickets match these filters in this period."]


def test_first_visit_shows_the_last_30_days(reporter_client, by_queue_report):
    html = reporter_client.get(reverse("reports:report", args=["by-queue"])).content.decode()
    assert '<option value="last_30" selected>' in html and "report-chart" in html


def test_unknown_report_is_a_404(reporter_client):
    assert reporter_client.get(reverse("reports:report", args=["nothing-here"])).status_code == 404


@pytest.mark.smoke
def test_builder_previews_count_by_queue_with_chart_and_table(reporter_client, november):
    response = reporter_client.get(reverse("reports:builder"), COUNT_BY_QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and cells(html) == ["1st level", "2"]
    assert 'id="save-form"' in html


def test_builder_explains_a_combination_it_cannot_compute(reporter_client, monkeypatch):
    def refuse(spec, viewer):
        raise ValueError(spec.metric)  # what the engine raises for a combination it cannot compute

    monkeypatch.setattr(builder, "run", refuse)
    html = reporter_client.get(reverse("reports:builder"), COUNT_BY_QUEUE).content.decode()
    assert "cannot be computed yet" in html and "report-chart" not in html


def test_builder_refuses_the_same_dimension_twice(reporter_client):
    html = reporter_client.get(reverse("reports:builder"), {**COUNT_BY_QUEUE, "then": "queue"}).content.decode()
    assert "Choose another dimension than the first" in html


def test_index_runs_a_constant_number_of_queries(reporter_client, reporter, django_assert_max_num_queries):
    for i in range(5):
        SavedReport.objects.create(name=f"R{i}", spec={}, owner=reporter, visibility="all")
    with django_assert_max_num_queries(12):
        response = reporter_client.get(reverse("reports:index"))
    assert response.content.decode().count('href="/agent/reports/saved/') == 5


def test_report_pages_run_the_same_queries_whatever_the_number_of_tickets(
    reporter_client, admin_user, queue, by_queue_report
):
    def queries(url, params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reporter_client.get(url, params).status_code == 200
        return len(captured)

    pages = [(reverse("reports:builder"), COUNT_BY_QUEUE), (reverse("reports:report", args=["by-queue"]), NOVEMBER)]
    make_ticket(admin_user, queue, datetime(2026, 11, 3, 9, tzinfo=ZoneInfo("UTC")))
    [queries(url, params) for url, params in pages]  # the session's first request does a little more
    few = [queries(url, params) for url, params in pages]
    for day in range(4, 24):
        make_ticket(admin_user, queue, datetime(2026, 11, day, 9, tzinfo=ZoneInfo("UTC")))
    assert [queries(url, params) for url, params in pages] == few


def test_two_dimensions_are_grouped_bars_or_stacked_on_request(client, admin_user, november):
    client.force_login(admin_user)
    by_state_and_queue = {**COUNT_BY_QUEUE, "by": "state", "then": "queue"}
    grouped = client.get(reverse("reports:builder"), by_state_and_queue).context["chart"]
    stacked = client.get(reverse("reports:builder"), {**by_state_and_queue, "stacked": "on"}).context["chart"]
    # One state ("new"), two queues: two bars side by side, or one on the other (same x).
    xs = [
        re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="[^"]+"><title>', c)
        for c in (grouped, stacked)
    ]
    assert len(set(xs[0])) == 2 and len(xs[1]) == 2 and len(set(xs[1])) == 1
