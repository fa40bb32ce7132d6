"""Read-side selectors for the agent panel: lists, counters, the ticket zoom.

Every function here runs a fixed number of SQL statements whatever the number of rows,
and starts from tickets.permissions so an agent never reads outside their queues.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.utils import timezone

from tickets import permissions as perms
from tickets import reference
from tickets.catalog import StateType
from tickets.models import Article, Attachment, Queue, Ticket, TicketHistory, TicketLink, TimeEntry, TimeLock

# Sortable columns: the only values `?sort=` accepts (the key is what the URL carries).
SORTS = {
    "number": "number",
    "title": "title",
    "queue": "queue__name",
    "state": "state__order",
    "priority": "priority_level",  # the sort keys on the ticket row (tickets/services/sort_keys.py)
    "owner": "owner_sort",
    "customer": "customer_sort",
    "created": "created",
    "updated": "updated",
    "escalation": "escalation_at",
    "pending": "pending_until",
}
# Columns whose empty values sort last both ways: a ticket without a running clock escalates never.
NULLS_LAST = {"escalation"}
DEFAULT_SORT = "-updated"
ARTICLES_PER_PAGE = 30


def ordering(sort: str | None) -> tuple[str, list[str | OrderBy]]:
    """The allowlisted sort key from the URL and the ORDER BY it means (stable: id breaks ties)."""
    sort = sort or DEFAULT_SORT
    key = sort.lstrip("-")
    if key not in SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    prefix = "-" if sort.startswith("-") else ""
    first: str | OrderBy = f"{prefix}{SORTS[key]}"
    if key in NULLS_LAST:
        first = F(SORTS[key]).desc(nulls_last=True) if prefix else F(SORTS[key]).asc(nulls_last=True)
    return sort, [first, f"{prefix}id"]


def open_state_ids() -> list[int]:
    """The ids of the open states, read first so that the ticket query carries them as literals.

    Filtering through the join (`state__type__in`) leaves PostgreSQL guessing that 7 of 11
    states means 7/11 of the tickets; with the ids it reads the real share (a few thousand of
    a million) from the column statistics and picks the (queue, state, -updated) index.
    """
    return reference.open_state_ids()  # cached per process (tickets.reference): no query on most requests


def number_in(text: str) -> str:
    """The ticket number `text` may name ("2026…", "#2026…", "Ticket#2026…"): one word with a digit; else ""."""
    number = text.strip().lstrip("#").removeprefix(settings.HELPDESK_TICKET_HOOK).strip()
    if not number or len(number) > 40 or any(c.isspace() for c in number):
        return ""
    return number if any(c.isdigit() for c in number) else ""


def ticket_by_number(user, text: str, perm: str = perms.RO) -> Ticket | None:
    """The ticket whose number `text` is ("2026…", "#2026…" or "Ticket#2026…"), if `user` may `perm` it."""
    number = text.strip().lstrip("#").removeprefix(settings.HELPDESK_TICKET_HOOK)
    if not number:
        return None
    return perms.tickets_for(user, perm).filter(number=number).select_related("queue", "state").first()


# What the ticket tables show (agent/fragments/ticket_table.html, mini_table.html). Every further
# joined table multiplies PostgreSQL's planning time: with company and responsible too (8 tables)
# planning one list query took ~50 ms on the 2-core bench machine, with these 6 tables ~6 ms.
LIST_RELATED = ("queue", "state", "priority", "owner", "customer")


def visible_tickets(user) -> QuerySet[Ticket]:
    return perms.tickets_for(user, perms.RO).select_related(*LIST_RELATED)


@dataclass
class QueueNode:
    queue: Queue
    depth: int
    open_count: int


def queue_tree(user, open_ids: list[int] | None = None) -> list[QueueNode]:
    """The queues the agent may see, parents before children, with open ticket counts.

    One query, after open_state_ids() unless the caller has them. The count is a subquery per
    queue that reads its open tickets through the (queue, state, -updated) index; a join of
    every ticket of the queues, filtered in the aggregate, read the whole table.
    """
    if open_ids is None:
        open_ids = open_state_ids()
    open_in_queue = (
        Ticket.objects.filter(queue=OuterRef("pk"), state_id__in=open_ids)
        .order_by()
        .values("queue")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queues = list(
        perms.queues_for(user, perms.RO)
        .filter(is_active=True)
        .annotate(open_count=Coalesce(Subquery(open_in_queue), 0))
        .order_by("name")
    )
    by_parent: dict[int | None, list[Queue]] = {}
    ids = {q.pk for q in queues}
    for q in queues:
        by_parent.setdefault(q.parent_id if q.parent_id in ids else None, []).append(q)
    nodes: list[QueueNode] = []

    def walk(parent_id, depth):
        for q in by_parent.get(parent_id, []):
            nodes.append(QueueNode(q, depth, q.open_count))
            walk(q.pk, depth + 1)

    walk(None, 0)
    return nodes


def dashboard_counters(user) -> dict[str, int]:
    """new / open / locked by me / reminders due / escalated: one aggregate query over the open tickets.

    Every counter counts open tickets only, so only those are read (see open_state_ids); the
    states are told apart by their ids (tickets.reference), so the query joins no other table.
    """
    now = timezone.now()
    open_ids = reference.open_state_ids()
    of_type = {
        kind: [s.pk for s in reference.states() if s.type == kind]
        for kind in (StateType.NEW, StateType.PENDING_REMINDER)
    }
    return (
        perms.tickets_for(user, perms.RO)
        .filter(state_id__in=open_ids)
        .aggregate(
            new=Count("id", filter=Q(state_id__in=of_type[StateType.NEW])),
            open=Count("id"),
            locked=Count("id", filter=Q(is_locked=True, owner=user)),
            reminders=Count(
                "id", filter=Q(owner=user, state_id__in=of_type[StateType.PENDING_REMINDER], pending_until__lte=now)
            ),
            escalated=Count("id", filter=escalated_q(now)),
        )
    )


def escalated_q(now) -> Q:
    """Tickets with a running clock past its warning threshold or its due time ("due or breached").

    Computed from the stored times, so a ticket counts from the moment it crosses, before the
    escalation sweep has run: a counting clock's warning moment has come, or its earliest due time
    has passed. (The sweep's marks add nothing: a mark is set only once its moment has come, and an
    SLA edit that moves the moment out clears it.) Paused and stopped clocks have no escalation_at:
    they are never due.
    """
    return Q(escalation_at__isnull=False) & (
        Q(escalation_at__lte=now)
        | Q(first_response_warning_due__lte=now)
        | Q(update_warning_due__lte=now)
        | Q(solution_warning_due__lte=now)
    )


def state_ids_of(kind: str) -> list[int]:
    """The ids of the states of one type (tickets.reference: no query), for the reason open_state_ids gives."""
    return [s.pk for s in reference.states() if s.type == kind]


# The dashboard's lists filter by state ids, not through the state join (see open_state_ids): the
# agent's locked tickets went from 64 ms (every ticket the agent ever owned, 18,000 rows, read and
# filtered) to 1 ms (the (owner, state) index) at a million tickets.
def my_locked(user, limit=10):
    mine = visible_tickets(user).filter(state_id__in=open_state_ids(), is_locked=True, owner=user)
    return list(mine.order_by("-updated")[:limit])


def newest_in_my_queues(user, limit=10):
    return list(visible_tickets(user).filter(state_id__in=state_ids_of(StateType.NEW)).order_by("-created")[:limit])


def watched(user, limit=10):
    return list(visible_tickets(user).filter(state_id__in=open_state_ids(), watchers=user).order_by("-updated")[:limit])


def reminders_due(user) -> QuerySet[Ticket]:
    """The user's own tickets in a pending reminder state whose time has come ("reminders")."""
    due = Q(state_id__in=state_ids_of(StateType.PENDING_REMINDER), pending_until__lte=timezone.now())
    return visible_tickets(user).filter(due, owner=user)


