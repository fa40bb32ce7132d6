"""The knowledge base in the search engine (helpdesk/lib/search): what an article's document is,
keeping it indexed, and searching what a reader may see.

Articles are indexed by the save path itself (post_save/post_delete, connected in FaqConfig.ready),
so the editor, revert, admin, demo data and management commands all keep the index current.
"""

from dataclasses import dataclass

from faq.models import Article
from helpdesk.lib.search import engine
from helpdesk.lib.search.documents import Document, Hit
from helpdesk.lib.search.text import plain_text

KIND = "faq"


def document_for(article: Article) -> Document:
    body = "\n".join(
        part for part in (plain_text(article.problem), plain_text(article.solution), article.keywords) if part
    )
    return Document(kind=KIND, id=article.pk, language=article.language, title=article.title, body=body)


def index_article(article: Article) -> None:
    engine.index(document_for(article))


def on_article_saved(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if not raw:
        index_article(instance)


def on_article_deleted(sender, instance: Article, **kwargs) -> None:
    engine.remove(KIND, instance.pk)


def reindex_all() -> int:
    count = 0
    for article in Article.objects.order_by("pk").iterator():
        index_article(article)
        count += 1
    return count


@dataclass(frozen=True)
class Result:
    article: Article
    hit: Hit


def _results(user, hits: list[Hit]) -> list[Result]:
    # the engine already searched only visible ids; fetching through visible_to again costs nothing
    articles = Article.objects.visible_to(user).select_related("category").in_bulk([hit.object_id for hit in hits])
    return [Result(articles[hit.object_id], hit) for hit in hits if hit.object_id in articles]


def search_articles(user, query: str, *, language: str, limit: int = 30) -> list[Result]:
    """Articles `user` may read matching `query` (web-search syntax), the reader's language first."""
    among = Article.objects.visible_to(user).values("pk")
    return _results(user, engine.search(query, kind=KIND, among=among, language=language, limit=limit))


def suggest_articles(user, text: str, *, language: str, limit: int = 5) -> list[Result]:
    """As-you-type suggestions (a ticket subject, a reply being written)."""
    among = Article.objects.visible_to(user).values("pk")
    return _results(user, engine.suggest(text, kind=KIND, among=among, language=language, limit=limit))
