"""The one place that answers who may see and do what.

Agents hold OTRS-style rights (accounts.Permission) on access groups, directly or
through roles; a queue belongs to one group. `rw` includes every other ticket right, and
seeing a ticket at all takes `ro` (or `rw`). Administrators may do everything.
The ticket rights are TICKET_RIGHTS; the FAQ editor right on the same groups is not one of
them (faq/permissions.py decides it; `rw` does not include it), and asking a ticket or
queue question with it raises ValueError.
Customers see their own tickets, and their company's when they hold that right.

Every yes/no below comes from one decision (`_decide`) that also says why; `explain()`
returns those reasons for the admin's permission explainer, so it cannot disagree with
`can()`. Forms, the mail gateway and the panels ask the selectors here (`agents_with`,
`customer_tickets`, `may_follow_up_by_mail`, `may_set_state`) instead of querying the
grant tables themselves.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import GroupGrant, Permission, User
from helpdesk.lib import addresses
from tickets.errors import PermissionDenied
from tickets.models import Queue, State, StateType, Ticket

RO, MOVE_INTO, CREATE, NOTE, OWNER, PRIORITY, RW = (
    Permission.RO,
    Permission.MOVE_INTO,
    Permission.CREATE,
    Permission.NOTE,
    Permission.OWNER,
    Permission.PRIORITY,
    Permission.RW,
)
TICKET_RIGHTS = (RO, MOVE_INTO, CREATE, NOTE, OWNER, PRIORITY, RW)
CUSTOMER_TICKET_RIGHTS = (RO, NOTE)
# What another agent's lock stops (tickets/services: respect_lock, and reassigning a locked ticket without rw).
LOCK_BINDS = {
    MOVE_INTO: _("moving it to another queue"),
    OWNER: _("giving it to someone else (unless they hold rw)"),
    RW: _("changing its state or fields, merging or splitting it"),
}
_CACHE_ATTR = "_helpdesk_grants"
# The grant table: a save or delete there changes who may see what (tickets.reference bumps the agent
# panel's cached parts on it; roles, role members and queues are watched there too).
GRANT_MODELS = (GroupGrant,)

# What each reason says; formatted (and translated) only when someone reads it, not on every can().
REASON_TEXTS = {
    "anonymous": _("not signed in"),
    "inactive": _("the account is inactive"),
    "superuser": _("administrator (superuser agent): may do everything"),
    "customer_queue": _("customers may file requests into this queue"),
    "customer_queue_closed": _("the queue is not open to customers' requests"),
    "customer_no_queue_right": _("customers hold no rights on queues"),
    "missing": _("no grant of %(perms)s on the group of queue “%(queue)s”"),
    "needs_ro": _("%(perm)s is granted, but acts only with ro or rw on the group of “%(queue)s”, which is missing"),
    "direct_grant": _("%(perm)s on the queue's group (direct grant)"),
    "role_grant": _("%(perm)s on the queue's group (via role “%(role)s”)"),
    "customer_right": _("customers may only read their tickets and add notes"),
    "own_ticket": _("the customer's own ticket"),
    "company_ticket": _("a ticket of their company (they see the company's tickets)"),
    "company_without_right": _("a ticket of their company, but they lack the right to see the company's tickets"),
    "not_theirs": _("neither their own ticket nor one of their company's they may see"),
    "locked": _("locked by %(owner)s: stops %(what)s"),
}


@dataclass(frozen=True)
class Reason:
    """Why a right is held or not: a code (the keys of REASON_TEXTS) and the values its text names."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        template = str(REASON_TEXTS[self.code])
        return template % {k: str(v) for k, v in self.params} if self.params else template


@dataclass(frozen=True)
class Source:
    """One grant row that gives an agent a right on a group: directly (role == "") or through a role."""

    group_id: int
    permission: str
    role: str = ""

    def reason(self) -> Reason:
        if self.role:
            return Reason("role_grant", (("perm", self.permission), ("role", self.role)))
        return Reason("direct_grant", (("perm", self.permission),))


@dataclass(frozen=True)
class Verdict:
    """May the user do `perm`, and why: the reasons that grant it, or what is missing."""

    perm: str
    allowed: bool
    reasons: tuple[Reason, ...]
    lock: Reason | None = None  # another agent's lock that stops some of this right's actions


@dataclass(frozen=True)
class _Held:
    by_perm: dict[str, frozenset[int]]
    sources: tuple[Source, ...]