def escalation_list(user) -> QuerySet[Ticket]:
    """Open tickets in warning or past due (escalated_q), the earliest due time first."""
    due = visible_tickets(user).filter(escalated_q(timezone.now()), state_id__in=open_state_ids())
    return due.order_by("escalation_at", "id")


OUTBOX_HEAVY_FIELDS = ("body_text", "body_html", "headers", "attachments", "bcc", "reply_to")


def thread(ticket: Ticket, before: int | None = None, limit: int = ARTICLES_PER_PAGE) -> tuple[list[Article], bool]:
    """The newest `limit` articles (older than article id `before`), oldest first; and whether more exist."""
    qs = (
        Article.objects.filter(ticket=ticket)
        .select_related("author", "outgoing_mail")  # the delivery state, joined (mailgateway's outbox)
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .defer("references", *(f"outgoing_mail__{name}" for name in OUTBOX_HEAVY_FIELDS))
    )
    if before:
        qs = qs.filter(id__lt=before)
    page = list(qs.order_by("-created", "-id")[: limit + 1])
    more = len(page) > limit
    return list(reversed(page[:limit])), more


def history(ticket: Ticket) -> list[TicketHistory]:
    return list(ticket.history.select_related("actor").order_by("-created", "-id")[:500])


def links(ticket: Ticket, user) -> list[tuple[str, TicketLink, Ticket]]:
    """Links both ways, only to tickets the agent may see (one query)."""
    seen = perms.tickets_for(user, perms.RO).values("pk")
    rows = (
        TicketLink.objects.filter(Q(source=ticket, target__in=seen) | Q(target=ticket, source__in=seen))
        .select_related("source__state", "target__state")
        .order_by("id")
    )
    result = []
    for row in rows:
        other = row.target if row.source_id == ticket.pk else row.source
        direction = "out" if row.source_id == ticket.pk else "in"
        result.append((direction, row, other))
    return result


