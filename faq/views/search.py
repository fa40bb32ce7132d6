"""Searching the FAQ: the search page of each panel, live suggestions while a customer writes a
new request, and the agent reply form's FAQ look-up."""

from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET

from faq import compose, queries
from faq.search import search_articles, suggest_articles
from faq.views.panels import Panel, for_panel
from tickets.views.agent.base import agent_required
from tickets.views.customer.common import customer_required

MAX_QUERY = 200
# On the subject of the customer's new-request form: suggestions as it is typed (the fragment below).
SUGGEST_ATTRS = {
    "hx-get": reverse_lazy("faq_customer:suggest"),
    "hx-trigger": "keyup changed delay:400ms",
    "hx-target": "#faq-suggestions",
    "hx-swap": "innerHTML",
    "autocomplete": "off",
}


def _query(request, name: str = "q") -> str:
    return request.GET.get(name, "").strip()[:MAX_QUERY]


@for_panel
@require_GET
def search(request, *, panel: Panel):
    query = _query(request)
    reader = panel.reader(request)
    results = search_articles(reader, query, language=queries.reader_language()) if query else []
    ctx = {"panel": panel, "q": query, "results": results}
    return render(request, f"faq/{panel.name}/search.html", ctx)


@customer_required
@require_GET
def suggest(request):
    """The fragment under the subject of a new request (htmx, on typing)."""
    subject = _query(request, "subject")
    results = suggest_articles(request.user, subject, language=queries.reader_language()) if subject else []
    return render(request, "faq/customer/_suggestions.html", {"results": results, "subject": subject})


@agent_required
@require_GET
def insert_search(request):
    """Results for the reply form: each with its solution as text and, when a customer may open it, a link."""
    query = _query(request)
    results = search_articles(request.user, query, language=queries.reader_language(), limit=8) if query else []
    rows = [
        {"result": result, "text": compose.solution_text(result.article), "link": compose.public_link(result.article)}
        for result in results
    ]
    return render(request, "faq/agent/_insert_results.html", {"rows": rows, "q": query})
