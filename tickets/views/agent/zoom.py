"""The ticket zoom: header, thread, history, links, customer sidebar, and the action forms."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mailgateway.models import UndeliverableAddress, split_addresses
from mailgateway.outbound import resend_article
from mailgateway.undeliverable import normalize, undeliverable_among
from tickets import permissions as perms
from tickets import queries
from tickets.errors import TicketError
from tickets.forms import actions as f
from tickets.models import Article, Attachment
from tickets.sla_display import sla_panel
from tickets.views.agent import fragments
from tickets.views.agent.base import agent_required, back_to_ticket, message_for

SAFE_INLINE = {"image/png", "image/jpeg", "image/gif", "image/webp"}
ZOOM_ALSO = ("rating",)  # the satisfaction rating, loaded with the ticket


def may_be_invited(customer) -> bool:
    """A customer user who has not chosen a password or never signed in can get an invitation mail."""
    if customer is None or not customer.is_customer or not customer.is_active or not customer.email:
        return False
    return not customer.has_usable_password() or customer.last_login is None


def undeliverable_mark(customer) -> UndeliverableAddress | None:
    """The bounce's mark on the customer's address, shown in the customer box (one query)."""
    if customer is None or not customer.email:
        return None
    return UndeliverableAddress.objects.filter(address=customer.email.strip().lower()).first()


def rights(user, ticket) -> dict[str, bool]:
    """Which buttons to show; each view checks again through the service layer."""
    return {
        "rw": perms.can(user, perms.RW, ticket),
        "note": perms.can(user, perms.NOTE, ticket),
        "owner": perms.can(user, perms.OWNER, ticket),
        "move": perms.can(user, perms.MOVE_INTO, ticket),
        "priority": perms.can(user, perms.PRIORITY, ticket),
    }


def with_delivery(articles: list[Article]) -> list[Article]:
    """Each article's outbox row is joined by queries.thread; add the undeliverable marks (one query)."""
    mails = {a.pk: getattr(a, "outgoing_mail", None) for a in articles}
    recipients = {pk: split_addresses(m.to) + split_addresses(m.cc) for pk, m in mails.items() if m}
    marked = undeliverable_among(address for addresses in recipients.values() for address in addresses)
    for article in articles:
        article.delivery = mails[article.pk]
        article.undeliverable = [a for a in recipients.get(article.pk, ()) if normalize(a) in marked]
    return articles


def zoom_context(request, ticket, initial: dict | None = None) -> dict:
    """`initial`: per action form, values to show instead of the ticket's (a change to apply again)."""
    user = request.user
    initial = initial or {}
    can = rights(user, ticket)
    articles, more = queries.thread(ticket)
    with_delivery(articles)
    kw = {"ticket": ticket, "user": user}
    forms = {}
    if can["owner"]:
        forms["owner"] = f.OwnerForm(**kw)
    if can["rw"]:
        forms.update(
            responsible=f.ResponsibleForm(**kw),
            state=f.StateForm(**kw, initial=initial.get("state", {})),
            category=f.CategoryForm(**kw),
            tag=f.TagForm(**kw),
            field=f.CustomFieldForm(**kw),
            link=f.LinkForm(**kw),
            merge=f.MergeForm(**kw),
            watcher=f.WatcherForm(**kw),
        )
    if can["move"]:
        forms["move"] = f.MoveForm(**kw)
    if can["priority"]:
        forms["priority"] = f.PriorityForm(**kw)
    fragments.zoom_choices(user, ticket, forms)  # the candidates, queues, categories, fields: kept per agent
    return {
        "ticket": ticket,
        "can": can,
        "articles": articles,
        "more_articles": more,
        "history": queries.history(ticket),
        "links": queries.links(ticket, user),
        "customer_tickets": queries.customer_tickets(ticket, user),
        "tags": list(ticket.tags.all()),
        "watchers": list(ticket.watchers.all()),
        "field_values": list(ticket.field_values.select_related("field")),
        "forms": forms,
        "is_watching": any(w.pk == user.pk for w in ticket.watchers.all()),
        "rating": getattr(ticket, "rating", None),
        "can_invite_customer": may_be_invited(ticket.customer),
        "customer_undeliverable": undeliverable_mark(ticket.customer),
        "sla": sla_panel(ticket),
        # The Time section: the entries (one query), the locked period, the form for a new entry.
        "time_entries": queries.time_entries(ticket, user),
        "time_lock": queries.time_lock(ticket),
        "time_form": f.TimeForm(**kw) if can["note"] else None,
    }


def render_zoom(request, ticket, status: int = 200, initial: dict | None = None):
    fresh = perms.get_ticket_for_agent(request.user, ticket.pk, also=ZOOM_ALSO)
    return render(request, "agent/zoom.html", zoom_context(request, fresh, initial), status=status)


@agent_required
@require_GET
def ticket_zoom(request, pk: int):
    ticket = perms.get_ticket_for_agent(request.user, pk, also=ZOOM_ALSO)
    return render(request, "agent/zoom.html", zoom_context(request, ticket))


@agent_required
@require_GET
def older_articles(request, pk: int):
    """HTMX: the page of articles before `?before=<article id>`."""
    ticket = perms.get_ticket_for_agent(request.user, pk)
    try:
        before = int(request.GET.get("before", ""))
    except ValueError:
        raise Http404("bad cursor") from None
    articles, more = queries.thread(ticket, before=before)
    with_delivery(articles)
    ctx = {"ticket": ticket, "articles": articles, "more_articles": more, "can": rights(request.user, ticket)}
    return render(request, "agent/fragments/articles.html", ctx)


@agent_required
@require_POST
def resend(request, pk: int, article_id: int):
    """Send an agent's email again (after a failure); the outbox retries it like a new one."""
    article = _article(request, pk, article_id)
    try:
        resend_article(article, request.user)
    except TicketError as exc:
        messages.error(request, message_for(exc))
        return redirect("agent:ticket", pk=article.ticket_id)
    return back_to_ticket(request, article.ticket, _("The mail is queued to be sent again."))


def _article(request, pk: int, article_id: int) -> Article:
    ticket = perms.get_ticket_for_agent(request.user, pk)
    try:
        return Article.objects.select_related("raw_message").get(pk=article_id, ticket=ticket)
    except Article.DoesNotExist:
        raise Http404("No such article") from None


@agent_required
@require_GET
def attachment_download(request, pk: int, attachment_id: int):
    ticket = perms.get_ticket_for_agent(request.user, pk)
    try:
        att = Attachment.objects.select_related("stored").get(pk=attachment_id, article__ticket=ticket)
    except Attachment.DoesNotExist:
        raise Http404("No such attachment") from None
    inline = att.content_type in SAFE_INLINE and request.GET.get("inline") == "1"
    response = FileResponse(
        att.stored.file.open("rb"), as_attachment=not inline, filename=att.filename, content_type=att.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@agent_required
@require_GET
def raw_email(request, pk: int, article_id: int):
    article = _article(request, pk, article_id)
    if article.raw_message is None:
        raise Http404("No raw message")
    content = article.raw_message.file.open("rb").read()
    response = HttpResponse(content, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
