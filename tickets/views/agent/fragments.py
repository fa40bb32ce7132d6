"""Parts of the list pages kept in the Django cache per agent (Redis, shared by every worker).

A list page drew, on every request, the queue tree with its open counts (one aggregate per
queue), the filter form (four choice lists read and ~400 <option>s written) and the bulk bar
(four more pickers): about a third of its time, for markup that changes a few times a day.
They are kept:

* the queue tree (the queues and their open counts): TREE_SECONDS, so a new or closed ticket
  shows in the counts within 10 s (the list itself is never cached);
* the filter form, for the same filter values, and the bulk bar: FORM_SECONDS;
* the rows of the zoom's choice lists that do not depend on the ticket's own data (the owner
  and responsible candidates of its queue, the queues to move to, categories, custom fields):
  FORM_SECONDS; the forms still validate a POST against the database.

The keys carry the agent, the language and the reference and panel versions
(`tickets.reference`): a queue renamed, a right granted or revoked, an agent, role, category,
tag, state or priority changed through the ORM bumps a version when its transaction commits, and
the next request of every process draws them again. Only markup and counts are cached: what a
form accepts is validated, and which tickets an agent sees is decided, on every request.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from accounts.models import User
from tickets import queries, reference
from tickets.templatetags.light_forms import light_form

TREE_SECONDS = 10
FORM_SECONDS = 60
IGNORED_PARAMS = ("page", "sort", "size")  # not shown by the filter form


def versions() -> str:
    """The reference and panel versions the keys carry (one cache read)."""
    return f"{reference.version()}.{reference.panel_version()}"


def key(name: str, user, *parts, at: str | None = None) -> str:
    digest = hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"agent-panel:{name}:{user.pk}:{get_language()}:{at or versions()}:{digest}"


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


def list_parts(user, open_ids: list[int], flt, params, bulk_form, pickers: AgentPickers) -> dict:
    """A list page's queue tree (`tree`), filter form for these filter values (`filter_form`, as
    light_form writes it) and bulk bar (`bulk_bar`): one cache read, the missing ones drawn and kept."""
    at = versions()
    values = sorted((k, params.getlist(k)) for k in params if k not in IGNORED_PARAMS)

    def filter_html() -> str:
        pickers.fill()
        return str(light_form(flt.form))

    def bulk_html() -> str:
        pickers.fill()
        return render_to_string("agent/fragments/bulk_bar.html", {"bulk_form": bulk_form})

    wanted = {
        "tree": (key("tree", user, at=at), TREE_SECONDS, lambda: queries.queue_tree(user, open_ids)),
        "filter_form": (key("filter", user, values, at=at), FORM_SECONDS, filter_html),
        "bulk_bar": (key("bulk", user, at=at), FORM_SECONDS, bulk_html),
    }
    kept = cache.get_many([k for k, _seconds, _build in wanted.values()])
    parts = {}
    for name, (k, seconds, build) in wanted.items():
        if k not in kept:
            kept[k] = build()
            cache.set(k, kept[k], seconds)
        parts[name] = kept[k]
    parts["filter_form"] = mark_safe(parts["filter_form"])  # noqa: S308 - light_form's output
    parts["bulk_bar"] = mark_safe(parts["bulk_bar"])  # noqa: S308 - a rendered template
    return parts


# The zoom's choice fields whose rows are kept: (form, field) -> does the list depend on the ticket's queue?
ZOOM_CHOICES = {
    ("owner", "owner"): True,
    ("responsible", "responsible"): True,
    ("move", "queue"): False,
    ("category", "category"): False,
    ("field", "field"): False,
}


def zoom_choices(user, ticket, forms: dict) -> None:
    """Hand each of the zoom's forms in ZOOM_CHOICES its kept rows (one cache read; the missing ones
    read from the database and kept)."""
    at = versions()
    fields = {}
    for (form_name, field_name), by_queue in ZOOM_CHOICES.items():
        if form_name in forms:
            k = key(f"choices-{form_name}", user, ticket.queue_id if by_queue else None, at=at)
            fields[k] = forms[form_name].fields[field_name]
    kept = cache.get_many(list(fields))
    missing = {}
    for k, field in fields.items():
        if k not in kept:
            kept[k] = missing[k] = list(field.queryset)
        reference.fill(field, kept[k])
    if missing:
        cache.set_many(missing, FORM_SECONDS)
