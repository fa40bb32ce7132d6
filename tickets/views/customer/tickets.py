"""My requests: list, new request, conversation, reply, close, reopen, rate, attachment download."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from accounts import throttle
from faq import feedback as faq_feedback
from faq.views import search as faq_search
from tickets import permissions, queries, services
from tickets import search as ticket_search
from tickets.errors import InvalidChange, TicketError
from tickets.files import Attachment
from tickets.forms.customer import NewTicketForm, RatingForm, ReplyForm, TicketFilterForm, file_inputs
from tickets.message import Message
from tickets.models import Article, SatisfactionRating, State
from tickets.services import followup
from tickets.views.customer import common
from tickets.views.customer.paging import BothEndsPaginator

PAGE_SIZE = 20


@common.customer_required
def ticket_list(request):
    filters = TicketFilterForm(request.GET)
    filters.is_valid()
    status = filters.cleaned_data.get("status") or "open"
    scope = filters.cleaned_data.get("scope") or "mine"
    q = filters.cleaned_data.get("q", "").strip()
    user = request.user
    company_right = permissions.sees_company_tickets(user)
    tickets = permissions.customer_tickets(user, company=scope != "mine").for_list().order_by("-updated", "-pk")
    if status == "open":  # the state ids, not the join (see queries.open_state_ids)
        tickets = tickets.filter(state_id__in=queries.open_state_ids())
    elif status == "closed":
        tickets = tickets.exclude(state_id__in=queries.open_state_ids())
    if q.lstrip("#").isdigit():
        tickets = tickets.filter(number__icontains=q.lstrip("#"))
    elif q:  # the words of the articles they see (never internal notes), and the title
        tickets = ticket_search.matching(tickets, q, customer=user)
    page = BothEndsPaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    if q and ticket_search.has_text(q):
        ticket_search.attach_hits(page.object_list, q, customer=True)
    context = {"page": page, "status": status, "scope": scope, "q": q, "company_right": company_right}
    return render(request, "customer/ticket_list.html", context)


def _new_ticket_form(request, data=None, files=None):
    form = NewTicketForm(
        data,
        files,
        queues=permissions.queues_for(request.user, permissions.CREATE),
        initial={"nonce": common.new_nonce()},
    )
    form.fields["subject"].widget.attrs.update(faq_search.SUGGEST_ATTRS)  # FAQ suggestions while typing
    return form


def _render_new(request, form, status=200):
    context = {"form": form, "max_attachment_mb": common.max_attachment_mb()}
    return render(request, "customer/ticket_new.html", context, status=status)


@common.customer_required
def ticket_new(request):
    if request.method != "POST":
        return _render_new(request, _new_ticket_form(request))
    form = _new_ticket_form(request, request.POST, request.FILES)
    if not form.is_valid():
        return _render_new(request, form, status=400)
    user, nonce = request.user, form.cleaned_data["nonce"]
    first, earlier_id = common.claim_nonce(user, nonce)
    if not first:
        messages.info(request, _("This request was already sent; here it is."))
        return redirect("customer:ticket", earlier_id) if earlier_id else redirect("customer:tickets")
    limit_hit = throttle.over_limit("new-ticket-user", str(user.pk), settings.HELPDESK_CUSTOMER_TICKETS_PER_HOUR, 3600)
    ip_hit = throttle.over_limit(
        "new-ticket-ip", throttle.client_ip(request), settings.HELPDESK_CUSTOMER_TICKETS_PER_HOUR_PER_IP, 3600
    )
    if limit_hit or ip_hit:
        common.release_nonce(user, nonce)
        form.add_error(None, _("You have sent many requests in a short time. Please wait a while and try again."))
        return _render_new(request, form, status=429)
    data = form.cleaned_data
    try:
        ticket = services.create_ticket(
            actor=user,
            queue=data["queue"],
            title=data["subject"],
            message=Message(
                body_text=data["description"], channel=Article.Channel.WEB, attachments=file_inputs(data["attachments"])
            ),
            category=data.get("category"),
            priority=data.get("priority"),
        )
    except TicketError as exc:
        common.release_nonce(user, nonce)
        form.add_error(None, str(exc))
        return _render_new(request, form, status=400)
    common.finish_nonce(user, nonce, ticket.pk)
    faq_feedback.ticket_filed(customer=user, ticket=ticket)  # the suggestions opened before did not deflect it
    messages.success(request, _("Thank you! Your request has the number %(number)s.") % {"number": ticket.number})
    return redirect("customer:ticket", ticket.pk)


CUSTOMER_THREAD = 30  # the newest messages shown; the earlier ones on request (`?all=1`)


def ticket_context(ticket, show_all: bool = False, **extra):
    """The request's page: its newest CUSTOMER_THREAD visible messages (all with `show_all`), oldest first."""
    visible = (
        ticket.articles.filter(is_visible_to_customer=True).select_related("author").prefetch_related("attachments")
    )
    earlier = 0
    if show_all:
        articles = list(visible.order_by("created", "pk"))
    else:
        newest = list(visible.order_by("-created", "-pk")[: CUSTOMER_THREAD + 1])
        articles = list(reversed(newest[:CUSTOMER_THREAD]))
        if len(newest) > CUSTOMER_THREAD:  # counted only when there are more
            earlier = visible.count() - CUSTOMER_THREAD
    rating = SatisfactionRating.objects.filter(ticket=ticket).first()
    return {
        "ticket": ticket,
        "articles": articles,
        "earlier_articles": earlier,
        "rating": rating,
        "can_reopen": ticket.customer_may_reopen(),
        "replies_refused": ticket.follow_up_refused(),
        **extra,
    }


