"""Stored files have no public URL: attachments are served only by views that check the ticket."""

import importlib

import pytest
from django.urls import clear_url_caches

from tickets import services
from tickets.message import Message
from tickets.storage import FileInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_urls(settings):
    """The URL tree as `make run` builds it: with DEBUG on."""
    import helpdesk.urls

    settings.DEBUG = True
    clear_url_caches()
    importlib.reload(helpdesk.urls)
    yield
    settings.DEBUG = False
    clear_url_caches()
    importlib.reload(helpdesk.urls)


def test_media_files_are_not_served_even_in_debug(debug_urls, client, other_customer, customer, queue, settings):
    ticket = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Contract",
        message=Message(body_text="Attached.", attachments=[FileInput("contract.txt", b"salary: 100k", "text/plain")]),
    )
    stored = ticket.articles.get().attachments.get().stored
    url = settings.MEDIA_URL + stored.file.name
    assert (settings.MEDIA_ROOT / stored.file.name).read_bytes() == b"salary: 100k"

    anonymous = client.get(url)
    client.force_login(other_customer)
    someone_else = client.get(url)

    assert anonymous.status_code == 404 and b"salary" not in anonymous.getvalue()
    assert someone_else.status_code == 404 and b"salary" not in someone_else.getvalue()
