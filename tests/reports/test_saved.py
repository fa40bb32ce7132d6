"""Saved reports: saved from the builder under a name, private or shared (a group, everyone who sees reports);
the owner changes and deletes them, others with access open shared ones read-only."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Permission
from reports.models import SavedReport
from tests.factories import AgentFactory, grant
from tests.reports.conftest import COUNT_BY_QUEUE

pytestmark = pytest.mark.django_db


def save(client, name="Weekly volume", visibility="private", group="", **spec):
    data = {**COUNT_BY_QUEUE, **spec, "name": name, "visibility": visibility, "group": group}
    return client.post(reverse("reports:save"), data)


@pytest.fixture
def colleague_reporter(queue):
    """Another report viewer on the same queue's group."""
    user = AgentFactory(username="cleo")
    grant(user, queue, Permission.RO, Permission.REPORTS)
    return user


@pytest.mark.smoke
def test_saving_from_the_builder_keeps_the_spec_and_opens_the_saved_report(reporter_client, reporter, november):
    response = save(reporter_client)
    report = SavedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:saved", args=[report.pk])
    assert report.owner == reporter and report.name == "Weekly volume"
    assert report.spec["metric"] == "count" and report.spec["dimensions"] == ["queue"]
    assert report.spec["filters"]["start"] == "2026-11-01"
    page = reporter_client.get(response["Location"]).content.decode()
    assert "Weekly volume" in page and "<svg" in page and "<td>1st level</td>" in page
    assert "Delete" in page and "Edit in the builder" in page


def test_a_saved_report_with_a_preset_period_moves_with_the_day_it_is_opened(reporter_client, reporter, november):
    save(reporter_client, period="this_month", start="", end="")
    report = SavedReport.objects.get()
    assert report.period == "this_month"
    url = reverse("reports:saved", args=[report.pk])
    with time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        assert "<td>1st level</td>" in reporter_client.get(url).content.decode()
    with time_machine.travel(datetime(2026, 10, 20, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        html = reporter_client.get(url).content.decode()
    assert "<td>1st level</td>" in html  # October's one ticket


def test_the_saved_report_is_computed_as_the_viewer_sees_it(client, reporter, admin_user, november, queue):
    client.force_login(admin_user)
    save(client, visibility="all")
    report = SavedReport.objects.get()
    client.force_login(reporter)
    response = client.get(reverse("reports:saved", args=[report.pk]), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1:] == [["1st level", "2"]]  # not the admin's other queue


def test_a_private_report_is_a_404_for_anyone_else(reporter_client, colleague_reporter, admin_user):
    save(reporter_client)
    report = SavedReport.objects.get()
    for other in (colleague_reporter, admin_user):
        client = Client()
        client.force_login(other)
        assert client.get(reverse("reports:saved", args=[report.pk])).status_code == 404
        assert "Weekly volume" not in client.get(reverse("reports:index")).content.decode()


def test_a_report_shared_with_a_group_is_read_only_for_its_agents(
    client, reporter_client, colleague_reporter, other_reporter, queue
):
    save(reporter_client, visibility="group", group=queue.group_id)
    report = SavedReport.objects.get()
    url = reverse("reports:saved", args=[report.pk])
    client.force_login(colleague_reporter)
    assert "Weekly volume" in client.get(reverse("reports:index")).content.decode()
    page = client.get(url).content.decode()
    assert "Weekly volume" in page and "Delete" not in page and "Edit in the builder" not in page
    assert client.post(reverse("reports:delete", args=[report.pk])).status_code == 403
    assert client.get(reverse("reports:schedule", args=[report.pk])).status_code == 403
    takeover = save(client, name="Mine now", saved=report.pk)
    assert takeover.status_code == 403
    report.refresh_from_db()
    assert report.name == "Weekly volume"
    # An agent without a right on that group does not see it at all.
    client.force_login(other_reporter)
    assert client.get(url).status_code == 404


def test_sharing_with_a_group_needs_the_group(reporter_client):
    response = save(reporter_client, visibility="group")
    assert response.status_code == 400
    assert "Choose the access group" in response.content.decode() and not SavedReport.objects.exists()


def test_a_report_shared_with_everyone_is_seen_by_every_report_viewer(client, reporter_client, other_reporter, agent):
    save(reporter_client, visibility="all")
    report = SavedReport.objects.get()
    client.force_login(other_reporter)
    assert client.get(reverse("reports:saved", args=[report.pk])).status_code == 200
    client.force_login(agent)  # no reports right: the reports stay closed
    assert client.get(reverse("reports:saved", args=[report.pk])).status_code == 403


def test_the_owner_changes_the_report_in_the_builder(reporter_client, november):
    save(reporter_client)
    report = SavedReport.objects.get()
    edit_url = reporter_client.get(reverse("reports:saved", args=[report.pk])).context["edit_url"]
    builder = reporter_client.get(edit_url)
    assert builder.status_code == 200 and "Save changes to" in builder.content.decode()
    response = save(reporter_client, name="By state", by="state", saved=report.pk, visibility="all")
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.name, report.spec["dimensions"], report.visibility) == ("By state", ["state"], "all")
    assert SavedReport.objects.count() == 1


def test_the_owner_deletes_the_report(reporter_client):
    save(reporter_client)
    report = SavedReport.objects.get()
    response = reporter_client.post(reverse("reports:delete", args=[report.pk]))
    assert response.status_code == 302 and not SavedReport.objects.exists()
    assert reporter_client.get(reverse("reports:delete", args=[report.pk])).status_code in (404, 405)


def test_the_saved_report_page_has_the_filters_which_narrow_it_without_changing_it(
    client, admin_user, november, other_queue
):
    client.force_login(admin_user)
    save(client, visibility="all")
    report = SavedReport.objects.get()
    url = reverse("reports:saved", args=[report.pk])
    page = client.get(url).content.decode()
    assert 'name="start" value="2026-11-01"' in page  # the saved filters, shown
    assert "<td>1st level</td>" in page and "<td>2nd level</td>" in page
    narrowed = client.get(url, {"start": "2026-11-01", "end": "2026-11-30", "queue": other_queue.pk})
    html = narrowed.content.decode()
    assert "<td>2nd level</td>" in html and "<td>1st level</td>" not in html
    assert "queue=" in narrowed.context["exports"]["csv"]  # the export follows what is shown
    report.refresh_from_db()
    assert report.spec["filters"]["queue_ids"] == []
