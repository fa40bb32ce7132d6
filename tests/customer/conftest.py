import pytest

from tickets import services
from tickets.message import Message


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    return client


@pytest.fixture
def own_ticket(customer, queue):
    from tickets.storage import FileInput

    return services.create_ticket(
        actor=customer,
        queue=queue,
        title="My laptop is slow",
        message=Message(body_text="Since Monday.", attachments=[FileInput("log.txt", b"slow log", "text/plain")]),
    )


@pytest.fixture
def others_ticket(other_customer, queue):
    from tickets.storage import FileInput

    return services.create_ticket(
        actor=other_customer,
        queue=queue,
        title="Globex secret plans",
        message=Message(
            body_text="Confidential.", attachments=[FileInput("plans.pdf", b"%PDF secret", "application/pdf")]
        ),
    )


@pytest.fixture
def colleague_ticket(colleague, queue):
    return services.create_ticket(
        actor=colleague,
        queue=queue,
        title="Carol VPN issue",
        message=Message(body_text="VPN drops."),
    )
