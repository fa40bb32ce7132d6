"""Who sees what: a customer never sees what is not theirs, and never enters the agent or admin panel."""

import re

import pytest
from django.core import mail
from django.urls import URLPattern, get_resolver, reverse

from tests.factories import state
from tickets import services
from tickets.customer_access import ticket_status_url
from tickets.message import Message
from tickets.storage import FileInput

MISSING = 999_999


def ticket_urls(pk, attachment_pk=1):
    return [
        ("get", reverse("customer:ticket", args=[pk])),
        ("post", reverse("customer:ticket_reply", args=[pk])),
        ("post", reverse("customer:ticket_close", args=[pk])),
        ("post", reverse("customer:ticket_reopen", args=[pk])),
        ("post", reverse("customer:ticket_rate", args=[pk])),
        ("get", reverse("customer:attachment", args=[pk, attachment_pk])),
    ]


@pytest.mark.smoke
def test_someone_elses_ticket_is_the_same_404_as_a_missing_one(customer_client, others_ticket):
    attachment = others_ticket.articles.get().attachments.get()
    theirs = ticket_urls(others_ticket.pk, attachment.pk)
    missing = ticket_urls(MISSING, MISSING)
    for (method, url), (_, missing_url) in zip(theirs, missing, strict=True):
        data = {"body": "hi", "score": 5}
        response = getattr(customer_client, method)(url, data) if method == "post" else customer_client.get(url)
        nothing = (
            getattr(customer_client, method)(missing_url, data)
            if method == "post"
            else customer_client.get(missing_url)
        )
        assert response.status_code == nothing.status_code == 404, url
        assert response.content == nothing.content, url
        assert b"Globex" not in response.content
    others_ticket.refresh_from_db()
    assert others_ticket.is_open and others_ticket.articles.count() == 1


def test_attachment_of_another_ticket_is_404_through_my_own_ticket(customer_client, own_ticket, others_ticket):
    theirs = others_ticket.articles.get().attachments.get()
    response = customer_client.get(reverse("customer:attachment", args=[own_ticket.pk, theirs.pk]))
    assert response.status_code == 404


def test_attachment_of_an_internal_note_is_404(customer_client, own_ticket, agent):
    note = services.add_article(
        ticket=own_ticket,
        actor=agent,
        message=Message(
            channel="note",
            body_text="internal",
            is_visible_to_customer=False,
            attachments=[FileInput("internal.txt", b"secret", "text/plain")],
        ),
    )
    url = reverse("customer:attachment", args=[own_ticket.pk, note.attachments.get().pk])
    assert customer_client.get(url).status_code == 404


