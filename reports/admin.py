from django.contrib import admin

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
