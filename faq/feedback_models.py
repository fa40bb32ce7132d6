"""What readers do with articles: votes ("Was this helpful?") and deflections (a suggestion opened
while filing a request). Counters of views and votes sit on Article itself."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Vote(models.Model):
    """One per signed-in reader, or per session for anonymous readers, per article."""

    article = models.ForeignKey(
        "faq.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    session_key = models.CharField(_("session"), max_length=64, blank=True)
    helpful = models.BooleanField(_("helpful"))
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("FAQ vote")
        verbose_name_plural = _("FAQ votes")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], condition=Q(user__isnull=False), name="faq_vote_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=Q(user__isnull=True) & ~Q(session_key=""),
                name="faq_vote_once_per_session",
            ),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(session_key=""), name="faq_vote_has_a_voter"),
        ]

    def __str__(self):
        return f"{self.article_id}: {'+' if self.helpful else '-'}"


class Deflection(models.Model):
    """A customer opened an article suggested while writing a new request. It counts as deflected
    unless the customer filed a ticket within HELPDESK_FAQ_DEFLECTION_MINUTES after opening it."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        "faq.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="deflections"
    )
    subject = models.CharField(_("subject typed"), max_length=255, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket filed afterwards"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("FAQ deflection")
        verbose_name_plural = _("FAQ deflections")

    def __str__(self):
        return f"{self.customer} → {self.article}"
