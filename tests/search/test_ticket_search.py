"""The agent search page over tickets: words in every article, each criterion, permissions, paging.

Runs on PostgreSQL (the suite) and on SQLite (`-m smoke`): both engines answer the same.
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Permission
from tests.factories import AgentFactory, QueueFactory, grant, priority, state
from tickets import services
from tickets.message import Message
from tickets.models import CustomField, Ticket, TicketType
from tickets.storage import FileInput

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def new_ticket(agent, queue, title, body, *, customer=None, channel="email", **message):
    return services.create_ticket(
        actor=agent,
        queue=queue,
        title=title,
        customer=customer,
        message=Message(body_text=body, channel=channel, **message),
    )


def numbers(response) -> list[str]:
    return [t.number for t in response.context["page"].objects]


def search(client, **params):
    response = client.get(reverse("agent:search"), params)
    assert response.status_code == 200
    return response


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def tickets(agent, queue, customer):
    return {
        "en": new_ticket(agent, queue, "Printer on fire", "The printer on the second floor shows a paper jam."),
        "ru": new_ticket(agent, queue, "Принтер не печатает", "Если ПРИНТЕР пишет «замятие бумаги», откройте лоток."),
        "pl": new_ticket(agent, queue, "Drukarka", "Gdy drukarka zgłasza zacięcie papieru, otwórz podajnik."),
        "cs": new_ticket(agent, queue, "Tiskárna", "Příliš žluťoučký kůň úpěl ďábelské ódy, tiskárna hlásí chybu."),
        "vpn": new_ticket(agent, queue, "VPN password", "Open the portal, choose a new password.", customer=customer),
    }


# --- words


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jam", "en"),
        ("JAM", "en"),
        ("замятие", "ru"),
        ("ПРИНТЕР", "ru"),
        ("принтер", "ru"),
        ("zacięcie", "pl"),
        ("zaciecie", "pl"),
        ("PODAJNIK", "pl"),
        ("prilis", "cs"),
        ("příliš", "cs"),
        ("ŽLUŤOUČKÝ", "cs"),
        ("zlutoucky", "cs"),
    ],
)
def test_a_word_in_any_language_finds_its_ticket_whatever_the_case_and_accents(agent_client, tickets, query, expected):
    assert numbers(search(agent_client, q=query)) == [tickets[expected].number]


def test_a_word_only_in_a_later_mail_body_finds_the_ticket_with_the_word_highlighted(agent_client, tickets, agent):
    services.add_article(
        ticket=tickets["vpn"], actor=None, message=Message(channel="email", body_text="Still no zeppelin & <b>luck</b>")
    )
    response = search(agent_client, q="zeppelin")
    assert numbers(response) == [tickets["vpn"].number]
    html = response.content.decode()
    assert "<mark>zeppelin</mark>" in html
    snippet = next(line for line in html.splitlines() if "search-snippet" in line)
    assert "&amp;" in snippet and "<b>" not in snippet  # escaped, then marked


def test_the_web_search_syntax(agent_client, tickets):
    assert numbers(search(agent_client, q="password portal")) == [tickets["vpn"].number]
    assert numbers(search(agent_client, q="password floor")) == []
    assert numbers(search(agent_client, q='"new password"')) == [tickets["vpn"].number]
    assert numbers(search(agent_client, q='"password new"')) == []
    assert numbers(search(agent_client, q="printer -jam")) == []
    assert sorted(numbers(search(agent_client, q="jam OR portal"))) == sorted(
        [tickets["en"].number, tickets["vpn"].number]
    )


def test_an_attachment_file_name_is_found(agent_client, agent, queue):
    ticket = services.create_ticket(
        actor=agent,
        queue=queue,
        title="See attached",
        message=Message(
            channel="email",
            body_text="Here.",
            attachments=[FileInput("quarterly-report.pdf", b"%PDF", "application/pdf")],
        ),
    )
    assert numbers(search(agent_client, q="quarterly")) == [ticket.number]


def test_one_row_per_ticket_however_many_articles_match(agent_client, tickets, agent):
    for _ in range(3):
        services.add_article(ticket=tickets["en"], actor=agent, message=Message(channel="note", body_text="jam again"))
    assert numbers(search(agent_client, q="jam")) == [tickets["en"].number]


def test_words_spread_over_a_tickets_articles_find_it_with_the_words_highlighted(agent_client, tickets, agent):
    services.add_article(
        ticket=tickets["vpn"], actor=agent, message=Message(channel="note", body_text="Token sent by courier.")
    )
    response = search(agent_client, q="portal courier")  # one word in the first mail, one in a note
    assert numbers(response) == [tickets["vpn"].number]
    assert "<mark>" in response.content.decode()
    assert numbers(search(agent_client, q="vpn courier")) == [tickets["vpn"].number]  # the title and a note
    assert numbers(search(agent_client, q="portal -courier")) == []  # excluded anywhere in the ticket
    assert numbers(search(agent_client, q="jam courier")) == []  # not one ticket's words


def test_relevance_ranks_the_title_first_and_any_column_sorts(agent_client, agent, queue):
    body_only = new_ticket(agent, queue, "Something else", "by the way the scanner is slow")
    in_title = new_ticket(agent, queue, "Scanner broken", "it does not start")
    assert numbers(search(agent_client, q="scanner")) == [in_title.number, body_only.number]
    assert numbers(search(agent_client, q="scanner", sort="number")) == sorted([in_title.number, body_only.number])
    assert numbers(search(agent_client, q="scanner", sort="-title")) == [body_only.number, in_title.number]


def test_a_misspelled_word_shows_what_the_nearest_title_word_finds(agent_client, tickets):
    response = search(agent_client, q="pritner")
    assert numbers(response) == [tickets["en"].number]
    assert response.context["corrected"] == "printer"
    assert "Showing the results for “<strong>printer</strong>”" in response.content.decode()
    response = search(agent_client, q='"paper jam" -pritner')  # nothing to correct: found as typed
    assert numbers(response) == [tickets["en"].number]
    assert response.context["corrected"] == ""


def test_a_misspelled_company_offers_the_names_that_look_like_it(agent_client, varied):
    response = search(agent_client, company="Globx")
    assert numbers(response) == []
    assert response.context["names"] == {"company": ["Globex"]}
    assert 'data-company="Globex"' in response.content.decode()
    assert search(agent_client, company="Globex").context["names"] == {}


def test_nothing_to_search_is_not_an_error(agent_client, tickets):
    for query in ["", "-printer", '"" OR', "NEAR(a b)", "a & | !b", "*", "printer:*", "title:printer"]:
        search(agent_client, q=query)


# --- the index stays current


def test_a_changed_title_is_found_by_its_new_words(agent_client, agent, tickets):
    services.set_title(ticket=tickets["en"], actor=agent, title="Toner cartridge empty")
    assert numbers(search(agent_client, q="cartridge")) == [tickets["en"].number]
    assert numbers(search(agent_client, q="cartridge jam")) == [tickets["en"].number]  # title and body together


def test_merged_articles_are_found_on_the_ticket_they_moved_to(agent_client, agent, tickets):
    services.merge(source=tickets["en"], target=tickets["vpn"], actor=agent)
    assert numbers(search(agent_client, q="jam")) == [tickets["vpn"].number]
    assert numbers(search(agent_client, q="jam portal")) == [tickets["vpn"].number]  # words of both, together
    assert numbers(search(agent_client, q="floor")) == [tickets["vpn"].number]  # not the emptied ticket any more


def test_a_split_article_is_found_on_its_new_ticket_too(agent_client, agent, tickets):
    article = tickets["en"].articles.get()
    new = services.split_article_to_ticket(article=article, actor=agent, title="Split off")
    assert sorted(numbers(search(agent_client, q="jam"))) == sorted([tickets["en"].number, new.number])


def test_a_ticket_with_more_words_than_one_index_entry_holds_is_still_found(agent_client, agent, queue, caplog):
    """PostgreSQL keeps at most 1 MB of words per tsvector: a ticket beyond it keeps its words without
    positions, the shortest first (codes and hashes are the long ones), and the write never fails."""
    ticket = new_ticket(agent, queue, "Log dump", "printer log follows")
    for part in range(3):
        codes = " ".join(f"x{part}{n:07d}zq" for n in range(45_000))
        services.add_article(ticket=ticket, actor=agent, message=Message(channel="note", body_text=codes))
    services.add_article(ticket=ticket, actor=agent, message=Message(channel="note", body_text="cartridge at last"))
    assert numbers(search(agent_client, q="printer cartridge")) == [ticket.number]
    assert numbers(search(agent_client, q="dump")) == [ticket.number]
    assert ("kept compact" in caplog.text) == (connection.vendor == "postgresql")


# --- criteria


@pytest.fixture
def varied(agent, queue, customer, other_customer):
    second = AgentFactory(username="sven")
    grant(second, queue, Permission.RW)
    other_queue = QueueFactory(name="Hardware")
    grant(agent, other_queue, Permission.RW)
    grant(second, other_queue, Permission.RW)
    bug = TicketType.objects.create(name="Bug")
    field = CustomField.objects.create(name="serial", label="Serial", kind=CustomField.Kind.TEXT)
    a = new_ticket(agent, queue, "Alpha", "common words here", customer=customer, to="helpdesk@example.com")
    b = new_ticket(agent, other_queue, "Bravo", "common words here", customer=other_customer, cc="boss@globex.example")
    services.assign_owner(ticket=b, actor=agent, owner=second)
    services.set_responsible(ticket=b, actor=agent, responsible=second)
    services.set_priority(ticket=b, actor=agent, priority=priority(5))
    services.set_type(ticket=b, actor=agent, type=bug)
    services.tag(ticket=b, actor=agent, names=["urgent"])
    services.set_custom_field(ticket=b, actor=agent, field=field, value="SN-42")
    services.change_state(ticket=b, actor=agent, state=state("closed successful"))
    services.add_article(ticket=b, actor=second, message=Message(channel="note", body_text="looked at it"))
    return {"a": a, "b": b, "second": second, "queue": other_queue, "bug": bug, "field": field}


def test_each_criterion_alone_narrows_to_the_matching_ticket(agent_client, varied, customer):
    b = varied["b"]
    one_b = [b.number]
    assert numbers(search(agent_client, queue=varied["queue"].pk)) == one_b
    assert numbers(search(agent_client, state=b.state_id)) == one_b
    assert numbers(search(agent_client, state_type="closed")) == one_b
    assert numbers(search(agent_client, status="closed")) == one_b
    assert numbers(search(agent_client, priority=priority(5).pk)) == one_b
    assert numbers(search(agent_client, type=varied["bug"].pk)) == one_b
    assert numbers(search(agent_client, owner=varied["second"].pk)) == one_b
    assert numbers(search(agent_client, responsible=varied["second"].pk)) == one_b
    assert numbers(search(agent_client, author="sven")) == one_b
    assert numbers(search(agent_client, customer="bob")) == one_b
    assert numbers(search(agent_client, company="Globex")) == one_b
    assert numbers(search(agent_client, tags="urgent")) == one_b
    assert numbers(search(agent_client, cf_serial="sn-42")) == one_b
    assert numbers(search(agent_client, recipient="boss@globex.example")) == one_b
    assert numbers(search(agent_client, recipient="helpdesk@example.com")) == [varied["a"].number]
    today = timezone.localdate()
    assert numbers(search(agent_client, closed_min=today.isoformat())) == one_b
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert numbers(search(agent_client, created_min=tomorrow)) == []
    assert len(numbers(search(agent_client, created_max=tomorrow, updated_max=tomorrow))) == 2


def test_criteria_combine_with_each_other_and_with_words(agent_client, varied):
    b = varied["b"]
    assert numbers(search(agent_client, q="common", queue=varied["queue"].pk, state_type="closed")) == [b.number]
    assert numbers(search(agent_client, q="common", queue=varied["queue"].pk, state_type="open")) == []
    assert numbers(search(agent_client, q="looked", author="sven", tags="urgent")) == [b.number]
    assert numbers(search(agent_client, q="common", customer="alice")) == [varied["a"].number]
    assert numbers(search(agent_client, q="nowhere", customer="alice")) == []


# --- who sees what


def test_an_agent_without_the_queues_right_finds_nothing(client, tickets, outsider_agent):
    client.force_login(outsider_agent)
    assert numbers(search(client, q="jam")) == []
    response = search(client, q="pritner")
    assert numbers(response) == []
    assert response.context["corrected"] == ""  # the correction finds nothing they may see: not offered


def test_a_read_only_agent_finds_the_tickets(client, tickets, readonly_agent):
    client.force_login(readonly_agent)
    assert numbers(search(client, q="jam")) == [tickets["en"].number]


def test_the_navbar_box_opens_a_ticket_by_number_and_searches_anything_else(agent_client, tickets):
    ticket = tickets["en"]
    response = agent_client.get(reverse("agent:search"), {"jump": "1", "q": f" {ticket.number} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("agent:ticket", args=[ticket.pk])
    response = agent_client.get(reverse("agent:search"), {"jump": "1", "q": "jam"})
    assert numbers(response) == [ticket.number]
    assert f'action="{reverse("agent:search")}"' in response.content.decode()


def test_the_page_runs_a_constant_number_of_queries(agent_client, agent, queue, django_assert_max_num_queries):
    url = reverse("agent:search")
    params = {"q": "widget", "size": "100"}
    new_ticket(agent, queue, "Widget one", "widget")
    with django_assert_max_num_queries(40) as few:
        search(agent_client, **params)
    for n in range(30):
        new_ticket(agent, queue, f"Widget {n}", "the widget again")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = agent_client.get(url, params)
    assert len(numbers(response)) == 31
    with django_assert_max_num_queries(len(few.captured_queries)):
        agent_client.get(url, {**params, "sort": "-updated"})


def test_paging_is_like_the_lists(agent_client, agent, queue):
    for n in range(30):
        new_ticket(agent, queue, f"Gadget {n}", "gadget")
    first = search(agent_client, q="gadget")
    second = search(agent_client, q="gadget", page="2")
    assert len(numbers(first)) == 25 and len(numbers(second)) == 5
    assert not set(numbers(first)) & set(numbers(second))
    assert first.context["page"].total == 30


@pytest.mark.postgres
def test_ticket_title_case_insensitive_matching_folds_cyrillic_and_czech(agent, queue):
    """ILIKE / lower() in the database fold non-ASCII letters (the test database has a UTF-8 ctype)."""
    new_ticket(agent, queue, "ЁЛКА ŽLUŤOUČKÝ", "x")
    assert Ticket.objects.filter(title__icontains="ёлка").count() == 1
    assert Ticket.objects.filter(title__icontains="žluťoučký").count() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lower('ЁЛКА ŽLUŤOUČKÝ'), upper('ёлка žluťoučký'),"
            " 'ЁЛКА' ILIKE 'ёлка', 'žluťoučký' ILIKE 'ŽLUŤOUČKÝ'"
        )
        assert cursor.fetchone() == ("ёлка žluťoučký", "ЁЛКА ŽLUŤOUČKÝ", True, True)


def test_customers_are_no_agents_here(client, customer, tickets):
    client.force_login(customer)
    response = client.get(reverse("agent:search"), {"q": "jam"})
    assert response.status_code in (302, 403, 404)


def test_more_matches_than_are_ranked_show_the_newest_first_and_say_so(agent_client, agent, queue, monkeypatch):
    monkeypatch.setattr("tickets.views.agent.search.RANK_CAP", 2)
    made = [new_ticket(agent, queue, f"Widget {n}", "widget") for n in range(3)]
    response = search(agent_client, q="widget")
    assert response.context["too_many_to_rank"]
    assert numbers(response) == [made[2].number, made[1].number]  # newest first, counted up to the cap
    assert response.context["page"].capped
    assert "add words or criteria to rank them by relevance" in response.content.decode()
    ranked = search(agent_client, q="widget", queue=queue.pk, created_min="2000-01-01", status="open", size="25")
    assert ranked.context["too_many_to_rank"]  # still three: criteria that keep them all change nothing
    assert not search(agent_client, q='widget -"Widget 0"').context["too_many_to_rank"]


def test_the_criteria_panel_loads_when_opened_unless_criteria_are_in_use(agent_client, tickets, queue):
    words_only = search(agent_client, q="jam").content.decode()
    assert 'id="search-criteria-fields"' not in words_only
    assert f'hx-get="{reverse("agent:search_criteria")}?q=jam"' in words_only
    panel = agent_client.get(reverse("agent:search_criteria"), {"q": "jam", "queue": queue.pk}).content.decode()
    assert 'id="search-criteria-fields"' in panel and f'value="{queue.pk}" selected' in panel
    with_criteria = search(agent_client, q="jam", queue=queue.pk).content.decode()
    assert 'id="search-criteria-fields"' in with_criteria
