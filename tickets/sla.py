"""The SLA clocks' record on a ticket: the timeline of clock segments ("why did this breach?").

Rows are written by tickets/services/sla.py only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.catalog import Clock


class TicketClockSegment(models.Model):
    """One stretch of a ticket's life during which its clocks ran, were paused or were stopped."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="clock_segments"
    )
    clock = models.CharField(_("clock"), max_length=10, choices=Clock.choices)
    started = models.DateTimeField(_("from"))
    ended = models.DateTimeField(_("to"), null=True, blank=True, help_text=_("Empty while current."))
    reason = models.CharField(_("reason"), max_length=100, help_text=_("The state the ticket was in."))
    event = models.CharField(_("event"), max_length=40, blank=True)

    class Meta:
        ordering = ["ticket", "started", "id"]
        verbose_name = _("clock segment")
        verbose_name_plural = _("clock segments")
        indexes = [models.Index(fields=["ticket", "started"], name="clockseg_ticket_started")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(ended__isnull=True), name="clockseg_one_current_per_ticket"
            )
        ]

    def __str__(self):
        return f"{self.get_clock_display()} {self.started:%Y-%m-%d %H:%M} – {self.reason}"


class TicketSlaCheckQuerySet(models.QuerySet):
    def due(self, now):
        """The checks whose moment has come, earliest first (the partial index on check_at)."""
        return self.filter(check_at__lte=now).order_by("check_at", "ticket_id")


class TicketSlaCheck(models.Model):
    """What the escalation sweep keeps of a ticket: when to look at it next (its next SLA warning or
    breach) and the warnings and breaches it has told.

    Its own narrow table rather than ticket columns: the sweep writes these for thousands of tickets a
    minute at a backlog, and a write here touches two small indexes, where a new version of a ticket
    row writes an entry in every one of the ticket table's indexes. The ticket reads them through
    properties of the same names (`ticket.sla_check_at`, `ticket.first_response_warned_at`...).
    """

    ticket = models.OneToOneField(
        "tickets.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="sla_check", verbose_name=_("ticket")
    )
    check_at = models.DateTimeField(_("next SLA event at"), null=True, blank=True)
    # Each clock's warning / breach marks: set by the sweep when it told them, cleared by the recompute
    # when the clock restarts or an SLA edit gives more time.
    first_response_warned_at = models.DateTimeField(_("first response warned at"), null=True, blank=True)
    first_response_breached_at = models.DateTimeField(_("first response breached at"), null=True, blank=True)
    update_warned_at = models.DateTimeField(_("update warned at"), null=True, blank=True)
    update_breached_at = models.DateTimeField(_("update breached at"), null=True, blank=True)
    solution_warned_at = models.DateTimeField(_("solution warned at"), null=True, blank=True)
    solution_breached_at = models.DateTimeField(_("solution breached at"), null=True, blank=True)

    objects = TicketSlaCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("SLA check")
        verbose_name_plural = _("SLA checks")
        indexes = [
            models.Index(fields=["check_at"], name="slacheck_check_at", condition=models.Q(check_at__isnull=False))
        ]

    def __str__(self):
        return f"{self.ticket_id}: {self.check_at}"


def check_value(name: str) -> property:
    """A read-only property of the ticket giving its check's `name` (None when it has no check row)."""

    def read(ticket):
        check = getattr(ticket, "sla_check", None)  # no row: the ticket never had a coming SLA event
        return getattr(check, name) if check is not None else None

    return property(read, doc=f"The ticket's TicketSlaCheck.{name}, or None.")


class EscalationNotice(models.Model):
    """The mail a sweep batch owes: its warnings and breaches, stored in the batch's transaction with
    its marks and told by a worker right after the commit (tickets.tasks.send_escalation_notices),
    then deleted in the transaction that stores the mail. A notice left by a worker that died is told
    by the next sweep: nothing told twice, nothing lost, and the sweep itself composes no mail."""

    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    crossings = models.JSONField(_("crossings"), help_text=_("[ticket id, clock, kind, due time] each."))

    class Meta:
        verbose_name = _("escalation notice")
        verbose_name_plural = _("escalation notices")

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M}: {len(self.crossings)}"