def _held(user: User) -> _Held:
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    by_perm: dict[str, set[int]] = {p: set() for p in Permission.values}
    sources = []
    if user.is_active and user.is_agent:
        rows = GroupGrant.objects.filter(Q(user=user) | Q(role__users=user)).values_list(
            "group_id", "permission", "role__name"
        )
        for group_id, perm, role in rows:
            by_perm[perm].add(group_id)
            sources.append(Source(group_id, perm, role or ""))
    held = _Held({perm: frozenset(ids) for perm, ids in by_perm.items()}, tuple(sources))
    setattr(user, _CACHE_ATTR, held)
    return held


def grants(user: User) -> dict[str, frozenset[int]]:
    """{permission: group ids} for an agent, from direct and role grants; cached on the user object."""
    return _held(user).by_perm


def forget_grants(user: User) -> None:
    """Drop the cached grants, after they were changed during this user object's life."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def ticket_right(perm: str) -> str:
    """`perm` if it is a ticket right; ValueError for anything else (the FAQ right, a typo)."""
    if perm not in TICKET_RIGHTS:
        raise ValueError(f"{perm!r} is not a ticket right (one of {', '.join(TICKET_RIGHTS)})")
    return perm


def group_ids(user: User, perm: str) -> frozenset[int]:
    ticket_right(perm)
    held = grants(user)
    ids = held[perm] | held[RW]
    if perm != RO and perm != RW:
        # Every specific right acts only where the agent can also see the queue.
        ids &= held[RO] | held[RW]
    return ids


# --- the one decision ---------------------------------------------------------------------------


def _allow(perm: str, code: str) -> Verdict:
    return Verdict(perm, True, (Reason(code),))


def _deny(perm: str, code: str, *params: tuple[str, str]) -> Verdict:
    return Verdict(perm, False, (Reason(code, params),))


def _decide_in_queue(user: User, perm: str, queue: Queue) -> Verdict:
    ticket_right(perm)
    if not user.is_authenticated:
        return _deny(perm, "anonymous")
    if not user.is_active:
        return _deny(perm, "inactive")
    if user.is_helpdesk_admin:
        return _allow(perm, "superuser")
    if user.is_customer:
        if perm == CREATE and queue.customer_selectable and queue.is_active:
            return _allow(perm, "customer_queue")
        return _deny(perm, "customer_queue_closed" if perm == CREATE else "customer_no_queue_right")
    sources = [s for s in _held(user).sources if s.group_id == queue.group_id]
    giving = [s for s in sources if s.permission in (perm, RW)]
    if not giving:
        wanted = perm if perm == RW else f"{perm} / {RW}"
        return _deny(perm, "missing", ("perms", wanted), ("queue", queue.name))
    seeing = [s for s in sources if s.permission in (RO, RW)]
    if perm not in (RO, RW) and not seeing:
        return _deny(perm, "needs_ro", ("perm", perm), ("queue", queue.name))
    shown = giving if perm in (RO, RW) else giving + [s for s in seeing if s not in giving]
    return Verdict(perm, True, tuple(s.reason() for s in shown))


def _decide(user: User, perm: str, ticket: Ticket) -> Verdict:
    ticket_right(perm)
    if user.is_authenticated and user.is_active and user.is_customer:
        if perm not in CUSTOMER_TICKET_RIGHTS:
            return _deny(perm, "customer_right")
        if ticket.customer_id == user.pk:
            return _allow(perm, "own_ticket")
        if user.company_id and ticket.company_id == user.company_id:
            if user.can_see_company_tickets:
                return _allow(perm, "company_ticket")
            return _deny(perm, "company_without_right")
        return _deny(perm, "not_theirs")
    return _decide_in_queue(user, perm, ticket.queue)


def locked_against(user: User | None, ticket: Ticket) -> bool:
    """Is `ticket` locked by another agent in a way that stops `user` (administrators and the system excepted)?"""
    if user is None or not ticket.is_locked or ticket.owner_id in (None, user.pk):
        return False
    return user.is_agent and not user.is_helpdesk_admin


def explain(user: User, ticket: Ticket) -> list[Verdict]:
    """Right by right, whether `user` may act on `ticket` and why (the answers `can()` gives)."""
    verdicts = []
    for perm in TICKET_RIGHTS:
        verdict = _decide(user, perm, ticket)
        if verdict.allowed and perm in LOCK_BINDS and locked_against(user, ticket):
            if not (perm == OWNER and can(user, RW, ticket)):
                note = Reason("locked", (("owner", str(ticket.owner)), ("what", LOCK_BINDS[perm])))
                verdict = Verdict(perm, True, verdict.reasons, note)
        verdicts.append(verdict)
    return verdicts


def explain_in_queue(user: User, queue: Queue) -> list[Verdict]:
    """Right by right, whether `user` may act in `queue` and why (the answers `can_in_queue()` gives)."""
    return [_decide_in_queue(user, perm, queue) for perm in TICKET_RIGHTS]


# --- yes/no and the querysets -------------------------------------------------------------------


def can_in_queue(user: User, perm: str, queue: Queue) -> bool:
    return _decide_in_queue(user, perm, queue).allowed


def can(user: User, perm: str, ticket: Ticket) -> bool:
    """May `user` do `perm` on `ticket`? Answered without a query once grants are cached."""
    return _decide(user, perm, ticket).allowed


def queues_for(user: User, perm: str = RO) -> QuerySet[Queue]:
    ticket_right(perm)
    if not user.is_authenticated or not user.is_active:
        return Queue.objects.none()
    if user.is_helpdesk_admin:
        return Queue.objects.all()
    if user.is_customer:
        if perm == CREATE:
            return Queue.objects.filter(customer_selectable=True, is_active=True)
        return Queue.objects.none()
    return Queue.objects.filter(group_id__in=group_ids(user, perm))


def sees_company_tickets(user: User) -> bool:
    """A customer with the company right and a company: sees every ticket of that company."""
    return bool(user.is_customer and user.can_see_company_tickets and user.company_id)


def customer_tickets(user: User, *, company: bool = True) -> QuerySet[Ticket]:
    """A customer's ticket scope: their own, plus (with `company` and the right) their company's."""
    if not user.is_authenticated or not user.is_active or not user.is_customer:
        return Ticket.objects.none()
    visible = Q(customer=user)
    if company and sees_company_tickets(user):
        visible |= Q(company_id=user.company_id)
    return Ticket.objects.filter(visible)


def tickets_for(user: User, perm: str = RO) -> QuerySet[Ticket]:
    """The tickets `user` may act on with `perm`, as a queryset to filter further."""
    ticket_right(perm)
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if user.is_helpdesk_admin:
        return Ticket.objects.all()
    if user.is_customer:
        if perm not in CUSTOMER_TICKET_RIGHTS:
            return Ticket.objects.none()
        return customer_tickets(user)
    return Ticket.objects.filter(queue__group_id__in=group_ids(user, perm))


def tickets_for_q(user: User, perm: str = RO, *, path: str = "") -> Q:
    """`tickets_for` as a condition on the ticket reached through `path` (e.g. "ticket__" from a time entry
    or a rating): the reports join the ticket they need anyway instead of a semi-join over every ticket
    the user may see. The same decision as tickets_for."""
    ticket_right(perm)
    if not user.is_authenticated or not user.is_active:
        return Q(**{f"{path}pk__in": []})
    if user.is_helpdesk_admin:
        return Q()
    if user.is_customer:
        return Q(**{f"{path}pk__in": tickets_for(user, perm).values("pk")})
    return Q(**{f"{path}queue__group_id__in": group_ids(user, perm)})


def _holders(group_id: int, held: set[str]) -> Q:
    """Users holding one of `held` on the group, directly or through a role (subqueries: no duplicate rows)."""
    rows = GroupGrant.objects.filter(group_id=group_id, permission__in=held)
    members = User.roles.through.objects.filter(role_id__in=rows.filter(role__isnull=False).values("role_id"))
    return Q(pk__in=rows.filter(user__isnull=False).values("user_id")) | Q(pk__in=members.values("user_id"))


def agents_with(perm: str, queue: Queue) -> QuerySet[User]:
    """The active agents who may do `perm` in `queue` (as `can_in_queue` answers): grant holders and administrators."""
    held = _holders(queue.group_id, {ticket_right(perm), RW})
    if perm not in (RO, RW):
        held &= _holders(queue.group_id, {RO, RW})
    return User.agents.filter(is_active=True).filter(Q(is_superuser=True) | held)


def holds_anywhere(user: User, perm: str) -> bool:
    """Does `user` hold `perm` on any access group (or is an administrator)? For a right not tied to one
    queue, such as `reports`; `agents_holding` is the same rule as a set of agents."""
    if not (user.is_authenticated and user.is_active and user.is_agent):
        return False
    return bool(user.is_helpdesk_admin or grants(user)[perm])


def agents_holding(perm: str) -> QuerySet[User]:
    """The active agents holding `perm` on any group (directly or through a role), and administrators: e.g. who
    may see reports (reports.access), where the right is not tied to one queue."""
    rows = GroupGrant.objects.filter(permission=perm)
    members = User.roles.through.objects.filter(role_id__in=rows.filter(role__isnull=False).values("role_id"))
    held = Q(pk__in=rows.filter(user__isnull=False).values("user_id")) | Q(pk__in=members.values("user_id"))
    return User.agents.filter(is_active=True).filter(Q(is_superuser=True) | held)


def may_follow_up_by_mail(ticket: Ticket, address: str, user: User | None) -> bool:
    """May mail from `address` (the sender's account `user`, if known) thread into `ticket`?

    The requester, a colleague of the requester's company (by mail, even without the company
    right: they are on the same thread in practice), an agent who sees the ticket, or an
    address exactly on the ticket's customer or on one of its articles' From/To/Cc.
    """
    address = addresses.normalise(address)
    if user is not None:
        if ticket.customer_id == user.pk:
            return True
        if user.is_customer and user.company_id and user.company_id == ticket.company_id:
            return True
        if user.is_agent and can(user, RO, ticket):
            return True
    if not address:
        return False
    if ticket.customer_id and addresses.same(ticket.customer.email, address):
        return True
    return addresses.any_row_mentions(ticket.articles.all(), address, "from_address", "to_addresses", "cc_addresses")


def may_close_or_reopen(user: User | None, ticket: Ticket) -> bool:
    """Agents with rw (and the system); a customer for their own ticket only, not a colleague's they may read."""
    if user is None:
        return True
    if user.is_authenticated and user.is_customer:
        return user.is_active and ticket.customer_id == user.pk
    return can(user, RW, ticket)


