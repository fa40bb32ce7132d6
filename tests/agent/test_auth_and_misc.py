"""Login, preferences, ticket creation, attachments, raw mail, PDF, notification poll."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD
from tickets import pdf
from tickets.message import Message
from tickets.models import Article, Ticket
from tickets.services import add_article

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_agent_logs_in_and_lands_on_dashboard(client, agent):
    response = client.post(reverse("agent:login"), {"username": agent.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("agent:dashboard")


@pytest.mark.smoke
def test_customer_is_refused_with_a_link_to_the_customer_panel(client, customer):
    response = client.post(reverse("agent:login"), {"username": customer.username, "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Customers sign in at the customer panel" in html and 'href="/customer/login/"' in html
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused(client, agent):
    response = client.post(reverse("agent:login"), {"username": agent.username, "password": "nope"})
    assert "_auth_user_id" not in client.session
    assert "Please enter a correct" in response.content.decode()


def test_login_redirect_stays_on_site(client, agent):
    response = client.post(
        reverse("agent:login") + "?next=https://evil.example/",
        {"username": agent.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("agent:dashboard")


def test_logout_is_post_only(agent_client):
    assert agent_client.get(reverse("agent:logout")).status_code == 405
    agent_client.post(reverse("agent:logout"))
    assert agent_client.get(reverse("agent:dashboard")).status_code == 302


def test_password_reset_answers_the_same_for_unknown_addresses(client, agent, queued_mail):
    with queued_mail():
        known = client.post(reverse("agent:password_reset"), {"email": agent.email})
        unknown = client.post(reverse("agent:password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1 and "/agent/password/reset/" in mail.outbox[0].body


def test_password_change_needs_the_current_password(agent_client, agent):
    response = agent_client.post(
        reverse("agent:password_change"),
        {"old_password": "wrong", "new_password1": "Zebra-Quartz-991", "new_password2": "Zebra-Quartz-991"},
    )
    assert response.status_code == 200 and "incorrectly" in response.content.decode()


def test_preferences_are_saved(agent_client, agent):
    data = {"language": "pl", "timezone": "Europe/Warsaw", "signature": "Anna", "play_sound": ""}
    response = agent_client.post(reverse("agent:preferences"), data)
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.language == "pl" and agent.timezone == "Europe/Warsaw" and not agent.play_sound


def test_phone_ticket_created_by_agent(agent_client, agent, queue, customer):
    response = agent_client.post(
        reverse("agent:create", args=["phone"]),
        {"customer": customer.pk, "queue": queue.pk, "title": "Call about VPN", "body": "Cannot connect"},
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(title="Call about VPN")
    article = ticket.articles.get()
    assert ticket.customer == customer and article.channel == "phone" and article.sender_type == "customer"


def test_email_ticket_is_mailed_to_the_customer(agent_client, queue, customer):
    agent_client.post(
        reverse("agent:create", args=["email"]),
        {"customer": customer.pk, "queue": queue.pk, "title": "Your order", "body": "Hello"},
    )
    article = Ticket.objects.get(title="Your order").articles.get()
    assert article.outgoing_mail.status == "sent" and article.to_addresses == customer.email


def test_ticket_in_a_queue_without_create_right_is_refused(agent_client, other_queue, customer):
    response = agent_client.post(
        reverse("agent:create", args=["phone"]),
        {"customer": customer.pk, "queue": other_queue.pk, "title": "x", "body": "y"},
    )
    assert response.status_code == 400 and not Ticket.objects.filter(title="x").exists()


def test_customer_autocomplete_and_inline_creation(agent_client, customer, company):
    html = agent_client.get(reverse("agent:customer_search"), {"q": "alice"}).content.decode()
    assert customer.email in html
    html = agent_client.get(reverse("agent:customer_search"), {"q": "Acm"}).content.decode()
    assert "Acme" in html
    response = agent_client.post(
        reverse("agent:customer_create"), {"email": "new@acme.example", "first_name": "Nina", "company": company.pk}
    )
    assert response.status_code == 200 and "Nina" in response.content.decode()
    from accounts.models import User

    assert User.customers.get(email="new@acme.example").company == company
    again = agent_client.post(reverse("agent:customer_create"), {"email": "new@acme.example"})
    assert again.status_code == 400


def _with_attachment(ticket, customer):
    from tickets.storage import FileInput

    return add_article(
        ticket=ticket,
        actor=None,
        message=Message(
            author=customer,
            channel="email",
            body_html='<p>See <img src="https://tracker.example/pixel.png"> <script>alert(1)</script></p>',
            attachments=[FileInput("evil.html", b"<script>x</script>", "text/html")],
            raw_message=b"From: alice@acme.example\r\nSubject: hi\r\n\r\nbody",
        ),
    )


def test_attachment_download_is_permission_checked_and_safe(client, agent, outsider_agent, ticket, customer):
    article = _with_attachment(ticket, customer)
    att = article.attachments.get()
    url = reverse("agent:attachment", args=[ticket.pk, att.pk])
    client.force_login(outsider_agent)
    assert client.get(url).status_code == 404
    client.force_login(agent)
    response = client.get(url + "?inline=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]


def test_attachment_of_another_ticket_is_404_through_this_ticket(agent_client, agent, queue, customer, ticket):
    from tickets.services import create_ticket

    other = create_ticket(
        actor=agent,
        queue=queue,
        title="Other",
        customer=customer,
        message=Message(body_text="x"),
    )
    att = _with_attachment(other, customer).attachments.get()
    assert agent_client.get(reverse("agent:attachment", args=[ticket.pk, att.pk])).status_code == 404


def test_html_mail_is_shown_without_scripts_or_remote_images(agent_client, ticket, customer):
    _with_attachment(ticket, customer)
    html = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "tracker.example" not in html and "alert(1)" not in html
    assert "Show raw email" in html


def test_raw_email_is_plain_text(agent_client, ticket, customer):
    article = _with_attachment(ticket, customer)
    response = agent_client.get(reverse("agent:raw_email", args=[ticket.pk, article.pk]))
    assert response["Content-Type"].startswith("text/plain") and b"Subject: hi" in response.content


def test_quoted_history_is_collapsed(agent_client, ticket, reply_from_customer):
    html = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "Show quoted text" in html


@pytest.mark.slow
def test_pdf_of_the_customer_visible_thread(agent_client, agent, ticket):
    add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="note", body_text="Secret note", is_visible_to_customer=False),
    )
    response = agent_client.get(reverse("agent:print", args=[ticket.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response.context["thread"].shown == 1
    full = agent_client.get(reverse("agent:print", args=[ticket.pk]) + "?full=1")
    assert full.context["thread"].shown == 2


@pytest.mark.parametrize(
    "url", ["https://evil.example/x.png", "file:///etc/passwd", "http://helpdesk.invalid/etc/passwd", "data:,x"]
)
def test_pdf_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(pdf.FetchRefused):
        pdf.url_fetcher(url)


def test_pdf_fetcher_serves_our_static_files():
    assert pdf.url_fetcher("http://helpdesk.invalid/static/css/agent.css")["string"].startswith(b"/*")


def test_notification_poll_reports_new_tickets_and_replies(agent_client, agent, outsider_agent, ticket, customer):
    since = time.time() - 60
    add_article(
        ticket=ticket,
        actor=customer,
        message=Message(channel="web", body_text="more"),
    )
    data = agent_client.get(reverse("agent:notify"), {"since": since}).json()
    assert data["new_tickets"] == 1 and data["sound"] is True
    old = Ticket.objects.filter(pk=ticket.pk)
    old.update(created=ticket.created.replace(year=2020))
    data = agent_client.get(reverse("agent:notify"), {"since": since}).json()
    assert data["new_tickets"] == 0 and data["replies"] == 1
    agent_client.force_login(outsider_agent)
    data = agent_client.get(reverse("agent:notify"), {"since": since}).json()
    assert data["new_tickets"] == 0 and data["replies"] == 0


def test_notification_poll_with_bad_since_is_harmless(agent_client):
    assert agent_client.get(reverse("agent:notify"), {"since": "nan-ish"}).status_code == 200


def test_dashboard_counters(agent_client, agent, ticket):
    from tickets.services import lock

    lock(ticket=ticket, actor=agent)
    counters = agent_client.get(reverse("agent:dashboard")).context["counters"]
    assert counters == {"new": 1, "open": 1, "locked": 1, "reminders": 0, "escalated": 0}
    assert Article.objects.count() == 1


def test_password_reset_from_agent_panel_mails_no_customer(client, customer):
    response = client.post(reverse("agent:password_reset"), {"email": customer.email})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_merged_ticket_points_to_its_target(agent_client, agent, queue, customer, ticket):
    from tickets.services import create_ticket, merge

    target = create_ticket(
        actor=agent,
        queue=queue,
        title="Target",
        customer=customer,
        message=Message(body_text="x"),
    )
    merge(source=ticket, target=target, actor=agent)
    html = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert reverse("agent:ticket", args=[target.pk]) in html


def test_quoted_part_of_html_mail_is_folded(agent_client, ticket, customer):
    add_article(
        ticket=ticket,
        actor=customer,
        message=Message(channel="web", body_html="<p>New words</p><blockquote><p>Old words</p></blockquote>"),
    )
    html = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    folded = html.split("New words", 1)[1]
    assert folded.index("Show quoted text") < folded.index("Old words")


def test_pages_use_the_agents_language_and_time_zone(agent_client, agent, ticket):
    from django.utils import timezone

    agent.language, agent.timezone = "pl", "Asia/Tokyo"
    agent.save()
    response = agent_client.get(reverse("agent:ticket", args=[ticket.pk]))
    assert response["Content-Language"] == "pl"
    assert timezone.get_current_timezone_name() != "Asia/Tokyo"  # not left behind for the next request
