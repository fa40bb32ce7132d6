"""Agent panel models: canned responses (administrator-managed reply templates) and saved searches."""

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


class SavedSearch(models.Model):
    """An agent's named ticket-list filter: the query string of the queue view, re-validated on every use."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("query"), max_length=2000, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_saved_search_name")]

    def __str__(self):
        return self.name
