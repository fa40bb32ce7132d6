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
