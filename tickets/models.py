"""The ticket domain: queues, states, tickets, articles, attachments, history; the agent panel's canned
responses and saved searches. The catalog (states, priorities, types...), queues and file tables
have their own modules, re-exported here."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.calendars import Calendar, Holiday, WorkingInterval  # noqa: F401
from tickets.catalog import OPEN_STATE_TYPES, Category, Clock, CustomField, Priority, State, StateType, Tag, TicketType  # noqa: F401
from tickets.files import Attachment, StoredFile  # noqa: F401
from tickets.queues import SLA, Queue  # noqa: F401
from tickets.ratings import SatisfactionRating  # noqa: F401
from tickets.sla import EscalationNotice, TicketClockSegment, TicketSlaCheck, check_value  # noqa: F401
from tickets.time_entries import TimeEntry, TimeLock  # noqa: F401

User = settings.AUTH_USER_MODEL


class TicketQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__type__in=OPEN_STATE_TYPES)

    def closed(self):
        return self.exclude(state__type__in=OPEN_STATE_TYPES)

    def for_list(self):
        """The related rows every ticket list shows, in one query."""
        return self.select_related("queue", "state", "priority", "owner", "customer", "company")


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=255)
    queue = models.ForeignKey(Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="tickets")
    state = models.ForeignKey(State, verbose_name=_("state"), on_delete=models.PROTECT, related_name="tickets")
    priority = models.ForeignKey(Priority, verbose_name=_("priority"), on_delete=models.PROTECT, related_name="+")
    type = models.ForeignKey(
        TicketType, verbose_name=_("type"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    customer = models.ForeignKey(
        User, verbose_name=_("customer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    company = models.ForeignKey(
        "accounts.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    owner = models.ForeignKey(
        User, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_tickets"
    )
    responsible = models.ForeignKey(
        User,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_tickets",
    )
    is_locked = models.BooleanField(_("locked"), default=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    watchers = models.ManyToManyField(User, verbose_name=_("watchers"), blank=True, related_name="watched_tickets")

    sla = models.ForeignKey(SLA, verbose_name=_("SLA"), null=True, blank=True, on_delete=models.SET_NULL)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    update_due = models.DateTimeField(_("update due"), null=True, blank=True)
    solution_due = models.DateTimeField(_("solution due"), null=True, blank=True)
    escalation_at = models.DateTimeField(
        _("escalates at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The earliest due time of a running clock."),
    )
    # The SLA clocks (tickets/services/sla.py): where the update clock restarted. The sweep's next look
    # and its warning / breach marks are in TicketSlaCheck, read here through properties.
    update_clock_from = models.DateTimeField(_("update clock from"), null=True, blank=True)
    sla_check_at = check_value("check_at")
    first_response_warned_at = check_value("first_response_warned_at")
    first_response_breached_at = check_value("first_response_breached_at")
    update_warned_at = check_value("update_warned_at")
    update_breached_at = check_value("update_breached_at")
    solution_warned_at = check_value("solution_warned_at")
    solution_breached_at = check_value("solution_breached_at")
    # Each running, unmet clock's warning moment, stored by the recompute (NULL when the clock does
    # not count: met, paused, stopped): the escalation sweep marks from these and the due times
    # without any calendar arithmetic.
    first_response_warning_due = models.DateTimeField(_("first response warning at"), null=True, blank=True)
    update_warning_due = models.DateTimeField(_("update warning at"), null=True, blank=True)
    solution_warning_due = models.DateTimeField(_("solution warning at"), null=True, blank=True)

    pending_until = models.DateTimeField(_("pending until"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # For the reports (aggregated in SQL): how the ticket came in, and its first response and solution
    # times in business minutes of its calendar, stored when they happen.
    channel = models.CharField(_("channel"), max_length=10, blank=True, db_index=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first response time (business minutes)"), null=True, blank=True
    )
    solution_minutes = models.PositiveIntegerField(_("solution time (business minutes)"), null=True, blank=True)
    time_accounted = models.DecimalField(_("time accounted (minutes)"), max_digits=10, decimal_places=2, default=0)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised by every change; a form based on an older version is refused.")
    )
    # Sort keys for the lists (tickets/services/sort_keys.py): copies of the customer's and the owner's username and
    # of the priority's level, so that a list sorted by them over all states reads an index in order.
    customer_sort = models.CharField(max_length=150, null=True, blank=True, editable=False)
    owner_sort = models.CharField(max_length=150, null=True, blank=True, editable=False)
    priority_level = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # Whether the state is of an open type, kept on the row like the sort keys: the lists of open tickets
    # filter on it, so that their partial (updated, id) index holds only the open tickets.
    in_open_state = models.BooleanField(default=False, db_default=False, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["queue", "state", "-updated"], name="ticket_queue_state_upd"),
            models.Index(fields=["owner", "state"], name="ticket_owner_state"),
            models.Index(fields=["customer", "-created"], name="ticket_customer_created"),
            models.Index(fields=["company", "-created"], name="ticket_company_created"),
            models.Index(fields=["title", "id"], name="ticket_title_id"),  # the list sorted by title
            models.Index(fields=["customer_sort", "id"], name="ticket_customer_sort"),  # ... by customer
            models.Index(fields=["owner_sort", "id"], name="ticket_owner_sort"),  # ... by owner
            models.Index(fields=["priority_level", "id"], name="ticket_priority_level"),  # ... by priority
            # Open tickets by their last change, both ways (the default list, its last page, oldest first).
            # The `updated` index alone made PostgreSQL walk past every closed ticket older than the page.
            models.Index(fields=["updated", "id"], name="ticket_open_updated", condition=Q(in_open_state=True)),
            # ... and one queue's open tickets, and their count (the state-id index served these before the flag).
            models.Index(
                fields=["queue", "updated", "id"], name="ticket_open_queue_updated", condition=Q(in_open_state=True)
            ),
            # The pending sweeps (reminders, auto-close): due tickets of a few states, never a scan.
            models.Index(
                fields=["state", "pending_until"], name="ticket_state_pending", condition=Q(pending_until__isnull=False)
            ),
            # The reports (reports/queries.py): what was closed / first answered in a period, and the backlog
            # (closed_at IS NULL: the tickets still open).
            models.Index(fields=["closed_at"], name="ticket_closed_at"),
            models.Index(fields=["first_response_at"], name="ticket_first_response_at"),
            # Rows pointing to tickets (time entries, ratings, articles) grouped by the ticket's queue, owner,
            # company...: the join reads this narrow index (index-only) instead of the wide ticket rows (key columns,
            # not INCLUDE: SQLite has no covering indexes).
            models.Index(
                fields=["id", "queue", "owner", "company", "state", "priority", "channel"], name="ticket_report_dims"
            ),
            # Unanswered first responses past their due time, for the SLA report. On the due time, not on the
            # sweep's breach mark: no index may name a column the sweep sets, so its marks stay heap-only updates.
            models.Index(
                fields=["first_response_due"],
                name="ticket_unanswered_due",
                condition=Q(first_response_at__isnull=True, first_response_due__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{settings.HELPDESK_TICKET_HOOK}{self.number} {self.title}"

    # What the row keeps a copy of (tickets/services/sort_keys.py): source -> (column, its value of the related row).
    COPIES = {
        "customer": ("customer_sort", lambda user: user.username),
        "owner": ("owner_sort", lambda user: user.username),
        "priority": ("priority_level", lambda priority: priority.level),
        "state": ("in_open_state", lambda state: state.type in OPEN_STATE_TYPES),
    }

    def save(self, *args, **kwargs):
        """Every save keeps the copies of what it saves: a save of `owner` also saves `owner_sort`, a save
        of `state` also `in_open_state`."""
        fields = kwargs.get("update_fields")
        sources = [source for source in self.COPIES if fields is None or source in fields or f"{source}_id" in fields]
        for source in sources:
            column, value_of = self.COPIES[source]
            if getattr(self, f"{source}_id") is None:
                setattr(self, column, self._meta.get_field(column).get_default())
            else:  # the object the service assigned, or one query by primary key
                setattr(self, column, value_of(getattr(self, source)))
        if fields is not None and sources:
            kwargs["update_fields"] = {*fields, *(self.COPIES[source][0] for source in sources)}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state.type in OPEN_STATE_TYPES

    def subject_tag(self) -> str:
        return f"[{settings.HELPDESK_TICKET_HOOK}{self.number}]"

    def merge_target(self, max_hops: int = 20) -> "Ticket":
        """The ticket this one lives on in after merges (itself when it was not merged)."""
        ticket = self
        for _hop in range(max_hops):
            if not ticket.merged_into_id:
                return ticket
            ticket = Ticket.objects.select_related("queue", "state").get(pk=ticket.merged_into_id)
        return ticket

    def follow_up_refused(self) -> bool:
        """Does a customer's message to this ticket bounce (closed, in a queue whose policy is reject)?

        A merged ticket takes follow-ups: they go on to the ticket it was merged into.
        """
        return not self.is_open and not self.merged_into_id and self.queue.follow_up_policy == Queue.FollowUp.REJECT

    def customer_may_reopen(self) -> bool:
        """May the customer reopen it without writing (closed, not merged, in a queue that reopens)?"""
        return not self.is_open and not self.merged_into_id and self.queue.follow_up_policy == Queue.FollowUp.REOPEN

    def may_be_rated(self) -> bool:
        """Is it finished, so that the customer can rate it (once: see TicketRating)?"""
        return not self.is_open and not self.merged_into_id


class Article(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        WEB = "web", _("web")
        PHONE = "phone", _("phone")
        NOTE = "note", _("note")
        API = "api", _("API")
        SYSTEM = "system", _("system")

    class Sender(models.TextChoices):
        CUSTOMER = "customer", _("customer")
        AGENT = "agent", _("agent")
        SYSTEM = "system", _("system")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="articles")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    sender_type = models.CharField(_("sender type"), max_length=10, choices=Sender.choices)
    is_visible_to_customer = models.BooleanField(_("visible to customer"), default=True)
    author = models.ForeignKey(
        User, verbose_name=_("author"), null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    from_address = models.CharField(_("from"), max_length=500, blank=True)
    to_addresses = models.TextField(_("to"), blank=True)
    cc_addresses = models.TextField(_("cc"), blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    body_text = models.TextField(_("body (text)"), blank=True)
    body_html = models.TextField(_("body (sanitised HTML)"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=500, blank=True)
    references = models.TextField(_("References"), blank=True)
    raw_message = models.ForeignKey(
        StoredFile, verbose_name=_("raw message"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    time_accounted = models.DecimalField(_("time accounted (minutes)"), max_digits=10, decimal_places=2, default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["ticket", "created"], name="article_ticket_created"),
            # The per-agent report: the articles agents sent to customers in a period.
            models.Index(
                fields=["created", "author"],
                name="article_agent_sent",
                condition=Q(sender_type="agent", is_visible_to_customer=True),
            ),
            # The panel's notification poll: customer replies since the last poll, in every agent's
            # browser twice a minute (without it, a read of the whole (ticket, created) index).
            models.Index(fields=["created"], name="article_customer_created", condition=Q(sender_type="customer")),
        ]

    def __str__(self):
        return self.subject or f"{self.get_channel_display()} #{self.pk}"


class TicketHistory(models.Model):
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="history")
    event = models.CharField(_("event"), max_length=50)
    actor = models.ForeignKey(User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL)
    field = models.CharField(_("field"), max_length=50, blank=True)
    old_value = models.CharField(_("old value"), max_length=500, blank=True)
    new_value = models.CharField(_("new value"), max_length=500, blank=True)
    created = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [models.Index(fields=["ticket", "created"], name="history_ticket_created")]

    def __str__(self):
        return f"{self.event} {self.field}: {self.old_value} -> {self.new_value}"


class TicketLink(models.Model):
    class Kind(models.TextChoices):
        PARENT_CHILD = "parent", _("parent of")
        RELATED = "related", _("related to")
        DUPLICATE = "duplicate", _("duplicate of")

    source = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(
        Ticket, verbose_name=_("linked ticket"), on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_ticket_link"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="link_not_to_self"),
        ]

    def __str__(self):
        return f"{self.source.number} {self.get_kind_display()} {self.target.number}"


class TicketMerge(models.Model):
    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="merged_away")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="merged_from")
    merged_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merge record")
        verbose_name_plural = _("merge records")

    def __str__(self):
        return f"{self.source.number} -> {self.target.number}"


class CustomFieldValue(models.Model):
    """One typed value per ticket and field, stored in a typed column so lists can filter on it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="field_values")
    field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="values")
    value_text = models.CharField(max_length=500, blank=True, db_index=True)
    value_number = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True, db_index=True)
    value_date = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("custom field value")
        verbose_name_plural = _("custom field values")
        constraints = [models.UniqueConstraint(fields=["ticket", "field"], name="unique_field_value")]

    def __str__(self):
        return f"{self.field}: {self.value}"

    @property
    def value(self):
        return {
            CustomField.Kind.NUMBER: self.value_number,
            CustomField.Kind.DATE: self.value_date,
        }.get(self.field.kind, self.value_text)


