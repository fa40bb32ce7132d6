"""What every reports page shares: access (agents with the reports right, else a 403 page), and a Table
answered as a page or, with ?export=csv|xlsx|pdf, as a file."""

from functools import wraps

from django.http import HttpResponse
from django.shortcuts import render

from accounts.decorators import agent_required
from reports import charts, exports
from reports.access import may_view_reports
from tickets.errors import PermissionDenied
from tickets.pdf import PrintersBusy, PrintFailed


def reports_required(view):
    """Agents only (accounts.decorators.agent_required); without the reports right, or refused an action
    (a saved report of someone else's), a 403 page."""

    @agent_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_view_reports(request.user):
            return forbidden(request)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)

    return wrapper


def forbidden(request):
    return render(request, "agent/reports/forbidden.html", status=403)


def export_links(request) -> dict[str, str]:
    links = {}
    for fmt in exports.RENDERERS:
        query = request.GET.copy()
        query["export"] = fmt
        links[fmt] = "?" + query.urlencode()
    return links


def table_response(request, table, template: str, ctx: dict, *, stacked: bool = False):
    """The page showing `table` (chart beside its table), or its export when ?export= asks for one."""
    fmt = request.GET.get("export")
    if table is not None and fmt in exports.RENDERERS:
        try:
            content, content_type, name = exports.export(table, fmt)
        except PrintersBusy as exc:
            response = render(request, "agent/reports/print_failed.html", {"busy": True}, status=503)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except PrintFailed:
            return render(request, "agent/reports/print_failed.html", {"busy": False}, status=503)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    chart = charts.render(table, stacked=stacked) if table else ""
    ctx = {"table": table, "chart": chart, "exports": export_links(request), **ctx}
    return render(request, template, ctx)
