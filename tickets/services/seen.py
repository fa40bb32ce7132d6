"""What an agent's form showed of a ticket, so that only a change that collides is refused.

An article only adds to the thread: two agents replying at once both keep their reply. A
change of the state, the queue or the owner is refused only when that same field was changed
by someone else since the form was loaded, with a message naming the change, who made it and
what it was before, so that the agent can decide and apply theirs again.
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tickets.errors import ChangedMeanwhile
from tickets.models import Ticket

FIELDS = ("state", "queue", "owner")


@dataclass(frozen=True)
class Seen:
    state_id: int | None
    queue_id: int | None
    owner_id: int | None

    @classmethod
    def of(cls, ticket: Ticket) -> "Seen":
        return cls(ticket.state_id, ticket.queue_id, ticket.owner_id)

    def encode(self) -> str:
        """For a hidden form field: "state.queue.owner", the owner empty for nobody."""
        return ".".join("" if v is None else str(v) for v in (self.state_id, self.queue_id, self.owner_id))

    @classmethod
    def decode(cls, value: str) -> "Seen":
        parts = (value or "").split(".")
        if len(parts) != 3 or not all(p.isdigit() or p == "" for p in parts):
            raise ValueError(f"not a seen value: {value!r}")
        state, queue, owner = (int(p) if p else None for p in parts)
        return cls(state, queue, owner)


def check_unchanged(fresh: Ticket, seen: Seen | None, field: str) -> None:
    """Refuse when `field` of the locked row `fresh` differs from what the form showed."""
    if seen is None:
        return
    was = getattr(seen, f"{field}_id")
    if was == getattr(fresh, f"{field}_id"):
        return
    raise ChangedMeanwhile(describe_change(fresh, field, was))


def describe_change(fresh: Ticket, field: str, was_id: int | None) -> str:
    model_field = Ticket._meta.get_field(field)
    old = model_field.related_model.objects.filter(pk=was_id).first() if was_id is not None else None
    last = fresh.history.filter(field=field).select_related("actor").order_by("-created", "-id").first()
    who = last.actor.display_name() if last and last.actor else _("system")
    return _(
        "%(field)s was changed from “%(old)s” to “%(new)s” by %(who)s since you opened the form; "
        "your change was not applied."
    ) % {
        "field": capfirst(model_field.verbose_name),
        "old": _name(old),
        "new": _name(getattr(fresh, field)),
        "who": who,
    }


def _name(value) -> str:
    if value is None:
        return _("nobody")
    return value.display_name() if hasattr(value, "display_name") else str(value)
