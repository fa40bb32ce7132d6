"""The knowledge base: nested categories, articles in several languages, their versions and files."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from faq import permissions
from tickets.files import StoredFile


class Category(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    editor_groups = models.ManyToManyField(
        "accounts.AccessGroup",
        verbose_name=_("editor groups"),
        blank=True,
        related_name="faq_categories",
        help_text=_("Agents holding the FAQ editor right on one of these groups may edit the category's articles."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("FAQ category")
        verbose_name_plural = _("FAQ categories")

    def __str__(self):
        return self.name

    def ancestors(self) -> list["Category"]:
        """From the root down to the parent (one query per level; categories nest a few levels at most)."""
        chain, seen, node = [], {self.pk}, self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain[::-1]


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ArticleQuerySet":
        """The articles `user` may read: the one place for FAQ visibility (rules in faq/permissions.py)."""
        if permissions.is_faq_admin(user):
            return self.all()
        readable = Q(state__in=permissions.reader_states(user), category__is_active=True)
        editor_groups = permissions.editor_group_ids(user)
        if editor_groups:
            editable = Category.objects.filter(editor_groups__in=editor_groups).values("pk")
            readable |= Q(category__in=editable)
        return self.filter(readable)

    def editable_by(self, user) -> "ArticleQuerySet":
        if permissions.is_faq_admin(user):
            return self.all()
        editor_groups = permissions.editor_group_ids(user)
        if not editor_groups:
            return self.none()
        return self.filter(category__in=Category.objects.filter(editor_groups__in=editor_groups).values("pk"))


class Article(models.Model):
    class State(models.TextChoices):
        DRAFT = permissions.DRAFT, _("draft")
        INTERNAL = permissions.INTERNAL, _("internal (agents)")
        CUSTOMERS = permissions.CUSTOMERS, _("customers")
        PUBLIC = permissions.PUBLIC, _("public")

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="articles"
    )
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translated",
        help_text=_("The original article this one translates."),
    )
    title = models.CharField(_("title"), max_length=255)
    problem = models.TextField(_("problem"), blank=True, help_text=_("The symptom, as the reader would describe it."))
    solution = models.TextField(_("solution"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    related = models.ManyToManyField("self", verbose_name=_("related articles"), blank=True, symmetrical=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Filled by the feedback and statistics side of the FAQ.
    views = models.PositiveIntegerField(_("views"), default=0)
    helpful_yes = models.PositiveIntegerField(_("helpful"), default=0)
    helpful_no = models.PositiveIntegerField(_("not helpful"), default=0)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "title"]
        verbose_name = _("FAQ article")
        verbose_name_plural = _("FAQ articles")
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="faq_article_slug_per_language"),
        ]

    def __str__(self):
        return self.title

    @property
    def original(self) -> "Article":
        return self.translation_of or self

    def translation_family(self) -> models.QuerySet["Article"]:
        """This article, its original and every translation of that original."""
        root = self.translation_of_id or self.pk
        return Article.objects.filter(Q(pk=root) | Q(translation_of_id=root))

    def translations(self) -> models.QuerySet["Article"]:
        """The same article in the other languages (filter with visible_to() before showing them)."""
        return self.translation_family().exclude(pk=self.pk)

    def is_public(self) -> bool:
        return self.state == self.State.PUBLIC


class ArticleVersion(models.Model):
    """The article as one save left it; every save keeps one, and a revert is a new one."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    title = models.CharField(_("title"), max_length=255)
    problem = models.TextField(_("problem"), blank=True)
    solution = models.TextField(_("solution"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=Article.State.choices)
    reverted_from = models.PositiveIntegerField(_("reverted from version"), null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("FAQ article version")
        verbose_name_plural = _("FAQ article versions")
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="faq_version_number_per_article")]

    def __str__(self):
        return f"{self.article} v{self.number}"


class ArticleAttachment(models.Model):
    """A file of an article; the bytes are a StoredFile, kept once per content like ticket attachments."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="attachments"
    )
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="faq_attachments")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=255, default="application/octet-stream")
    size = models.PositiveBigIntegerField(_("size"))
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("FAQ attachment")
        verbose_name_plural = _("FAQ attachments")

    def __str__(self):
        return self.filename


from faq.feedback_models import Deflection, Vote  # noqa: E402, F401
