"""Agents use the FAQ: search it from the reply form and insert a solution or a link; make a draft
article from a ticket's answer."""

import pytest
from django.urls import reverse

from accounts.models import Permission
from faq.models import Article
from tests.factories import AgentFactory, grant
from tests.faq import kb

pytestmark = pytest.mark.django_db


@pytest.fixture
def printer_articles(db):
    cat = kb.category("Printers")
    solution = "<p>Open tray&nbsp;2.</p><ul><li>Remove the paper.</li><li>Close the tray.</li></ul>"
    return {
        "public": kb.article(cat, "Printer jams", slug="printer-jams", solution=solution),
        "customers": kb.article(cat, "Printer quota", slug="printer-quota", state="customers", solution="Ask IT."),
        "internal": kb.article(cat, "Printer admin", slug="printer-admin", state="internal", solution="Use root."),
        "draft": kb.article(cat, "Printer draft", slug="printer-draft", state="draft", solution="Secret draft."),
    }


def test_the_reply_form_offers_the_faq_search(client, agent, ticket):
    client.force_login(agent)
    page = client.get(reverse("agent:compose", args=[ticket.pk, "reply"])).content.decode()
    assert f'hx-get="{reverse("faq_agent:insert_search")}"' in page
    assert 'id="faq-insert-results"' in page


def test_a_solution_is_offered_as_text_and_a_link_only_where_the_customer_can_open_it(
    client, agent, printer_articles, settings
):
    settings.HELPDESK_BASE_URL = "https://help.example.com"
    client.force_login(agent)
    page = client.get(reverse("faq_agent:insert_search"), {"q": "printer"}).content.decode()
    # one line per paragraph or list item, as it goes into the reply's text
    assert 'data-faq-insert="Open tray 2.\nRemove the paper.\nClose the tray."' in page
    assert 'data-faq-insert="https://help.example.com/faq/en/printer-jams/"' in page
    assert (
        'data-faq-insert="https://help.example.com/customer/faq/en/printer-quota/"' in page
    )  # for customers: the customer panel's address
    assert "Use root." in page  # internal articles: the text, for the agent to adapt
    assert "https://help.example.com/faq/en/printer-admin/" not in page  # no link a customer could not open
    assert page.count('data-faq-insert="https://') == 2
    assert "Printer draft" not in page  # drafts are not offered to agents who do not edit them


def test_the_reply_form_search_is_for_agents_only(client, customer, printer_articles):
    client.force_login(customer)
    response = client.get(reverse("faq_agent:insert_search"), {"q": "printer"})
    assert "Open tray" not in response.content.decode()


@pytest.fixture
def faq_writer(agent, editors):
    kb.category("Answers").editor_groups.add(editors)
    grant(agent, editors, Permission.FAQ_EDIT)
    return agent


def test_create_a_faq_draft_from_an_answer(client, faq_writer, ticket):
    answer = ticket.articles.create(
        channel="email", sender_type="agent", author=faq_writer, body_text="Unplug it <now> and wait."
    )
    first = ticket.articles.order_by("created", "pk").first()
    first.sender_type = "customer"
    first.save(update_fields=["sender_type"])
    client.force_login(faq_writer)
    zoom = client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    link = f"{reverse('faq_agent:new')}?from_answer={answer.pk}"
    assert link in zoom
    form = client.get(link).content.decode()
    assert 'value="Printer on fire"' in form  # the ticket's title
    assert "It smokes." in form  # the customer's first message is the problem
    assert "Unplug it &amp;lt;now&amp;gt; and wait." in form  # the answer, as escaped HTML inside the field
    assert Article.objects.count() == 0  # nothing is saved before the editor saves


def test_no_draft_from_a_ticket_the_agent_may_not_read(client, editors, ticket):
    outsider = AgentFactory(username="out")
    grant(outsider, editors, Permission.FAQ_EDIT)
    kb.category("Answers").editor_groups.add(editors)
    client.force_login(outsider)
    response = client.get(reverse("faq_agent:new"), {"from_answer": ticket.articles.first().pk})
    assert response.status_code == 404


def test_agents_who_do_not_write_the_faq_are_not_offered_a_draft(client, agent, ticket):
    client.force_login(agent)
    assert "from_answer" not in client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
