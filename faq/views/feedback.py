"""Readers' feedback: "Was this helpful?" and opening a suggested article (deflection)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from faq import feedback, queries
from faq.models import Article
from faq.views.panels import Panel, for_panel
from tickets.views.customer.common import customer_required


def session_key(request) -> str:
    """The reader's session (made now for a first-time anonymous reader): one vote per session."""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


@for_panel
@require_POST
def vote(request, language: str, slug: str, *, panel: Panel):
    reader = panel.reader(request)
    article = queries.get_article(reader, language, slug)
    helpful = request.POST.get("helpful") == "yes"
    recorded = feedback.vote(article=article, user=reader, session_key=session_key(request), helpful=helpful)
    if request.htmx:
        ctx = {"panel": panel, "article": article, "voted": True, "recorded": recorded}
        return render(request, "faq/_feedback.html", ctx)
    if recorded:
        messages.success(request, _("Thank you for your feedback."))
    else:
        messages.info(request, _("You have already rated this article."))
    return redirect(panel.url("article"), language=article.language, slug=article.slug)


@customer_required
@require_POST
def open_suggestion(request, pk: int):
    """A customer opens an article suggested while writing a request: recorded, then shown."""
    article = Article.objects.visible_to(request.user).filter(pk=pk).first()
    if article is None:
        raise Http404("No such article")
    feedback.suggestion_opened(customer=request.user, article=article, subject=request.POST.get("subject", ""))
    return redirect("faq_customer:article", language=article.language, slug=article.slug)
