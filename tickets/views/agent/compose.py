"""Writing on a ticket: reply by email, internal note, phone note, forward.

A reply or forward is stored with channel email and put into the outbox in the same
transaction (mailgateway.outbound.queue_article); it is sent right after the commit.

Two agents writing at once both keep their article. A state chosen with the article is
refused only if someone else changed the state since the form was loaded: the article is
saved, and the ticket shows who changed the state, with the agent's choice ready to apply again.
"""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from mailgateway import outbound
from tickets import canned, services
from tickets import permissions as perms
from tickets.errors import ChangedMeanwhile, TicketError
from tickets.forms.compose import ArticleForm, to_file_inputs
from tickets.message import Message
from tickets.models import Article, CannedResponse
from tickets.services.seen import Seen
from tickets.views.agent.base import agent_required, back_to_ticket, message_for, status_for
from tickets.views.agent.zoom import render_zoom

KINDS = {
    # kind: (right needed, channel, visible to the customer, page title)
    "reply": (perms.RW, Article.Channel.EMAIL, True, gettext_lazy("Reply")),
    "note": (perms.NOTE, Article.Channel.NOTE, False, gettext_lazy("Internal note")),
    "phone": (perms.NOTE, Article.Channel.PHONE, True, gettext_lazy("Phone note")),
    "forward": (perms.RW, Article.Channel.EMAIL, False, gettext_lazy("Forward")),
}


def _answered(ticket, request):
    """The article being answered (?article=), or the newest customer-visible one."""
    qs = Article.objects.filter(ticket=ticket).select_related("author")
    article_id = request.GET.get("article")
    if article_id and article_id.isdigit():
        return qs.filter(pk=article_id).first()
    return qs.filter(is_visible_to_customer=True).order_by("-created", "-id").first()


def _quote(article) -> str:
    if article is None or not article.body_text:
        return ""
    who = article.from_address or (article.author.display_name() if article.author else "")
    when = article.created.strftime("%Y-%m-%d %H:%M")
    quoted = "\n".join("> " + line for line in article.body_text.splitlines())
    return _("On %(when)s, %(who)s wrote:") % {"when": when, "who": who} + "\n" + quoted


def _initial(kind, ticket, request):
    agent = request.user
    subject = ticket.title if ticket.subject_tag() in ticket.title else f"{ticket.subject_tag()} {ticket.title}"
    answered = _answered(ticket, request)
    initial = {"subject": subject}
    if kind == "reply":
        to = answered.from_address if answered and answered.sender_type == Article.Sender.CUSTOMER else ""
        initial["to"] = to or (ticket.customer.email if ticket.customer else "")
        initial["cc"] = answered.cc_addresses if answered else ""
        initial["subject"] = "Re: " + subject
        parts = [
            canned.render(ticket.queue.salutation, ticket, agent),
            "",
            _quote(answered),
            "",
            canned.render(agent.signature or ticket.queue.signature, ticket, agent),
        ]
        initial["body"] = "\n".join(parts).strip() + "\n"
    elif kind == "forward":
        initial["subject"] = "Fwd: " + subject
        initial["body"] = "\n\n" + _quote(answered)
    return initial


@agent_required
def compose(request, pk: int, kind: str):
    if kind not in KINDS:
        raise Http404("No such article kind")
    perm, channel, visible, title = KINDS[kind]
    ticket = perms.get_ticket_for_agent(request.user, pk, perm)
    kw = {"ticket": ticket, "user": request.user, "kind": kind}
    status = 200
    if request.method == "POST":
        form = ArticleForm(request.POST, request.FILES, **kw)
        if form.is_valid():
            try:
                conflict = _save(request, ticket, kind, form.cleaned_data)
            except TicketError as exc:
                form.add_error(None, message_for(exc))
                status = status_for(exc)
            else:
                if conflict is None:
                    return back_to_ticket(request, ticket, _("%(what)s saved.") % {"what": title})
                return _saved_but_state_refused(request, ticket, title, conflict, form.cleaned_data)
        else:
            status = 400
    else:
        form = ArticleForm(initial=_initial(kind, ticket, request), **kw)
    ctx = {"ticket": ticket, "form": form, "kind": kind, "title": title}
    return render(request, "agent/compose.html", ctx, status=status)


def _save(request, ticket, kind, data) -> ChangedMeanwhile | None:
    """Save the article, then the chosen state; returns the refusal if the state was changed meanwhile."""
    perm, channel, visible, title = KINDS[kind]
    agent = request.user
    email = channel == Article.Channel.EMAIL
    # What the form showed; a form without `seen` showed the ticket as it is now if the version still matches.
    seen = data.get("seen") or (Seen.of(ticket) if ticket.version == data["version"] else None)
    message = Message(
        channel=channel,
        subject=data["subject"],
        body_text=data["body"],
        sender_type=Article.Sender.AGENT,
        is_visible_to_customer=visible,
        from_address=ticket.queue.sender_address if email else agent.email,
        to=data.get("to", ""),
        cc=data.get("cc", ""),
        attachments=to_file_inputs(data.get("attachments") or []),
        time_minutes=data.get("time_minutes") or 0,
    )
    done = services.reply(
        ticket=ticket,
        actor=agent,
        message=message,
        next_state=data.get("next_state"),
        pending_until=data.get("pending_until"),
        seen=seen,
        deliver=outbound.queue_article if email else None,  # into the outbox with the article, sent after commit
    )
    return done.refused


def _saved_but_state_refused(request, ticket, title, conflict: ChangedMeanwhile, data):
    """The ticket, with what happened and the agent's state in the state form, ready to apply again."""
    messages.success(request, _("%(what)s saved.") % {"what": title})
    messages.error(request, message_for(conflict))
    mine = {"state": data["next_state"].pk, "pending_until": data.get("pending_until")}
    return render_zoom(request, ticket, status=409, initial={"state": mine})


@agent_required
@require_GET
def canned_text(request, pk: int, canned_id: int):
    """The canned response with its placeholders filled for this ticket (JSON for the picker)."""
    ticket = perms.get_ticket_for_agent(request.user, pk)
    response = get_object_or_404(CannedResponse.objects.for_queue(ticket.queue), pk=canned_id)
    return JsonResponse(
        {"subject": response.subject, "body": canned.render(response.body, ticket, request.user)},
    )
