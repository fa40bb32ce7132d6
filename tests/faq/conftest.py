"""The FAQ's cast: an editor group, categories, one article per state, and a reader per role."""

import pytest
from django.core.cache import cache

from accounts.models import Permission
from faq.models import Article, Category
from faq.services import ArticleInput, save_article
from tests.factories import AccessGroupFactory, AdminFactory, AgentFactory, CustomerFactory, grant

STATES = ["draft", "internal", "customers", "public"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editors(db):
    return AccessGroupFactory(name="FAQ editors")


@pytest.fixture
def category(editors):
    category = Category.objects.create(name="Printers", slug="printers")
    category.editor_groups.add(editors)
    return category


@pytest.fixture
def other_category(db):
    category = Category.objects.create(name="Payroll", slug="payroll")
    category.editor_groups.add(AccessGroupFactory(name="HR editors"))
    return category


def make_article(category, state="public", *, slug=None, language="en", title=None, translation_of=None, **extra):
    title = title or f"Printer jams ({state})"
    data = ArticleInput(
        category=category,
        slug=slug or f"printer-jams-{state}",
        language=language,
        title=title,
        problem=extra.pop("problem", "<p>The printer stops with a red light.</p>"),
        solution=extra.pop("solution", "<p>Open tray 2 and remove the paper.</p>"),
        keywords=extra.pop("keywords", "printer jam"),
        state=state,
        translation_of=translation_of,
    )
    return save_article(editor=None, data=data, **extra)


@pytest.fixture
def articles(category) -> dict[str, Article]:
    return {state: make_article(category, state) for state in STATES}


@pytest.fixture
def faq_editor(editors):
    user = AgentFactory(username="erik")
    grant(user, editors, Permission.FAQ_EDIT)
    return user


@pytest.fixture
def plain_agent(editors):
    """An agent with every queue right on the editors' group, but not the FAQ editor right."""
    user = AgentFactory(username="paul")
    grant(user, editors, Permission.RO, Permission.RW)
    return user


@pytest.fixture
def other_editor(other_category):
    user = AgentFactory(username="hanna")
    grant(user, other_category.editor_groups.get(), Permission.FAQ_EDIT)
    return user


@pytest.fixture
def faq_admin(db):
    return AdminFactory(username="root")


@pytest.fixture
def reader_customer(db):
    return CustomerFactory(username="alice")
