"""Parts of the list pages kept in the Django cache per agent (Redis, shared by every worker).

A list page drew, on every request, the queue tree with its open counts (one aggregate per
queue), the filter form (four choice lists read and ~400 <option>s written) and the bulk bar
(four more pickers): about a third of its time, for markup that changes a few times a day.
They are kept:

* the queue tree (the queues and their open counts): TREE_SECONDS, so a new or closed ticket
  shows in the counts within 10 s (the list itself is never cached);
* the filter form, for the same filter values, and the bulk bar: FORM_SECONDS.

The keys carry the agent, the language and the reference and panel versions
(`tickets.reference`): a queue renamed, a right granted or revoked, an agent, role, category,
tag, state or priority changed through the ORM bumps a version when its transaction commits, and
the next request of every process draws them again. Only markup and counts are cached: what a
form accepts is validated, and which tickets an agent sees is decided, on every request.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.models import User
from tickets import queries, reference
from tickets.templatetags.light_forms import light_form

TREE_SECONDS = 10
FORM_SECONDS = 60
IGNORED_PARAMS = ("page", "sort", "size")  # not shown by the filter form


def key(name: str, user, *parts) -> str:
    digest = hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()
    versions = f"{reference.version()}.{reference.panel_version()}"
    return f"agent-panel:{name}:{user.pk}:{get_language()}:{versions}:{digest}"


def cached(name: str, user, seconds: int, build, *parts):
    """The value kept under (name, agent, language, versions, parts), built and stored when missing."""
    k = key(name, user, *parts)
    value = cache.get(k)
    if value is None:
        value = build()
        cache.set(k, value, seconds)
    return value


def queue_tree(user, open_ids: list[int]) -> list[queries.QueueNode]:
    return cached("tree", user, TREE_SECONDS, lambda: queries.queue_tree(user, open_ids))


class AgentPickers:
    """The agent <select>s of the filter and the bulk bar: the agents are read once, only if one is drawn."""

    def __init__(self, *fields):
        self.fields = fields
        self.filled = False

    def fill(self) -> None:
        if not self.filled:
            agents = list(User.agents.filter(is_active=True))
            for field in self.fields:
                reference.fill(field, agents)
            self.filled = True


def filter_form(user, flt, params, pickers: AgentPickers) -> SafeString:
    """The list's filter form as light_form writes it, for these filter values."""
    values = sorted((k, params.getlist(k)) for k in params if k not in IGNORED_PARAMS)

    def build() -> str:
        pickers.fill()
        return str(light_form(flt.form))

    return mark_safe(cached("filter", user, FORM_SECONDS, build, values))  # noqa: S308 - light_form's output


def bulk_bar(user, bulk_form, pickers: AgentPickers) -> SafeString:
    """The bulk bar's action and value pickers (agent/fragments/bulk_bar.html)."""

    def build() -> str:
        pickers.fill()
        return render_to_string("agent/fragments/bulk_bar.html", {"bulk_form": bulk_form})

    return mark_safe(cached("bulk", user, FORM_SECONDS, build))  # noqa: S308 - a rendered template
