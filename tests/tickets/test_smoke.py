import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.smoke]


def test_created_ticket_gets_a_valid_number(ticket):
    from tickets.numbers import is_valid

    assert is_valid(ticket.number)
    assert ticket.articles.count() == 1