def _merged_into(user, ticket):
    """The ticket this one was merged into, when the customer may see it (otherwise nothing is said)."""
    if not ticket.merged_into_id:
        return None
    return permissions.tickets_for(user).filter(pk=ticket.merged_into_id).first()


def _render_detail(request, ticket, status=200, **forms):
    context = ticket_context(
        ticket,
        show_all=request.GET.get("all") == "1",
        reply_form=forms.get("reply_form") or ReplyForm(),
        rating_form=forms.get("rating_form") or RatingForm(),
        merged_into=_merged_into(request.user, ticket),
    )
    context["can_rate"] = context["rating"] is None and ticket.may_be_rated()
    context["may_close_or_reopen"] = permissions.may_close_or_reopen(request.user, ticket)
    return render(request, "customer/ticket_detail.html", context, status=status)


@common.customer_required
def ticket_detail(request, pk):
    ticket = permissions.get_ticket_for_customer(request.user, pk)
    return _render_detail(request, ticket)


FOLLOW_UP_MESSAGES = {
    followup.ADDED: gettext_noop("Your reply was added."),
    followup.REOPENED: gettext_noop("Your reply was added and the request was reopened."),
    followup.NEW_TICKET: gettext_noop("This request was closed, so your reply opened the new request %(number)s."),
}


@require_POST
@common.customer_required
def ticket_reply(request, pk):
    ticket = permissions.get_ticket_for_customer(request.user, pk)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, ticket, status=400, reply_form=form)
    message = Message(
        channel=Article.Channel.WEB,
        body_text=form.cleaned_data["body"],
        attachments=file_inputs(form.cleaned_data["attachments"]),
    )
    try:
        done = services.follow_up(ticket=ticket, actor=request.user, message=message)
    except TicketError as exc:
        form.add_error(None, str(exc))
        return _render_detail(request, ticket, status=400, reply_form=form)
    if done.rejected:
        form.add_error(
            None, _("This request is closed and cannot take replies any more. Please open a new request instead.")
        )
        return _render_detail(request, ticket, status=400, reply_form=form)
    messages.success(request, _(FOLLOW_UP_MESSAGES[done.outcome]) % {"number": done.ticket.number})
    return redirect("customer:ticket", done.ticket.pk)


@require_POST
@common.customer_required
def ticket_close(request, pk):
    ticket = permissions.get_ticket_for_customer(request.user, pk)
    if ticket.is_open:
        try:
            state = State.objects.closed()
            if state is None:
                raise InvalidChange(_("No closed state is defined; please contact the helpdesk."))
            services.change_state(ticket=ticket, actor=request.user, state=state)
        except TicketError as exc:
            messages.error(request, str(exc))
            return redirect("customer:ticket", ticket.pk)
        messages.success(request, _("Your request was closed. How did we do? You can rate it below."))
    return redirect("customer:ticket", ticket.pk)


@require_POST
@common.customer_required
def ticket_reopen(request, pk):
    ticket = permissions.get_ticket_for_customer(request.user, pk)
    if ticket.is_open:
        return redirect("customer:ticket", ticket.pk)
    if not ticket.customer_may_reopen():
        messages.error(request, _("This request cannot be reopened. Please open a new request instead."))
        return redirect("customer:ticket", ticket.pk)
    try:
        state = State.objects.reopen()
        if state is None:
            raise InvalidChange(_("No state is marked for reopened tickets; please contact the helpdesk."))
        services.change_state(ticket=ticket, actor=request.user, state=state)
    except TicketError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your request was reopened."))
    return redirect("customer:ticket", ticket.pk)


@require_POST
@common.customer_required
def ticket_rate(request, pk):
    ticket = permissions.get_ticket_for_customer(request.user, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, ticket, status=400, rating_form=form)
    try:
        services.rate_ticket(
            ticket=ticket,
            actor=request.user,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
            email=request.user.email,
        )
    except TicketError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, _("Thank you for your rating!"))
    return redirect("customer:ticket", ticket.pk)


@common.customer_required
def attachment_download(request, pk, attachment_pk):
    ticket = permissions.get_ticket_for_customer(request.user, pk)
    attachment = get_object_or_404(
        Attachment.objects.select_related("stored"),
        pk=attachment_pk,
        article__ticket=ticket,
        article__is_visible_to_customer=True,
    )
    return common.attachment_response(attachment)
