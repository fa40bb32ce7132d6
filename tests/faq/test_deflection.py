"""Deflection: a suggested article opened while writing a request, and no ticket after it."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
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


# --- through the customer panel -------------------------------------------------------------

SUBJECT = "My printer does not print"


@pytest.fixture
def suggested(db):
    cat = kb.category("Printers")
    return {
        "public": kb.article(cat, "Printer does not print", slug="printer-public"),
        "internal": kb.article(cat, "Printer driver internals", slug="printer-internal", state="internal"),
    }


def test_the_new_request_form_asks_for_suggestions_while_the_subject_is_typed(client, customer, queue):
    client.force_login(customer)
    page = client.get(reverse("customer:ticket_new")).content.decode()
    assert f'hx-get="{reverse("faq_customer:suggest")}"' in page
    assert 'hx-trigger="keyup changed delay:400ms"' in page
    assert 'id="faq-suggestions"' in page


def test_suggestions_show_only_what_the_customer_may_read(client, customer, suggested):
    client.force_login(customer)
    fragment = client.get(reverse("faq_customer:suggest"), {"subject": "printer"}).content.decode()
    assert "Printer does not print" in fragment
    assert "Printer driver internals" not in fragment
    assert reverse("faq_customer:open_suggestion", args=[suggested["public"].pk]) in fragment
    assert client.get(reverse("faq_customer:suggest"), {"subject": "zzzz"}).content.decode().strip() == ""


def test_opening_a_suggestion_is_recorded_and_shows_the_article(client, customer, suggested):
    client.force_login(customer)
    article = suggested["public"]
    response = client.post(reverse("faq_customer:open_suggestion", args=[article.pk]), {"subject": SUBJECT})
    assert response.url == reverse("faq_customer:article", args=[article.language, article.slug])
    (deflection,) = Deflection.objects.all()
    assert (deflection.customer, deflection.article, deflection.subject) == (customer, article, SUBJECT)
    hidden = suggested["internal"]
    assert client.post(reverse("faq_customer:open_suggestion", args=[hidden.pk])).status_code == 404
    assert Deflection.objects.count() == 1


def test_opened_then_left_is_a_deflection_opened_then_filed_is_not(client, customer, other_customer, queue, suggested):
    article = suggested["public"]
    client.force_login(other_customer)
    client.post(reverse("faq_customer:open_suggestion", args=[article.pk]), {"subject": SUBJECT})  # and leaves
    client.force_login(customer)
    client.post(reverse("faq_customer:open_suggestion", args=[article.pk]), {"subject": SUBJECT})
    page = client.get(reverse("customer:ticket_new")).content.decode()
    nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("customer:ticket_new"),
        {"subject": SUBJECT, "description": "Still broken.", "queue": queue.pk, "nonce": nonce},
    )
    assert response.status_code == 302
    filed = Deflection.objects.get(customer=customer)
    assert filed.ticket is not None and filed.ticket.title == SUBJECT
    assert Deflection.objects.get(customer=other_customer).ticket is None
    Deflection.objects.update(opened_at=timezone.now() - timedelta(minutes=31))  # the waiting time is over
    assert feedback.deflections() == {"opened": 2, "filed": 1, "deflected": 1}


def test_administrators_list_deflections_and_votes(client, admin_user, customer, suggested):
    feedback.suggestion_opened(customer=customer, article=suggested["public"], subject=SUBJECT)
    feedback.vote(article=suggested["public"], user=customer, session_key=None, helpful=True)
    client.force_login(admin_user)
    page = client.get(reverse("admin:faq_deflection_changelist")).content.decode()
    assert SUBJECT in page and "Printer does not print" in page
    assert client.get(reverse("admin:faq_vote_changelist")).status_code == 200
    assert client.get(reverse("admin:faq_deflection_add")).status_code == 403
