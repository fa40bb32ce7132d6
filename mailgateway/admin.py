"""Admin for the mail gateway: accounts, the ingest records and quarantine, filters, mail templates,
and the mail part of the user page (accounts imports no other app, so this app extends its UserAdmin)."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import UserAdmin
from accounts.models import User
from mailgateway import ingest, outbox
from mailgateway.models import (
    AutoMailLog,
    EmailTemplate,
    InboundMessage,
    MailAccount,
    OutgoingMail,
    PostmasterFilter,
    UndeliverableAddress,
)
from mailgateway.tasks import poll_account
from mailgateway.undeliverable import clear_undeliverable

RAW_PREVIEW = 200_000


class MailAccountForm(forms.ModelForm):
    password = forms.CharField(
        label=_("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored password."),
    )

    class Meta:
        model = MailAccount
        fields = [
            "name", "kind", "is_active", "queue", "is_trusted", "host", "port", "security", "username", "password",
            "folder", "maildir_path", "after_import", "move_to_folder", "poll_interval_seconds",
        ]  # fmt: skip

    def clean_password(self):
        value = self.cleaned_data.get("password")
        return value or (self.instance.password if self.instance.pk else "")


def warn_failing_accounts(request) -> None:
    for account in MailAccount.objects.filter(is_active=True, failing_since__isnull=False):
        messages.warning(
            request,
            _("Mail account “%(name)s” has failed to fetch since %(since)s: %(error)s")
            % {
                "name": account.name,
                "since": account.failing_since.strftime("%Y-%m-%d %H:%M"),
                "error": account.last_error,
            },
        )


@admin.register(MailAccount)
class MailAccountAdmin(admin.ModelAdmin):
    form = MailAccountForm
    list_display = ["name", "kind", "host", "username", "folder", "queue", "is_active", "last_success_at", "health"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["last_polled_at", "last_success_at", "failing_since", "last_error", "alert_sent_at"]
    actions = ["fetch_now"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "is_active", "queue", "is_trusted"]}),
        (_("IMAP"), {"fields": ["host", "port", "security", "username", "password", "folder"]}),
        (_("Maildir"), {"fields": ["maildir_path"]}),
        (_("After import"), {"fields": ["after_import", "move_to_folder", "poll_interval_seconds"]}),
        (_("Health"), {"fields": readonly_fields}),
    ]

    @admin.display(description=_("health"))
    def health(self, obj):
        if obj.failing_since:
            return format_html('<span class="helpdesk-failing">{}</span>', _("failing"))
        return _("ok") if obj.last_success_at else "—"

    @admin.action(description=_("Fetch mail now"))
    def fetch_now(self, request, queryset):
        for account in queryset:
            poll_account.delay(account.pk)
        self.message_user(request, _("Fetching was started."))

    def changelist_view(self, request, extra_context=None):
        warn_failing_accounts(request)
        return super().changelist_view(request, extra_context)


def partial_refusal(record: InboundMessage) -> str:
    return _(
        "“%(subject)s” (#%(pk)s) was not reprocessed: the whole message is not stored here (only its header, "
        "or nothing), so it stays quarantined. %(reason)s"
    ) % {"subject": record.subject or record.message_id or "—", "pk": record.pk, "reason": record.error}


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received", "status", "subject", "from_address", "account", "ticket_link", "attempts"]
    list_filter = ["status", "stored_whole", "account", "source"]
    search_fields = ["subject", "from_address", "message_id", "sha256"]
    date_hierarchy = "received"
    list_select_related = ["account", "ticket"]
    actions = ["reprocess"]
    fields = [
        "status", "error", "attempts", "account", "source", "uidvalidity", "uid", "source_key", "message_id",
        "sha256", "size", "stored_whole", "subject", "from_address", "is_auto_generated", "ticket", "article",
        "server_done", "received", "processed", "raw_source",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("ticket"))
    def ticket_link(self, obj):
        return obj.ticket.number if obj.ticket_id else "—"

    @admin.display(description=_("raw source"))
    def raw_source(self, obj):
        with obj.raw.file.open("rb") as handle:
            data = handle.read(RAW_PREVIEW + 1)
        text = data[:RAW_PREVIEW].decode("utf-8", errors="replace")
        more = _("… (cut, %(size)s bytes in all)") % {"size": obj.size} if len(data) > RAW_PREVIEW else ""
        return format_html('<pre class="helpdesk-raw-mail">{}{}</pre>', text, more)

    @admin.action(description=_("Reprocess the selected messages"), permissions=["view"])
    def reprocess(self, request, queryset):
        done = 0
        for record in queryset.exclude(status=InboundMessage.Status.IMPORTED):
            if not record.stored_whole:
                self.message_user(request, partial_refusal(record), messages.ERROR)
                continue
            InboundMessage.objects.filter(pk=record.pk).update(
                status=InboundMessage.Status.PENDING, attempts=0, error=""
            )
            record.refresh_from_db()
            done += ingest.process(record).is_done and InboundMessage.objects.get(pk=record.pk).status == "imported"
        self.message_user(request, ngettext("%(n)d message imported.", "%(n)d messages imported.", done) % {"n": done})

    def changelist_view(self, request, extra_context=None):
        warn_failing_accounts(request)
        return super().changelist_view(request, extra_context)


@admin.register(PostmasterFilter)
class PostmasterFilterAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "order",
        "field",
        "match",
        "value",
        "negate",
        "set_queue",
        "ignore",
        "mark_spam",
        "is_active",
    ]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", "match"]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "queue", "language", "subject"]
    list_filter = ["kind", "language", "queue"]


@admin.register(AutoMailLog)
class AutoMailLogAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "recipient", "ticket"]
    list_filter = ["kind"]
    search_fields = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UndeliverableAddress)
class UndeliverableAddressAdmin(admin.ModelAdmin):
    list_display = ["address", "reason", "created", "article"]
    search_fields = ["address"]
    readonly_fields = ["created", "article"]
    raw_id_fields = ["article"]
    actions = ["clear"]

    @admin.action(description=_("Clear the mark (automatic mail goes out again)"))
    def clear(self, request, queryset):
        cleared = sum(clear_undeliverable(mark.address, actor=request.user) for mark in queryset)
        self.message_user(
            request, ngettext("%(n)d address cleared.", "%(n)d addresses cleared.", cleared) % {"n": cleared}
        )


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "status", "subject", "to", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "kind", "is_automatic"]
    search_fields = ["message_id", "to", "subject"]
    list_select_related = False
    date_hierarchy = "created"
    raw_id_fields = ["ticket", "article"]
    # The text may hold a password-reset or invitation link: staff see who, what and why, not the secret.
    exclude = ["body_text", "body_html", "headers", "attachments"]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again (failed or suppressed mail, or sent once more)"))
    def send_again(self, request, queryset):
        queued = 0
        for mail in queryset.exclude(status=OutgoingMail.Status.QUEUED):
            outbox.send_again(mail)
            queued += 1
        self.message_user(
            request, ngettext("%(n)d mail queued again.", "%(n)d mails queued again.", queued) % {"n": queued}
        )


def _with_mail_delivery(fieldsets):
    """The user page's fieldsets with the delivery status right after the email address."""
    result = []
    for name, options in fieldsets:
        fields = list(options.get("fields", []))
        if "email" in fields:
            fields.insert(fields.index("email") + 1, "mail_delivery")
        result.append((name, {**options, "fields": fields}))
    return result


