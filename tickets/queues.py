"""Queues (departments) and the SLA they point at."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SLA(models.Model):
    """Targets in minutes of business time; the clocks are kept by tickets/services/sla.py."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"), null=True, blank=True)
    update_minutes = models.PositiveIntegerField(_("update (minutes)"), null=True, blank=True)
    solution_minutes = models.PositiveIntegerField(_("solution (minutes)"), null=True, blank=True)
    warning_percent = models.PositiveSmallIntegerField(
        _("warning at (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of a target's time after which the ticket is in warning."),
    )
    calendar = models.ForeignKey(
        "tickets.Calendar",
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="slas",
        help_text=_("Empty: the queue's calendar, else the default calendar."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA")
        verbose_name_plural = _("SLAs")

    def __str__(self):
        return self.name


class Queue(models.Model):
    class FollowUp(models.TextChoices):
        REOPEN = "reopen", _("reopen the ticket")
        NEW_TICKET = "new", _("open a new ticket")
        REJECT = "reject", _("reject with a notice")

    name = models.CharField(_("name"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent queue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The tier above; escalation moves tickets between tiers."),
    )
    group = models.ForeignKey(
        "accounts.AccessGroup",
        verbose_name=_("access group"),
        on_delete=models.PROTECT,
        related_name="queues",
        help_text=_("Agents' rights on this group are their rights on this queue."),
    )
    email_addresses = models.CharField(
        _("receiving addresses"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated; mail to one of them lands in this queue. The first is the sender of replies."),
    )
    default_priority = models.ForeignKey(
        "tickets.Priority", verbose_name=_("default priority"), null=True, blank=True, on_delete=models.SET_NULL
    )
    sla = models.ForeignKey(SLA, verbose_name=_("SLA"), null=True, blank=True, on_delete=models.SET_NULL)
    calendar = models.ForeignKey(
        "tickets.Calendar",
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="queues",
        help_text=_("Empty: the default calendar. An SLA with its own calendar takes precedence."),
    )
    unlock_timeout_minutes = models.PositiveIntegerField(
        _("unlock timeout (minutes)"),
        default=0,
        help_text=_("A locked ticket with no agent activity is released after this long; 0 never."),
    )
    salutation = models.TextField(_("salutation"), blank=True)
    signature = models.TextField(_("signature"), blank=True)
    auto_response_enabled = models.BooleanField(_("send automatic acknowledgement"), default=True)
    auto_response_template = models.TextField(
        _("acknowledgement text"), blank=True, help_text=_("Empty: the shipped default is used.")
    )
    follow_up_policy = models.CharField(
        _("follow-up to a closed ticket"), max_length=10, choices=FollowUp.choices, default=FollowUp.REOPEN
    )
    follow_up_state = models.ForeignKey(
        "tickets.State",
        verbose_name=_("state after a customer's reply"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A waiting or pending ticket moves into it when the customer answers. Empty: the default."),
    )
    customer_selectable = models.BooleanField(_("customers may choose it"), default=False)
    escalation_contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalation contacts"),
        blank=True,
        related_name="escalation_queues",
        limit_choices_to={"kind": "agent"},
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")

    def __str__(self):
        return self.name

    def address_list(self) -> list[str]:
        return [a.strip().lower() for a in self.email_addresses.split(",") if a.strip()]

    @property
    def sender_address(self) -> str:
        addresses = self.address_list()
        return addresses[0] if addresses else settings.DEFAULT_FROM_EMAIL
