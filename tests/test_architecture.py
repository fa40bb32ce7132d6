"""The rules of the house that import-linter cannot see, read from the source with `ast`.

- Ticket-domain rows are written only in tickets/services/ (and the few places listed below).
- The grant tables are queried only in tickets/permissions.py.
- No function-local imports of our own packages (except in AppConfig.ready); no module imports
  another module's private (_underscore) names.

import-linter checks the layers (`make lint`, contracts in pyproject.toml); this file checks the rest.
"""

import ast
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings

from mailgateway import outbox, tasks

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("accounts", "faq", "helpdesk", "mailgateway", "reports", "tickets")

# --- the source tree ------------------------------------------------------------------------------


@dataclass
class Source:
    where: str  # path from the repository root, e.g. "tickets/views/agent/zoom.py"
    module: str  # "tickets.views.agent.zoom"
    is_package: bool
    tree: ast.Module

    @classmethod
    def of(cls, where: str, text: str) -> "Source":
        parts = where.removesuffix(".py").split("/")
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        return cls(where, module, is_package, ast.parse(text, filename=where))


def sources() -> list[Source]:
    """Every Python module of our apps and the project package, migrations left out."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found.append(Source.of(path.relative_to(ROOT).as_posix(), path.read_text()))
    return found


def absolute(node: ast.ImportFrom, source: Source) -> str:
    """The module an ImportFrom reads from, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = source.module.split(".")
    if not source.is_package:
        package = package[:-1]
    package = package[: len(package) - node.level + 1]
    return ".".join([*package, node.module] if node.module else package)


def imported_names(source: Source) -> dict[str, str]:
    """Local name -> dotted origin, for every `import` and `from ... import` in the module."""
    names = {}
    for node in ast.walk(source.tree):
        if isinstance(node, ast.ImportFrom):
            origin = absolute(node, source)
            for alias in node.names:
                names[alias.asname or alias.name] = f"{origin}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    names[alias.name.split(".")[0]] = alias.name.split(".")[0]
    return names


def dotted(node: ast.AST, names: dict[str, str]) -> str:
    """`models.Ticket` -> "tickets.models.Ticket" when `models` was imported from tickets."""
    if isinstance(node, ast.Name):
        return names.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value, names)}.{node.attr}"
    return ""


def chain(node: ast.AST) -> list[ast.AST]:
    """The receivers of a call chain, outermost first: `Ticket.objects.filter(x).all()` gives the
    nodes for `Ticket.objects.filter(x).all`, `Ticket.objects.filter`, `Ticket.objects`, `Ticket`."""
    nodes = []
    while isinstance(node, ast.Call | ast.Attribute | ast.Name | ast.Subscript):
        if isinstance(node, ast.Call):
            node = node.func
            continue
        nodes.append(node)
        if isinstance(node, ast.Name):
            break
        node = node.value
    return nodes


def over_allowance(found: list[str], pending: Counter) -> list[str]:
    """The findings ("path:line what") of every file with more of them than `pending` allows it."""
    per_file = Counter(line.split(":", 1)[0] for line in found)
    return [line for line in found if per_file[line.split(":", 1)[0]] > pending[line.split(":", 1)[0]]]


def stale_entries(found: list[str], pending: Counter) -> dict[str, int]:
    """Files that `pending` allows more findings than they have: the allowance must shrink."""
    per_file = Counter(line.split(":", 1)[0] for line in found)
    return {path: n for path, n in pending.items() if per_file[path] < n}


# --- 1. ticket-domain rows are written only by the services ----------------------------------------

