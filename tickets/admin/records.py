"""Admin for what the service layer writes: articles, attachments, files, history, links, merges.

All of it is read-only here: the thread and its history change only through tickets.services.
Attachments download through a view of this admin (staff agents only), never a /media/ URL.
"""

from django.contrib import admin
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tickets import permissions
from tickets.models import (
    Article,
    Attachment,
    CustomFieldValue,
    StoredFile,
    TicketCounter,
    TicketHistory,
    TicketLink,
    TicketMerge,
)


def visible_tickets(request):
    """The tickets the admin user may see: everything for administrators, their queues otherwise."""
    return permissions.tickets_for(request.user, permissions.RO)


class ReadOnlyMixin:
    """Viewable, never added, changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def attachment_link(attachment: Attachment) -> str:
    url = reverse("admin:tickets_attachment_download", args=[attachment.pk])
    return format_html('<a href="{}">{}</a>', url, attachment.filename)


class AttachmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Attachment
    fields = ["download", "content_type", "size", "is_inline"]
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("file"))
    def download(self, obj):
        return attachment_link(obj)


@admin.register(Article)
class ArticleAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["subject", "ticket_number", "channel", "sender_type", "author", "is_visible_to_customer", "created"]
    list_filter = ["channel", "sender_type", "is_visible_to_customer", "created"]
    search_fields = ["subject", "ticket__number", "from_address"]
    list_select_related = ["ticket", "author"]
    raw_id_fields = ["ticket", "author"]
    exclude = ["raw_message"]
    show_full_result_count = False
    inlines = [AttachmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ticket__in=visible_tickets(request))

    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_number(self, obj):
        return obj.ticket.number


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["filename", "download", "content_type", "size", "article"]
    list_filter = ["is_inline", "content_type"]
    search_fields = ["filename", "article__ticket__number"]
    list_select_related = ["article"]
    fields = ["download", "filename", "content_type", "size", "is_inline", "content_id", "article"]
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(article__ticket__in=visible_tickets(request))

    @admin.display(description=_("download"))
    def download(self, obj):
        return attachment_link(obj)

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [path("<int:pk>/download/", download, name="tickets_attachment_download"), *super().get_urls()]

    def download_view(self, request, pk):
        """The file, as a download, for a staff agent who may see its ticket (admin_view checked staff)."""
        if not self.has_view_permission(request):
            raise Http404
        attachment = self.get_queryset(request).select_related("stored").filter(pk=pk).first()
        if attachment is None:
            raise Http404
        response = FileResponse(
            attachment.stored.file.open("rb"),
            as_attachment=True,
            filename=attachment.filename,
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["sha256", "size", "created"]
    search_fields = ["sha256"]
    # `file` is left out: its widget would link to MEDIA_URL, which is not served in production.
    fields = ["sha256", "size", "created"]
    show_full_result_count = False


@admin.register(TicketHistory)
class TicketHistoryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created", "ticket", "event", "field", "old_value", "new_value", "actor"]
    list_filter = ["event", "created"]
    search_fields = ["ticket__number", "old_value", "new_value"]
    list_select_related = ["ticket", "actor"]
    raw_id_fields = ["ticket", "actor"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ticket__in=visible_tickets(request))


@admin.register(TicketLink)
class TicketLinkAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["source", "kind", "target", "created_by", "created"]
    list_filter = ["kind"]
    search_fields = ["source__number", "target__number"]
    list_select_related = ["source", "target", "created_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(source__in=visible_tickets(request))


@admin.register(TicketMerge)
class TicketMergeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["source", "target", "merged_by", "created"]
    search_fields = ["source__number", "target__number"]
    list_select_related = ["source", "target", "merged_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(target__in=visible_tickets(request))


@admin.register(CustomFieldValue)
class CustomFieldValueAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["ticket", "field", "value_text", "value_number", "value_date"]
    list_filter = ["field"]
    search_fields = ["ticket__number", "value_text"]
    list_select_related = ["ticket", "field"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ticket__in=visible_tickets(request))


@admin.register(TicketCounter)
class TicketCounterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["period", "value"]
