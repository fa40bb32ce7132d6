"""Copies kept on the ticket row for the lists: the customer's and the owner's username, the priority's
level (sort keys), and whether the state is an open one (`in_open_state`).

A list sorted by customer, owner or priority over all states made PostgreSQL join and sort every
visible ticket (0.4-1.9 s at a million tickets): no index on the tickets can order them by a
column of another table. The ticket now carries a copy of each (`customer_sort`, `owner_sort`,
`priority_level`), indexed with the id, so such a list reads an index in order and stops after
the page (tickets.queries.SORTS sorts by them). Likewise the lists of open tickets filter on
`in_open_state` rather than on the open states' ids, so that their partial `(updated, id)` index
serves them in order (the default list's last page, open tickets oldest first).

Who keeps them right:
* `Ticket.save()` fills the keys of what it saves: a service's `bump(ticket, "owner")` saves
  `owner_sort` too, a new ticket gets all three (tickets.models);
* this module's signals follow the rows they copy: a renamed user (the admin, a script), a
  priority given another level, a state given another type, a user about to be deleted (the
  tickets' keys are emptied with the foreign key). Each is one UPDATE of that user's, priority's
  or state's tickets, in the same transaction as the change.

Bulk `QuerySet.update()` of a ticket's customer, owner, priority or state bypasses both: set the
copy in the same update (as the bench loaders do).
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.signals import post_save, pre_delete

from tickets.catalog import OPEN_STATE_TYPES, Priority, State
from tickets.models import Ticket


def user_saved(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    if created or (update_fields is not None and "username" not in update_fields):
        return  # a login (last_login), a preference: not the name
    name = instance.username
    Ticket.objects.filter(customer=instance).exclude(customer_sort=name).update(customer_sort=name)
    Ticket.objects.filter(owner=instance).exclude(owner_sort=name).update(owner_sort=name)


def user_deleted(sender, instance, **kwargs) -> None:
    """The tickets' customer and owner become NULL with the user (SET_NULL): so do their keys."""
    Ticket.objects.filter(customer=instance).update(customer_sort=None)
    Ticket.objects.filter(owner=instance).update(owner_sort=None)


def priority_saved(sender, instance, created=False, **kwargs) -> None:
    if created:
        return
    level = instance.level
    Ticket.objects.filter(Q(priority=instance) & ~Q(priority_level=level)).update(priority_level=level)


def state_saved(sender, instance, created=False, **kwargs) -> None:
    if created:
        return
    is_open = instance.type in OPEN_STATE_TYPES
    Ticket.objects.filter(state=instance).exclude(in_open_state=is_open).update(in_open_state=is_open)


def connect() -> None:
    """Called from TicketsConfig.ready()."""
    user = get_user_model()
    post_save.connect(user_saved, sender=user, weak=False, dispatch_uid="tickets.sort_keys.user_saved")
    pre_delete.connect(user_deleted, sender=user, weak=False, dispatch_uid="tickets.sort_keys.user_deleted")
    post_save.connect(priority_saved, sender=Priority, weak=False, dispatch_uid="tickets.sort_keys.priority_saved")
    post_save.connect(state_saved, sender=State, weak=False, dispatch_uid="tickets.sort_keys.state_saved")