class MailDeliveryUserAdmin(UserAdmin):
    """The user admin with whether the user's address bounced, and an action clearing the mark."""

    actions = [*UserAdmin.actions, "clear_undeliverable"]
    readonly_fields = [*UserAdmin.readonly_fields, "mail_delivery"]
    fieldsets = _with_mail_delivery(UserAdmin.fieldsets)

    @admin.display(description=_("mail delivery"))
    def mail_delivery(self, obj):
        mark = UndeliverableAddress.objects.filter(address=(obj.email or "").strip().lower()).first() if obj else None
        if mark is None:
            return _("no bounce on record")
        return format_html(
            '<span class="helpdesk-failing">{}</span> {} <a href="{}">{}</a>',
            _("undeliverable since %(date)s") % {"date": date_format(mark.created, "SHORT_DATETIME_FORMAT")},
            mark.reason,
            reverse("admin:mailgateway_undeliverableaddress_change", args=[mark.pk]),
            _("the mark"),
        )

    @admin.action(description=_("Clear the undeliverable mark of the selected users' addresses"))
    def clear_undeliverable(self, request, queryset):
        cleared = sum(clear_undeliverable(user.email, actor=request.user) for user in queryset if user.email)
        self.message_user(
            request,
            ngettext("%(n)d undeliverable mark cleared.", "%(n)d undeliverable marks cleared.", cleared)
            % {"n": cleared},
        )


admin.site.unregister(User)
admin.site.register(User, MailDeliveryUserAdmin)
