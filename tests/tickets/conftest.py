"""Fixtures of the ticket foundation suites."""

import pytest

from tests.factories import with_message


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the on-commit callbacks (the events) when the block ends."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def make_ticket(agent, queue, customer):
    """Create more tickets through the service, by default like the `ticket` fixture."""
    from tickets.services import create_ticket

    def make(**kwargs):
        params = {
            "actor": agent,
            "queue": queue,
            "title": "Another one",
            "customer": customer,
            "body_text": "Text.",
            "channel": "phone",
        }
        params.update(kwargs)
        return create_ticket(**with_message(**params))

    return make
