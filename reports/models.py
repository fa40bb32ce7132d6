"""Reports are the read side: they read the ticket domain's rows (tickets.models.SatisfactionRating, ...).

The satisfaction rating moved into the ticket app (migration tickets 0007): rating a ticket is a ticket
service with history and an event.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessGroup
from reports.periods import DAILY, MONTHLY, PRESETS, WEEKLY
from reports.spec import ReportSpec
from tickets.calendars import Weekday


class SavedReportQuerySet(models.QuerySet):
    def visible_to(self, user, group_ids) -> "SavedReportQuerySet":
        """The saved reports `user` sees: their own, those shared with all report viewers, and those shared
        with an access group they hold a right on (`group_ids`)."""
        return self.filter(
            Q(owner=user)
            | Q(visibility=SavedReport.Visibility.ALL)
            | Q(visibility=SavedReport.Visibility.GROUP, group_id__in=group_ids)
        )


class SavedReport(models.Model):
    """A report built in the builder, kept under a name: its spec, and who else may open it (read-only)."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("only me")
        GROUP = "group", _("agents of an access group")
        ALL = "all", _("everyone who sees reports")

    name = models.CharField(_("name"), max_length=200)
    spec = models.JSONField(_("specification"))
    period = models.CharField(
        _("period"),
        max_length=20,
        blank=True,
        choices=PRESETS.items(),
        help_text=_("A period relative to the day it is opened; empty: the spec's fixed dates."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="saved_reports"
    )
    visibility = models.CharField(_("visible to"), max_length=10, choices=Visibility.choices, default="private")
    group = models.ForeignKey(
        AccessGroup, verbose_name=_("access group"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SavedReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved report")
        verbose_name_plural = _("saved reports")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def report_spec(self) -> ReportSpec:
        return ReportSpec.from_dict(self.spec)


class ReportSchedule(models.Model):
    """A saved report mailed to chosen agents as PDF or XLSX, daily, weekly or monthly, at an hour of the
    owner's time zone. Each recipient gets the report as they see it, over the previous day / week / month."""

    class Frequency(models.TextChoices):
        DAILY = DAILY, _("daily")
        WEEKLY = WEEKLY, _("weekly")
        MONTHLY = MONTHLY, _("monthly")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    report = models.OneToOneField(
        SavedReport, verbose_name=_("saved report"), on_delete=models.CASCADE, related_name="schedule"
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=WEEKLY)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, default=0)
    day = models.PositiveSmallIntegerField(
        _("day of the month"), default=1, help_text=_("1 to 28, so that every month has it.")
    )
    hour = models.PositiveSmallIntegerField(_("hour"), default=7)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default="pdf")
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("recipients"), related_name="+")
    active = models.BooleanField(_("active"), default=True)
    next_run = models.DateTimeField(_("next run"), null=True, blank=True, db_index=True)
    last_sent = models.DateTimeField(_("last sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")

    def __str__(self):
        return f"{self.report} ({self.get_frequency_display()})"
