"""Mail accounts, the ingest record of every message received, routing filters, the outbox."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mailgateway.safe_regex import check_pattern


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class MailAccount(models.Model):
    class Kind(models.TextChoices):
        IMAP = "imap", _("IMAP")
        MAILDIR = "maildir", _("Maildir")

    class Security(models.TextChoices):
        TLS = "tls", _("TLS (IMAPS)")
        STARTTLS = "starttls", _("STARTTLS")
        NONE = "none", _("none (loopback or test only)")

    class AfterImport(models.TextChoices):
        FLAG = "flag", _("flag as seen and keep")
        MOVE = "move", _("move to a folder")
        DELETE = "delete", _("delete")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.IMAP)
    host = models.CharField(_("host"), max_length=255, blank=True)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("security"), max_length=10, choices=Security.choices, default=Security.TLS)
    username = models.CharField(_("user"), max_length=255, blank=True)
    password = models.CharField(_("password"), max_length=255, blank=True)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    maildir_path = models.CharField(_("Maildir path"), max_length=500, blank=True)
    after_import = models.CharField(
        _("after import"), max_length=10, choices=AfterImport.choices, default=AfterImport.FLAG
    )
    move_to_folder = models.CharField(_("move to folder"), max_length=255, blank=True)
    poll_interval_seconds = models.PositiveIntegerField(_("poll interval (seconds)"), default=60)
    queue = models.ForeignKey(
        "tickets.Queue",
        verbose_name=_("queue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: route by recipient address to the queue that lists it, else to the default queue."),
    )
    is_trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_("Only a trusted account's mail may carry X-Helpdesk-* control headers."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful fetch"), null=True, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    alert_sent_at = models.DateTimeField(_("alert sent"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mail account")
        verbose_name_plural = _("mail accounts")

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.IMAP and not (self.host and self.username):
            raise ValidationError(_("An IMAP account needs a host and a user."))
        if self.kind == self.Kind.IMAP and self.security == self.Security.NONE and not _is_loopback(self.host):
            raise ValidationError(_("Without TLS the password would cross the network in clear: use TLS or STARTTLS."))
        if self.kind == self.Kind.MAILDIR and not self.maildir_path:
            raise ValidationError(_("A Maildir account needs a path."))
        if self.after_import == self.AfterImport.MOVE and not self.move_to_folder:
            raise ValidationError(_("Name the folder to move imported mail to."))


class InboundMessage(models.Model):
    """The ingest record: raw bytes stored before anything else happens to a message."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        IMPORTED = "imported", _("imported")
        DUPLICATE = "duplicate", _("duplicate")
        IGNORED = "ignored", _("ignored by a filter")
        SPAM = "spam", _("spam")
        REJECTED = "rejected", _("rejected (closed ticket)")
        FAILED = "failed", _("failed, will retry")
        QUARANTINED = "quarantined", _("quarantined")

    account = models.ForeignKey(
        MailAccount,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    source = models.CharField(_("source"), max_length=20, default="imap")
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    uid = models.BigIntegerField(_("UID"), null=True, blank=True)
    source_key = models.CharField(_("source key"), max_length=255, blank=True, help_text=_("Maildir file name."))
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True, db_index=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    raw = models.ForeignKey("tickets.StoredFile", verbose_name=_("raw message"), on_delete=models.PROTECT)
    stored_whole = models.BooleanField(
        _("stored whole"),
        default=True,
        help_text=_("Off when only the header (or nothing) could be stored: such a record is never imported."),
    )
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    from_address = models.CharField(_("from"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    is_auto_generated = models.BooleanField(_("automatic mail (never answered)"), default=False)
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    article = models.ForeignKey(
        "tickets.Article", verbose_name=_("article"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    server_done = models.BooleanField(_("flagged on the server"), default=False)
    received = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    processed = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-received"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [
            models.UniqueConstraint(fields=["account", "uidvalidity", "uid"], name="unique_inbound_uid"),
            models.UniqueConstraint(
                fields=["account", "source_key"], condition=~models.Q(source_key=""), name="unique_inbound_key"
            ),
        ]
        indexes = [models.Index(fields=["status", "received"], name="inbound_status_received")]

    def __str__(self):
        return self.subject or self.message_id or f"#{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.status not in (self.Status.PENDING, self.Status.FAILED)


class PostmasterFilter(models.Model):
    """If a header (or the body) matches, set queue/priority/category/state/tags, or ignore, or mark as spam."""

    class Match(models.TextChoices):
        EXACT = "exact", _("is exactly")
        CONTAINS = "contains", _("contains")
        REGEX = "regex", _("matches the regular expression")

    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    field = models.CharField(
        _("header"), max_length=100, help_text=_("A header name such as From, Subject, X-Spam-Flag; or 'body'.")
    )
    match = models.CharField(_("match"), max_length=10, choices=Match.choices, default=Match.CONTAINS)
    value = models.CharField(_("value"), max_length=500)
    negate = models.BooleanField(_("negate"), default=False)
    set_queue = models.ForeignKey(
        "tickets.Queue", verbose_name=_("set queue"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    set_priority = models.ForeignKey(
        "tickets.Priority",
        verbose_name=_("set priority"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    set_category = models.ForeignKey(
        "tickets.Category",
        verbose_name=_("set category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    set_state = models.ForeignKey(
        "tickets.State", verbose_name=_("set state"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    add_tags = models.CharField(_("add tags"), max_length=200, blank=True, help_text=_("Comma-separated."))
    ignore = models.BooleanField(_("ignore the message"), default=False)
    mark_spam = models.BooleanField(_("mark as spam"), default=False)
    stop = models.BooleanField(_("stop after this filter"), default=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("postmaster filter")
        verbose_name_plural = _("postmaster filters")

    def __str__(self):
        return self.name

    def clean(self):
        if self.match == self.Match.REGEX:
            problem = check_pattern(self.value)
            if problem:
                raise ValidationError({"value": problem})


class AutoMailLog(models.Model):
    """One row per automatic mail sent, for the per-recipient hourly cap."""

    recipient = models.CharField(max_length=254, db_index=True)
    kind = models.CharField(max_length=40)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("automatic mail")
        verbose_name_plural = _("automatic mails")

    def __str__(self):
        return f"{self.kind} -> {self.recipient}"


class OutgoingMail(models.Model):
    """The outbox: every mail the helpdesk sends, stored before it is sent, with its delivery state."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("agent reply")
        FORWARD = "forward", _("forward")
        ACKNOWLEDGEMENT = "acknowledgement", _("acknowledgement")
        STATE_CHANGED = "state_changed", _("customer: state changed")
        TICKET_CLOSED = "ticket_closed", _("customer: ticket closed")
        AGENT_REPLY = "agent_reply", _("customer: an agent answered")
        FOLLOW_UP_REJECTED = "follow_up_rejected", _("customer: follow-up rejected")
        AGENT_NEW_TICKET = "agent_new_ticket", _("agent: new ticket")
        AGENT_FOLLOW_UP = "agent_follow_up", _("agent: follow-up")
        AGENT_ASSIGNED = "agent_assigned", _("agent: ticket assigned")
        AGENT_REMINDER = "agent_reminder", _("agent: reminder due")
        ESCALATION_WARNING = "escalation_warning", _("agent: SLA warning")
        ESCALATION_BREACH = "escalation_breach", _("agent: SLA breached")
        PASSWORD_RESET = "password_reset", _("password reset")
        INVITATION = "invitation", _("invitation")
        ACCOUNT_ALERT = "account_alert", _("failing mail account alert")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SUPPRESSED = "suppressed", _("suppressed")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    message_id = models.CharField(_("Message-ID"), max_length=500, unique=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outgoing_mails",
    )
    article = models.OneToOneField(
        "tickets.Article",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outgoing_mail",
    )
    from_address = models.CharField(_("from"), max_length=500)
    to = models.TextField(_("to"), blank=True)
    cc = models.TextField(_("cc"), blank=True)
    bcc = models.TextField(_("bcc"), blank=True)
    reply_to = models.TextField(_("reply-to"), blank=True)
    subject = models.CharField(_("subject"), max_length=1000, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True, help_text=_("[stored file id, file name, content type] each.")
    )
    is_automatic = models.BooleanField(_("automatic mail"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outgoing_status_next")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    def recipients(self) -> list[str]:
        return [a for field in (self.to, self.cc, self.bcc) for a in split_addresses(field)]


def split_addresses(text: str) -> list[str]:
    return [a.strip() for a in (text or "").split("\n") if a.strip()]


class UndeliverableAddress(models.Model):
    """An address a bounce said cannot receive mail: no automatic mail goes there until an agent clears it."""

    address = models.EmailField(_("address"), max_length=254, unique=True)
    reason = models.TextField(_("reason"), blank=True)
    article = models.ForeignKey(
        "tickets.Article",
        verbose_name=_("bounce"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("marked"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("undeliverable address")
        verbose_name_plural = _("undeliverable addresses")

    def __str__(self):
        return self.address

    def save(self, *args, **kwargs):
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)


class EmailTemplate(models.Model):
    """An administrator's override of a shipped mail template, per queue and language."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("acknowledgement of a new ticket")
        AGENT_REPLY = "agent_reply", _("customer: an agent answered")
        STATE_CHANGED = "state_changed", _("customer: state changed")
        TICKET_CLOSED = "ticket_closed", _("customer: ticket closed")
        FOLLOW_UP_REJECTED = "follow_up_rejected", _("customer: follow-up rejected")
        AGENT_NEW_TICKET = "agent_new_ticket", _("agent: new ticket")
        AGENT_FOLLOW_UP = "agent_follow_up", _("agent: follow-up")
        AGENT_ASSIGNED = "agent_assigned", _("agent: ticket assigned")
        AGENT_REMINDER = "agent_reminder", _("agent: reminder due")

    kind = models.CharField(_("message"), max_length=30, choices=Kind.choices)
    queue = models.ForeignKey(
        "tickets.Queue",
        verbose_name=_("queue"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: every queue."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    subject = models.CharField(_("subject template"), max_length=300)
    body_text = models.TextField(_("text template"))
    body_html = models.TextField(_("HTML template"), blank=True)

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        constraints = [models.UniqueConstraint(fields=["kind", "queue", "language"], name="unique_email_template")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.queue or _('all queues')}, {self.language or _('any language')})"


class ReminderNotice(models.Model):
    """Claims one reminder (ticket + due time) so that it is mailed once, whatever runs the check."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    due = models.DateTimeField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "due"], name="unique_reminder_notice")]

    def __str__(self):
        return f"{self.ticket_id} @ {self.due}"
