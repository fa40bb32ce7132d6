"""Django admin for the knowledge base. Article saves go through faq/services.py (the editor right
is checked, the text sanitised and a version kept); versions are shown read-only."""

from django import forms
from django.contrib import admin

from faq import services
from faq.models import Article, ArticleAttachment, ArticleVersion, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "order", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["editor_groups"]


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ["number", "created", "author", "title", "state", "reverted_from"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ArticleAttachmentInline(admin.TabularInline):
    model = ArticleAttachment
    fields = ["filename", "content_type", "size"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "category",
            "language",
            "slug",
            "title",
            "state",
            "translation_of",
            "problem",
            "solution",
            "keywords",
            "related",
        ]

    def clean(self):
        data = super().clean()
        probe = Article(pk=self.instance.pk, language=data.get("language") or "en")
        services.check_translation(probe, data.get("translation_of"))
        return data


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "language", "category", "state", "updated", "views", "helpful_yes", "helpful_no"]
    list_filter = ["state", "language", "category"]
    list_select_related = ["category"]
    search_fields = ["title", "slug", "keywords"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["translation_of", "related"]
    inlines = [ArticleAttachmentInline, ArticleVersionInline]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.save_article(
            editor=request.user,
            article=obj if change else None,
            data=services.ArticleInput(
                category=data["category"],
                slug=data["slug"],
                language=data["language"],
                title=data["title"],
                problem=data.get("problem", ""),
                solution=data.get("solution", ""),
                keywords=data.get("keywords", ""),
                state=data["state"],
                translation_of=data.get("translation_of"),
                related=tuple(data.get("related") or ()),
            ),
        )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The service saved the related articles; only the inlines (attachment removals) are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


from faq import admin_feedback  # noqa: E402, F401  (votes and deflections)
