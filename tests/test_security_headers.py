"""Every page carries the browser policy, and nothing that shows a ticket or personal data is cached.

The Content-Security-Policy forbids inline script and style, remote images and anything
from another origin; `Cache-Control: no-store` keeps tickets, attachments and PDFs out of
browser and proxy caches, for the signed status pages too.
"""

import pytest
from django.urls import reverse

from tickets import services
from tickets.customer_access import status_token
from tickets.message import Message
from tickets.storage import FileInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def shown_ticket(customer, queue, agent):
    ticket = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Printer on fire",
        message=Message(body_text="It smokes.", attachments=[FileInput("log.txt", b"smoke log", "text/plain")]),
    )
    services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="web", body_text="We are on it."),
    )
    return ticket


def _attachment(ticket):
    return ticket.articles.order_by("pk").first().attachments.get()


# (who is signed in, the URL name, its arguments from the ticket)
TICKET_BEARING = [
    ("agent", "agent:ticket", lambda t: [t.pk]),
    ("agent", "agent:queues", lambda t: []),
    ("agent", "agent:dashboard", lambda t: []),
    ("agent", "agent:mine", lambda t: []),
    ("agent", "agent:attachment", lambda t: [t.pk, _attachment(t).pk]),
    ("agent", "agent:older_articles", lambda t: [t.pk]),
    ("agent", "agent:print", lambda t: [t.pk]),
    ("customer", "customer:tickets", lambda t: []),
    ("customer", "customer:ticket", lambda t: [t.pk]),
    ("customer", "customer:attachment", lambda t: [t.pk, _attachment(t).pk]),
    (None, "customer:ticket_status", lambda t: [status_token(t, t.customer.email)]),
    (None, "customer:status_attachment", lambda t: [status_token(t, t.customer.email), _attachment(t).pk]),
    ("admin", "admin:tickets_ticket_changelist", lambda t: []),
    ("admin", "admin:tickets_ticket_change", lambda t: [t.pk]),
    ("admin", "admin:tickets_attachment_download", lambda t: [_attachment(t).pk]),
]


@pytest.mark.parametrize(("role", "url_name", "args"), TICKET_BEARING, ids=[c[1] for c in TICKET_BEARING])
def test_every_ticket_bearing_response_is_not_stored_and_carries_a_policy(
    request, client, shown_ticket, role, url_name, args
):
    if role:
        client.force_login(request.getfixturevalue({"admin": "admin_user"}.get(role, role)))

    url = reverse(url_name, args=args(shown_ticket))
    if url_name == "agent:older_articles":
        url += f"?before={shown_ticket.articles.order_by('pk').last().pk}"
    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Content-Security-Policy"]
    if response["Content-Type"].startswith("text/html"):
        assert _directives(response)["script-src"] == ["'self'"]


def _directives(response) -> dict[str, list[str]]:
    parts = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


PAGES = [
    (None, "customer:login"),
    (None, "agent:login"),
    (None, "admin:login"),
    (None, "customer:status_request"),
    ("customer", "customer:ticket_new"),
    ("agent", "agent:preferences"),
    ("admin", "admin:index"),
    ("admin", "admin:tickets_sla_add"),
    ("admin", "admin:accounts_user_changelist"),
]


@pytest.mark.parametrize(("role", "url_name"), PAGES, ids=[c[1] for c in PAGES])
def test_every_page_allows_only_this_servers_scripts_styles_and_images(request, client, role, url_name):
    if role:
        client.force_login(request.getfixturevalue({"admin": "admin_user"}.get(role, role)))

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    policy = _directives(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_pages_carry_no_inline_script_handlers_or_styles(client, agent, shown_ticket):
    """What the policy would block must not be in the pages in the first place."""
    client.force_login(agent)
    pages = [reverse("agent:ticket", args=[shown_ticket.pk]), reverse("agent:queues"), reverse("agent:dashboard")]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<style" not in html, url
        assert " style=" not in html and " onclick=" not in html and "hx-on" not in html, url
        assert '"includeIndicatorStyles": false' in html, url
