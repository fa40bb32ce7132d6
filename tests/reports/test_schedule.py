"""Scheduled reports: the owner picks when, the format and recipients who may see reports; Celery beat mails
each due run once through the outbox, each recipient getting the previous period as they see it."""

import io
import re
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import GroupGrant, Permission
from reports import delivery
from reports.models import ReportSchedule, SavedReport
from reports.periods import previous_period
from reports.tasks import send_scheduled_reports
from tests.reports.conftest import COUNT_BY_QUEUE, make_ticket

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")
WEDNESDAY = datetime(2026, 11, 25, 10, tzinfo=UTC)
MONDAY_7 = datetime(2026, 11, 30, 7, tzinfo=UTC)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def saved(reporter_client):
    reporter_client.post(
        reverse("reports:save"), {**COUNT_BY_QUEUE, "name": "Volume", "visibility": "all", "group": ""}
    )
    return SavedReport.objects.get()


@pytest.fixture
def last_week(admin_user, queue, other_queue):
    """In the week of 23-29 November: two tickets in `queue`, one in `other_queue`; one the week before."""
    make_ticket(admin_user, queue, datetime(2026, 11, 23, 9, tzinfo=UTC))
    make_ticket(admin_user, queue, datetime(2026, 11, 29, 22, tzinfo=UTC))
    make_ticket(admin_user, other_queue, datetime(2026, 11, 24, 9, tzinfo=UTC))
    make_ticket(admin_user, queue, datetime(2026, 11, 20, 9, tzinfo=UTC))


def schedule(client, report, **data):
    form = {"frequency": "weekly", "weekday": 0, "day": 1, "hour": 7, "format": "xlsx", "active": "on", **data}
    return client.post(reverse("reports:schedule", args=[report.pk]), form)


