"""The customer panel's search: the words of the articles the customer sees, on their own tickets
(and their company's, with the right), never internal notes nor other customers' tickets."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.message import Message

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def request(customer, queue, title, body, **kwargs):
    return services.create_ticket(
        actor=customer, queue=queue, title=title, message=Message(channel="web", body_text=body), **kwargs
    )


def found(client, q, **params) -> list[str]:
    response = client.get(reverse("customer:tickets"), {"q": q, "status": "all", **params})
    assert response.status_code == 200
    return [t.number for t in response.context["page"].object_list]


@pytest.fixture
def setup(agent, queue, customer, colleague, other_customer):
    mine = request(customer, queue, "Scanner jammed", "The scanner in room Oak eats paper.")
    services.add_article(
        ticket=mine,
        actor=agent,
        message=Message(
            channel="note", body_text="Internal: vendor blamed, codeword zanzibar", is_visible_to_customer=False
        ),
    )
    services.add_article(
        ticket=mine, actor=agent, message=Message(channel="email", body_text="We ordered a new roller for the scanner.")
    )
    colleagues = request(colleague, queue, "Printer", "The printer in room Oak is out of toner.")
    others = request(other_customer, queue, "Printer elsewhere", "The printer in room Oak is broken.")
    return mine, colleagues, others


def test_a_customer_finds_words_of_the_answers_they_see_highlighted(client, customer, setup):
    mine, _colleagues, _others = setup
    client.force_login(customer)
    assert found(client, "roller") == [mine.number]
    response = client.get(reverse("customer:tickets"), {"q": "roller", "status": "all"})
    assert "<mark>roller</mark>" in response.content.decode()


def test_a_customer_never_finds_an_internal_note(client, customer, setup):
    client.force_login(customer)
    assert found(client, "zanzibar") == []
    assert found(client, "scanner zanzibar") == []  # not even beside the words they see
    assert found(client, "scanner -zanzibar") == [setup[0].number]  # nor is it there to exclude by
    assert found(client, "scanner roller") == [setup[0].number]  # the words of two answers they see


def test_a_customer_finds_only_their_own_tickets_and_their_companys_with_the_right(client, customer, setup):
    mine, colleagues, _others = setup
    client.force_login(customer)
    assert found(client, "Oak") == [mine.number]
    customer.can_see_company_tickets = True
    customer.save()
    assert sorted(found(client, "Oak", scope="company")) == sorted([mine.number, colleagues.number])


def test_a_company_search_finds_the_companys_tickets_only(client, customer, setup, agent):
    mine, colleagues, others = setup
    customer.can_see_company_tickets = True
    customer.save()
    client.force_login(customer)
    assert found(client, "printer", scope="company") == [colleagues.number]
    assert found(client, "printer broken", scope="company") == []  # another company's words
    services.add_article(
        ticket=others, actor=agent, message=Message(channel="email", body_text="toner for the printer")
    )
    assert found(client, "toner", scope="company") == [colleagues.number]


def test_a_number_still_finds_the_ticket(client, customer, setup):
    mine, _colleagues, others = setup
    client.force_login(customer)
    assert found(client, mine.number) == [mine.number]
    assert found(client, others.number) == []