WRITES = {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
RELATION_WRITES = WRITES | {"add", "remove", "set", "clear"}

# Written outside tickets/services/ on purpose.
WRITERS_ALLOWED = (
    "tickets/services/",  # the one way to change a ticket
    "tickets/numbers.py",  # the ticket-number counter row
    "tickets/storage.py",  # content-addressed file storage (StoredFile)
    "tickets/demo/",  # the demo loader, which fixes dates and history after the services ran
)
# Writes left when this test was written, with the number of places. queue_article stamps a Message-ID
# on an agent's email article after the service wrote it; once the `usecases` branch's reply and
# open-ticket services give the article its Message-ID when they write it, the coordinator empties this.
# A new write, or one more in a listed file, fails; so does an entry that is no longer needed.
WRITES_PENDING = Counter()
# Variables that hold another app's model of the same name as a ticket-domain one: the FAQ's own
# services write faq.Article rows (and their attachments), which the name alone would take for ours.
# Dotted references (tickets.models.Article.objects...) are still checked in these files.
OTHER_APPS_SAME_NAME = {"faq/services.py": {"article"}}


def ticket_domain_models() -> set[type]:
    """Ticket, and every model of the tickets app that points at a ticket or its articles (history,
    links, merges, custom field values, attachments), read from the app registry; plus the two tables
    only the domain writes (the number counter, stored files). The catalog that administrators edit
    (states, priorities, queues, canned responses ...) is not part of it."""
    ticket = apps.get_model("tickets", "Ticket")
    domain = {ticket}
    changed = True
    while changed:
        changed = False
        for model in apps.get_app_config("tickets").get_models():
            if model in domain:
                continue
            targets = {f.related_model for f in model._meta.get_fields() if f.is_relation and f.concrete}
            if targets & domain:
                domain.add(model)
                changed = True
    return domain | {apps.get_model("tickets", "TicketCounter"), apps.get_model("tickets", "StoredFile")}


def domain_names() -> tuple[set[str], set[str], set[str]]:
    """(dotted model paths, snake_case instance names, relation accessor names) of the domain."""
    models = ticket_domain_models()
    paths, instances, accessors = set(), set(), set()
    for model in models:
        # A model is importable from its own module and, re-exported, from tickets.models.
        paths |= {f"{model.__module__}.{model.__name__}", f"tickets.models.{model.__name__}"}
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in model.__name__).lstrip("_")
        instances |= {snake, model._meta.model_name}
        for field in model._meta.get_fields():
            if not field.is_relation or field.related_model is None:
                continue
            if field.concrete and field.many_to_many:
                accessors.add(field.name)  # ticket.tags.add(...), ticket.watchers.add(...)
            elif not field.concrete and field.related_model in models:
                accessors.add(field.get_accessor_name())  # ticket.articles.create(...)
    return paths, instances, accessors