def sheet_rows(attachment) -> list[tuple]:
    _name, content, _type = attachment
    return list(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def test_previous_periods_are_the_day_the_week_and_the_month_before():
    monday = datetime(2026, 11, 30).date()
    assert previous_period("daily", monday) == (datetime(2026, 11, 29).date(), datetime(2026, 11, 29).date())
    assert previous_period("weekly", monday) == (datetime(2026, 11, 23).date(), datetime(2026, 11, 29).date())
    assert previous_period("monthly", datetime(2026, 3, 1).date()) == (
        datetime(2026, 2, 1).date(),
        datetime(2026, 2, 28).date(),
    )


def test_the_owner_schedules_a_report_and_its_next_run_is_at_the_chosen_hour(
    reporter_client, saved, reporter, other_reporter
):
    with at(WEDNESDAY):
        response = schedule(reporter_client, saved, recipients=[reporter.pk, other_reporter.pk])
    assert response.status_code == 302
    plan = ReportSchedule.objects.get()
    assert plan.next_run == MONDAY_7 and set(plan.recipients.all()) == {reporter, other_reporter}
    page = reporter_client.get(reverse("reports:saved", args=[saved.pk])).content.decode()
    assert "mailed weekly as XLSX" in page


def test_the_hour_is_the_owners_local_hour(reporter_client, saved, reporter):
    reporter.timezone = "Europe/Prague"
    reporter.save(update_fields=["timezone"])
    with at(WEDNESDAY):
        schedule(reporter_client, saved, frequency="daily", recipients=[reporter.pk])
    assert ReportSchedule.objects.get().next_run == datetime(2026, 11, 26, 6, tzinfo=UTC)  # 07:00 in Prague


def test_only_agents_who_may_see_reports_can_be_recipients(reporter_client, saved, agent):
    response = schedule(reporter_client, saved, recipients=[agent.pk])
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode() and not ReportSchedule.objects.exists()
    page = reporter_client.get(reverse("reports:schedule", args=[saved.pk])).content.decode()
    recipients = re.search(r'<select name="recipients".*?</select>', page, re.S).group(0)
    assert f'value="{agent.pk}"' not in recipients and "rex@support.example.com" in recipients


@pytest.mark.smoke
def test_a_due_report_is_mailed_once_to_each_recipient_as_they_see_it(
    reporter_client, saved, reporter, other_reporter, last_week
):
    with at(WEDNESDAY):
        schedule(reporter_client, saved, recipients=[reporter.pk, other_reporter.pk])
    mail.outbox.clear()
    with at(datetime(2026, 11, 30, 6, 59, tzinfo=UTC)):
        assert send_scheduled_reports() == 0
    assert mail.outbox == []
    with at(datetime(2026, 11, 30, 7, 2, tzinfo=UTC)):
        assert send_scheduled_reports() == 1
        assert send_scheduled_reports() == 0  # a second beat run sends nothing again
    by_address = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2 and set(by_address) == {reporter.email, other_reporter.email}
    message = by_address[reporter.email]
    assert message.subject.startswith("Report: Volume")
    assert "11/23/2026" in message.subject and "11/29/2026" in message.subject
    name, _content, content_type = message.attachments[0]
    assert name.endswith(".xlsx") and content_type.startswith("application/vnd.openxmlformats")
    # The previous week, each recipient's own queues: not the owner's view.
    assert sheet_rows(message.attachments[0])[1:] == [("1st level", 2)]
    assert sheet_rows(by_address[other_reporter.email].attachments[0])[1:] == [("2nd level", 1)]
    plan = ReportSchedule.objects.get()
    assert plan.last_sent == datetime(2026, 11, 30, 7, 2, tzinfo=UTC)
    assert plan.next_run == datetime(2026, 12, 7, 7, tzinfo=UTC)


def test_a_recipient_who_lost_the_reports_right_gets_nothing(reporter_client, saved, reporter, other_reporter):
    with at(WEDNESDAY):
        schedule(reporter_client, saved, recipients=[reporter.pk, other_reporter.pk])
    GroupGrant.objects.filter(user=other_reporter, permission=Permission.REPORTS).delete()
    mail.outbox.clear()
    with at(MONDAY_7):
        send_scheduled_reports()
    assert [m.to for m in mail.outbox] == [[reporter.email]]


def test_a_pdf_schedule_attaches_the_report_as_pdf(reporter_client, saved, reporter, last_week):
    with at(WEDNESDAY):
        schedule(reporter_client, saved, format="pdf", recipients=[reporter.pk])
    mail.outbox.clear()
    with at(MONDAY_7):
        send_scheduled_reports()
    name, content, content_type = mail.outbox[0].attachments[0]
    assert content_type == "application/pdf" and content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Volume" in text and "1st level" in text


def test_a_report_that_cannot_be_made_is_recorded_and_waits_for_its_next_run(
    reporter_client, saved, reporter, settings, last_week
):
    with at(WEDNESDAY):
        schedule(reporter_client, saved, format="pdf", recipients=[reporter.pk])
    settings.HELPDESK_PDF_MEMORY_MB = 40  # not even enough to load the renderer
    mail.outbox.clear()
    with at(MONDAY_7):
        assert delivery.send_due() == 1
    plan = ReportSchedule.objects.get()
    assert mail.outbox == [] and plan.last_sent is None
    assert "PrintFailed" in plan.last_error and plan.next_run == datetime(2026, 12, 7, 7, tzinfo=UTC)


def test_a_paused_schedule_sends_nothing(reporter_client, saved, reporter):
    with at(WEDNESDAY):
        schedule(reporter_client, saved, recipients=[reporter.pk], active="")
    mail.outbox.clear()
    with at(MONDAY_7):
        assert send_scheduled_reports() == 0


def test_the_owner_stops_the_schedule(reporter_client, saved, reporter):
    schedule(reporter_client, saved, recipients=[reporter.pk])
    response = reporter_client.post(reverse("reports:unschedule", args=[saved.pk]))
    assert response.status_code == 302 and not ReportSchedule.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_schedule_claimed_by_another_worker_is_skipped_not_sent_twice(reporter_client, saved, reporter):
    with at(WEDNESDAY):
        schedule(reporter_client, saved, recipients=[reporter.pk])
    claimed, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                ReportSchedule.objects.select_for_update().get()
                claimed.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert claimed.wait(10)
        mail.outbox.clear()
        with at(MONDAY_7):
            assert delivery.send_due() == 0
        assert mail.outbox == []
    finally:
        release.set()
        worker.join()
    with at(MONDAY_7):
        assert delivery.send_due() == 1
    assert len(mail.outbox) == 1


def test_each_recipient_reads_the_mail_in_their_language(reporter_client, saved, reporter, other_reporter):
    other_reporter.language = "pl"
    other_reporter.save(update_fields=["language"])
    with at(WEDNESDAY):
        schedule(reporter_client, saved, recipients=[reporter.pk, other_reporter.pk])
    mail.outbox.clear()
    with at(MONDAY_7):
        send_scheduled_reports()
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[reporter.email].startswith("Report: Volume (11/23/2026")
    assert subjects[other_reporter.email].startswith("Raport: Volume (23-11-2026")
    polish = next(m for m in mail.outbox if m.to == [other_reporter.email])
    assert "Raport „Volume” jest w załączniku." in polish.body


def test_the_mail_links_the_saved_report_only_for_those_who_may_open_it(client, reporter, other_reporter):
    client.force_login(reporter)
    client.post(reverse("reports:save"), {**COUNT_BY_QUEUE, "name": "Mine", "visibility": "private", "group": ""})
    report = SavedReport.objects.get()
    with at(WEDNESDAY):
        schedule(client, report, recipients=[reporter.pk, other_reporter.pk])
    mail.outbox.clear()
    with at(MONDAY_7):
        send_scheduled_reports()
    link = reverse("reports:saved", args=[report.pk])
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert link in bodies[reporter.email] and link not in bodies[other_reporter.email]
