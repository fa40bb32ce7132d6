"""Saved reports and their schedules: who sees which, and every change to them (the owner's alone).

A saved report is visible to its owner, to everyone who sees reports when shared with all, and to the
agents holding any right on its access group when shared with a group (administrators: every shared one).
Others get a 404, as for a report that does not exist; a viewer who is not the owner gets a 403 on a change.
"""

import zoneinfo
from dataclasses import replace
from datetime import datetime, time, timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import AccessGroup, User
from reports.access import may_view_reports
from reports.models import ReportSchedule, SavedReport
from reports.periods import DAILY, WEEKLY, preset_dates, today_for, viewer_zone
from reports.spec import ReportSpec
from tickets.errors import PermissionDenied
from tickets.permissions import grants


def held_group_ids(user: User) -> set[int]:
    return set().union(*grants(user).values())


def visible_saved(user: User):
    reports = SavedReport.objects.select_related("owner", "group")
    if user.is_helpdesk_admin:
        return reports.exclude(visibility=SavedReport.Visibility.PRIVATE) | reports.filter(owner=user)
    return reports.visible_to(user, held_group_ids(user))


def get_saved_for_viewer(user: User, pk: int) -> SavedReport:
    try:
        return visible_saved(user).get(pk=pk)
    except SavedReport.DoesNotExist:
        raise Http404("No such saved report") from None


def get_saved_for_owner(user: User, pk: int) -> SavedReport:
    """A saved report the user may change: their own (404 when they cannot see it, 403 when only read)."""
    report = get_saved_for_viewer(user, pk)
    if report.owner_id != user.pk:
        raise PermissionDenied("Only the owner changes a saved report.")
    return report


def owned_or_none(user: User, pk) -> SavedReport | None:
    """The saved report being edited in the builder (?saved=<id>): the user's own, else 404 / 403."""
    if not pk:
        return None
    try:
        return get_saved_for_owner(user, int(pk))
    except ValueError:
        raise Http404("No such saved report") from None


def spec_for_viewer(report: SavedReport, viewer: User) -> ReportSpec:
    """The saved spec as `viewer` runs it today: in their time zone, a relative period counted from today."""
    spec = report.report_spec()
    zone = viewer_zone(viewer)
    start, end = spec.filters.start, spec.filters.end
    if report.period:
        start, end = preset_dates(report.period, today_for(zone))
    return replace(spec, filters=replace(spec.filters, start=start, end=end, tz=zone))


def groups_to_share_with(user: User):
    """The access groups the user may share with: the ones they hold a right on (administrators: all)."""
    groups = AccessGroup.objects.order_by("name")
    return groups if user.is_helpdesk_admin else groups.filter(pk__in=held_group_ids(user))


def save_report(
    *, owner: User, name: str, spec: ReportSpec, period: str, visibility: str, group: AccessGroup | None, report=None
) -> SavedReport:
    """Create a saved report, or replace `report`'s content (its owner only)."""
    if report is not None and report.owner_id != owner.pk:
        raise PermissionDenied("Only the owner changes a saved report.")
    report = report or SavedReport(owner=owner)
    report.name, report.spec, report.period = name, spec.as_dict(), period
    report.visibility = visibility
    report.group = group if visibility == SavedReport.Visibility.GROUP else None
    report.save()
    return report


def delete_report(*, actor: User, report: SavedReport) -> None:
    if report.owner_id != actor.pk:
        raise PermissionDenied("Only the owner deletes a saved report.")
    report.delete()


def next_run(schedule: ReportSchedule, after: datetime, zone: str) -> datetime:
    """The first moment strictly after `after` when the schedule is due, at its hour in `zone`."""
    tz = zoneinfo.ZoneInfo(zone)
    local = after.astimezone(tz)
    day = local.date()
    for _ in range(400):
        due = (
            schedule.frequency == DAILY
            or (schedule.frequency == WEEKLY and day.weekday() == schedule.weekday)
            or (schedule.frequency not in (DAILY, WEEKLY) and day.day == schedule.day)
        )
        if due:
            moment = datetime.combine(day, time(schedule.hour), tzinfo=tz)
            if moment > after:
                return moment
        day += timedelta(days=1)
    raise ValueError("The schedule is never due")


@transaction.atomic
def save_schedule(*, actor: User, report: SavedReport, schedule: ReportSchedule, recipients) -> ReportSchedule:
    """The owner sets (or changes) the schedule; recipients must see reports; the next run is computed."""
    if report.owner_id != actor.pk:
        raise PermissionDenied("Only the owner schedules a saved report.")
    if not all(may_view_reports(r) for r in recipients):
        raise PermissionDenied("Every recipient must be allowed to see reports.")
    schedule.report = report
    schedule.next_run = next_run(schedule, timezone.now(), viewer_zone(actor))
    schedule.save()
    schedule.recipients.set(recipients)
    return schedule


def delete_schedule(*, actor: User, report: SavedReport) -> None:
    if report.owner_id != actor.pk:
        raise PermissionDenied("Only the owner changes a schedule.")
    ReportSchedule.objects.filter(report=report).delete()
