"""The ticket zoom: header, thread, history, links, customer sidebar, and the action forms."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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


@dataclass(frozen=True)
class Section:
    """One action section of the zoom's side panel: its form, the right (a key of `rights`) that shows
    it, its title, and what its form posts to: (URL name, button label), one or two."""

    form: type
    right: str
    title: str
    posts: tuple[tuple[str, str], ...]


def _one(url_name: str, label: str) -> tuple[tuple[str, str], ...]:
    return ((url_name, label),)


# The sections in their order. Only their titles are drawn with the page; a section's form is fetched
# when the agent opens it (`action_section`), since building and drawing all of them was most of the
# zoom's time.
ACTIONS = {
    "owner": Section(f.OwnerForm, "owner", gettext_lazy("Owner"), _one("agent:owner", gettext_lazy("Set owner"))),
    "responsible": Section(
        f.ResponsibleForm, "rw", gettext_lazy("Responsible"), _one("agent:responsible", gettext_lazy("Set responsible"))
    ),
    "state": Section(f.StateForm, "rw", gettext_lazy("State"), _one("agent:state", gettext_lazy("Set state"))),
    "category": Section(
        f.CategoryForm, "rw", gettext_lazy("Category"), _one("agent:category", gettext_lazy("Set category"))
    ),
    "tag": Section(
        f.TagForm,
        "rw",
        gettext_lazy("Tags"),
        (("agent:add_tags", gettext_lazy("Add tags")), ("agent:remove_tags", gettext_lazy("Remove tags"))),
    ),
    "field": Section(
        f.CustomFieldForm, "rw", gettext_lazy("Custom fields"), _one("agent:custom_field", gettext_lazy("Save field"))
    ),
    "link": Section(f.LinkForm, "rw", gettext_lazy("Link"), _one("agent:link", gettext_lazy("Link"))),
    "merge": Section(f.MergeForm, "rw", gettext_lazy("Merge"), _one("agent:merge", gettext_lazy("Merge into it"))),
    "watcher": Section(
        f.WatcherForm,
        "rw",
        gettext_lazy("Watchers"),
        (("agent:watch", gettext_lazy("Add watcher")), ("agent:unwatch", gettext_lazy("Remove watcher"))),
    ),
    "move": Section(f.MoveForm, "move", gettext_lazy("Queue"), _one("agent:move", gettext_lazy("Move"))),
    "priority": Section(
        f.PriorityForm, "priority", gettext_lazy("Priority"), _one("agent:priority", gettext_lazy("Set priority"))
    ),
}


def action_forms(user, ticket, names, initial: dict) -> dict:
    """The forms of the named sections; `initial` per name, over the ticket's own values."""
    forms = {name: ACTIONS[name].form(ticket=ticket, user=user, initial=dict(initial.get(name, {}))) for name in names}
    fragments.zoom_choices(user, ticket, forms)  # the candidates, queues, categories, fields: kept per agent
    return forms


def section(name: str, ticket, form=None) -> dict:
    """What agent/fragments/action_section.html draws: the section's name and title, and, when its form
    is given, the form and the addresses it posts to."""
    posts = [(reverse(url_name, args=[ticket.pk]), label) for url_name, label in ACTIONS[name].posts] if form else []
    return {"name": name, "title": ACTIONS[name].title, "form": form, "posts": posts}


def zoom_context(request, ticket, initial: dict | None = None) -> dict:
    """`initial`: per action form, values to show instead of the ticket's (a change to apply again);
    those sections are drawn open, with their forms."""
    user = request.user
    initial = initial or {}
    can = rights(user, ticket)
    articles, more = queries.thread(ticket)
    with_delivery(articles)
    names = [name for name, action in ACTIONS.items() if can[action.right]]
    forms = action_forms(user, ticket, [name for name in names if name in initial], initial)
    watchers = list(ticket.watchers.all())
    return {
        "ticket": ticket,
        "can": can,
        "articles": articles,
        "more_articles": more,
        "links": queries.links(ticket, user),
        "customer_tickets": queries.customer_tickets(ticket, user),
        "tags": list(ticket.tags.all()),
        "watchers": watchers,
        "field_values": list(ticket.field_values.select_related("field")),
        "sections": [section(name, ticket, forms.get(name)) for name in names],
        "is_watching": any(w.pk == user.pk for w in watchers),
        "rating": getattr(ticket, "rating", None),
        "can_invite_customer": may_be_invited(ticket.customer),
        "customer_undeliverable": undeliverable_mark(ticket.customer),
        "sla": sla_panel(ticket),
        # The Time section: the entries (one query), the locked period, the form for a new entry.
        "time_entries": queries.time_entries(ticket, user),
        "time_lock": queries.time_lock(ticket),
        "time_form": f.TimeForm(ticket=ticket, user=user) if can["note"] else None,
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
def ticket_history(request, pk: int):
    """HTMX: the History tab, fetched when it is first shown."""
    ticket = perms.get_ticket_for_agent(request.user, pk)
    return render(request, "agent/fragments/history.html", {"history": queries.history(ticket)})


@agent_required
@require_GET
def action_section(request, pk: int, name: str):
    """HTMX: one action section's form, as the zoom would draw it open.

    `?version=` is the version of the ticket the page showed, so a change made since the page was
    drawn is still reported as a conflict, as with the forms drawn with the page.
    """
    ticket = perms.get_ticket_for_agent(request.user, pk)
    if name not in ACTIONS or not rights(request.user, ticket)[ACTIONS[name].right]:
        raise Http404("No such action")
    shown = request.GET.get("version", "")
    initial = {name: {"version": int(shown)}} if shown.isdigit() and int(shown) > 0 else {}
    form = action_forms(request.user, ticket, [name], initial)[name]
    ctx = {"ticket": ticket, **section(name, ticket, form)}
    if name == "watcher":
        ctx["watchers"] = list(ticket.watchers.all())
    return render(request, "agent/fragments/action_section.html", ctx)


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
