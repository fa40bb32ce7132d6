"""Print a ticket to PDF: the customer-visible thread, or the full one with ?full=1; or a part of it.

A thread too large to render within the limits gets a page offering smaller printouts, never a 500;
when every renderer slot is taken the agent gets "try again in a moment" (503 with Retry-After).
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tickets import permissions as perms
from tickets.forms.printing import PrintForm
from tickets.models import Article
from tickets.pdf import PrintersBusy, PrintFailed, printed_thread, render_pdf
from tickets.views.agent.base import agent_required

SMALLER_PART = 20  # the "newest articles" the too-large page offers


@agent_required
@require_GET
def ticket_pdf(request, pk: int):
    ticket = perms.get_ticket_for_agent(request.user, pk)
    form = PrintForm(request.GET)
    if not form.is_valid():
        return _options_page(request, ticket, form, reason="invalid", status=400)
    options = form.cleaned_data
    articles = Article.objects.filter(ticket=ticket)
    if not options["full"]:
        articles = articles.filter(is_visible_to_customer=True)
    if options["since"]:
        articles = articles.filter(created__date__gte=options["since"])
    if options["until"]:
        articles = articles.filter(created__date__lte=options["until"])
    with_attachments = not options["no_attachments"]
    thread = printed_thread(articles, last=options["last"], with_attachments=with_attachments)
    ctx = {
        "ticket": ticket,
        "thread": thread,
        "full": options["full"],
        "with_attachments": with_attachments,
        "printed": timezone.now(),
        "user": request.user,
    }
    try:
        pdf = render_pdf(ctx)
    except PrintersBusy as exc:
        return _busy_page(request, ticket, retry_after=exc.retry_after)
    except PrintFailed as exc:
        return _options_page(request, ticket, form, reason=exc.reason, status=200)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ticket-{ticket.number}.pdf"'
    return response


def _options_page(request, ticket, form, *, reason: str, status: int):
    full = "1" if form.data.get("full") in ("1", "on", "true") else ""
    ctx = {"ticket": ticket, "form": form, "reason": reason, "full": full, "last": SMALLER_PART}
    return render(request, "agent/print_too_large.html", ctx, status=status)


def _busy_page(request, ticket, *, retry_after: int):
    ctx = {"ticket": ticket, "retry_after": retry_after, "again": request.get_full_path()}
    response = render(request, "agent/print_busy.html", ctx, status=503)
    response["Retry-After"] = str(retry_after)
    return response
