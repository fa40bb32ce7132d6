"""Every change to the knowledge base (the one way): create and edit articles, revert, files.

Each function checks the editor's right (faq/permissions.py), runs in one transaction and keeps
a version of the article as the save left it. `editor=None` is the trusted system (demo data,
management commands). Rich text is sanitised here with the policy of mail HTML.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from faq import permissions
from faq.models import Article, ArticleAttachment, ArticleVersion, Category
from tickets.errors import PermissionDenied
from tickets.sanitize import clean_html
from tickets.storage import FileInput, clean_filename, store_bytes
from tickets.text import one_line


@dataclass
class ArticleInput:
    category: Category
    slug: str
    language: str
    title: str
    problem: str = ""
    solution: str = ""
    keywords: str = ""
    state: str = Article.State.DRAFT
    translation_of: Article | None = None
    related: tuple[Article, ...] | None = None  # None leaves the related articles as they are


def _require_edit(editor: User | None, category: Category) -> None:
    if editor is not None and not permissions.may_edit(editor, category):
        raise PermissionDenied(_("You may not edit articles of the category “%(name)s”.") % {"name": category})


def check_translation(article: Article, original: Article | None) -> Article | None:
    """The original article `article` translates, never a translation itself; errors name the field."""
    if original is None:
        return None
    original = original.original
    if article.pk and original.pk == article.pk:
        raise ValidationError({"translation_of": _("An article cannot be a translation of itself.")})
    if article.pk and article.translated.exists():
        raise ValidationError({"translation_of": _("This article has translations of its own; it stays the original.")})
    clash = original.translation_family().filter(language=article.language).exclude(pk=article.pk)
    if clash.exists():
        raise ValidationError({"translation_of": _("That article already has a translation in this language.")})
    return original


def _keep_version(article: Article, author: User | None, reverted_from: int | None = None) -> ArticleVersion:
    last = article.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ArticleVersion.objects.create(
        article=article,
        number=last + 1,
        author=author,
        title=article.title,
        problem=article.problem,
        solution=article.solution,
        keywords=article.keywords,
        state=article.state,
        reverted_from=reverted_from,
    )


def _add_files(article: Article, files: list[FileInput]) -> None:
    limit = settings.HELPDESK_MAX_ATTACHMENT_MB * 1024 * 1024
    for item in files:
        if len(item.content) > limit:
            raise ValidationError(
                {"files": _("“%(name)s” is larger than %(mb)s MB.") % {"name": item.filename, "mb": limit // 2**20}}
            )
        ArticleAttachment.objects.create(
            article=article,
            stored=store_bytes(item.content),
            filename=clean_filename(item.filename),
            content_type=item.content_type or "application/octet-stream",
            size=len(item.content),
        )


def save_article(
    *,
    editor: User | None,
    data: ArticleInput,
    article: Article | None = None,
    files: list[FileInput] | None = None,
    remove_attachments: list[int] | None = None,
) -> Article:
    """Create (`article=None`) or change an article and keep a version of it."""
    _require_edit(editor, data.category)
    with transaction.atomic():
        if article is None:
            article = Article(created_by=editor)
        else:
            article = Article.objects.select_for_update().get(pk=article.pk)
            _require_edit(editor, article.category)  # moving out of a category takes the right there too
        article.category = data.category
        article.slug = data.slug.strip()
        article.language = data.language
        article.title = one_line(data.title).strip()
        article.problem = clean_html(data.problem)
        article.solution = clean_html(data.solution)
        article.keywords = one_line(data.keywords).strip()
        article.state = data.state
        article.updated_by = editor
        article.translation_of = check_translation(article, data.translation_of)
        article.full_clean(exclude=["related", "created_by", "updated_by"])
        try:
            with transaction.atomic():
                article.save()
        except IntegrityError:
            raise ValidationError({"slug": _("An article with this slug exists in this language.")}) from None
        if data.related is not None:
            article.related.set([r for r in data.related if r.pk != article.pk])
        if remove_attachments:
            article.attachments.filter(pk__in=remove_attachments).delete()
        _add_files(article, files or [])
        _keep_version(article, editor)
    return article


def revert_article(*, editor: User | None, article: Article, number: int) -> Article:
    """Bring back the text (title, problem, solution, keywords) of version `number` as a new version.

    The state stays as it is: reverting the text never publishes or hides an article by surprise.
    """
    _require_edit(editor, article.category)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        old = article.versions.get(number=number)
        article.title = old.title
        article.problem = clean_html(old.problem)
        article.solution = clean_html(old.solution)
        article.keywords = old.keywords
        article.updated_by = editor
        article.save()
        _keep_version(article, editor, reverted_from=number)
    return article
