"""Reference data read once per batch of mail, not once per message.

One poll of a mailbox (or one run of retry_pending, or the bench) is a batch:

    with batch():
        for raw in messages:
            ingest.receive(raw, ...)

Inside it the postmaster filters, the queues that route by address, the default queue,
the default and reopen states, the priorities and the companies' mail domains are each read
with one query, the first time they are needed. Outside a batch every message reads them
afresh (a batch of one). A change an administrator makes during a batch applies from the
next one: a poll lasts seconds.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property

from accounts.models import Company
from mailgateway.models import PostmasterFilter
from tickets.catalog import first_default_new, first_reopen
from tickets.models import Priority, Queue, State


class Reference:
    @cached_property
    def filters(self) -> list[PostmasterFilter]:
        rows = PostmasterFilter.objects.filter(is_active=True)
        return list(rows.select_related("set_queue", "set_priority", "set_category", "set_state"))

    @cached_property
    def routable_queues(self) -> list[Queue]:
        """Active queues that list their own addresses, in the order queue_for tries them."""
        return list(Queue.objects.filter(is_active=True).exclude(email_addresses=""))

    @cached_property
    def active_queues(self) -> list[Queue]:
        return list(Queue.objects.filter(is_active=True).order_by("pk"))

    @cached_property
    def _states(self) -> list[State]:
        return list(State.objects.active())

    @cached_property
    def default_state(self) -> State | None:
        """State.objects.default_new(), from the cached rows."""
        return first_default_new(self._states)

    @cached_property
    def reopen_state(self) -> State | None:
        """State.objects.reopen(), from the cached rows."""
        return first_reopen(self._states)

    @cached_property
    def _priorities(self) -> dict[int, Priority]:
        return {p.pk: p for p in Priority.objects.order_by("level", "pk")}

    def priority_for(self, queue: Queue) -> Priority | None:
        """tickets.services.create.default_priority, from the cached rows."""
        if queue.default_priority_id and queue.default_priority_id in self._priorities:
            return self._priorities[queue.default_priority_id]
        rows = list(self._priorities.values())
        return next((p for p in rows if p.is_default), rows[0] if rows else None)

    @cached_property
    def _companies_by_domain(self) -> dict[str, Company]:
        found: dict[str, Company] = {}
        for company in Company.objects.filter(is_active=True).exclude(email_domains="").order_by("name", "pk"):
            for domain in company.domain_list():
                found.setdefault(domain, company)
        return found

    def company_for_domain(self, domain: str) -> Company | None:
        return self._companies_by_domain.get(domain.lower())


_current: ContextVar[Reference | None] = ContextVar("mail_batch", default=None)


def current() -> Reference:
    """The batch's reference data, or a fresh one for a message handled on its own."""
    return _current.get() or Reference()


@contextmanager
def batch():
    if _current.get() is not None:  # nested: the outer batch goes on
        yield _current.get()
        return
    token = _current.set(Reference())
    try:
        yield _current.get()
    finally:
        _current.reset(token)
