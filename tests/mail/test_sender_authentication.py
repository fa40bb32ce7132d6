"""Mail that claims to come from an agent counts as the agent's only when our receiving server vouches for it."""

import pytest
from django.urls import reverse

from accounts.models import User
from mailgateway import ingest
from mailgateway.authentication import parse_authentication_results
from mailgateway.models import OutgoingMail
from tests.mail.helpers import make_mail

pytestmark = pytest.mark.django_db

OURS = "mx.support.example.com"
FORGED = "Please pay the invoice to IBAN XX00 1234, the support team."


@pytest.fixture(autouse=True)
def _trusted(settings):
    settings.HELPDESK_MAIL_TRUSTED_AUTHSERV_IDS = [OURS]


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def agent_mail(ticket, agent, *results: str) -> bytes:
    """A mail from `agent`'s address into `ticket`, with one Authentication-Results header per result, top first."""
    raw = make_mail(sender=f"Anna <{agent.email}>", subject=f"Re: {ticket.subject_tag()}", body=FORGED)
    stamps = b"".join(f"Authentication-Results: {r}\r\n".encode() for r in results)
    return stamps + raw


def deliver(raw: bytes, on_commit):
    with on_commit():
        record = ingest.receive(raw, source="pipe")
    assert record.status == "imported", record.error
    return record


def customer_page(client, customer, ticket) -> str:
    client.force_login(customer)
    return client.get(reverse("customer:ticket", args=[ticket.pk])).content.decode()


def agent_page(client, agent, ticket) -> str:
    client.force_login(agent)
    return client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()


# --- the parser -------------------------------------------------------------------------------


def test_parser_reads_several_results_with_comments_quotes_and_a_version():
    header = parse_authentication_results(
        'MX.Support.example.com 1; dkim=pass (2048-bit key; unprotected) header.d=acme.example header.s="sel 1" '
        "header.b=Ab/c+d=; spf = pass (sender SPF authorized) smtp.mailfrom=bounce@acme.example; "
        'dmarc=fail reason="policy (p=reject)" header.from=acme.example'
    )
    assert header.authserv_id == "mx.support.example.com" and header.version == 1
    dkim, spf, dmarc = header.results
    assert (dkim.method, dkim.result) == ("dkim", "pass")
    assert dkim.properties == {"header.d": "acme.example", "header.s": "sel 1", "header.b": "Ab/c+d="}
    assert (spf.method, spf.result, spf.properties) == ("spf", "pass", {"smtp.mailfrom": "bounce@acme.example"})
    assert (dmarc.result, dmarc.reason) == ("fail", "policy (p=reject)")


def test_parser_reads_none_and_a_quoted_authserv_id_and_nested_comments():
    assert parse_authentication_results("mx.example.org 1; none").results == ()
    assert parse_authentication_results("mx.example.org; none").results == ()
    header = parse_authentication_results('"mx.example.org" (our (inner) relay); dkim/1=pass header.i=@acme.example')
    assert header.authserv_id == "mx.example.org"
    [dkim] = header.results
    assert (dkim.method, dkim.properties) == ("dkim", {"header.i": "@acme.example"})


@pytest.mark.parametrize("value", ["", "   ", "mx.example.org x; dkim=pass", "mx.example.org; dkim", "a b c; none"])
def test_parser_refuses_what_it_cannot_read(value):
    assert parse_authentication_results(value) is None


# --- forged and genuine agent mail ------------------------------------------------------------


def test_forged_agent_mail_is_an_internal_note_the_customer_never_sees(
    client, ticket, agent, customer, mailoutbox, on_commit
):
    mailoutbox.clear()
    record = deliver(agent_mail(ticket, agent), on_commit)

    article = record.article
    assert record.ticket == ticket
    assert (article.channel, article.is_visible_to_customer, article.author) == ("note", False, None)
    assert article.sender_type != "agent"
    assert FORGED not in customer_page(client, customer, ticket)
    assert customer.email not in [address for m in mailoutbox for address in m.to]
    zoom = agent_page(client, agent, ticket)
    assert "Sender not verified" in zoom and FORGED in zoom


