"""Domain events, delivered after the transaction that caused them commits.

Handlers are plain functions taking an Event; they are registered with
`subscribe(name)` (apps do it in AppConfig.ready) or listed in
settings.HELPDESK_EVENT_HANDLERS as "dotted.path" or "event_name:dotted.path".
A handler that needs time enqueues a Celery task; a failing handler is logged
and does not stop the others.
"""

import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

TICKET_CREATED = "ticket_created"
ARTICLE_ADDED = "article_added"
STATE_CHANGED = "state_changed"
QUEUE_MOVED = "queue_moved"
OWNER_CHANGED = "owner_changed"
RESPONSIBLE_CHANGED = "responsible_changed"
LOCK_CHANGED = "lock_changed"
PRIORITY_CHANGED = "priority_changed"
CATEGORY_CHANGED = "category_changed"
TYPE_CHANGED = "type_changed"
TAGS_CHANGED = "tags_changed"
WATCHERS_CHANGED = "watchers_changed"
LINK_CHANGED = "link_changed"
TICKET_MERGED = "ticket_merged"
TIME_ACCOUNTED = "time_accounted"
TIME_ENTRY_CHANGED = "time_entry_changed"
TIME_ENTRY_DELETED = "time_entry_deleted"
FIELD_CHANGED = "field_changed"
TICKET_RATED = "ticket_rated"
SLA_WARNING = "sla_warning"  # data: clock, due (the escalation sweep)
SLA_BREACHED = "sla_breached"

ALL = "*"


@dataclass(frozen=True)
class Event:
    name: str
    ticket_id: int
    actor_id: int | None
    data: dict = field(default_factory=dict)


_handlers: dict[str, list[Callable[[Event], None]]] = defaultdict(list)


def subscribe(name: str = ALL):
    def decorator(func):
        if func not in _handlers[name]:
            _handlers[name].append(func)
        return func

    return decorator


def unsubscribe(func, name: str = ALL) -> None:
    if func in _handlers[name]:
        _handlers[name].remove(func)


@contextlib.contextmanager
def muted():
    """No handler hears anything inside the block (subscribed or configured); all are back afterwards."""
    saved_handlers = {name: list(handlers) for name, handlers in _handlers.items()}
    saved_setting = settings.HELPDESK_EVENT_HANDLERS
    _handlers.clear()
    settings.HELPDESK_EVENT_HANDLERS = []
    try:
        yield
    finally:
        _handlers.clear()
        _handlers.update(saved_handlers)
        settings.HELPDESK_EVENT_HANDLERS = saved_setting


def _configured_handlers():
    for entry in settings.HELPDESK_EVENT_HANDLERS:
        name, _, path = entry.rpartition(":")
        try:
            handler = import_string(path)
        except ImportError:
            # A typo in the settings must not silence every other handler.
            log.exception("event handler %r in HELPDESK_EVENT_HANDLERS cannot be imported", path)
            continue
        yield (name or ALL), handler


def _handlers_for(name: str, configured: list) -> list:
    return [*_handlers[name], *_handlers[ALL], *(h for n, h in configured if n in (name, ALL))]


def _call(handlers: list, event: Event) -> None:
    for handler in handlers:
        try:
            handler(event)
        except Exception:
            log.exception("event handler %r failed for %s", handler, event)


def dispatch(event: Event) -> None:
    _call(_handlers_for(event.name, list(_configured_handlers())), event)


def publish(name: str, ticket, actor=None, **data) -> Event:
    event = Event(name=name, ticket_id=ticket.pk, actor_id=getattr(actor, "pk", None), data=data)
    transaction.on_commit(lambda: dispatch(event))
    return event


def publish_many(published: list[Event]) -> None:
    """Deliver several events after the commit, in order, with one commit hook and each event name's
    handlers looked up once (a sweep batch has thousands)."""
    if published:
        transaction.on_commit(lambda: _dispatch_many(published))


def _dispatch_many(published: list[Event]) -> None:
    configured = list(_configured_handlers())
    by_name: dict[str, list] = {}
    for event in published:
        if event.name not in by_name:
            by_name[event.name] = _handlers_for(event.name, configured)
        _call(by_name[event.name], event)
