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

`panel_version()` is a second number for what the agent panel's cached parts show besides
these rows (tickets/views/agent/fragments.py): queues, access groups, grants, roles and their
members, users, categories, tags and custom fields. Any save or delete of those through the ORM bumps it when
the transaction commits, so the cached parts keyed by it are rebuilt on the next request of every
process (it is read from the cache on each request, not kept per process).
"""

import threading
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.models import AccessGroup, Role, User
from tickets.catalog import OPEN_STATE_TYPES, Category, CustomField, Priority, State, StateType, Tag, TicketType
from tickets.permissions import GRANT_MODELS
from tickets.queues import Queue

VERSION_KEY = "tickets.reference.version"
PANEL_VERSION_KEY = "tickets.reference.panel_version"
PANEL_MODELS = (Queue, AccessGroup, *GRANT_MODELS, Role, User, Category, Tag, CustomField)
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
# Raised by every change seen in this process, at once (the shared versions move only on commit):
# keys built from version() / panel_version() change in this process before the commit too.
_local = {"reference": 0, "panel": 0}


def _shared_version(key: str = VERSION_KEY) -> int:
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
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
        _local["reference"] += 1


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


def version() -> str:
    """This process's copy of the reference rows: changes when the copy is dropped (a change, its age)."""
    _current()
    return f"{_copy.version}.{_copy.loaded}.{_local['reference']}"


def panel_version() -> str:
    """The shared number bumped whenever a row the agent panel's cached parts show changes (one cache read)."""
    return f"{_shared_version(PANEL_VERSION_KEY)}.{_local['panel']}"


def bump_panel() -> None:
    try:
        cache.incr(PANEL_VERSION_KEY)
    except ValueError:
        cache.set(PANEL_VERSION_KEY, int(time.time() * 1000), timeout=None)


def panel_changed(sender, **kwargs) -> None:
    """A queue, grant, role, agent, category or tag was saved or deleted: the panel's cached parts are rebuilt.

    Customers are saved all the time (mail from a new address) and no cached part shows them."""
    instance = kwargs.get("instance")
    if isinstance(instance, User) and not instance.is_agent and kwargs.get("signal") is not m2m_changed:
        return
    with _lock:
        _local["panel"] += 1
    transaction.on_commit(bump_panel, using=kwargs.get("using"))


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
    for model in PANEL_MODELS:
        for signal in (post_save, post_delete):
            uid = f"tickets.reference.panel.{model.__name__}.{signal}"
            signal.connect(panel_changed, sender=model, weak=False, dispatch_uid=uid)
    # An agent given or taken a role (User.roles, the admin's user page) sees other queues.
    uid = "tickets.reference.panel.roles"
    m2m_changed.connect(panel_changed, sender=User.roles.through, weak=False, dispatch_uid=uid)
