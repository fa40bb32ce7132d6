"""Knowledge-base data for the search, feedback and deflection tests."""

import itertools

from faq.models import Article, Category

_numbers = itertools.count(1)


def category(name: str = "General", **kwargs) -> Category:
    return Category.objects.create(name=name, slug=kwargs.pop("slug", f"{name.lower()}-{next(_numbers)}"), **kwargs)


def article(cat: Category, title: str, *, state: str = "public", language: str = "en", **kwargs) -> Article:
    """Saved like the editor saves (Article.save), so the search index follows."""
    kwargs.setdefault("slug", f"a-{next(_numbers)}")
    return Article.objects.create(category=cat, title=title, state=state, language=language, **kwargs)
