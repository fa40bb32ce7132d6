from django.contrib import admin

from reports.models import ReportSchedule
from tickets.models import SatisfactionRating


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    """Ratings are the customers' words: readable by administrators, never edited."""

    list_display = ["ticket", "score", "comment", "rated_by_email", "created"]
    list_filter = ["score", "created"]
    search_fields = ["ticket__number", "ticket__title", "comment", "rated_by_email"]
    list_select_related = ["ticket"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    """The scheduled reports at a glance: when each runs next, when it last went out, why it failed.
    Read-only here: their owners change them on the saved report's page (recipients are checked there)."""

    list_display = ["report", "frequency", "format", "active", "next_run", "last_sent", "last_error"]
    list_filter = ["active", "frequency", "format"]
    list_select_related = ["report"]
    search_fields = ["report__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
