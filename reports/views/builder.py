"""The report builder: a metric by one or two dimensions over the filters, previewed on a GET (a URL to
share), saved under a name by a POST."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reports import builder as engine
from reports import saved
from reports.forms import BuilderForm, SaveForm
from reports.views.base import reports_required, table_response


@reports_required
@require_GET
def builder(request):
    form = BuilderForm(request.GET, viewer=request.user)
    table, error = None, ""
    if form.is_valid():
        try:
            table = engine.run(form.spec(), request.user)
            table.filters = table.filters or form.describe()
        except ValueError:
            error = _("This combination cannot be computed yet; choose another metric or grouping.")
    editing = saved.owned_or_none(request.user, request.GET.get("saved"))
    save_form = SaveForm(owner=request.user, instance=editing)
    ctx = {"form": form, "error": error, "save_form": save_form, "editing": editing, "carry": carried(form)}
    stacked = form.is_valid() and form.cleaned_data["stacked"]
    return table_response(request, table, "agent/reports/builder.html", ctx, stacked=stacked)


@reports_required
@require_POST
def save(request):
    form = BuilderForm(request.POST, viewer=request.user)
    editing = saved.owned_or_none(request.user, request.POST.get("saved"))
    save_form = SaveForm(request.POST, owner=request.user, instance=editing)
    if not (form.is_valid() and save_form.is_valid()):
        ctx = {"form": form, "error": "", "save_form": save_form, "editing": editing, "carry": carried(form)}
        return render(request, "agent/reports/builder.html", ctx, status=400)
    data = save_form.cleaned_data
    report = saved.save_report(
        owner=request.user,
        name=data["name"],
        spec=form.spec(),
        period=form.cleaned_data["period"],
        visibility=data["visibility"],
        group=data.get("group"),
        report=editing,
    )
    messages.success(request, _("The report “%(name)s” is saved.") % {"name": report.name})
    return redirect("reports:saved", pk=report.pk)


def carried(form) -> list[tuple[str, list[str]]]:
    """The builder's choices, carried as hidden fields into the save form."""
    data = form.data
    return [
        (name, data.getlist(name) if hasattr(data, "getlist") else [data[name]]) for name in form.fields if name in data
    ]
