"""Feedback on articles: votes, view counts, the start pages' lists, poorly rated articles,
and deflection (suggestions opened while a customer writes a new request)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from faq import queries
from faq.feedback_models import Deflection, Vote
from faq.models import Article

POOR_MIN_VOTES = 3  # fewer votes say nothing yet
POOR_SHARE = 0.5  # helpful share below this is poor


def count_view(article: Article) -> None:
    """One more view, in the database (no read-modify-write: simultaneous readers all count)."""
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)


def already_voted(article: Article, *, user: User | None, session_key: str | None) -> bool:
    if user is not None and user.is_authenticated:
        return Vote.objects.filter(article=article, user=user).exists()
    return bool(session_key) and Vote.objects.filter(article=article, user=None, session_key=session_key).exists()


def vote(*, article: Article, user: User | None, session_key: str | None, helpful: bool) -> bool:
    """Record "was this helpful?" once per user (anonymous readers: once per session).
    Returns False, changing nothing, when this reader has voted on the article before."""
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not session_key:
        raise ValueError("an anonymous vote needs a session")
    try:
        with transaction.atomic():
            Vote.objects.create(
                article=article,
                user=user if signed_in else None,
                session_key="" if signed_in else session_key,
                helpful=helpful,
            )
            counter = "helpful_yes" if helpful else "helpful_no"
            Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    except IntegrityError:
        return False
    return True


def _with_votes(articles: QuerySet) -> QuerySet:
    votes = F("helpful_yes") + F("helpful_no")
    return articles.annotate(
        vote_count=votes,
        helpful_share=Cast(F("helpful_yes"), FloatField()) / Cast(votes, FloatField()),
    )


def _one_per_family(articles: QuerySet, language: str | None, limit: int) -> list[Article]:
    """The best `limit` articles, each translation family once, in the reader's language when it has one."""
    if not language:
        return list(articles[:limit])
    chosen = queries.in_language(list(articles[: limit * 4]), language)
    return chosen[:limit]


def most_viewed(user, limit: int = 5, *, language: str | None = None) -> list[Article]:
    articles = Article.objects.visible_to(user).filter(views__gt=0).order_by("-views", "title")
    return _one_per_family(articles, language, limit)


def best_rated(user, limit: int = 5, *, language: str | None = None) -> list[Article]:
    rated = _with_votes(Article.objects.visible_to(user).filter(helpful_yes__gt=0))
    return _one_per_family(rated.order_by("-helpful_share", "-helpful_yes", "title"), language, limit)


def newest(user, limit: int = 5, *, language: str | None = None) -> list[Article]:
    return _one_per_family(Article.objects.visible_to(user).order_by("-created", "-pk"), language, limit)


def poorly_rated(editor, limit: int = 20) -> list[Article]:
    """Articles the editor may change whose readers mostly found them unhelpful."""
    articles = _with_votes(Article.objects.editable_by(editor)).filter(vote_count__gte=POOR_MIN_VOTES)
    return list(
        articles.filter(helpful_share__lt=POOR_SHARE)
        .select_related("category")
        .order_by("helpful_share", "-helpful_no")[:limit]
    )


def start_page_lists(user, panel_name: str, language: str) -> dict:
    """The FAQ start page's lists (one article per translation family, in the reader's language when
    there is one); editors in the agent panel also get their poorly rated articles."""
    lists = {
        "most_viewed": most_viewed(user, language=language),
        "best_rated": best_rated(user, language=language),
        "newest": newest(user, language=language),
    }
    if panel_name == "agent":
        lists["poorly_rated"] = poorly_rated(user)
    return lists


def suggestion_opened(*, customer: User, article: Article, subject: str = "") -> Deflection:
    return Deflection.objects.create(customer=customer, article=article, subject=subject[:255])


def ticket_filed(*, customer: User, ticket) -> int:
    """The customer filed `ticket`: the suggestions opened shortly before did not deflect it."""
    since = timezone.now() - timedelta(minutes=settings.HELPDESK_FAQ_DEFLECTION_MINUTES)
    return Deflection.objects.filter(customer=customer, ticket=None, opened_at__gte=since).update(ticket=ticket)


def deflections(start: datetime | None = None, end: datetime | None = None) -> dict[str, int]:
    """For reports: suggestions opened in [start, end), how many were followed by a ticket and how
    many deflected (no ticket, and the waiting time is over)."""
    opened = Deflection.objects.all()
    if start:
        opened = opened.filter(opened_at__gte=start)
    if end:
        opened = opened.filter(opened_at__lt=end)
    settled = timezone.now() - timedelta(minutes=settings.HELPDESK_FAQ_DEFLECTION_MINUTES)
    return {
        "opened": opened.count(),
        "filed": opened.filter(ticket__isnull=False).count(),
        "deflected": opened.filter(Q(ticket=None) & Q(opened_at__lt=settled)).count(),
    }
