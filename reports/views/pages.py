"""The reports' index and the built-in reports' pages."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reports.forms import FilterForm
from reports.registry import REPORTS
from reports.saved import visible_saved
from reports.views.base import reports_required, table_response


@reports_required
@require_GET
def index(request):
    ctx = {
        "builtins": sorted(REPORTS.values(), key=lambda r: str(r.title)),
        "saved": list(visible_saved(request.user)),
    }
    return render(request, "agent/reports/index.html", ctx)


@reports_required
@require_GET
def builtin(request, slug: str):
    report = REPORTS.get(slug)
    if report is None:
        raise Http404("No such report")
    form = FilterForm(request.GET, viewer=request.user)
    table = None
    if form.is_valid():
        table = report.compute(request.user, form.filters())
        table.filters = table.filters or form.describe()
    return table_response(request, table, "agent/reports/report.html", {"report": report, "form": form})