def customer_tickets(ticket: Ticket, user, limit: int = 10) -> list[Ticket]:
    """The customer's and the company's other tickets, open first, newest first (two queries).

    Bounded whatever the company's size: one query of four LIMITed parts (UNION ALL; one query
    each on SQLite, which allows no LIMIT there) takes, for
    the customer and for the company, the newest `limit` open tickets and the newest `limit`
    tickets, each through the (customer, -created) or (company, -created) index in order; the
    at most 4 * `limit` rows are ranked here and the first `limit` loaded with what the sidebar
    shows. Sorting the whole company by open-first (the query before) read all its tickets:
    22,000 for the biggest bench company, ~150 ms of SQL.
    """
    if not (ticket.customer_id or ticket.company_id):
        return []
    seen = perms.tickets_for(user, perms.RO).exclude(pk=ticket.pk)
    open_ids = reference.open_state_ids()
    parts = []
    for column, value in (("customer_id", ticket.customer_id), ("company_id", ticket.company_id)):
        if value is not None:
            theirs = seen.filter(**{column: value}).order_by("-created", "-id").values_list("pk", "created", "state_id")
            parts += [theirs.filter(state_id__in=open_ids)[:limit], theirs[:limit]]
    if connection.features.supports_slicing_ordering_in_compound:
        found = list(parts[0].union(*parts[1:], all=True))
    else:  # SQLite: no LIMIT inside a UNION; the same parts one by one
        found = [row for part in parts for row in part]
    rows = {pk: (state_id not in open_ids, created) for pk, created, state_id in found}
    ranked = sorted(rows, key=lambda pk: (rows[pk][0], -rows[pk][1].timestamp(), -pk))[:limit]
    if not ranked:
        return []
    loaded = Ticket.objects.filter(pk__in=ranked).select_related("state", "queue", "customer")  # mini_table.html
    by_pk = {t.pk: t for t in loaded}
    return [by_pk[pk] for pk in ranked if pk in by_pk]


def new_activity(user, since) -> dict:
    """What the notification poll needs: new tickets and customer replies in the agent's queues since `since`."""
    seen = perms.tickets_for(user, perms.RO)
    new_tickets = seen.filter(created__gt=since).count()
    replies = (
        Article.objects.filter(ticket__in=seen.values("pk"), created__gt=since, sender_type=Article.Sender.CUSTOMER)
        .exclude(ticket__created__gt=since)
        .count()
    )
    return {"new_tickets": new_tickets, "replies": replies}


def time_entries(ticket: Ticket, user) -> list[TimeEntry]:
    """The ticket's time entries, oldest day first, with author, article and `is_locked` (one query); each
    knows whether `user` may change it (`may_edit`: its author or an administrator, outside a locked period)."""
    entries = list(ticket.time_entries.with_locked().select_related("author", "article").order_by("worked_on", "pk"))
    for entry in entries:
        entry.ticket = ticket
        entry.may_edit = not entry.is_locked and perms.may_edit_time_entry(user, entry)
    return entries


def time_lock(ticket: Ticket) -> TimeLock | None:
    """The latest locked period binding the ticket's time (its company's or every company's), or None."""
    return TimeLock.objects.for_company(ticket.company_id).first()
