"""Print a ticket to PDF: header and the customer-visible thread, or the full thread with ?full=1."""

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from tickets import permissions as perms
from tickets.models import Article
from tickets.pdf import render_pdf
from tickets.views.agent.base import agent_required


@agent_required
@require_GET
def ticket_pdf(request, pk: int):
    ticket = perms.get_ticket_for_agent(request.user, pk)
    full = request.GET.get("full") == "1"
    articles = Article.objects.filter(ticket=ticket).select_related("author").prefetch_related("attachments")
    if not full:
        articles = articles.filter(is_visible_to_customer=True)
    ctx = {"ticket": ticket, "articles": articles, "full": full, "printed": timezone.now(), "user": request.user}
    pdf = render_pdf(ctx)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ticket-{ticket.number}.pdf"'
    return response
