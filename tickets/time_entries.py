"""Time accounting: each piece of work is its own row (who, when, how long, on which ticket and article,
billable or not, a note), and periods locked for invoicing. Written only by tickets/services."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _


class TimeEntryQuerySet(models.QuerySet):
    def with_locked(self):
        """Each entry with `is_locked`: a locked period covers its day for its ticket's company (one query)."""
        covering = TimeLock.objects.filter(locked_until__gte=OuterRef("worked_on")).filter(
            Q(company__isnull=True) | Q(company_id=OuterRef("ticket__company_id"))
        )
        return self.annotate(is_locked=Exists(covering))


class TimeEntry(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="time_entries"
    )
    article = models.ForeignKey(
        "tickets.Article",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_entries",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_entries",
    )
    worked_on = models.DateField(_("worked on"), help_text=_("The day the work was done; periods lock by this day."))
    minutes = models.DecimalField(_("minutes"), max_digits=8, decimal_places=2)
    billable = models.BooleanField(_("billable"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        ordering = ["worked_on", "pk"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        indexes = [
            models.Index(fields=["ticket", "worked_on"], name="time_entry_ticket"),
            models.Index(fields=["author", "worked_on"], name="time_entry_author"),
            models.Index(fields=["worked_on"], name="time_entry_worked_on"),
        ]

    def __str__(self):
        return f"{self.minutes} min, {self.worked_on}"


class TimeLockQuerySet(models.QuerySet):
    def for_company(self, company_id: int | None):
        """The locks that bind a ticket of that company (or of none): its own and those of every company."""
        scope = Q(company__isnull=True)
        if company_id is not None:
            scope |= Q(company_id=company_id)
        return self.filter(scope).select_related("company").order_by("-locked_until")

    def covering(self, day: date, company_id: int | None) -> "TimeLock | None":
        """The lock (the latest one) that keeps time worked on `day` for that company from changing."""
        return self.for_company(company_id).filter(locked_until__gte=day).first()


class TimeLock(models.Model):
    """Time entries worked on or before `locked_until` (of one company, or of all when empty) cannot change."""

    locked_until = models.DateField(_("locked until"))
    company = models.ForeignKey(
        "accounts.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: every company."),
    )
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("locked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TimeLockQuerySet.as_manager()

    class Meta:
        ordering = ["-locked_until"]
        verbose_name = _("locked period")
        verbose_name_plural = _("locked periods")

    def __str__(self):
        return f"≤ {self.locked_until}"