def test_company_tickets_need_the_company_right(client, customer, colleague_ticket):
    client.force_login(customer)
    for method, url in ticket_urls(colleague_ticket.pk):
        response = client.post(url, {}) if method == "post" else client.get(url)
        assert response.status_code == 404, url
    customer.can_see_company_tickets = True
    customer.save()
    assert client.get(reverse("customer:ticket", args=[colleague_ticket.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login(client, own_ticket):
    for method, url in ticket_urls(own_ticket.pk):
        response = client.post(url) if method == "post" else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/customer/login/"), url
    response = client.get(reverse("customer:tickets"))
    assert response["Location"].startswith("/customer/login/")


PUBLIC_AGENT_PAGES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def _agent_paths():
    resolver = get_resolver()
    agent = next(p for p in resolver.url_patterns if str(p.pattern) == "agent/")
    for pattern in agent.url_patterns:
        if not isinstance(pattern, URLPattern) or pattern.name in PUBLIC_AGENT_PAGES:
            continue
        route = str(pattern.pattern)
        path = re.sub(r"<int:[^>]+>", "1", route)
        path = re.sub(r"<(?:str|slug|path):[^>]+>", "reply", path)
        yield pattern.name, "/agent/" + path


def test_a_customer_cannot_reach_any_agent_url(customer_client, own_ticket):
    paths = list(_agent_paths())
    assert paths, "the agent panel has no URLs to check"
    for name, path in paths:
        for response in (customer_client.get(path), customer_client.post(path, {"body": "x", "state": 1})):
            assert response.status_code in (302, 403, 404, 405), (name, path, response.status_code)
            if response.status_code == 302:
                assert not response["Location"].startswith("/agent/") or "/login/" in response["Location"], path
    own_ticket.refresh_from_db()
    assert own_ticket.is_open and own_ticket.owner_id is None


def test_a_customer_cannot_reach_the_admin(customer_client):
    for path in ("/admin/", "/admin/accounts/user/", "/admin/tickets/ticket/", "/admin/tickets/ticket/1/change/"):
        response = customer_client.get(path)
        assert response.status_code in (302, 403, 404), path
        if response.status_code == 302:
            assert "/login/" in response["Location"], path


@pytest.fixture
def eager_celery(settings):
    """Notification mails are Celery tasks; run them in-process so the test sees every mail."""
    from helpdesk.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_internal_notes_never_reach_a_customer_page_or_email(
    customer_client, customer, own_ticket, agent, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        services.add_article(
            ticket=own_ticket,
            actor=agent,
            message=Message(channel="note", body_text="INTERNAL-NOTE-42", is_visible_to_customer=False),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.add_article(
            ticket=own_ticket,
            actor=agent,
            message=Message(channel="web", body_text="Public answer"),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.change_state(ticket=own_ticket, actor=agent, state=state("closed successful"))
    to_customer = [m for m in mail.outbox if customer.email in m.to]
    assert to_customer, "no mail reached the customer, so nothing was checked"
    pages = [
        reverse("customer:tickets") + "?status=all",
        reverse("customer:ticket", args=[own_ticket.pk]),
        ticket_status_url(own_ticket, customer.email).split("localhost:8000", 1)[-1],
    ]
    for url in pages:
        page = customer_client.get(url).content.decode()
        assert "INTERNAL-NOTE-42" not in page, url
    assert "Public answer" in customer_client.get(pages[1]).content.decode()
    for message in mail.outbox:
        bodies = [message.body] + [alt[0] for alt in getattr(message, "alternatives", [])]
        assert not any("INTERNAL-NOTE-42" in b for b in bodies), message.subject


def test_merged_ticket_points_to_its_target_only_when_the_customer_may_see_it(
    customer_client, customer, own_ticket, others_ticket, queue, agent
):
    mine = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Duplicate of laptop",
        message=Message(body_text="dup"),
    )
    services.merge(source=mine, target=own_ticket, actor=agent)
    page = customer_client.get(reverse("customer:ticket", args=[mine.pk])).content.decode()
    assert f"merged into request {own_ticket.number}" in page
    # A reply to the merged ticket goes on to the ticket it was merged into, as it does by mail.
    reply = customer_client.post(reverse("customer:ticket_reply", args=[mine.pk]), {"body": "hello?"})
    assert reply.status_code == 302 and reply.url == reverse("customer:ticket", args=[own_ticket.pk])
    assert own_ticket.articles.filter(body_text="hello?").exists()
    mine.refresh_from_db()
    assert mine.state.type == "merged"

    other = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Mine, merged away",
        message=Message(body_text="x"),
    )
    services.merge(source=other, target=others_ticket, actor=agent)
    page = customer_client.get(reverse("customer:ticket", args=[other.pk])).content.decode()
    assert others_ticket.number not in page and "merged into" not in page


def test_pages_with_message_html_load_no_remote_images(customer_client, own_ticket, customer):
    services.add_article(
        ticket=own_ticket,
        actor=customer,
        message=Message(channel="web", body_html='<p>hi<img src="https://tracker.example/p.gif"></p>'),
    )
    response = customer_client.get(reverse("customer:ticket", args=[own_ticket.pk]))
    csp = response["Content-Security-Policy"]
    assert "img-src 'self' data:" in csp and "script-src 'self'" in csp
    status = customer_client.get(ticket_status_url(own_ticket, customer.email).split("localhost:8000", 1)[1])
    assert "img-src 'self' data:" in status["Content-Security-Policy"]


def test_the_closing_mail_carries_a_working_rating_link(
    client, customer, own_ticket, agent, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        services.change_state(ticket=own_ticket, actor=agent, state=state("closed successful"))
    bodies = " ".join(m.body for m in mail.outbox if customer.email in m.to)
    link = re.search(r"https?://[^/\s]+(/customer/rate/[^\s\"<]+)", bodies)
    assert link, bodies
    client.post(link.group(1), {"score": 4})
    own_ticket.refresh_from_db()
    assert own_ticket.rating.score == 4
