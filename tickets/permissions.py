"""The one place that answers who may see and do what.

Agents hold OTRS-style rights (accounts.Permission) on access groups, directly or
through roles; a queue belongs to one group. `rw` includes every other right, and
seeing a ticket at all takes `ro` (or `rw`). Administrators may do everything.
Customers see their own tickets, and their company's when they hold that right.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import GroupGrant, Permission, User
from tickets.errors import PermissionDenied
from tickets.models import Queue, Ticket

RO, MOVE_INTO, CREATE, NOTE, OWNER, PRIORITY, RW = (
    Permission.RO,
    Permission.MOVE_INTO,
    Permission.CREATE,
    Permission.NOTE,
    Permission.OWNER,
    Permission.PRIORITY,
    Permission.RW,
)
_CACHE_ATTR = "_helpdesk_grants"


def grants(user: User) -> dict[str, frozenset[int]]:
    """{permission: group ids} for an agent, from direct and role grants; cached on the user object."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    by_perm: dict[str, set[int]] = {p: set() for p in Permission.values}
    if user.is_active and user.is_agent:
        rows = GroupGrant.objects.filter(Q(user=user) | Q(role__users=user)).values_list("group_id", "permission")
        for group_id, perm in rows:
            by_perm[perm].add(group_id)
    result = {perm: frozenset(ids) for perm, ids in by_perm.items()}
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_grants(user: User) -> None:
    """Drop the cached grants, after they were changed during this user object's life."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def group_ids(user: User, perm: str) -> frozenset[int]:
    held = grants(user)
    ids = held[perm] | held[RW]
    if perm != RO and perm != RW:
        # Every specific right acts only where the agent can also see the queue.
        ids &= held[RO] | held[RW]
    return ids


def queues_for(user: User, perm: str = RO) -> QuerySet[Queue]:
    if not user.is_authenticated or not user.is_active:
        return Queue.objects.none()
    if user.is_helpdesk_admin:
        return Queue.objects.all()
    if user.is_customer:
        if perm == CREATE:
            return Queue.objects.filter(customer_selectable=True, is_active=True)
        return Queue.objects.none()
    return Queue.objects.filter(group_id__in=group_ids(user, perm))


def tickets_for(user: User, perm: str = RO) -> QuerySet[Ticket]:
    """The tickets `user` may act on with `perm`, as a queryset to filter further."""
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if user.is_helpdesk_admin:
        return Ticket.objects.all()
    if user.is_customer:
        if perm not in (RO, NOTE):
            return Ticket.objects.none()
        visible = Q(customer=user)
        if user.can_see_company_tickets and user.company_id:
            visible |= Q(company_id=user.company_id)
        return Ticket.objects.filter(visible)
    return Ticket.objects.filter(queue__group_id__in=group_ids(user, perm))


def can_in_queue(user: User, perm: str, queue: Queue) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_helpdesk_admin:
        return True
    if user.is_customer:
        return perm == CREATE and queue.customer_selectable and queue.is_active
    return queue.group_id in group_ids(user, perm)


def can(user: User, perm: str, ticket: Ticket) -> bool:
    """May `user` do `perm` on `ticket`? Answered without a query once grants are cached."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_customer:
        if perm not in (RO, NOTE):
            return False
        if ticket.customer_id == user.pk:
            return True
        return bool(user.can_see_company_tickets and user.company_id and ticket.company_id == user.company_id)
    return can_in_queue(user, perm, ticket.queue)


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
