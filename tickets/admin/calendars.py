"""Admin for business calendars: working hours and holidays inline, and the public-holidays fill."""

import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from tickets.calendars import Calendar, Holiday, Weekday, WorkingInterval, fill_public_holidays, keep_one_default
from tickets.tasks import recompute_sla_due_times

MAX_FILL_YEARS = 50


class CalendarForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("time zone"),
        choices=[(zone, zone) for zone in sorted(zoneinfo.available_timezones())],
        initial="UTC",
        help_text=Calendar._meta.get_field("time_zone").help_text,
    )

    class Meta:
        model = Calendar
        fields = ["name", "time_zone", "is_default"]


class FillHolidaysForm(forms.Form):
    country = forms.CharField(label=_("country code"), max_length=3, help_text=_("ISO 3166 code, e.g. CZ, PL, DE."))
    subdivision = forms.CharField(
        label=_("subdivision"), max_length=10, required=False, help_text=_("Optional, e.g. BY for Bavaria.")
    )
    year_from = forms.IntegerField(label=_("from year"), min_value=1900, max_value=2200)
    year_to = forms.IntegerField(label=_("to year"), min_value=1900, max_value=2200)

    def clean(self):
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first is not None and last is not None:
            if last < first:
                raise forms.ValidationError(_("The last year comes before the first."))
            if last - first >= MAX_FILL_YEARS:
                raise forms.ValidationError(_("At most %(count)d years at a time."), params={"count": MAX_FILL_YEARS})
        return data


class WorkingIntervalFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Intervals of one weekday must not overlap (touching, 12:00 then 12:00, is fine)."""
        super().clean()
        by_day: dict[int, list[tuple[int, int]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors or data.get("start") is None or data.get("end") is None:
                continue
            interval = WorkingInterval(weekday=data["weekday"], start=data["start"], end=data["end"])
            by_day.setdefault(data["weekday"], []).append(interval.minutes)
        labels = dict(Weekday.choices)
        for weekday, intervals in by_day.items():
            intervals.sort()
            for (_start, end), (start, _end) in zip(intervals, intervals[1:], strict=False):
                if start < end:
                    raise forms.ValidationError(
                        _("Working hours on %(day)s overlap; make them one interval or separate them."),
                        params={"day": labels[weekday]},
                    )


class WorkingIntervalInline(admin.TabularInline):
    model = WorkingInterval
    formset = WorkingIntervalFormSet
    extra = 1
    fields = ["weekday", "start", "end"]


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1
    fields = ["date", "name", "yearly"]


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    form = CalendarForm
    list_display = ["name", "time_zone", "is_default"]
    search_fields = ["name"]
    inlines = [WorkingIntervalInline, HolidayInline]
    change_form_template = "admin/tickets/calendar/change_form.html"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:  # hours or holidays may have changed: every SLA ticket's due times, in the background
            recompute_sla_due_times.delay_on_commit(None)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._keep_one_default(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._keep_one_default(request)

    def _keep_one_default(self, request):
        promoted = keep_one_default()
        if promoted is not None:
            messages.info(request, _("%(name)s is now the default calendar.") % {"name": promoted.name})

    def get_urls(self):
        fill = self.admin_site.admin_view(self.fill_holidays_view)
        return [path("<int:pk>/fill-holidays/", fill, name="tickets_calendar_fill_holidays"), *super().get_urls()]

    def fill_holidays_view(self, request, pk):
        """A small form: a country's public holidays for a range of years, added once."""
        calendar = get_object_or_404(Calendar, pk=pk)
        if not self.has_change_permission(request, calendar):
            raise PermissionDenied
        form = FillHolidaysForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                added = fill_public_holidays(
                    calendar=calendar,
                    country=data["country"],
                    subdivision=data["subdivision"],
                    years=range(data["year_from"], data["year_to"] + 1),
                )
            except ValueError as error:
                form.add_error(None, _("No public holidays for this country or subdivision: %s") % error)
            else:
                messages.success(request, _("%(count)d public holidays added.") % {"count": len(added)})
                return redirect(reverse("admin:tickets_calendar_change", args=[calendar.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Fill public holidays"),
            "form": form,
            "calendar": calendar,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/tickets/calendar/fill_holidays.html", context)
