"""The agent panel's article form: validates and cleans; faq/services.py saves."""

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from faq.models import Article, Category
from faq.queries import editable_categories
from faq.services import ArticleInput
from tickets.forms.compose import MultipleFileField, to_file_inputs


class RichTextarea(forms.Textarea):
    """A textarea that static/js/faq-editor.js turns into the rich text editor (it stays usable without)."""

    def __init__(self, attrs=None):
        super().__init__({"class": "form-control faq-rich", "rows": 8, "data-rich-text": "1", **(attrs or {})})


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    slug = forms.SlugField(
        label=_("Slug"),
        max_length=200,
        required=False,
        allow_unicode=True,
        help_text=_("The article's address; made from the title when left empty."),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    state = forms.ChoiceField(label=_("State"), choices=Article.State.choices)
    translation_of = forms.ModelChoiceField(
        label=_("Translation of"),
        queryset=Article.objects.none(),
        required=False,
        help_text=_("The original article, when this one is its translation."),
    )
    problem = forms.CharField(label=_("Problem"), widget=RichTextarea(), required=False)
    solution = forms.CharField(label=_("Solution"), widget=RichTextarea(), required=False)
    keywords = forms.CharField(label=_("Keywords"), max_length=500, required=False)
    related = forms.ModelMultipleChoiceField(
        label=_("Related articles"),
        queryset=Article.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    files = MultipleFileField(label=_("Add files"))
    remove_files = forms.MultipleChoiceField(
        label=_("Remove files"), required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, article: Article | None = None, **kwargs):
        if article is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": article.title,
                "slug": article.slug,
                "category": article.category_id,
                "language": article.language,
                "state": article.state,
                "translation_of": article.translation_of_id,
                "problem": article.problem,
                "solution": article.solution,
                "keywords": article.keywords,
                "related": [r.pk for r in article.related.all()],
            }
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["category"].queryset = editable_categories(user)
        others = Article.objects.visible_to(user).select_related("category").order_by("title")
        if article is not None:
            others = others.exclude(pk=article.pk)
        self.fields["translation_of"].queryset = others.filter(translation_of__isnull=True)
        self.fields["related"].queryset = others
        files = [(str(a.pk), a.filename) for a in article.attachments.all()] if article is not None else []
        if files:
            self.fields["remove_files"].choices = files
        else:
            del self.fields["remove_files"]

    def clean(self):
        data = super().clean()
        if not data.get("slug") and data.get("title"):
            data["slug"] = slugify(data["title"], allow_unicode=True)[:200] or "article"
        return data

    def article_input(self) -> ArticleInput:
        data = self.cleaned_data
        return ArticleInput(
            category=data["category"],
            slug=data["slug"],
            language=data["language"],
            title=data["title"],
            problem=data["problem"],
            solution=data["solution"],
            keywords=data["keywords"],
            state=data["state"],
            translation_of=data["translation_of"],
            related=tuple(data["related"]),
        )

    def file_inputs(self):
        return to_file_inputs(self.cleaned_data.get("files") or [])

    def removed_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("remove_files") or []]
