"""Votes, view counts, the start pages' lists and poorly rated articles (services)."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from accounts.models import Permission
from faq import feedback
from faq.models import Article
from tests.factories import AccessGroupFactory, AgentFactory, CustomerFactory, grant
from tests.faq import kb

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat(db):
    return kb.category("Network")


@pytest.mark.smoke
def test_a_signed_in_reader_votes_once(cat, customer):
    article = kb.article(cat, "Wi-Fi")
    assert feedback.vote(article=article, user=customer, session_key="s1", helpful=True) is True
    assert feedback.vote(article=article, user=customer, session_key="s2", helpful=False) is False
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    assert feedback.already_voted(article, user=customer, session_key=None)


@pytest.mark.smoke
def test_an_anonymous_reader_votes_once_per_session(cat):
    article = kb.article(cat, "Wi-Fi")
    anonymous = AnonymousUser()
    assert feedback.vote(article=article, user=anonymous, session_key="s1", helpful=False) is True
    assert feedback.vote(article=article, user=anonymous, session_key="s1", helpful=True) is False
    assert feedback.vote(article=article, user=anonymous, session_key="s2", helpful=True) is True
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 1)
    with pytest.raises(ValueError):
        feedback.vote(article=article, user=anonymous, session_key="", helpful=True)


@pytest.mark.smoke
def test_views_are_counted_in_the_database(cat):
    article = kb.article(cat, "Wi-Fi")
    stale = Article.objects.get(pk=article.pk)
    feedback.count_view(article)
    feedback.count_view(stale)  # an older copy in memory does not undo the first view
    article.refresh_from_db()
    assert article.views == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_views_all_count():
    article = kb.article(kb.category("Busy"), "Popular")
    barrier = threading.Barrier(8)

    def read():
        barrier.wait()
        feedback.count_view(article)
        connection.close()

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    article.refresh_from_db()
    assert article.views == 8


@pytest.mark.smoke
def test_the_lists_of_the_start_page_show_only_readable_articles(cat, customer):
    old = kb.article(cat, "Old and popular", views=50, helpful_yes=2, helpful_no=8)
    loved = kb.article(cat, "Loved", views=5, helpful_yes=9, helpful_no=1)
    kb.article(cat, "Internal, most viewed", state="internal", views=500, helpful_yes=10)
    Article.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=30))
    new = kb.article(cat, "Brand new")
    assert [a.title for a in feedback.most_viewed(customer)] == ["Old and popular", "Loved"]
    assert [a.title for a in feedback.best_rated(customer)] == ["Loved", "Old and popular"]
    assert [a.title for a in feedback.newest(customer)][:2] == [new.title, loved.title]
    assert "Internal, most viewed" in [a.title for a in feedback.most_viewed(AgentFactory())]


@pytest.mark.smoke
def test_poorly_rated_articles_are_listed_for_their_editors_only(cat):
    group = AccessGroupFactory(name="network editors")
    cat.editor_groups.add(group)
    editor, other = AgentFactory(username="ed"), AgentFactory(username="other")
    grant(editor, group, Permission.FAQ_EDIT)
    kb.article(cat, "Confusing", helpful_yes=1, helpful_no=4)
    kb.article(cat, "Too few votes", helpful_no=2)
    kb.article(cat, "Fine", helpful_yes=5, helpful_no=1)
    kb.article(kb.category("Other"), "Confusing elsewhere", helpful_no=9)
    assert [a.title for a in feedback.poorly_rated(editor)] == ["Confusing"]
    assert feedback.poorly_rated(other) == []
    assert feedback.poorly_rated(CustomerFactory()) == []
