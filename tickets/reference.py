"""Reference data every agent page reads: states, priorities, ticket types. Cached per process.

A list page used to read the states three times (the open state ids, the filter's and the bulk
bar's choices) and the priorities twice; these rows change a few times a year, through the
admin. They are now read once per process and kept until they change:

* a save or delete of a State, Priority or TicketType (the admin, a migration, a script through
  the ORM) empties this process's copy at once and, when the transaction commits, bumps a
  version number in the Django cache (Redis when REDIS_URL is set, shared by all gunicorn
  workers and Celery);
* every process compares its copy's version with the cache's at most every CHECK_SECONDS,
  so another process's edit is seen within that time (one small cache read, no SQL);
* a copy is never older than MAX_AGE_SECONDS, whatever the version says (a change rolled back
  after this process read it, rows changed with raw SQL behind the ORM's back).

Without a shared cache (no REDIS_URL: the embedded development setup, one process) the local
memory cache holds the version and the rule is the same.

`fill(field, rows)` hands cached rows to a form's ModelChoiceField, so that its <select>
is written without a query (the light_form filter reads them; validation still queries).
"""

import threading
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from tickets.catalog import OPEN_STATE_TYPES, Priority, State, StateType, TicketType

VERSION_KEY = "tickets.reference.version"
CHECK_SECONDS = 2.0
MAX_AGE_SECONDS = 60.0
MODELS = (State, Priority, TicketType)


@dataclass
class _Copy:
    version: int | None = None
    checked: float = 0.0
    loaded: float = 0.0
    rows: dict = field(default_factory=dict)


_copy = _Copy()
_lock = threading.Lock()


def _shared_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _current() -> dict:
    """This process's rows, emptied when the shared version moved (checked every CHECK_SECONDS) or when old."""
    now = time.monotonic()
    if now - _copy.checked >= CHECK_SECONDS or _copy.version is None:
        version = _shared_version()
        with _lock:
            if version != _copy.version or now - _copy.loaded >= MAX_AGE_SECONDS:
                _copy.rows = {}
                _copy.version = version
                _copy.loaded = now
            _copy.checked = now
    return _copy.rows


def _cached(name: str, load):
    rows = _current()
    if name not in rows:
        rows[name] = load()
    return rows[name]


def forget() -> None:
    """Empty this process's copy (the next read loads the rows again)."""
    with _lock:
        _copy.rows = {}
        _copy.version = None


def bump() -> None:
    """Reference data changed: every process reloads it (this one at once, the others within CHECK_SECONDS)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not in the cache (evicted, or the first change ever)
        cache.set(VERSION_KEY, int(time.time() * 1000), timeout=None)
    forget()


def changed(sender, **kwargs) -> None:
    """A reference row was saved or deleted: forget it here now, tell every process once committed."""
    forget()
    transaction.on_commit(bump, using=kwargs.get("using"))


def states() -> list[State]:
    """All states, in their display order (active or not)."""
    return _cached("states", lambda: list(State.objects.order_by("order", "name")))


def open_state_ids() -> list[int]:
    """The ids of the open states (see queries.open_state_ids for why lists filter by ids)."""
    return [s.pk for s in states() if s.type in OPEN_STATE_TYPES]


def settable_states() -> list[State]:
    """What an agent may set: active states except "merged" (the state forms' and the bulk bar's choices)."""
    return [s for s in states() if s.is_active and s.type != StateType.MERGED]


def active_states() -> list[State]:
    return [s for s in states() if s.is_active]


def priorities() -> list[Priority]:
    return _cached("priorities", lambda: list(Priority.objects.order_by("level")))


def ticket_types() -> list[TicketType]:
    return _cached("types", lambda: list(TicketType.objects.order_by("name")))


def fill(form_field, rows: list) -> None:
    """Let `form_field` (a ModelChoiceField) show `rows` without a query; validating still reads the database."""
    queryset = form_field.queryset
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True


def connect() -> None:
    """Bump the version whenever a reference row is saved or deleted (called from TicketsConfig.ready)."""
    for model in MODELS:
        for signal in (post_save, post_delete):
            signal.connect(
                changed, sender=model, weak=False, dispatch_uid=f"tickets.reference.{model.__name__}.{signal}"
            )
