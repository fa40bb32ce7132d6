"""add_article, account_time, split_article_to_ticket; attachments stored once; HTML sanitised."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Permission
from tests.factories import AgentFactory, grant
from tests.tickets.helpers import last_history, snapshot
from tickets import events, services
from tickets.errors import InvalidChange, PermissionDenied, TicketLocked
from tickets.message import Message
from tickets.models import Article, StoredFile, Ticket, TicketLink
from tickets.storage import FileInput, clean_filename

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 the same bytes twice"


def _reload(ticket):
    return Ticket.objects.get(pk=ticket.pk)


# --- add_article ------------------------------------------------------------------------------


@pytest.mark.smoke
def test_agent_reply_is_recorded_with_event_and_first_response(ticket, agent, captured_events, committed):
    with committed():
        article = services.add_article(
            ticket=ticket,
            actor=agent,
            message=Message(channel="email", body_text="We are on it."),
        )
    fresh = _reload(ticket)
    assert (article.sender_type, article.author, article.is_visible_to_customer) == (
        Article.Sender.AGENT,
        agent,
        True,
    )
    assert article.subject == ticket.title
    assert fresh.first_response_at == article.created
    assert fresh.version == 2
    entry = last_history(ticket)
    assert (entry.event, entry.actor, entry.field, entry.new_value) == (
        "article_added",
        agent,
        "article",
        f"email #{article.pk}",
    )
    assert [(e.name, e.data["article_id"], e.data["visible"]) for e in captured_events] == [
        (events.ARTICLE_ADDED, article.pk, True)
    ]


def test_internal_note_needs_only_the_note_right(ticket, queue):
    noter = AgentFactory(username="noter")
    grant(noter, queue, Permission.RO, Permission.NOTE)
    note = services.add_article(
        ticket=ticket,
        actor=noter,
        message=Message(channel="note", body_text="Checked the logs.", is_visible_to_customer=False),
    )
    assert not note.is_visible_to_customer
    assert _reload(ticket).first_response_at is None, "an internal note is not a response"
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        services.add_article(
            ticket=ticket,
            actor=noter,
            message=Message(channel="email", body_text="Dear customer"),
        )
    with pytest.raises(PermissionDenied, match="rw"):
        services.add_article(
            ticket=ticket,
            actor=noter,
            message=Message(channel="phone", sender_type="customer", body_text="Customer called"),
        )
    assert snapshot(ticket) == before


def test_an_agent_records_a_customers_call_on_a_ticket_another_agent_locked(ticket, agent, second_agent):
    services.lock(ticket=ticket, actor=agent)
    call = services.add_article(
        ticket=ticket,
        actor=second_agent,
        message=Message(channel="phone", sender_type="customer", body_text="Customer called"),
    )
    assert call.is_visible_to_customer and call.author == second_agent


@pytest.mark.parametrize("who", ["readonly_agent", "outsider_agent", "other_customer", "colleague"])
def test_without_rights_no_article_is_added(request, ticket, who):
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        services.add_article(
            ticket=ticket,
            actor=request.getfixturevalue(who),
            message=Message(channel="note", body_text="sneaky", is_visible_to_customer=False),
        )
    assert snapshot(ticket) == before


def test_customer_articles_are_always_visible_to_the_customer(ticket, customer):
    article = services.add_article(
        ticket=ticket,
        actor=customer,
        message=Message(
            channel="web",
            body_text="Any news?",
            is_visible_to_customer=False,
            sender_type=Article.Sender.AGENT,
            time_minutes=30,
        ),
    )
    assert (article.is_visible_to_customer, article.sender_type, article.author) == (
        True,
        Article.Sender.CUSTOMER,
        customer,
    )
    assert _reload(ticket).time_accounted == 0


def test_company_colleague_with_company_right_may_reply(ticket, colleague):
    colleague.can_see_company_tickets = True
    colleague.save()
    article = services.add_article(
        ticket=ticket,
        actor=colleague,
        message=Message(channel="web", body_text="Me too"),
    )
    assert article.author == colleague


def test_visible_agent_reply_respects_the_lock_but_a_note_does_not(ticket, agent, second_agent):
    services.lock(ticket=ticket, actor=agent)
    before = snapshot(ticket)
    with pytest.raises(TicketLocked):
        services.add_article(
            ticket=ticket,
            actor=second_agent,
            message=Message(channel="email", body_text="Hello"),
        )
    assert snapshot(ticket) == before
    services.add_article(
        ticket=ticket,
        actor=second_agent,
        message=Message(channel="note", body_text="FYI", is_visible_to_customer=False),
    )
    assert _reload(ticket).articles.count() == 2


def test_empty_article_and_unknown_channel_are_refused(ticket, agent):
    before = snapshot(ticket)
    with pytest.raises(InvalidChange):
        services.add_article(
            ticket=ticket,
            actor=agent,
            message=Message(channel="email"),
        )
    with pytest.raises(InvalidChange):
        services.add_article(
            ticket=ticket,
            actor=agent,
            message=Message(channel="pigeon", body_text="coo"),
        )
    assert snapshot(ticket) == before


def test_an_article_written_while_someone_else_wrote_one_is_kept_too(ticket, agent, second_agent):
    services.add_article(
        ticket=ticket,
        actor=second_agent,
        message=Message(channel="note", body_text="first"),
    )
    services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="note", body_text="second"),
    )
    assert list(ticket.articles.order_by("id").values_list("body_text", flat=True))[1:] == ["first", "second"]


@pytest.mark.smoke
def test_html_body_is_sanitised(ticket, agent):
    html = (
        '<p onclick="steal()">Hi</p><script>alert(1)</script><img src="x" onerror="alert(2)">'
        '<a href="javascript:alert(3)">click</a><a href="https://example.com">ok</a>'
    )
    article = services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="email", body_html=html),
    )
    stored = Article.objects.get(pk=article.pk).body_html
    for bad in ("<script", "alert(1)", "onerror", "onclick", "javascript:"):
        assert bad not in stored
    assert "<p>Hi</p>" in stored
    assert 'href="https://example.com"' in stored


# --- attachments ------------------------------------------------------------------------------


@pytest.mark.smoke
def test_same_bytes_are_stored_once_under_a_generated_name(ticket, agent):
    first = services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(
            channel="email", body_text="see attached", attachments=[FileInput("invoice.pdf", PDF, "application/pdf")]
        ),
    )
    second = services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(
            channel="note",
            body_text="again",
            is_visible_to_customer=False,
            attachments=[FileInput("copy of invoice.pdf", PDF, "application/pdf")],
        ),
    )
    assert StoredFile.objects.count() == 1
    a, b = first.attachments.get(), second.attachments.get()
    assert a.stored_id == b.stored_id
    assert (a.filename, b.filename, a.size, a.content_type) == (
        "invoice.pdf",
        "copy of invoice.pdf",
        len(PDF),
        "application/pdf",
    )
    on_disk = Path(settings.MEDIA_ROOT) / a.stored.file.name
    assert on_disk.read_bytes() == PDF
    assert "invoice" not in a.stored.file.name
    assert a.stored.file.name.endswith(a.stored.sha256)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/abs/path/report.txt", "report.txt"),
        ("bad\x00name\r\n.txt", "badname.txt"),
        ("", "attachment"),
        ("..", "attachment"),
        ("dir/", "attachment"),
    ],
)
def test_filenames_lose_their_path(given, shown):
    assert clean_filename(given) == shown


def test_path_traversal_in_an_attachment_name_stays_in_the_store(ticket, agent):
    article = services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="email", body_text="x", attachments=[FileInput("../../../outside.txt", b"payload")]),
    )
    attachment = article.attachments.get()
    assert attachment.filename == "outside.txt"
    assert attachment.content_type == "application/octet-stream"
    assert not (Path(settings.MEDIA_ROOT).parent / "outside.txt").exists()
    assert (Path(settings.MEDIA_ROOT) / attachment.stored.file.name).read_bytes() == b"payload"


def test_an_attachment_alone_makes_an_article(ticket, agent):
    article = services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="note", attachments=[FileInput("a.txt", b"a")]),
    )
    assert article.attachments.count() == 1


# --- account_time -----------------------------------------------------------------------------


def test_time_accounting_sums(ticket, agent, captured_events, committed):
    article = services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="phone", body_text="call", time_minutes=10),
    )
    with committed():
        services.account_time(ticket=ticket, actor=agent, minutes=15)
        services.account_time(ticket=ticket, actor=agent, minutes="7.5", article=article)
        services.account_time(ticket=ticket, actor=agent, minutes=5, article=article)
    assert _reload(ticket).time_accounted == Decimal("37.5")
    assert Article.objects.get(pk=article.pk).time_accounted == Decimal("22.5")
    entry = last_history(ticket)
    assert (entry.event, entry.field, entry.new_value, entry.actor) == ("time_accounted", "time_accounted", "5", agent)
    assert [(e.name, e.data["minutes"]) for e in captured_events] == [
        (events.TIME_ACCOUNTED, "15"),
        (events.TIME_ACCOUNTED, "7.5"),
        (events.TIME_ACCOUNTED, "5"),
    ]


def test_time_accounting_refusals(ticket, agent, readonly_agent, make_ticket):
    other_article = make_ticket().articles.get()
    before = snapshot(ticket)
    for minutes in (0, -5):
        with pytest.raises(InvalidChange):
            services.account_time(ticket=ticket, actor=agent, minutes=minutes)
    with pytest.raises(InvalidChange):
        services.account_time(ticket=ticket, actor=agent, minutes=5, article=other_article)
    with pytest.raises(PermissionDenied):
        services.account_time(ticket=ticket, actor=readonly_agent, minutes=5)
    assert snapshot(ticket) == before
    assert Article.objects.get(pk=other_article.pk).time_accounted == 0


# --- split_article_to_ticket ------------------------------------------------------------------


@pytest.mark.smoke
def test_split_copies_the_article_and_attachments_and_links_parent_and_child(
    ticket, agent, customer, captured_events, committed
):
    article = services.add_article(
        ticket=ticket,
        actor=customer,
        message=Message(
            channel="web",
            body_text="Also my screen flickers.",
            attachments=[FileInput("screen.png", b"\x89PNG...", "image/png")],
        ),
    )
    with committed():
        new = services.split_article_to_ticket(article=article, actor=agent, title="Screen flickers")

    assert new.pk != ticket.pk
    assert (new.title, new.customer, new.queue) == ("Screen flickers", customer, ticket.queue)
    copy = new.articles.get()
    assert (copy.body_text, copy.author, copy.sender_type) == (
        "Also my screen flickers.",
        customer,
        Article.Sender.CUSTOMER,
    )
    copied = copy.attachments.get()
    assert (copied.filename, copied.stored_id) == ("screen.png", article.attachments.get().stored_id)
    assert Article.objects.filter(pk=article.pk, ticket=ticket).exists(), "the original stays"
    assert TicketLink.objects.filter(source=ticket, target=new, kind="parent").exists()
    assert ticket.history.filter(event="split", new_value=new.number, actor=agent).exists()
    assert [(e.name, e.ticket_id) for e in captured_events] == [
        (events.TICKET_CREATED, new.pk),
        (events.LINK_CHANGED, ticket.pk),
    ]


def test_split_into_another_queue_needs_create_there(ticket, agent, other_queue):
    article = ticket.articles.get()
    with pytest.raises(PermissionDenied):
        services.split_article_to_ticket(article=article, actor=agent, queue=other_queue)
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("who", ["readonly_agent", "outsider_agent", "customer"])
def test_split_without_rw_is_refused(request, ticket, who):
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        services.split_article_to_ticket(article=ticket.articles.get(), actor=request.getfixturevalue(who))
    assert Ticket.objects.count() == 1
    assert snapshot(ticket) == before


def test_split_respects_another_agents_lock(ticket, agent, second_agent):
    services.lock(ticket=ticket, actor=agent)
    with pytest.raises(TicketLocked):
        services.split_article_to_ticket(article=ticket.articles.get(), actor=second_agent)
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("minutes", ["abc", "NaN", "Infinity", "-5", "1e12"])
def test_time_that_is_not_a_sane_number_is_refused_everywhere(ticket, agent, queue, minutes):
    before = snapshot(ticket)
    with pytest.raises(InvalidChange):
        services.account_time(ticket=ticket, actor=agent, minutes=minutes)
    with pytest.raises(InvalidChange):
        services.add_article(
            ticket=ticket,
            actor=agent,
            message=Message(channel="phone", body_text="call", time_minutes=minutes),
        )
    with pytest.raises(InvalidChange):
        services.create_ticket(
            actor=agent,
            queue=queue,
            title="Call",
            message=Message(body_text="x", time_minutes=minutes),
        )
    assert snapshot(ticket) == before
    assert Ticket.objects.count() == 1
