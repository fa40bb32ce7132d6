"""Administrator-defined vocabularies: states, priorities, types, categories, tags, custom fields."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StateType(models.TextChoices):
    NEW = "new", _("new")
    OPEN = "open", _("open")
    PENDING_REMINDER = "pending_reminder", _("pending reminder")
    PENDING_AUTO_CLOSE = "pending_auto_close", _("pending auto-close")
    CLOSED = "closed", _("closed")
    MERGED = "merged", _("merged")
    REMOVED = "removed", _("removed")


OPEN_STATE_TYPES = (StateType.NEW, StateType.OPEN, StateType.PENDING_REMINDER, StateType.PENDING_AUTO_CLOSE)
PENDING_STATE_TYPES = (StateType.PENDING_REMINDER, StateType.PENDING_AUTO_CLOSE)


class Clock(models.TextChoices):
    """What the SLA clocks do while a ticket is in a state."""

    RUNNING = "running", _("running")
    PAUSED = "paused", _("paused")
    STOPPED = "stopped", _("stopped")


def default_clock(state_type: str) -> str:
    """The clock a state of this type has unless the administrator says otherwise."""
    if state_type in PENDING_STATE_TYPES:
        return Clock.PAUSED
    if state_type in OPEN_STATE_TYPES:
        return Clock.RUNNING
    return Clock.STOPPED


def first_default_new(states) -> "State | None":
    """The state new tickets start in: the one marked default, else the first of type new."""
    states = list(states)
    marked = [s for s in states if s.is_default_new]
    return (marked or [s for s in states if s.type == StateType.NEW] or [None])[0]


def first_reopen(states) -> "State | None":
    """The state a follow-up reopens a closed ticket into: the one marked, else the first of type open."""
    states = list(states)
    marked = [s for s in states if s.is_default_reopen]
    return (marked or [s for s in states if s.type == StateType.OPEN] or [None])[0]


class StateQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True).order_by("order", "name", "pk")

    def default_new(self) -> "State | None":
        return first_default_new(self.active())

    def reopen(self) -> "State | None":
        return first_reopen(self.active())

    def closed(self) -> "State | None":
        """The state a customer's "close my request" sets: the first active closed one."""
        return self.active().filter(type=StateType.CLOSED).first()


class State(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    type = models.CharField(_("state type"), max_length=20, choices=StateType.choices)
    is_default_new = models.BooleanField(_("default for new tickets"), default=False)
    is_default_reopen = models.BooleanField(_("default for follow-ups"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    close_into = models.ForeignKey(
        "self",
        verbose_name=_("close into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"type": StateType.CLOSED},
        help_text=_("Pending auto-close states: the state set when the time comes. Empty: the first closed state."),
    )
    clock = models.CharField(
        _("SLA clock"),
        max_length=10,
        choices=Clock.choices,
        default=Clock.RUNNING,
        help_text=_("Running counts business time; paused waits for the customer; stopped ends the clocks."),
    )

    objects = StateQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("state")
        verbose_name_plural = _("states")

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.type in OPEN_STATE_TYPES

    @property
    def is_pending(self) -> bool:
        return self.type in PENDING_STATE_TYPES


class Priority(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), unique=True, help_text=_("1 is the lowest."))
    color = models.CharField(_("colour"), max_length=20, blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    sla = models.ForeignKey("tickets.SLA", verbose_name=_("SLA"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["level"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")

    def __str__(self):
        return self.name


class TicketType(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    sla = models.ForeignKey("tickets.SLA", verbose_name=_("SLA"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")

    def __str__(self):
        return self.name


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    is_active = models.BooleanField(_("active"), default=True)
    sla = models.ForeignKey("tickets.SLA", verbose_name=_("SLA"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="unique_category_name")]

    def __str__(self):
        return f"{self.parent} › {self.name}" if self.parent_id else self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class CustomField(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        NUMBER = "number", _("number")
        DATE = "date", _("date")
        CHOICE = "choice", _("choice")

    name = models.SlugField(_("name"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("For choice fields: a list of values.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")

    def __str__(self):
        return self.label
