"""`make run` shows non-empty reports: the demo data feeds every built-in report and the builder."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from reports.access import may_view_reports
from reports.builder import run
from reports.filters import ReportFilters
from reports.registry import REPORTS
from reports.spec import METRICS, ReportSpec
from tickets.models import SatisfactionRating, Ticket, TimeEntry

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_the_demo_fills_every_report_and_a_second_load_adds_nothing():
    call_command("load_demo", stdout=StringIO())
    admin, manager = User.objects.get(username="admin"), User.objects.get(username="manager")
    assert may_view_reports(manager)
    today = timezone.localdate()
    last_month = ReportFilters(start=today - timedelta(days=30), end=today)
    for slug, report in REPORTS.items():
        if slug == "time":  # the time accounting report (another module) has its own demo test
            continue
        table = report.compute(admin, last_month)
        assert table.rows, f"{slug} is empty on the demo data"
        numbers = [v for row in table.rows for v in row[1:] if isinstance(v, int | float | Decimal) and v]
        assert numbers, f"{slug} shows only zeros on the demo data"
    for metric in METRICS:
        assert run(ReportSpec(metric, ("queue",), last_month), admin).rows, metric
    # Durations follow the backdated times: a solved demo ticket took more than a minute.
    assert Ticket.objects.filter(solution_minutes__gt=60).exists()

    counts = (SatisfactionRating.objects.count(), TimeEntry.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (SatisfactionRating.objects.count(), TimeEntry.objects.count()) == counts
