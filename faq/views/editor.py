"""Editing the FAQ in the agent panel: new article, edit, versions, compare, revert."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from faq import compose, diff, permissions, queries, services
from faq.forms import ArticleForm
from faq.views.panels import AGENT
from tickets.views.agent.base import agent_required


def _form_page(request, form, article, status=200):
    wide = ("title", "problem", "solution", "related")
    ctx = {"panel": AGENT, "form": form, "article": article, "may_edit_any": True, "wide": wide}
    return render(request, "faq/agent/edit.html", ctx, status=status)


def _save(request, form, article):
    try:
        return services.save_article(
            editor=request.user,
            data=form.article_input(),
            article=article,
            files=form.file_inputs(),
            remove_attachments=form.removed_ids(),
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@agent_required
@require_http_methods(["GET", "POST"])
def article_new(request):
    if not permissions.may_edit_any(request.user):
        raise permissions.NotAnEditor()
    if request.method == "GET":
        initial = {"language": queries.reader_language(), "category": request.GET.get("category")}
        if request.GET.get("from_answer"):  # "create FAQ draft from this answer" on a ticket
            initial.update(compose.draft_from_answer(request.user, request.GET["from_answer"]))
        return _form_page(request, ArticleForm(user=request.user, initial=initial), None)
    form = ArticleForm(request.POST, request.FILES, user=request.user)
    saved = _save(request, form, None) if form.is_valid() else None
    if saved is None:
        return _form_page(request, form, None, status=400)
    messages.success(request, _("The article was saved."))
    return redirect("faq_agent:article", language=saved.language, slug=saved.slug)


@agent_required
@require_http_methods(["GET", "POST"])
def article_edit(request, pk: int):
    article = queries.get_article_for_editor(request.user, pk)
    if request.method == "GET":
        return _form_page(request, ArticleForm(user=request.user, article=article), article)
    form = ArticleForm(request.POST, request.FILES, user=request.user, article=article)
    saved = _save(request, form, article) if form.is_valid() else None
    if saved is None:
        return _form_page(request, form, article, status=400)
    messages.success(request, _("The article was saved."))
    return redirect("faq_agent:article", language=saved.language, slug=saved.slug)


@agent_required
def versions(request, pk: int):
    article = queries.get_article_for_editor(request.user, pk)
    rows = article.versions.select_related("author")
    return render(request, "faq/agent/versions.html", {"panel": AGENT, "article": article, "versions": rows})


@agent_required
def compare(request, pk: int, number: int):
    article = queries.get_article_for_editor(request.user, pk)
    version = get_object_or_404(article.versions.select_related("author"), number=number)
    ctx = {"panel": AGENT, "article": article, "version": version, "fields": diff.compare(version, article)}
    return render(request, "faq/agent/compare.html", ctx)


@agent_required
@require_POST
def revert(request, pk: int, number: int):
    article = queries.get_article_for_editor(request.user, pk)
    get_object_or_404(article.versions, number=number)
    article = services.revert_article(editor=request.user, article=article, number=number)
    messages.success(request, _("The text of version %(number)s is back, as a new version.") % {"number": number})
    return redirect("faq_agent:versions", pk=article.pk)
