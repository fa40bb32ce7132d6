"""Ticket actions from the zoom: each one URL, POST only, form -> service -> back to the ticket."""

from django.contrib import messages
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets import permissions as perms
from tickets import services
from tickets.errors import InvalidChange, StaleTicket, TicketError
from tickets.forms import actions as f
from tickets.models import Article, TicketLink
from tickets.views.agent.base import agent_required, back_to_ticket, message_for, status_for
from tickets.views.agent.zoom import render_zoom


def refused(request, exc: TicketError, ticket=None):
    """Show why a change was refused, with a 4xx status: the zoom page again (htmx swaps it in), or a fragment."""
    text = message_for(exc)
    status = status_for(exc)
    if ticket is None:
        return HttpResponse(format_html('<div class="alert alert-danger" role="alert">{}</div>', text), status=status)
    messages.error(request, text)
    return render_zoom(request, ticket, status=status)


def _form_error(form) -> InvalidChange:
    errors = [str(e) for errs in form.errors.values() for e in errs]
    return InvalidChange(" ".join(errors) or _("The form is not valid."))


def action(form_class, perm=perms.RO):
    """Wrap `do(request, ticket, data)`: load with permission, validate, call, report."""

    def decorator(do):
        def view(request, pk: int):
            ticket = perms.get_ticket_for_agent(request.user, pk)
            form = form_class(request.POST, ticket=ticket, user=request.user)
            try:
                if not form.is_valid():
                    raise _form_error(form)
                text = do(request, ticket, form.cleaned_data)
            except TicketError as exc:
                return refused(request, exc, ticket)
            return back_to_ticket(request, ticket, text)

        view.__name__ = do.__name__
        view.__doc__ = do.__doc__
        return agent_required(require_POST(view))

    return decorator


def _v(data):
    return data["version"]


@action(f.VersionForm)
def lock(request, ticket, data):
    services.lock(ticket=ticket, actor=request.user, expected_version=_v(data))
    return _("You took the ticket.")


@action(f.VersionForm)
def unlock(request, ticket, data):
    services.unlock(ticket=ticket, actor=request.user, expected_version=_v(data))
    return _("The ticket is unlocked.")


@action(f.OwnerForm)
def owner(request, ticket, data):
    services.assign_owner(ticket=ticket, actor=request.user, owner=data["owner"], **f.conflict_check(data))
    return _("Owner changed.")


@action(f.ResponsibleForm)
def responsible(request, ticket, data):
    services.set_responsible(
        ticket=ticket, actor=request.user, responsible=data["responsible"], expected_version=_v(data)
    )
    return _("Responsible agent changed.")


@action(f.MoveForm)
def move(request, ticket, data):
    services.move_queue(ticket=ticket, actor=request.user, queue=data["queue"], **f.conflict_check(data))
    return _("Ticket moved to %(queue)s.") % {"queue": data["queue"]}


@action(f.StateForm)
def state(request, ticket, data):
    services.change_state(
        ticket=ticket,
        actor=request.user,
        state=data["state"],
        pending_until=data.get("pending_until"),
        **f.conflict_check(data),
    )
    return _("State changed to %(state)s.") % {"state": data["state"]}


@action(f.PriorityForm)
def priority(request, ticket, data):
    services.set_priority(ticket=ticket, actor=request.user, priority=data["priority"], expected_version=_v(data))
    return _("Priority changed.")


@action(f.CategoryForm)
def category(request, ticket, data):
    services.set_category(ticket=ticket, actor=request.user, category=data["category"], expected_version=_v(data))
    return _("Category changed.")


@action(f.CustomFieldForm)
def custom_field(request, ticket, data):
    services.set_custom_field(
        ticket=ticket, actor=request.user, field=data["field"], value=data["value"], expected_version=_v(data)
    )
    return _("%(field)s saved.") % {"field": data["field"]}


def _check_version(ticket, data):
    """Only where the service cannot compare (split; unlink from the other side): compare here, without the lock."""
    if ticket.version != data["version"]:
        raise StaleTicket("stale form")


@action(f.TagForm)
def add_tags(request, ticket, data):
    services.tag(ticket=ticket, actor=request.user, names=data["names"], expected_version=_v(data))
    return _("Tags added.")


@action(f.TagForm)
def remove_tags(request, ticket, data):
    services.untag(ticket=ticket, actor=request.user, names=data["names"], expected_version=_v(data))
    return _("Tags removed.")


@action(f.WatcherForm)
def watch(request, ticket, data):
    services.watch(ticket=ticket, actor=request.user, user=data.get("user") or request.user)
    return _("Watcher added.")


@action(f.WatcherForm)
def unwatch(request, ticket, data):
    services.unwatch(ticket=ticket, actor=request.user, user=data.get("user") or request.user)
    return _("Watcher removed.")


@action(f.LinkForm)
def link(request, ticket, data):
    services.link(
        source=ticket, target=data["number"], kind=data["kind"], actor=request.user, expected_version=_v(data)
    )
    return _("Tickets linked.")


@action(f.LinkForm)
def unlink(request, ticket, data):
    target, kind = data["number"], data["kind"]
    if TicketLink.objects.filter(source=ticket, target=target, kind=kind).exists():
        services.unlink(source=ticket, target=target, kind=kind, actor=request.user, expected_version=_v(data))
    else:
        # A link pointing at this ticket is removed from its source side, whose version the form does not hold.
        _check_version(ticket, data)
        services.unlink(source=target, target=ticket, kind=kind, actor=request.user)
    return _("Link removed.")


@action(f.MergeForm)
def merge(request, ticket, data):
    services.merge(source=ticket, target=data["number"], actor=request.user, expected_version=_v(data))
    return _("Ticket merged into %(number)s.") % {"number": data["number"].number}


@action(f.TimeForm)
def account_time(request, ticket, data):
    services.add_time_entry(
        ticket=ticket,
        actor=request.user,
        minutes=data["minutes"],
        worked_on=data["worked_on"],
        billable=data["billable"],
        note=data["note"],
        expected_version=_v(data),
    )
    return _("Time accounted.")


@agent_required
@require_POST
def split(request, pk: int, article_id: int):
    ticket = perms.get_ticket_for_agent(request.user, pk)
    form = f.SplitForm(request.POST, ticket=ticket, user=request.user)
    try:
        article = Article.objects.filter(ticket=ticket, pk=article_id).first()
        if article is None or not form.is_valid():
            raise InvalidChange(_("That article cannot be split off."))
        _check_version(ticket, form.cleaned_data)
        new = services.split_article_to_ticket(article=article, actor=request.user, title=form.cleaned_data["title"])
    except TicketError as exc:
        return refused(request, exc, ticket)
    return back_to_ticket(request, new, _("Article split into the new ticket %(number)s.") % {"number": new.number})
