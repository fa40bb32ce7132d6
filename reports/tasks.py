"""Periodic jobs of the reports: the scheduled reports' mail (reports.delivery does the work)."""

from celery import shared_task

from reports import delivery


@shared_task(name="reports.tasks.send_scheduled_reports")
def send_scheduled_reports() -> int:
    """Mail the saved reports whose schedule is due; each run once (see reports.delivery)."""
    return delivery.send_due()
