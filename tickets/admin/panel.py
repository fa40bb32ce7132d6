"""Admin for the agent panel's own models: canned responses and saved searches."""

from django.contrib import admin

from tickets.models import CannedResponse, SavedSearch


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["name", "subject", "is_active"]
    list_filter = ["is_active", "queues"]
    search_fields = ["name", "subject", "body"]
    filter_horizontal = ["queues"]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "page", "sharing", "group", "created"]
    list_filter = ["page", "sharing"]
    search_fields = ["name", "user__username"]
    raw_id_fields = ["user"]
