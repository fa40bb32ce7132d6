"""Reading the knowledge base: fetch-and-check accessors and the lists the pages show.

Everything a reader gets has passed through Article.objects.visible_to(user); what is not
visible is a 404, the same as what does not exist.
"""

from django.http import Http404
from django.utils import translation

from faq import permissions
from faq.models import Article, ArticleAttachment, Category


def reader_language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def get_article(user, language: str, slug: str) -> Article:
    """The article `user` may read, by its readable address; 404 otherwise."""
    try:
        return (
            Article.objects.visible_to(user)
            .select_related("category", "translation_of", "created_by", "updated_by")
            .get(language=language, slug=slug)
        )
    except Article.DoesNotExist:
        raise Http404("No such article") from None


def get_article_for_editor(user, pk: int) -> Article:
    """An article the agent may edit; 404 when they may not even read it, 403 when they may read only."""
    try:
        article = Article.objects.visible_to(user).select_related("category").get(pk=pk)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise Http404("No such article") from None
    if not permissions.may_edit(user, article.category):
        raise permissions.NotAnEditor()
    return article


def get_attachment(user, language: str, slug: str, key) -> ArticleAttachment:
    article = get_article(user, language, slug)
    try:
        return article.attachments.select_related("stored").get(key=key)
    except (ArticleAttachment.DoesNotExist, ValueError):
        raise Http404("No such file") from None


def _categories(user):
    return Category.objects.all() if permissions.is_faq_admin(user) else Category.objects.filter(is_active=True)


def get_category(user, slug: str) -> Category:
    try:
        return _categories(user).get(slug=slug)
    except Category.DoesNotExist:
        raise Http404("No such category") from None


def in_language(articles, language: str) -> list[Article]:
    """One article per translation family: the reader's language when there is one, else the original
    (or, when the original is not visible, the first visible translation)."""
    families: dict[int, list[Article]] = {}
    for article in articles:
        families.setdefault(article.translation_of_id or article.pk, []).append(article)
    chosen = []
    for root, members in families.items():
        best = next((a for a in members if a.language == language), None)
        best = best or next((a for a in members if a.pk == root), None) or members[0]
        chosen.append(best)
    return chosen


def category_articles(user, category: Category, language: str) -> list[Article]:
    articles = Article.objects.visible_to(user).filter(category=category).order_by("title", "pk")
    return sorted(in_language(articles, language), key=lambda a: a.title.lower())


def category_tree(user, language: str) -> list[dict]:
    """Active categories (all for administrators) as a tree, each with the articles `user` may read;
    three queries whatever the size. Empty categories stay out unless `user` may edit them."""
    categories = list(_categories(user))
    editable = {c.pk for c in categories if permissions.is_faq_admin(user)}
    held = permissions.editor_group_ids(user)
    if held:
        editable |= set(Category.objects.filter(editor_groups__in=held).values_list("pk", flat=True))
    articles = Article.objects.visible_to(user).filter(category__in=categories).order_by("title", "pk")
    by_category: dict[int, list[Article]] = {}
    for article in in_language(articles, language):
        by_category.setdefault(article.category_id, []).append(article)
    nodes = {c.pk: {"category": c, "articles": by_category.get(c.pk, []), "children": []} for c in categories}
    roots = []
    for category in categories:
        node = nodes[category.pk]
        parent = nodes.get(category.parent_id)
        (parent["children"] if parent else roots).append(node)

    def keep(node) -> bool:
        node["children"] = [child for child in node["children"] if keep(child)]
        return bool(node["articles"] or node["children"] or node["category"].pk in editable)

    return [node for node in roots if keep(node)]


def visible_translations(user, article: Article) -> list[Article]:
    return list(article.translations().visible_to(user).order_by("language"))


def visible_related(user, article: Article) -> list[Article]:
    return list(article.related.visible_to(user).order_by("title"))


def best_translation(user, article: Article, language: str) -> Article:
    """The reader's language version of `article` when one is visible, else `article` itself."""
    if article.language == language:
        return article
    return article.translation_family().visible_to(user).filter(language=language).first() or article


def editable_categories(user):
    """The categories in which `user` may create and change articles."""
    if permissions.is_faq_admin(user):
        return Category.objects.all()
    return Category.objects.filter(editor_groups__in=permissions.editor_group_ids(user), is_active=True).distinct()
