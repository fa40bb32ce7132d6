"""Quoted history below a reply is kept and found, so the panels can fold it (helpdesk/lib/quotes.py)."""

import pytest

from helpdesk.lib.quotes import split_quoted
from tickets.message import Message


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, 23 Nov 2026 at 10:00, Anna <anna@support.example.com> wrote:",
        "Am 23.11.2026 um 10:00 schrieb Anna <anna@support.example.com>:",
        "W dniu 23.11.2026 o 10:00, Anna pisze:",
        "Dne 23. 11. 2026 v 10:00 napsal Anna <anna@support.example.com>:",
        "23.11.2026 10:00, Анна написала:",
        "-----Original Message-----",
    ],
)
def test_attribution_lines_in_several_languages_start_the_history(attribution):
    text = f"Thanks, that fixed it.\n\n{attribution}\n> Have you tried restarting?\n"
    reply, quoted = split_quoted(text)
    assert reply == "Thanks, that fixed it.\n"
    assert quoted.startswith(attribution) and "restarting" in quoted


def test_trailing_quote_block_without_attribution():
    reply, quoted = split_quoted("Yes please.\n\n> Shall we replace it?\n> Anna\n")
    assert (reply, quoted) == ("Yes please.\n", "> Shall we replace it?\n> Anna\n")


def test_text_without_history_is_all_reply():
    assert split_quoted("Just a question.\nOn second thought, two.") == (
        "Just a question.\nOn second thought, two.",
        "",
    )


def test_template_filter_renders_both_parts():
    from django.template import Context, Template

    out = Template("{% load agent_panel %}{% with p=t|split_quote %}[{{ p.0 }}]({{ p.1 }}){% endwith %}").render(
        Context({"t": "Fine.\n> old"})
    )
    assert out == "[Fine.\n](&gt; old)"


@pytest.mark.django_db
def test_agent_zoom_folds_a_polish_attribution_with_the_mail_apps_splitter(client, agent, ticket, customer):
    from django.urls import reverse

    from tests.factories import PASSWORD
    from tickets.services import add_article

    add_article(
        ticket=ticket,
        actor=customer,
        message=Message(
            channel="web",
            body_text="Działa, dziękuję.\n\nW dniu 23.11.2026 o 10:00, Anna pisze:\nCzy restart pomógł?\n",
        ),
    )
    client.login(username=agent.username, password=PASSWORD)
    html = client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    folded = html.split("Działa, dziękuję.", 1)[1]
    assert folded.index("Show quoted text") < folded.index("W dniu 23.11.2026") < folded.index("Czy restart")
