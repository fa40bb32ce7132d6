"""The reports' forms: the filters every report page has (GET parameters, so a URL can be shared and saved),
the builder's spec over them, saving a built report and scheduling it. Forms validate; they save nothing."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import Company, User
from reports.access import report_viewers
from reports.filters import ReportFilters
from reports.models import ReportSchedule, SavedReport
from reports.periods import DEFAULT_PRESET, PRESETS, preset_dates, today_for, viewer_zone
from reports.saved import groups_to_share_with
from reports.spec import DIMENSIONS, METRICS, ReportSpec
from tickets.permissions import queues_for

MAX_DAYS = 3 * 366 + 1  # the longest period one report covers


class NamedMultipleChoice(forms.ModelMultipleChoiceField):
    widget = forms.SelectMultiple(attrs={"class": "form-select form-select-sm", "size": 4})


class FilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_lazy("Period"),
        choices=[("", _lazy("Dates below")), *PRESETS.items()],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    start = forms.DateField(
        label=_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    end = forms.DateField(
        label=_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    queue = NamedMultipleChoice(label=_lazy("Queues"), queryset=None, required=False)
    agent = NamedMultipleChoice(label=_lazy("Agents"), queryset=None, required=False)
    company = NamedMultipleChoice(label=_lazy("Companies"), queryset=None, required=False)

    def __init__(self, data=None, *, viewer: User, first_visit: dict | None = None, **kwargs):
        if data is None or not any(k in data for k in self.base_fields):
            data = first_visit or self.defaults()  # a first visit: the defaults, not "nothing chosen"
        super().__init__(data, **kwargs)
        self.viewer = viewer
        self.zone = viewer_zone(viewer)
        self.fields["queue"].queryset = queues_for(viewer).order_by("name")
        self.fields["agent"].queryset = User.agents.filter(is_active=True).order_by("username")
        self.fields["agent"].label_from_instance = lambda u: u.display_name()
        self.fields["company"].queryset = Company.objects.order_by("name")

    def defaults(self) -> dict:
        return {"period": DEFAULT_PRESET}

    def clean(self):
        data = super().clean()
        preset = data.get("period")
        if preset:
            data["start"], data["end"] = preset_dates(preset, today_for(self.zone))
        elif not (data.get("start") and data.get("end")):
            raise forms.ValidationError(_("Choose a period, or both dates."))
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        if data["end"] - data["start"] > timedelta(days=MAX_DAYS):
            raise forms.ValidationError(_("A report covers at most three years."))
        return data

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            start=data["start"],
            end=data["end"],
            tz=self.zone,
            queue_ids=tuple(sorted(q.pk for q in data["queue"])),
            agent_ids=tuple(sorted(a.pk for a in data["agent"])),
            company_ids=tuple(sorted(c.pk for c in data["company"])),
        )

    def describe(self) -> dict:
        """What was applied, in words: the exports' header."""
        return describe(self.filters(), self.cleaned_data)


def describe(filters: ReportFilters, chosen: dict | None = None) -> dict:
    chosen = chosen or {}
    out = {_("Period"): f"{filters.start.isoformat()} – {filters.end.isoformat()}", _("Time zone"): filters.tz}
    names = {
        _("Queues"): chosen.get("queue"),
        _("Agents"): chosen.get("agent"),
        _("Companies"): chosen.get("company"),
    }
    for label, objects in names.items():
        if objects:
            out[label] = ", ".join(getattr(o, "name", None) or o.display_name() for o in objects)
    return out


class BuilderForm(FilterForm):
    metric = forms.ChoiceField(
        label=_lazy("Metric"), choices=METRICS.items(), widget=forms.Select(attrs={"class": "form-select"})
    )
    by = forms.ChoiceField(
        label=_lazy("Grouped by"), choices=DIMENSIONS.items(), widget=forms.Select(attrs={"class": "form-select"})
    )
    then = forms.ChoiceField(
        label=_lazy("Then by"),
        choices=[("", _lazy("(nothing)")), *DIMENSIONS.items()],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    stacked = forms.BooleanField(
        label=_lazy("Stacked bars"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def defaults(self) -> dict:
        return {**super().defaults(), "metric": "count", "by": "queue"}

    def clean(self):
        data = super().clean()
        if data.get("then") and data.get("then") == data.get("by"):
            self.add_error("then", _("Choose another dimension than the first, or none."))
        return data

    def spec(self) -> ReportSpec:
        data = self.cleaned_data
        dimensions = (data["by"], data["then"]) if data.get("then") else (data["by"],)
        return ReportSpec(metric=data["metric"], dimensions=dimensions, filters=self.filters())


def spec_query(spec: ReportSpec, period: str = "") -> dict:
    """The builder's GET parameters that show `spec` again (a saved report opened in the builder)."""
    query = {"metric": spec.metric, "by": spec.dimensions[0], "then": spec.dimensions[1:] and spec.dimensions[1] or ""}
    query["period"] = period
    if not period:
        query["start"], query["end"] = spec.filters.start.isoformat(), spec.filters.end.isoformat()
    query["queue"] = list(spec.filters.queue_ids)
    query["agent"] = list(spec.filters.agent_ids)
    query["company"] = list(spec.filters.company_ids)
    return query


class SaveForm(forms.ModelForm):
    """The name and sharing of a built report (its spec comes from the BuilderForm beside it)."""

    class Meta:
        model = SavedReport
        fields = ["name", "visibility", "group"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "visibility": forms.Select(attrs={"class": "form-select"}),
            "group": forms.Select(attrs={"class": "form-select"}),
        }

    def __init__(self, *args, owner: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups_to_share_with(owner)

    def clean(self):
        data = super().clean()
        if data.get("visibility") == SavedReport.Visibility.GROUP and not data.get("group"):
            self.add_error("group", _("Choose the access group to share the report with."))
        return data


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportSchedule
        fields = ["frequency", "weekday", "day", "hour", "format", "recipients", "active"]
        widgets = {
            "frequency": forms.Select(attrs={"class": "form-select"}),
            "weekday": forms.Select(attrs={"class": "form-select"}),
            "day": forms.NumberInput(attrs={"class": "form-control", "min": 1, "max": 28}),
            "hour": forms.NumberInput(attrs={"class": "form-control", "min": 0, "max": 23}),
            "format": forms.Select(attrs={"class": "form-select"}),
            "recipients": forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recipients = self.fields["recipients"]
        recipients.queryset = report_viewers().order_by("username")
        recipients.label_from_instance = lambda u: f"{u.display_name()} <{u.email}>" if u.email else u.display_name()
        recipients.help_text = _("Agents who may see reports; each gets the report as they see it.")

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not 1 <= day <= 28:
            raise forms.ValidationError(_("Choose a day from 1 to 28."))
        return day

    def clean_hour(self):
        hour = self.cleaned_data["hour"]
        if not 0 <= hour <= 23:
            raise forms.ValidationError(_("Choose an hour from 0 to 23."))
        return hour
