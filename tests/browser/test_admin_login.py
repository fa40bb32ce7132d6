import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_logs_in_and_sees_the_ticket_list(page, admin_user, ticket, screenshot):
    page.goto("/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/tickets/ticket/")
    assert ticket.number in page.content()
    screenshot(page, "admin-tickets")
