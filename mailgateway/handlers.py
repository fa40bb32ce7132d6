"""Ticket events that send mail. Each handler only enqueues a task (events run after commit)."""

from mailgateway.tasks import notify
from tickets import events
from tickets.models import Article


@events.subscribe(events.ARTICLE_ADDED)
def on_article(event: events.Event) -> None:
    """Agents' email articles are in the outbox already (queued with the article); the rest notify."""
    data = event.data
    article_id = data.get("article_id")
    if data.get("sender_type") == Article.Sender.AGENT and data.get("visible"):
        if data.get("channel") in (Article.Channel.WEB, Article.Channel.PHONE):
            notify.delay("agent_reply", event.ticket_id, article_id)
    elif data.get("sender_type") == Article.Sender.CUSTOMER:
        notify.delay("agent_follow_up", event.ticket_id, article_id)


@events.subscribe(events.TICKET_CREATED)
def on_ticket_created(event: events.Event) -> None:
    article_id = event.data.get("article_id")
    notify.delay("acknowledgement", event.ticket_id, article_id)
    notify.delay("agent_new_ticket", event.ticket_id, event.actor_id, article_id)


@events.subscribe(events.STATE_CHANGED)
def on_state_changed(event: events.Event) -> None:
    if event.actor_id is None and event.data.get("new_type") in ("new", "open"):
        return  # reopened by the customer's own follow-up: they know, they just wrote
    notify.delay("state_changed", event.ticket_id, event.actor_id)


@events.subscribe(events.OWNER_CHANGED)
def on_owner_changed(event: events.Event) -> None:
    notify.delay("agent_assigned", event.ticket_id, event.actor_id)