def may_set_state(user: User | None, ticket: Ticket, state: State) -> bool:
    """Who may change which state: agents with rw (the system too); customers close or reopen their own tickets."""
    if state.type == StateType.MERGED or not may_close_or_reopen(user, ticket):
        return False
    if user is not None and user.is_customer:
        return state.type in (StateType.CLOSED, StateType.OPEN)
    return True


# --- checks and accessors -----------------------------------------------------------------------


def require(user: User | None, perm: str, ticket: Ticket) -> None:
    """Raise PermissionDenied unless `user` may do `perm`; None is the trusted system."""
    if user is not None and not can(user, perm, ticket):
        raise PermissionDenied(f"{user} may not {perm} ticket {ticket.number}")


def require_in_queue(user: User | None, perm: str, queue: Queue) -> None:
    if user is not None and not can_in_queue(user, perm, queue):
        raise PermissionDenied(f"{user} may not {perm} in queue {queue}")


def get_ticket_for_agent(user: User, pk: int, perm: str = RO, also: tuple[str, ...] = ()) -> Ticket:
    """The ticket with its list relations (and `also`) loaded; 404 if unseen, PermissionDenied if not `perm`."""
    queryset = tickets_for(user, RO).for_list()
    if also:  # select_related() without names would follow every foreign key
        queryset = queryset.select_related(*also)
    try:
        ticket = queryset.get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404("No such ticket") from None
    if not user.is_agent:
        raise Http404("No such ticket")
    require(user, perm, ticket)
    return ticket


def get_ticket_for_customer(user: User, pk: int) -> Ticket:
    """A customer's ticket, or the same 404 for someone else's and for one that does not exist."""
    if not user.is_authenticated or not user.is_customer:
        raise Http404("No such ticket")
    try:
        return tickets_for(user, RO).for_list().get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404("No such ticket") from None


def may_edit_time_entry(user: User | None, entry) -> bool:
    """A time entry (tickets.time_entries.TimeEntry) is changed by its author while they may still add notes on
    its ticket, and by administrators; None is the trusted system. Locked periods are the services' check."""
    if user is None:
        return True
    if not (user.is_authenticated and user.is_active and user.is_agent):
        return False
    if user.is_helpdesk_admin:
        return True
    return entry.author_id == user.pk and can(user, NOTE, entry.ticket)