def test_forged_agent_html_mail_shows_the_warning_in_the_agent_zoom(client, ticket, agent, on_commit):
    html = (
        f"From: {agent.email}\r\nTo: 1st-level@support.example.com\r\nSubject: Re: {ticket.subject_tag()}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Official: pay now</p>\r\n"
    ).encode()
    record = deliver(html, on_commit)
    assert record.article.body_html
    zoom = agent_page(client, agent, ticket)
    assert "Sender not verified" in zoom and "Official: pay now" in zoom


@pytest.mark.parametrize(
    "stamp",
    [
        f"{OURS}; dkim=pass header.d=example.com header.s=s1",
        f"{OURS}; spf=pass smtp.mailfrom=anna@example.com",
        f"{OURS} 1; dmarc=pass (p=none) header.from=example.com",
        f"{OURS}; dkim=pass header.d=mail.example.com",
    ],
)
def test_agent_mail_vouched_for_by_our_server_is_the_agents_answer(client, ticket, agent, customer, on_commit, stamp):
    record = deliver(agent_mail(ticket, agent, stamp), on_commit)
    article = record.article
    assert (article.channel, article.sender_type, article.author) == ("email", "agent", agent)
    assert article.is_visible_to_customer
    assert FORGED in customer_page(client, customer, ticket)


@pytest.mark.parametrize(
    "stamps",
    [
        # an authserv-id we do not trust, written by the sender themselves
        ["mx.attacker.example; dkim=pass header.d=example.com; spf=pass smtp.mailfrom=example.com"],
        # our server, but the signature is for the attacker's domain, not the From domain
        [f"{OURS}; dkim=pass header.d=attacker.example; spf=pass smtp.mailfrom=x@attacker.example"],
        # our server says fail; a header claiming our id lower down was written before it received the mail
        [
            f"{OURS}; dkim=fail header.d=example.com; spf=softfail smtp.mailfrom=example.com",
            "relay.attacker.example; none",
            f"{OURS}; dkim=pass header.d=example.com",
        ],
        # a neutral or unreadable stamp vouches for nothing
        [f"{OURS}; spf=neutral smtp.mailfrom=example.com", f"{OURS}; dkim"],
        # a bare top-level domain is not alignment
        [f"{OURS}; dkim=pass header.d=com"],
    ],
)
def test_agent_mail_without_a_trusted_passing_stamp_stays_internal(client, ticket, agent, customer, on_commit, stamps):
    record = deliver(agent_mail(ticket, agent, *stamps), on_commit)
    assert record.article.channel == "note" and not record.article.is_visible_to_customer
    assert FORGED not in customer_page(client, customer, ticket)


def test_a_header_added_above_ours_by_a_later_internal_hop_does_not_hide_our_stamp(ticket, agent, on_commit):
    stamps = ["filter.internal.example; none", f"{OURS}; dkim=pass header.d=example.com"]
    record = deliver(agent_mail(ticket, agent, *stamps), on_commit)
    assert (record.article.sender_type, record.article.is_visible_to_customer) == ("agent", True)


def test_nothing_is_trusted_until_the_administrator_names_the_server(settings, ticket, agent, on_commit):
    settings.HELPDESK_MAIL_TRUSTED_AUTHSERV_IDS = []
    record = deliver(agent_mail(ticket, agent, f"{OURS}; dkim=pass header.d=example.com"), on_commit)
    assert record.article.channel == "note" and not record.article.is_visible_to_customer


def test_forged_agent_mail_opening_a_ticket_sends_nothing_to_anyone_outside(queue, agent, mailoutbox, on_commit):
    raw = make_mail(sender=agent.email, to="1st-level@support.example.com", subject="Your account is closed")
    record = deliver(raw, on_commit)
    ticket = record.ticket
    assert ticket.customer is None
    assert list(ticket.articles.values_list("channel", "is_visible_to_customer")) == [("note", False)]
    assert not OutgoingMail.objects.filter(article__ticket=ticket).exists()
    agents = set(User.agents.values_list("email", flat=True))
    assert {address for m in mailoutbox for address in m.to} <= agents
