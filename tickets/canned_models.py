"""Canned responses: administrator-managed reply templates, offered per queue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CannedResponseQuerySet(models.QuerySet):
    def for_queue(self, queue):
        """Active responses offered in `queue`: those tied to it and those tied to no queue."""
        return self.filter(is_active=True).filter(models.Q(queues=queue) | models.Q(queues__isnull=True)).distinct()


class CannedResponse(models.Model):
    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {{ customer_name }}, {{ ticket_number }}, {{ ticket_title }}, {{ agent_name }}, {{ queue }}."
        ),
    )
    queues = models.ManyToManyField(
        "tickets.Queue",
        verbose_name=_("queues"),
        blank=True,
        related_name="canned_responses",
        help_text=_("Empty: offered in every queue."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CannedResponseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self):
        return self.name
