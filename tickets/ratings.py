"""The customer's satisfaction rating of a finished ticket (written by tickets.services.rate_ticket)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SatisfactionRating(models.Model):
    """One rating (1-5 and a comment) per ticket, given by the customer after closing; `ticket.rating`.

    Reports read it; only the rating service writes it.
    """

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)], help_text=_("1 (poor) to 5 (excellent)")
    )
    comment = models.TextField(_("comment"), blank=True)
    rated_by_email = models.CharField(_("rated by"), max_length=254, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.ticket_id}: {self.score}/5"

    @property
    def stars(self) -> str:
        return "★" * self.score + "☆" * (5 - self.score)