def domain_writes(scanned: list[Source]) -> list[str]:
    paths, instances, accessors = domain_names()
    found = []
    for source in scanned:
        where = source.where
        if where.startswith(WRITERS_ALLOWED):
            continue
        names = imported_names(source)
        theirs = OTHER_APPS_SAME_NAME.get(where, set())
        for node in ast.walk(source.tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method, receiver = node.func.attr, node.func.value
            receivers = chain(receiver)
            if receivers and _name_of(receivers[-1]) in theirs:
                continue
            hit = False
            if method in WRITES and any(dotted(r, names) in paths for r in receivers):
                hit = True  # Ticket.objects.filter(...).update(...), models.Article.objects.create(...)
            elif method in RELATION_WRITES and any(getattr(r, "attr", "") in accessors for r in receivers[:3]):
                hit = True  # ticket.articles.create(...), ticket.tags.add(...), ticket.articles.all().delete()
            elif method in ("save", "delete") and _name_of(receiver) in instances:
                hit = True  # ticket.save(), self.article.delete()
            if hit:
                found.append(f"{where}:{node.lineno} {ast.unparse(node.func)}")
    return found


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def test_ticket_domain_rows_are_written_only_by_the_services():
    found = domain_writes(sources())
    new = over_allowance(found, WRITES_PENDING)
    assert not new, "Ticket-domain rows written outside tickets/services/ (call a service instead):\n" + "\n".join(new)
    stale = stale_entries(found, WRITES_PENDING)
    assert not stale, f"Fewer writes than WRITES_PENDING allows; shrink it: {stale}"


def test_the_write_check_knows_the_domain_models_and_catches_writes():
    """The check itself: it reads the models from the registry and finds each kind of write."""
    model_names = {m.__name__ for m in ticket_domain_models()}
    assert {"Ticket", "Article", "TicketHistory", "Attachment", "TicketLink", "TicketMerge"} <= model_names
    assert not {"State", "Queue", "Priority", "CannedResponse"} & model_names

    probe = Source.of(
        "tickets/views/probe.py",
        "from tickets.models import Ticket as T\n"
        "from tickets import models\n"
        "def f(ticket):\n"
        "    T.objects.filter(pk=1).update(title='x')\n"
        "    models.Article.objects.create(ticket=ticket)\n"
        "    ticket.save(update_fields=['title'])\n"
        "    ticket.tags.add(1)\n"
        "    ticket.articles.all().delete()\n"
        "    ticket.title.strip()\n",
    )
    found = domain_writes([probe])
    assert [line.split(" ", 1)[0].rsplit(":", 1)[1] for line in found] == ["4", "5", "6", "7", "8"]


# --- 2. the grant tables are queried only by the permission module ---------------------------------

GRANTS_ALLOWED = (
    "tickets/permissions.py",  # the one place
    "accounts/models.py",  # defines the tables
    "accounts/admin.py",  # edits them (inlines)
    "tickets/demo/",  # creates the demo's grants
)
GRANT_RELATIONS = {"group_grants", "grants"}  # User.group_grants, Role.grants (roles__grants), AccessGroup.grants

# Offenders still to move into tickets/permissions.py, each with the number of places (none left).
# A new offender, or one more place in a listed file, fails; so does an entry that is no longer needed.
GRANT_QUERIES_PENDING = Counter()


def grant_queries(scanned: list[Source]) -> list[str]:
    found = []
    for source in scanned:
        where = source.where
        if where.startswith(GRANTS_ALLOWED):
            continue
        names = imported_names(source)
        for node in ast.walk(source.tree):
            text = ""
            if isinstance(node, ast.Name) and names.get(node.id) == "accounts.models.GroupGrant":
                text = node.id
            elif isinstance(node, ast.Attribute) and dotted(node, names) == "accounts.models.GroupGrant":
                text = ast.unparse(node)
            elif isinstance(node, ast.Attribute) and node.attr in GRANT_RELATIONS:
                text = ast.unparse(node)  # user.group_grants.filter(...)
            elif isinstance(node, ast.Call):
                lookups = [k.arg for k in node.keywords if k.arg]
                lookups += [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                hits = [lookup for lookup in lookups if GRANT_RELATIONS & set(lookup.split("__"))]
                text = ", ".join(hits)  # .filter(group_grants__group_id=...), Q(roles__grants__...)
            if text:
                found.append(f"{where}:{node.lineno} {text}")
    return found


def test_grant_tables_are_queried_only_in_the_permission_module():
    found = grant_queries(sources())
    new = over_allowance(found, GRANT_QUERIES_PENDING)
    assert not new, "Grant tables queried outside tickets/permissions.py (add a selector there):\n" + "\n".join(new)
    stale = stale_entries(found, GRANT_QUERIES_PENDING)
    assert not stale, f"Fewer grant queries than GRANT_QUERIES_PENDING allows; shrink it: {stale}"


def test_the_grant_check_catches_a_new_query_in_a_file_not_listed():
    probe = Source.of(
        "tickets/views/probe.py",
        "from accounts.models import GroupGrant, User\n"
        "def f(group):\n"
        "    User.objects.filter(roles__grants__group=group)\n"
        "    return GroupGrant.objects.filter(group=group)\n",
    )
    found = grant_queries([probe])
    assert any(":3 roles__grants__group" in line for line in found)
    assert any(":4 GroupGrant" in line for line in found)


# --- 3. imports: at the top of the module, and only public names -----------------------------------

# A subprocess entry point that sets its resource limits before Django and WeasyPrint are loaded.
LOCAL_IMPORTS_ALLOWED = {("tickets/pdf_child.py", "main")}
# Function-local imports still to remove (none left); an entry no longer needed fails.
LOCAL_IMPORTS_PENDING: set[tuple[str, str]] = set()


def _is_ours(module: str) -> bool:
    return module.split(".")[0] in PACKAGES


def local_imports(scanned: list[Source]) -> list[tuple[str, str, int]]:
    found = []
    for source in scanned:
        for func in ast.walk(source.tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or func.name == "ready":
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom):
                    modules = [absolute(node, source)]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                else:
                    continue
                if any(_is_ours(m) for m in modules):
                    found.append((source.where, func.name, node.lineno))
    return found


def test_no_function_local_imports_of_our_packages():
    allowed = LOCAL_IMPORTS_ALLOWED | LOCAL_IMPORTS_PENDING
    everywhere = local_imports(sources())
    found = [f"{path}:{line} in {func}()" for path, func, line in everywhere if (path, func) not in allowed]
    assert not found, "Import at the top of the module (a cycle means a module is in the wrong layer):\n" + "\n".join(
        found
    )
    still_needed = {(path, func) for path, func, _line in everywhere}
    assert LOCAL_IMPORTS_PENDING <= still_needed, "An entry of LOCAL_IMPORTS_PENDING is no longer needed; remove it"


def test_no_module_imports_private_names_of_another():
    found = []
    for source in sources():
        here = source.module
        for node in ast.walk(source.tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            origin = absolute(node, source)
            if not _is_ours(origin):
                continue
            # A package's own private modules (tickets.services._base) are fine inside that package.
            private_module = next((p for p in origin.split(".") if p.startswith("_") and p != "__init__"), None)
            if private_module and not here.startswith(origin.split("." + private_module)[0] + "."):
                found.append(f"{source.where}:{node.lineno} from {origin}")
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{source.where}:{node.lineno} from {origin} import {alias.name}")
    assert not found, "Private names imported across modules (make them public):\n" + "\n".join(found)


def test_the_outbox_names_the_registered_send_task():
    """outbox.py sits below tasks.py, so it names the task instead of importing it; the name must be right."""
    assert outbox.SEND_TASK == tasks.send_outgoing.name


def test_no_template_comment_spans_lines():
    """`{# ... #}` is a one-line comment in Django: spread over lines, it is printed on the page as text
    (the zoom's action sections once showed one under each title). Longer notes use {% comment %}."""
    spread = []
    for template in sorted(ROOT.glob("**/templates/**/*.html")):
        if ".venv" in template.parts:
            continue
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if line.count("{#") != line.count("#}"):
                spread.append(f"{template.relative_to(ROOT)}:{number}")
    assert spread == []
