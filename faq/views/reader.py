"""Reading the FAQ in any of the three panels: index, category, article, its files and its PDF."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from faq import feedback, permissions, queries
from faq.models import Article
from faq.views.panels import Panel, for_panel
from tickets.pdf import PrintFailed, html_to_pdf
from tickets.sanitize import display_html
from tickets.views.customer.common import attachment_response


def _page(request, panel: Panel, template: str, ctx: dict, status: int = 200):
    reader = panel.reader(request)
    ctx = {"panel": panel, "may_edit_any": panel.name == "agent" and permissions.may_edit_any(reader), **ctx}
    return render(request, f"faq/{panel.name}/{template}", ctx, status=status)


@for_panel
@require_GET
def index(request, *, panel: Panel):
    reader = panel.reader(request)
    language = queries.reader_language()
    tree = queries.category_tree(reader, language)
    return _page(
        request, panel, "index.html", {"tree": tree, **feedback.start_page_lists(reader, panel.name, language)}
    )


@for_panel
@require_GET
def category(request, slug: str, *, panel: Panel):
    reader = panel.reader(request)
    category = queries.get_category(reader, slug)
    language = queries.reader_language()
    children = _find_children(queries.category_tree(reader, language), category.pk) or []
    ctx = {
        "category": category,
        "ancestors": category.ancestors(),
        "articles": queries.category_articles(reader, category, language),
        "children": children,
        "may_edit": panel.name == "agent" and permissions.may_edit(reader, category),
    }
    return _page(request, panel, "category.html", ctx)


def _find_children(nodes, pk):
    for node in nodes:
        if node["category"].pk == pk:
            return node["children"]
        found = _find_children(node["children"], pk)
        if found is not None:
            return found
    return None


@for_panel
@require_GET
def article_any_language(request, slug: str, *, panel: Panel):
    """/faq/a/<slug>/: the article whose slug this is, in the reader's language when there is one."""
    reader = panel.reader(request)
    language = queries.reader_language()
    found = Article.objects.visible_to(reader).filter(slug=slug).order_by("pk")
    article = next((a for a in found if a.language == language), None) or found.first()
    if article is None:
        article = queries.get_article(reader, language, slug)  # the usual 404
    article = queries.best_translation(reader, article, language)
    return redirect(panel.url("article"), language=article.language, slug=article.slug)


@for_panel
@require_GET
def article(request, language: str, slug: str, *, panel: Panel):
    reader = panel.reader(request)
    article = queries.get_article(reader, language, slug)
    ctx = {
        "article": article,
        "problem_html": display_html(article.problem),
        "solution_html": display_html(article.solution),
        "ancestors": [*article.category.ancestors(), article.category],
        "attachments": list(article.attachments.all()),
        "translations": queries.visible_translations(reader, article),
        "related": queries.visible_related(reader, article),
        "may_edit": panel.name == "agent" and permissions.may_edit(reader, article.category),
        "voted": feedback.already_voted(article, user=reader, session_key=request.session.session_key),
    }
    feedback.count_view(article)
    return _page(request, panel, "article.html", ctx)


@for_panel
@require_GET
def attachment(request, language: str, slug: str, key, *, panel: Panel):
    return attachment_response(queries.get_attachment(panel.reader(request), language, slug, key))


@for_panel
@require_GET
def article_pdf(request, language: str, slug: str, *, panel: Panel):
    """The article printed with the tickets' renderer (a limited child process)."""
    article = queries.get_article(panel.reader(request), language, slug)
    ctx = {
        "article": article,
        "problem_html": display_html(article.problem),
        "solution_html": display_html(article.solution),
        "attachments": list(article.attachments.all()),
        "printed": timezone.now(),
    }
    try:
        pdf = html_to_pdf(render_to_string("faq/print.html", ctx, request=None))
    except PrintFailed:
        return _page(request, panel, "print_failed.html", {"article": article}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="faq-{article.language}-{article.pk}.pdf"'
    return response