class TicketCounter(models.Model):
    """One row per counting period for the ticket number generator."""

    period = models.CharField(max_length=20, unique=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.period}: {self.value}"


# --- the agent panel's own tables: canned responses (administrator-managed reply templates) and saved searches


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


class SavedSearchQuerySet(models.QuerySet):
    def visible_to(self, user, group_ids=frozenset()):
        """The agent's own searches and those shared with them: with every agent, or with an access
        group they hold a right on (`group_ids`, from tickets.permissions.group_ids)."""
        shared = Q(sharing=SavedSearch.Sharing.AGENTS) | Q(sharing=SavedSearch.Sharing.GROUP, group_id__in=group_ids)
        return self.filter(Q(user=user) | shared).select_related("user")


class SavedSearch(models.Model):
    """An agent's named ticket-list filter or search: the query string of the queue view or of the
    search page (`page`), re-validated on every use; private or shared with other agents."""

    class Page(models.TextChoices):
        LIST = "list", _("queue view")
        SEARCH = "search", _("search")

    class Sharing(models.TextChoices):
        PRIVATE = "private", _("only me")
        AGENTS = "agents", _("all agents")
        GROUP = "group", _("an access group")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("query"), max_length=2000, blank=True)
    page = models.CharField(_("page"), max_length=10, choices=Page.choices, default=Page.LIST)
    sharing = models.CharField(_("shared with"), max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE)
    group = models.ForeignKey(
        "accounts.AccessGroup",
        verbose_name=_("access group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Shared with the agents holding a right on this group."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SavedSearchQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_saved_search_name")]

    def __str__(self):
        return self.name

    def url_name(self) -> str:
        return "agent:search" if self.page == self.Page.SEARCH else "agent:queues"
