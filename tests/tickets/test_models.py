"""Model helpers: open/closed, the subject tag, queue addresses, company domains, user kinds."""

import pytest
from django.db import IntegrityError

from accounts.models import Company, User
from tests.factories import AdminFactory, AgentFactory, CustomerFactory, QueueFactory, TicketFactory, state
from tickets.models import CustomField, CustomFieldValue, Ticket, TicketLink

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "is_open"),
    [
        ("new", True),
        ("open", True),
        ("pending reminder", True),
        ("waiting for customer", True),
        ("closed successful", False),
        ("closed unsuccessful", False),
        ("merged", False),
        ("rejected as spam", False),
    ],
)
def test_is_open_follows_the_state_type(name, is_open):
    ticket = TicketFactory(state=state(name))
    assert ticket.is_open is is_open
    assert Ticket.objects.open().filter(pk=ticket.pk).exists() is is_open
    assert Ticket.objects.closed().filter(pk=ticket.pk).exists() is not is_open


def test_pending_states_are_pending():
    assert state("pending reminder").is_pending and state("pending auto close+").is_pending
    assert not state("open").is_pending and not state("closed successful").is_pending


@pytest.mark.smoke
def test_subject_tag_and_title_use_the_ticket_hook(settings):
    ticket = TicketFactory(number="2026031410000014", title="Printer on fire")
    assert ticket.subject_tag() == "[Ticket#2026031410000014]"
    assert str(ticket) == "Ticket#2026031410000014 Printer on fire"
    settings.HELPDESK_TICKET_HOOK = "Req#"
    assert ticket.subject_tag() == "[Req#2026031410000014]"


def test_queue_addresses(settings):
    settings.DEFAULT_FROM_EMAIL = "helpdesk@example.com"
    queue = QueueFactory(name="Sales", email_addresses=" Sales@Example.com , orders@example.com,, ")
    assert queue.address_list() == ["sales@example.com", "orders@example.com"]
    assert queue.sender_address == "sales@example.com"
    silent = QueueFactory(name="Silent", email_addresses="")
    assert silent.address_list() == []
    assert silent.sender_address == "helpdesk@example.com"


def test_company_domain_list():
    company = Company.objects.create(name="Acme Ltd", email_domains=" Acme.example ,acme.co.uk,, ")
    assert company.domain_list() == ["acme.example", "acme.co.uk"]
    assert Company.objects.create(name="Nobody").domain_list() == []


@pytest.mark.smoke
def test_user_kinds_and_managers():
    agent = AgentFactory(username="anna")
    customer = CustomerFactory(username="alice")
    admin = AdminFactory(username="root")
    assert agent.is_agent and not agent.is_customer
    assert customer.is_customer and not customer.is_agent
    assert set(User.agents.all()) == {agent, admin}
    assert list(User.customers.all()) == [customer]
    assert set(User.objects.all()) == {agent, customer, admin}


def test_only_active_superuser_agents_are_helpdesk_admins():
    assert AdminFactory(username="root").is_helpdesk_admin
    assert not AgentFactory(username="anna").is_helpdesk_admin
    assert not AdminFactory(username="retired", is_active=False).is_helpdesk_admin
    assert not CustomerFactory(username="sneaky", is_superuser=True).is_helpdesk_admin


def test_display_name_falls_back_to_email_then_username():
    assert CustomerFactory(username="a", first_name="Ann", last_name="Lee").display_name() == "Ann Lee"
    assert CustomerFactory(username="b", first_name="", last_name="", email="b@x.example").display_name() == (
        "b@x.example"
    )
    assert CustomerFactory(username="c", first_name="", last_name="", email="").display_name() == "c"


def test_custom_field_value_reads_the_typed_column():
    ticket = TicketFactory()
    number = CustomField.objects.create(name="n", label="N", kind=CustomField.Kind.NUMBER)
    text = CustomField.objects.create(name="t", label="T")
    assert CustomFieldValue.objects.create(ticket=ticket, field=number, value_number=7).value == 7
    assert CustomFieldValue.objects.create(ticket=ticket, field=text, value_text="hi").value == "hi"


def test_a_ticket_cannot_be_linked_to_itself_in_the_database():
    ticket = TicketFactory()
    with pytest.raises(IntegrityError):
        TicketLink.objects.create(source=ticket, target=ticket, kind="related")
