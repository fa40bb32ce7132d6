"""Every change to a ticket goes through these functions.

Each runs in one transaction, locks the ticket row, checks the actor's rights
(`actor=None` is the trusted system: mail gateway, scheduled jobs), writes
TicketHistory and publishes an event after commit.
"""

from tickets.services.articles import add_article
from tickets.services.changes import (
    assign_owner,
    change_state,
    lock,
    move_queue,
    set_category,
    set_custom_field,
    set_priority,
    set_responsible,
    set_title,
    set_type,
    unlock,
)
from tickets.services.create import create_ticket
from tickets.services.followup import follow_up
from tickets.services.pending import auto_close
from tickets.services.rating import rate_ticket
from tickets.services.relations import link, merge, tag, unlink, untag, unwatch, watch
from tickets.services.reply import open_ticket, reply
from tickets.services.split import split_article_to_ticket
from tickets.services.time import account_time, add_time_entry, delete_time_entry, edit_time_entry

__all__ = [
    "account_time",
    "add_article",
    "add_time_entry",
    "assign_owner",
    "auto_close",
    "change_state",
    "create_ticket",
    "delete_time_entry",
    "edit_time_entry",
    "follow_up",
    "link",
    "lock",
    "merge",
    "move_queue",
    "open_ticket",
    "rate_ticket",
    "reply",
    "set_category",
    "set_custom_field",
    "set_priority",
    "set_responsible",
    "set_title",
    "set_type",
    "split_article_to_ticket",
    "tag",
    "unlink",
    "unlock",
    "untag",
    "unwatch",
    "watch",
]
