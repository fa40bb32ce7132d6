"""Users, companies, and the OTRS-style group/role grants.

One user model with a `kind` (agent or customer); see the README's architecture
section for why.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    email_domains = models.CharField(
        _("email domains"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated domains; mail from an unknown sender at one of them joins this company."),
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_companies",
        limit_choices_to={"kind": "agent"},
    )
    notes = models.TextField(_("notes"), blank=True)
    sla = models.ForeignKey(
        "tickets.SLA",  # by name: accounts imports no other app of ours
        verbose_name=_("contract SLA"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Applies to the company's tickets before any category, type, priority or queue SLA."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer company")
        verbose_name_plural = _("customer companies")

    def __str__(self):
        return self.name

    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.email_domains.split(",") if d.strip()]


class AgentUserManager(UserManager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=User.Kind.AGENT)


class CustomerUserManager(UserManager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=User.Kind.CUSTOMER)


class User(AbstractUser):
    class Kind(models.TextChoices):
        AGENT = "agent", _("Agent")
        CUSTOMER = "customer", _("Customer")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CUSTOMER, db_index=True)
    email = models.EmailField(_("email address"), blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
    )
    can_see_company_tickets = models.BooleanField(
        _("sees the company's tickets"),
        default=False,
        help_text=_("A customer with this right sees every ticket of their company."),
    )
    roles = models.ManyToManyField("accounts.Role", verbose_name=_("roles"), blank=True, related_name="users")
    signature = models.TextField(_("personal signature"), blank=True)
    # Agent preferences
    notify_new_ticket = models.BooleanField(_("email me about new tickets in my queues"), default=True)
    notify_follow_up = models.BooleanField(_("email me about follow-ups on my tickets"), default=True)
    notify_assigned = models.BooleanField(_("email me when a ticket is assigned to me"), default=True)
    notify_reminder = models.BooleanField(_("email me when a reminder is due"), default=True)
    play_sound = models.BooleanField(_("play a sound on new tickets and replies"), default=True)
    desktop_notifications = models.BooleanField(_("show desktop notifications"), default=True)
    AGENT_PREFERENCES = [
        "notify_new_ticket",
        "notify_follow_up",
        "notify_assigned",
        "notify_reminder",
        "play_sound",
        "desktop_notifications",
    ]

    objects = UserManager()
    agents = AgentUserManager()
    customers = CustomerUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # The mail gateway finds a sender by the lower-cased address (router.find_or_create_sender).
        indexes = [models.Index(Lower("email"), name="user_email_lower")]

    @property
    def is_agent(self) -> bool:
        return self.kind == self.Kind.AGENT

    @property
    def is_customer(self) -> bool:
        return self.kind == self.Kind.CUSTOMER

    @property
    def is_helpdesk_admin(self) -> bool:
        """Administrators see and may do everything in every queue."""
        return self.is_active and self.is_agent and self.is_superuser

    def display_name(self) -> str:
        return self.get_full_name() or self.email or self.username

    def __str__(self):
        return self.display_name()


class Permission(models.TextChoices):
    """The per-queue rights of OTRS. `rw` includes every other right."""

    RO = "ro", _("read only")
    MOVE_INTO = "move_into", _("move into")
    CREATE = "create", _("create")
    NOTE = "note", _("add note")
    OWNER = "owner", _("be owner")
    PRIORITY = "priority", _("change priority")
    RW = "rw", _("read/write (all)")
    # Not a queue right: edit the FAQ categories that list the group as an editor group (faq/permissions.py).
    FAQ_EDIT = "faq_edit", _("edit FAQ articles")
    # Not a queue right either: open the reports (reports/access.py); they count only tickets the agent may see.
    REPORTS = "reports", _("see reports")


class AccessGroup(models.Model):
    """A group of queues; rights are granted on groups, to agents or roles."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("access group")
        verbose_name_plural = _("access groups")

    def __str__(self):
        return self.name


class Role(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.name


class GroupGrant(models.Model):
    """One right on one group, held by an agent directly or by a role."""

    group = models.ForeignKey(AccessGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="grants")
    permission = models.CharField(_("permission"), max_length=20, choices=Permission.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="group_grants",
        limit_choices_to={"kind": "agent"},
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )

    class Meta:
        verbose_name = _("group grant")
        verbose_name_plural = _("group grants")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, role__isnull=True) | models.Q(user__isnull=True, role__isnull=False)
                ),
                name="grant_has_user_xor_role",
            ),
            models.UniqueConstraint(fields=["group", "permission", "user"], name="unique_user_grant"),
            models.UniqueConstraint(fields=["group", "permission", "role"], name="unique_role_grant"),
        ]

    def __str__(self):
        holder = self.user or self.role
        return f"{holder}: {self.permission} on {self.group}"


class Invitation(models.Model):
    """An agent or administrator invited a customer; the emailed link lets them choose a password once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    self_registered = models.BooleanField(_("signed up themselves"), default=False)
    created = models.DateTimeField(_("sent"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.user} ({self.created:%Y-%m-%d})"
