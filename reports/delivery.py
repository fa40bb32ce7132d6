"""Scheduled reports: each due schedule is claimed once, computed for every recipient as that recipient
sees it (their own permission scope, their time zone and language) over the previous day / week / month,
and mailed as a PDF or XLSX attachment through the outgoing mail path (settings.EMAIL_BACKEND, the outbox).

A schedule is claimed with select_for_update(skip_locked): two beat runs or two workers never send it twice.
Its mails are queued in the same transaction that moves `next_run` on, so a crash sends nothing and the next
run tries again; a report that cannot be made (e.g. the PDF renderer over its limits) is recorded in
`last_error` and the schedule moves on to its next run instead of retrying every few minutes.
"""

import logging
import zoneinfo
from dataclasses import replace
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from reports import builder, exports
from reports.access import may_view_reports
from reports.forms import describe
from reports.models import ReportSchedule
from reports.periods import previous_period, viewer_zone
from reports.saved import next_run, visible_saved

log = logging.getLogger(__name__)


def send_due(now: datetime | None = None) -> int:
    """Send every schedule due at `now`; returns how many were handled."""
    now = now or timezone.now()
    handled = 0
    while True:
        with transaction.atomic():
            schedule = (
                ReportSchedule.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(active=True, next_run__lte=now)
                .select_related("report__owner")
                .order_by("next_run", "pk")
                .first()
            )
            if schedule is None:
                return handled
            run(schedule, now)
            handled += 1


def run(schedule: ReportSchedule, now: datetime) -> None:
    """Mail the schedule's report to its recipients and move it on to its next run (inside the claim)."""
    try:
        with transaction.atomic():
            for recipient in schedule.recipients.filter(is_active=True).order_by("pk"):
                if may_view_reports(recipient) and recipient.email:
                    mail_report(schedule, recipient, now)
        schedule.last_sent, schedule.last_error = now, ""
    except Exception as exc:  # one failing report must not stop the others nor retry every few minutes
        log.exception("Scheduled report %s could not be sent", schedule.pk)
        schedule.last_error = f"{type(exc).__name__}: {exc}"[:500]
    schedule.next_run = next_run(schedule, now, viewer_zone(schedule.report.owner))
    schedule.save(update_fields=["next_run", "last_sent", "last_error"])


def mail_report(schedule: ReportSchedule, recipient: User, now: datetime) -> None:
    report = schedule.report
    zone = viewer_zone(recipient)
    start, end = previous_period(schedule.frequency, now.astimezone(zoneinfo.ZoneInfo(zone)).date())
    spec = report.report_spec()
    spec = replace(spec, filters=replace(spec.filters, start=start, end=end, tz=zone))
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(zone):
        table = builder.run(spec, recipient)
        table.title = report.name
        table.filters = table.filters or describe(spec.filters)
        content, content_type, name = exports.export(table, schedule.format)
        # The link only for a recipient who may open the saved report (a private one is its owner's).
        link = visible_saved(recipient).filter(pk=report.pk).exists()
        context = {
            "report": report,
            "start": start,
            "end": end,
            "report_url": settings.HELPDESK_BASE_URL + reverse("reports:saved", args=[report.pk]) if link else "",
        }
        subject = " ".join(render_to_string("emails/scheduled_report_subject.txt", context).split())
        text = render_to_string("emails/scheduled_report.txt", context)
        html = render_to_string("emails/scheduled_report.html", context)
    mail = EmailMultiAlternatives(subject[:500], text, to=[recipient.email])
    mail.attach_alternative(html, "text/html")
    mail.attach(name, content, content_type.split(";")[0])
    mail.send()
