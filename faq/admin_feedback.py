"""Django admin for what readers did: votes and deflections, read-only (they are records, not settings)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from faq.feedback_models import Deflection, Vote


class RecordAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(RecordAdmin):
    list_display = ["article", "helpful", "user", "created"]
    list_filter = ["helpful", "created"]
    list_select_related = ["article", "user"]
    search_fields = ["article__title"]
    date_hierarchy = "created"


@admin.register(Deflection)
class DeflectionAdmin(RecordAdmin):
    list_display = ["opened_at", "customer", "article", "subject", "deflected"]
    list_filter = [("ticket", admin.EmptyFieldListFilter), "opened_at"]
    list_select_related = ["customer", "article", "ticket"]
    search_fields = ["subject", "article__title", "customer__username", "customer__email"]
    date_hierarchy = "opened_at"

    @admin.display(boolean=True, description=_("no ticket filed"))
    def deflected(self, obj):
        return obj.ticket_id is None
