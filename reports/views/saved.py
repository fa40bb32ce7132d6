"""A saved report: opened by everyone it is shared with (read-only), changed, scheduled or deleted by its owner."""

from dataclasses import replace
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports import builder as engine
from reports import saved
from reports.forms import FilterForm, ScheduleForm, spec_query
from reports.models import ReportSchedule
from reports.views.base import reports_required, table_response


@reports_required
@require_GET
def detail(request, pk: int):
    report = saved.get_saved_for_viewer(request.user, pk)
    spec = saved.spec_for_viewer(report, request.user)
    # The saved filters, which the viewer may narrow or widen here (GET parameters) without changing the report.
    form = FilterForm(request.GET, viewer=request.user, first_visit=spec_query(spec, report.period))
    table, error = None, ""
    if form.is_valid():
        try:
            table = engine.run(replace(spec, filters=form.filters()), request.user)
            table.title = report.name
            table.filters = table.filters or form.describe()
        except ValueError:
            error = _("This report cannot be computed any more; its owner may change it in the builder.")
    ctx = {
        "form": form,
        "report": report,
        "error": error,
        "is_owner": report.owner_id == request.user.pk,
        "edit_url": reverse("reports:builder")
        + "?"
        + urlencode({**spec_query(spec, report.period), "saved": pk}, True),
        "schedule": ReportSchedule.objects.filter(report=report).first(),
    }
    return table_response(request, table, "agent/reports/saved.html", ctx)


@reports_required
@require_POST
def delete(request, pk: int):
    report = saved.get_saved_for_owner(request.user, pk)
    saved.delete_report(actor=request.user, report=report)
    messages.success(request, _("The report “%(name)s” is deleted.") % {"name": report.name})
    return redirect("reports:index")


@reports_required
@require_http_methods(["GET", "POST"])
def schedule(request, pk: int):
    report = saved.get_saved_for_owner(request.user, pk)
    current = ReportSchedule.objects.filter(report=report).first()
    form = ScheduleForm(request.POST or None, instance=current or ReportSchedule(report=report))
    if request.method == "POST" and form.is_valid():
        saved.save_schedule(
            actor=request.user,
            report=report,
            schedule=form.save(commit=False),
            recipients=form.cleaned_data["recipients"],
        )
        messages.success(request, _("The schedule is saved."))
        return redirect("reports:saved", pk=report.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "agent/reports/schedule.html", {"report": report, "form": form}, status=status)


@reports_required
@require_POST
def unschedule(request, pk: int):
    report = saved.get_saved_for_owner(request.user, pk)
    saved.delete_schedule(actor=request.user, report=report)
    messages.success(request, _("The report is no longer mailed."))
    return redirect("reports:saved", pk=report.pk)
