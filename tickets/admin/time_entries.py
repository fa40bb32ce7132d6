"""Admin for time accounting: the entries (saved and deleted through tickets.services, so the ticket's
total and history follow) and the periods locked for invoicing."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets import permissions, services
from tickets.admin.refusals import ServiceRefusalMixin
from tickets.errors import TicketError
from tickets.time_entries import TimeEntry, TimeLock

ENTRY_FIELDS = ["minutes", "worked_on", "billable", "note"]


class TimeEntryAdminForm(forms.ModelForm):
    refused_message = ""  # set by TimeEntryAdmin when a service refused the change: re-shown as the form's error

    class Meta:
        model = TimeEntry
        fields = ["ticket", "article", *ENTRY_FIELDS]

    def clean(self):
        cleaned = super().clean()
        article = cleaned.get("article")
        if article is not None and cleaned.get("ticket") and article.ticket_id != cleaned["ticket"].pk:
            raise ValidationError(_("That article belongs to another ticket."))
        if self.refused_message:
            raise ValidationError(self.refused_message)
        return cleaned


@admin.register(TimeEntry)
class TimeEntryAdmin(ServiceRefusalMixin, admin.ModelAdmin):
    form = TimeEntryAdminForm
    list_display = ["worked_on", "ticket_number", "company", "author", "minutes", "billable", "note", "is_locked"]
    list_filter = ["billable", "worked_on", ("author", admin.RelatedOnlyFieldListFilter), "ticket__company"]
    date_hierarchy = "worked_on"
    search_fields = ["ticket__number", "note", "author__username", "author__last_name"]
    list_select_related = ["ticket__company", "author"]
    raw_id_fields = ["ticket", "article"]
    show_full_result_count = False

    def get_queryset(self, request):
        visible = permissions.tickets_for(request.user, permissions.RO)
        return super().get_queryset(request).filter(ticket__in=visible).with_locked()

    def get_readonly_fields(self, request, obj=None):
        # Who and where are fixed once written: the author is whoever accounted it, a merge moves it.
        return ["ticket", "article", "author", "created", "updated"] if obj else ["author"]

    @admin.display(description=gettext_lazy("ticket"), ordering="ticket__number")
    def ticket_number(self, obj):
        return obj.ticket.number

    @admin.display(description=gettext_lazy("company"), ordering="ticket__company__name")
    def company(self, obj):
        return obj.ticket.company or "–"

    @admin.display(description=gettext_lazy("locked"), boolean=True)
    def is_locked(self, obj):
        return obj.is_locked

    def has_change_permission(self, request, obj=None):
        if obj is not None and not permissions.may_edit_time_entry(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not permissions.may_edit_time_entry(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    # Saving and deleting: the services only; a refusal re-shows the form with the reason (ServiceRefusalMixin).

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in ENTRY_FIELDS}
        if change:
            services.edit_time_entry(entry=obj, actor=request.user, **data)
        else:
            saved = services.add_time_entry(
                ticket=form.cleaned_data["ticket"], actor=request.user, article=form.cleaned_data["article"], **data
            )
            obj.pk = saved.pk  # the admin's "added" message and redirect name this row

    def save_related(self, request, form, formsets, change):
        pass  # no relations of its own to save

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except TicketError as exc:
            self.message_user(request, _("Nothing was deleted: %(reason)s") % {"reason": exc}, messages.ERROR)
            return self.response_post_save_change(request, None)

    def delete_model(self, request, obj):
        services.delete_time_entry(entry=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        failures = []
        for entry in queryset.select_related("ticket"):
            try:
                services.delete_time_entry(entry=entry, actor=request.user)
            except TicketError as exc:
                failures.append(f"{entry.ticket.number} ({entry.worked_on}): {exc}")
        for failure in failures:
            self.message_user(request, _("Not deleted: %(reason)s") % {"reason": failure}, messages.ERROR)


class TimeLockAdminForm(forms.ModelForm):
    class Meta:
        model = TimeLock
        fields = ["locked_until", "company"]

    def clean_locked_until(self):
        day = self.cleaned_data["locked_until"]
        if day > timezone.localdate():
            raise ValidationError(_("A period can be locked up to today at most: work still to come must be booked."))
        return day


@admin.register(TimeLock)
class TimeLockAdmin(admin.ModelAdmin):
    """Lock a period for invoicing: time worked up to that day (for one company, or all) cannot change."""

    form = TimeLockAdminForm
    list_display = ["locked_until", "scope", "locked_by", "created"]
    list_filter = ["company"]
    list_select_related = ["company", "locked_by"]
    readonly_fields = ["locked_by", "created"]

    @admin.display(description=gettext_lazy("company"), ordering="company__name")
    def scope(self, obj):
        return obj.company or _("every company")

    def save_model(self, request, obj, form, change):
        obj.locked_by = request.user
        super().save_model(request, obj, form, change)
