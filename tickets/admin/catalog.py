"""Admin for the vocabularies and queues administrators define."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tickets.models import SLA, Category, CustomField, Priority, Queue, State, Tag, TicketType
from tickets.tasks import recompute_sla_due_times


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "clock", "is_default_new", "is_default_reopen", "is_active", "order"]
    list_editable = ["order"]
    list_filter = ["type", "is_active"]
    search_fields = ["name"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "color", "is_default"]
    search_fields = ["name"]


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class SubcategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    extra = 0
    fields = ["name", "is_active"]
    verbose_name = _("subcategory")
    verbose_name_plural = _("subcategories")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "parent", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "parent__name"]
    # __str__ walks the parents: three levels in one query.
    list_select_related = ["parent__parent__parent"]
    autocomplete_fields = ["parent"]
    inlines = [SubcategoryInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = ["label", "name", "kind", "is_active", "order"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "label"]
    prepopulated_fields = {"name": ["label"]}


@admin.register(SLA)
class SLAAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "first_response_minutes",
        "update_minutes",
        "solution_minutes",
        "warning_percent",
        "calendar",
    ]
    search_fields = ["name"]
    list_select_related = ["calendar"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:  # its open tickets get new due times, in batches in the background
            recompute_sla_due_times.delay_on_commit(form.instance.pk)


class SubqueueInline(admin.TabularInline):
    """The tier below this queue; each child queue is edited on its own page."""

    model = Queue
    fk_name = "parent"
    extra = 0
    fields = ["name", "group", "email_addresses", "is_active"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    verbose_name = _("child queue")
    verbose_name_plural = _("child queues (the tier below)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "group", "email_addresses", "sla", "customer_selectable", "is_active"]
    list_filter = ["is_active", "customer_selectable", "group", "sla"]
    search_fields = ["name", "email_addresses"]
    list_select_related = ["parent", "group", "sla"]
    autocomplete_fields = ["parent", "group", "escalation_contacts"]
    inlines = [SubqueueInline]
    fieldsets = [
        (None, {"fields": ["name", "parent", "group", "is_active", "customer_selectable"]}),
        (_("Mail"), {"fields": ["email_addresses", "salutation", "signature"]}),
        (_("Automatic acknowledgement"), {"fields": ["auto_response_enabled", "auto_response_template"]}),
        (
            _("Handling"),
            {
                "fields": [
                    "default_priority",
                    "sla",
                    "calendar",
                    "unlock_timeout_minutes",
                    "follow_up_policy",
                    "follow_up_state",
                    "escalation_contacts",
                ]
            },
        ),
    ]
