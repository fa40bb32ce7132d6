"""Deflection: a suggested article opened while writing a request, and no ticket after it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from faq import feedback
from faq.feedback_models import Deflection
from tests.faq import kb

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture
def article(db):
    return kb.article(kb.category("Printing"), "Printer does not print")


def opened(customer, article, minutes_ago: int) -> Deflection:
    deflection = feedback.suggestion_opened(customer=customer, article=article, subject="printer")
    Deflection.objects.filter(pk=deflection.pk).update(opened_at=timezone.now() - timedelta(minutes=minutes_ago))
    return deflection


def test_opened_then_left_counts_as_deflected(customer, article, settings):
    settings.HELPDESK_FAQ_DEFLECTION_MINUTES = 30
    opened(customer, article, minutes_ago=31)
    assert feedback.deflections() == {"opened": 1, "filed": 0, "deflected": 1}


def test_opened_then_filed_does_not_count(customer, other_customer, article, ticket, settings):
    settings.HELPDESK_FAQ_DEFLECTION_MINUTES = 30
    mine = opened(customer, article, minutes_ago=5)
    theirs = opened(other_customer, article, minutes_ago=5)
    assert feedback.ticket_filed(customer=customer, ticket=ticket) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.ticket == ticket
    assert theirs.ticket is None  # another customer's ticket says nothing about this one
    assert feedback.deflections() == {"opened": 2, "filed": 1, "deflected": 0}  # theirs is still undecided


def test_a_ticket_long_after_the_article_leaves_the_deflection(customer, article, ticket, settings):
    settings.HELPDESK_FAQ_DEFLECTION_MINUTES = 30
    opened(customer, article, minutes_ago=120)
    assert feedback.ticket_filed(customer=customer, ticket=ticket) == 0
    assert feedback.deflections()["deflected"] == 1
