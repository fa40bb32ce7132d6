"""Agent and customer panels on a large database: time, SQL statements and memory per page.

    .venv/bin/python bench/panels.py                  # 1,000,000 tickets in a throwaway PostgreSQL
    .venv/bin/python bench/panels.py -n 100000 --runs 5 -k queue   # smaller, only cases matching "queue"
    DATABASE_URL=postgres://... .venv/bin/python bench/panels.py --keep   # load once, measure again later

The data is generated with set-based SQL (INSERT ... SELECT FROM generate_series), the
pages are requested through django.test.Client, so middleware, sessions, permission
filtering and templates are all included. Not part of the test suite. See bench/README.md.
"""

import argparse
import gc
import math
import statistics
import sys
import tempfile
import time
import warnings
from contextlib import ExitStack
from dataclasses import dataclass

from _setup import peak_rss_mb, run_phases, setup_django, vacuum_analyze

try:
    import _search_data as search_data  # the ticket search's documents and cases, where the search exists
except ImportError:
    search_data = None

DAYS = 3 * 365
AGENTS = 50  # non-administrator agents who own tickets
RECENT_DAYS = 30  # a ticket created in the last month is open with OPEN_RECENT, an older one with OPEN_OLD
OPEN_RECENT, OPEN_OLD = 0.25, 0.002  # times the queue's OPEN_FACTOR
# How long tickets stay open differs per queue: the 2nd level and IT keep a backlog, the postmaster
# queue (spam, bounces) is cleared at once.
OPEN_FACTOR = {
    "1st level": 0.8, "2nd level": 2.5, "IT": 1.8, "Facilities": 1.4, "Postmaster": 0.2, "HR": 1.2, "Sales": 1.0,
    "Billing": 1.0,
}  # fmt: skip
ARTICLES_MIN, ARTICLES_SPREAD = 3, 5  # a ticket past "new" has 3..7 articles (5 on average); a new one has 1
LONG_THREAD = 500
PLACES = [
    "Berlin office", "Prague office", "Warsaw office", "Moscow office", "head office", "warehouse", "floor 3",
    "reception", "home office", "sales team", "accounting", "shop 12", "lab", "call centre", "board room", "branch 7",
]  # fmt: skip
SEP = " – "  # between the scenario title and the place; split_part() finds the scenario again
FIRST_NAMES = ["Anna", "Boris", "Clara", "David", "Eva", "Filip", "Greta", "Hugo", "Irena", "Jan", "Karel", "Lena"]
LAST_NAMES = ["Novak", "Smith", "Kowalski", "Ivanov", "Dvorak", "Muller", "Brown", "Nowak", "Petrov", "Horak"]
QUEUE_WEIGHTS = {
    "1st level": 35, "2nd level": 12, "IT": 18, "Facilities": 8, "Postmaster": 4, "HR": 5, "Sales": 8, "Billing": 10,
}  # fmt: skip
OPEN_STATE_WEIGHTS = {
    "new": 20, "open": 35, "waiting for customer": 20, "waiting for us": 10, "pending reminder": 10,
    "pending auto close+": 5,
}  # fmt: skip
CLOSED_STATE_WEIGHTS = {"closed successful": 85, "closed unsuccessful": 12, "rejected as spam": 2, "merged": 1}
PRIORITY_WEIGHTS = {1: 3, 2: 10, 3: 70, 4: 12, 5: 5}


def customer_name(idx: int) -> str:
    return f"bench-c{idx:05d}"


def company_name(idx: int) -> str:
    return f"Bench company {idx:04d}"


def pick(r: str, weights: dict[int, float]) -> str:
    """SQL choosing one of the integer keys of `weights` by the uniform random column `r`."""
    items = list(weights.items())
    total = sum(weights.values())
    parts, acc = [], 0.0
    for value, weight in items[:-1]:
        acc += weight / total
        parts.append(f"WHEN {r} < {acc:.6f} THEN {int(value)}")
    return f"(CASE {' '.join(parts)} ELSE {int(items[-1][0])} END)"


def luhn_sql(body: str, length: int) -> str:
    """SQL for the Luhn check digit of the `length`-digit text `body` (tickets.numbers.check_digit)."""
    terms = []
    for i in range(length):  # i-th digit from the right; even positions are doubled
        digit = f"substr({body}, {length - i}, 1)::int"
        terms.append(f"(2 * {digit} - CASE WHEN {digit} > 4 THEN 9 ELSE 0 END)" if i % 2 == 0 else digit)
    return f"((10 - ({' + '.join(terms)}) %% 10) %% 10)::text"


def texts():
    """Titles, first messages, agent answers and notes of the demo scenarios, in four languages, same order."""
    from tickets.demo.texts import BY_LANGUAGE

    titles, bodies, answers, notes = [], [], [], []
    assert len({len(module.SCENARIOS) for module in BY_LANGUAGE.values()}) == 1, "as many scenarios in each language"
    for module in BY_LANGUAGE.values():
        for n, (title, body, answer) in enumerate(module.SCENARIOS.values()):
            titles.append(title)
            bodies.append(body)
            answers.append(f"{answer}\n\n{module.SIGN_OFF}")
            notes.append(module.NOTES[n % len(module.NOTES)])
    return titles, bodies, answers, notes


def conversation_texts() -> dict[str, list[str]]:
    """The customers' follow-ups and thanks, the agents' later replies and notes: per language, flattened.

    Each list holds the same number of texts per language, in BY_LANGUAGE order, so the SQL picks
    text `j` of language `l` as element `l * per_language + j + 1`.
    """
    from tickets.demo.texts import BY_LANGUAGE

    out = {"follow_ups": [], "thanks": [], "replies": [], "notes": []}
    for module in BY_LANGUAGE.values():
        out["follow_ups"] += module.FOLLOW_UPS
        out["thanks"] += module.THANKS
        out["replies"] += [f"{text}\n\n{module.SIGN_OFF}" for text in module.AGENT_REPLIES]
        out["notes"] += module.NOTES
    for name, values in out.items():
        assert len(values) % len(BY_LANGUAGE) == 0, f"as many {name} in each language"
    return out


# --- data ---------------------------------------------------------------------------------------


def ensure_people(customers: int):
    """Demo queues, groups, roles and agents (through the ORM), an 8th queue, 50 agents, companies and customers."""
    from django.db import connection

    from accounts.models import AccessGroup, GroupGrant, Role, User
    from tickets.demo.setup import ROLES, demo_password_hash, ensure_reference_data
    from tickets.models import Queue

    cast = ensure_reference_data()
    billing = AccessGroup.objects.get_or_create(name="Billing")[0]
    GroupGrant.objects.get_or_create(role=Role.objects.get(name="managers"), group=billing, permission="rw")
    GroupGrant.objects.get_or_create(role=Role.objects.get(name="Sales"), group=billing, permission="rw")
    Queue.objects.get_or_create(
        name="Billing", defaults={"group": billing, "email_addresses": "billing@demo.helpdesk.test"}
    )
    roles = [Role.objects.get(name=name) for name in ROLES if name != "managers"]
    demo_agents = [a for a in cast.agents.values() if not a.is_superuser]
    for n in range(AGENTS - len(demo_agents)):
        user = User.objects.create(
            username=f"bench-a{n:02d}", kind=User.Kind.AGENT, first_name=FIRST_NAMES[n % 12],
            last_name=LAST_NAMES[n % 10], email=f"bench-a{n:02d}@demo.helpdesk.test", password=demo_password_hash(),
        )  # fmt: skip
        user.roles.add(roles[n % len(roles)], roles[(n * 3 + 1) % len(roles)])

    companies = max(1, customers // 10)
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO accounts_company (name, email_domains, notes, is_active)
            SELECT 'Bench company ' || lpad(c::text, 4, '0'), 'bench' || c || '.example', '', true
            FROM generate_series(0, %(companies)s - 1) c
            """,
            {"companies": companies},
        )
        # Customer i works at company i / 10; every fifth sees the company's tickets.
        cur.execute(
            """
            INSERT INTO accounts_user (
                password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                date_joined, kind, language, timezone, phone, company_id, can_see_company_tickets, signature,
                notify_new_ticket, notify_follow_up, notify_assigned, notify_reminder, play_sound,
                desktop_notifications)
            SELECT %(password)s, NULL, false, 'bench-c' || lpad(i::text, 5, '0'),
                   (%(first)s::text[])[1 + i %% 12], (%(last)s::text[])[1 + (i / 12) %% 10],
                   'bench-c' || i || '@bench' || (i / 10) || '.example', false, true, now() - interval '3 years',
                   'customer', 'en', 'UTC', '', co.id, i %% 5 = 0, '', true, true, true, true, true, true
            FROM generate_series(0, %(customers)s - 1) i
            JOIN accounts_company co ON co.name = 'Bench company ' || lpad((i / 10)::text, 4, '0')
            """,
            {"password": demo_password_hash(), "first": FIRST_NAMES, "last": LAST_NAMES, "customers": customers},
        )
        cur.execute(
            """
            CREATE TEMP TABLE bench_customer AS
            SELECT substr(username, 8)::int AS idx, id AS user_id, company_id, email
            FROM accounts_user WHERE username LIKE 'bench-c%%';
            ALTER TABLE bench_customer ADD PRIMARY KEY (idx);
            """
        )


def load_tickets(count: int, customers: int, seed: float) -> None:
    """`count` tickets over three years: most closed, the last month's about a quarter open (more in the
    queues that keep a backlog, OPEN_FACTOR); skewed customers."""
    from django.conf import settings
    from django.db import connection

    from accounts.models import User
    from tickets.demo.texts import BY_LANGUAGE
    from tickets.models import Priority, Queue, State, TicketType

    queues = {q.name: q.pk for q in Queue.objects.all()}
    states = {s.name: s for s in State.objects.all()}
    priorities = {p.level: p.pk for p in Priority.objects.all()}
    types = list(TicketType.objects.order_by("pk").values_list("pk", flat=True))
    agents = list(
        User.agents.filter(is_superuser=False).exclude(username="manager").order_by("pk").values_list("pk", flat=True)
    )
    pending = ",".join(str(s.pk) for s in states.values() if s.is_pending)
    new = ",".join(str(s.pk) for s in states.values() if s.type == "new")
    titles = texts()[0]
    languages = len(BY_LANGUAGE)  # six customers in ten write in English, the others in one of the rest
    prefix_len = 8 + len(settings.HELPDESK_SYSTEM_ID) + 5
    open_state = pick("r_state", {states[name].pk: w for name, w in OPEN_STATE_WEIGHTS.items()})
    closed_state = pick("r_state", {states[name].pk: w for name, w in CLOSED_STATE_WEIGHTS.items()})
    factors = " ".join(f"WHEN {queues[name]} THEN {factor}" for name, factor in OPEN_FACTOR.items())
    open_factor = f"(CASE queue_id {factors} ELSE 1 END)"
    sql = f"""
        INSERT INTO tickets_ticket (
            number, title, queue_id, state_id, priority_id, type_id, category_id, customer_id, company_id, owner_id,
            is_locked, locked_at, escalation_at, pending_until, created, updated, first_response_at, closed_at,
            time_accounted, version, customer_sort, owner_sort, priority_level, in_open_state, channel)
        WITH g AS (
            SELECT g, now() - %(days)s * interval '1 day' * (1 - g::float8 / %(count)s)
                       - random() * interval '30 minutes' AS created,
                   random() AS r_open, random() AS r_state, random() AS r_queue, random() AS r_prio,
                   random() AS r_owner, random() AS r_cust, random() AS r_upd, random() AS r_title,
                   random() AS r_place, random() AS r_type, random() AS r_lock
            FROM generate_series(1, %(count)s) g
        ), q AS (
            SELECT *, {pick("r_queue", {queues[name]: w for name, w in QUEUE_WEIGHTS.items()})} AS queue_id FROM g
        ), s AS (
            SELECT *, r_open < CASE WHEN created > now() - interval '{RECENT_DAYS} days'
                                    THEN {OPEN_RECENT} ELSE {OPEN_OLD} END * {open_factor} AS is_open
            FROM q
        ), t AS (
            SELECT s.*, c.user_id, c.company_id, c.idx,
                   CASE WHEN is_open THEN {open_state} ELSE {closed_state} END AS state_id,
                   CASE WHEN is_open THEN created + r_upd * (now() - created)
                        ELSE least(now(), created + r_upd * r_upd * interval '14 days') END AS updated,
                   CASE WHEN r_owner < CASE WHEN is_open THEN 0.6 ELSE 0.9 END
                        THEN (%(agents)s::bigint[])[
                            1 + floor(r_owner / CASE WHEN is_open THEN 0.6 ELSE 0.9 END * %(nagents)s)::int]
                   END AS owner_id,
                   to_char(created, 'YYYYMMDD') || %(system_id)s
                       || lpad((row_number() OVER (PARTITION BY created::date ORDER BY g))::text, 5, '0') AS body
            FROM s JOIN bench_customer c ON c.idx = floor(%(customers)s * r_cust * r_cust)::int
        )
        SELECT body || {luhn_sql("body", prefix_len)},
               (%(titles)s::text[])[1 + (idx %% 10 / 6) * (1 + idx %% (%(nlang)s - 1)) * %(nscen)s
                                    + floor(r_title * %(nscen)s)::int]
                   || %(sep)s || (%(places)s::text[])[1 + floor(r_place * %(nplaces)s)::int],
               queue_id,
               state_id,
               {pick("r_prio", {priorities[level]: w for level, w in PRIORITY_WEIGHTS.items()})},
               CASE WHEN r_type < 0.7 THEN (%(types)s::bigint[])[1 + floor(r_type / 0.7 * %(ntypes)s)::int] END,
               NULL, user_id, company_id, owner_id,
               is_open AND owner_id IS NOT NULL AND r_lock < 0.15,
               CASE WHEN is_open AND owner_id IS NOT NULL AND r_lock < 0.15 THEN updated END,
               CASE WHEN is_open AND state_id NOT IN ({pending}) THEN created + interval '1 day' END,
               CASE WHEN state_id IN ({pending}) THEN updated + (r_lock * 10 - 3) * interval '1 day' END,
               created, updated,
               CASE WHEN state_id NOT IN ({new}) THEN created + r_prio * interval '6 hours' END,
               CASE WHEN NOT is_open THEN updated END,
               0, 1,
               'bench-c' || lpad(idx::text, 5, '0'),
               (SELECT username FROM accounts_user WHERE id = owner_id),
               {pick("r_prio", dict(PRIORITY_WEIGHTS))},
               is_open,
               ''  -- channel: the panels do not show it; bench/reports.py sets it
        FROM t ORDER BY g
    """
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(%s)", [seed])
        cur.execute(
            sql,
            {
                "days": DAYS, "count": count, "customers": customers, "agents": agents, "nagents": len(agents),
                "system_id": settings.HELPDESK_SYSTEM_ID, "titles": titles, "sep": SEP, "places": PLACES,
                "nplaces": len(PLACES), "types": types, "ntypes": len(types), "nlang": languages,
                "nscen": len(titles) // languages,
            },
        )  # fmt: skip


def load_articles() -> None:
    """A conversation per ticket: one article for a new ticket, 3-7 (five on average) for the others.

    The customer's question, the agent's answer, then the customer's follow-ups (thanks as the last
    message of a closed ticket) alternating with agents' replies and internal notes, each in the
    ticket's language, spread between the ticket's creation and its last update.
    """
    from django.db import connection

    from accounts.models import User
    from tickets.demo.texts import BY_LANGUAGE
    from tickets.models import State

    titles, bodies, answers, _ = texts()
    more = conversation_texts()
    nlang = len(BY_LANGUAGE)
    new = ",".join(str(pk) for pk in State.objects.filter(type="new").values_list("pk", flat=True))
    customer_kind = "art_kind IN ('question', 'follow_up', 'thanks')"
    sql = f"""
        INSERT INTO tickets_article (
            ticket_id, channel, sender_type, is_visible_to_customer, author_id, from_address, to_addresses,
            cc_addresses, subject, body_text, body_html, message_id, in_reply_to, "references", raw_message_id,
            time_accounted, created)
        SELECT t.id,
               CASE WHEN art_kind = 'note' THEN 'note' ELSE 'email' END,
               CASE WHEN {customer_kind} THEN 'customer' ELSE 'agent' END,
               art_kind <> 'note',
               CASE WHEN {customer_kind} THEN t.customer_id
                    ELSE coalesce(t.owner_id, (%(agents)s::bigint[])[1 + (t.id + k) %% %(nagents)s]) END,
               CASE WHEN art_kind = 'note' THEN '' WHEN {customer_kind} THEN u.email
                    ELSE split_part(q.email_addresses, ',', 1) END,
               CASE WHEN art_kind = 'note' THEN '' WHEN {customer_kind} THEN split_part(q.email_addresses, ',', 1)
                    ELSE u.email END,
               '',
               CASE WHEN k = 1 THEN t.title WHEN art_kind = 'note' THEN ''
                    ELSE 'Re: [Ticket#' || t.number || '] ' || t.title END,
               CASE art_kind
                    WHEN 'question' THEN (%(bodies)s::text[])[sid]
                    WHEN 'answer' THEN (%(answers)s::text[])[sid] || E'\\n\\nOn ' || to_char(t.created, 'YYYY-MM-DD')
                                       || ' ' || u.email || E' wrote:\\n> '
                                       || replace((%(bodies)s::text[])[sid], E'\\n', E'\\n> ')
                    WHEN 'follow_up'
                        THEN (%(follow_ups)s::text[])[lang * %(nfollow_ups)s + (t.id + k) %% %(nfollow_ups)s + 1]
                    WHEN 'thanks' THEN (%(thanks)s::text[])[lang * %(nthanks)s + t.id %% %(nthanks)s + 1]
                    WHEN 'reply' THEN (%(replies)s::text[])[lang * %(nreplies)s + (t.id + k) %% %(nreplies)s + 1]
                    ELSE (%(notes)s::text[])[lang * %(nnotes)s + (t.id + k) %% %(nnotes)s + 1] END,
               '',
               CASE WHEN art_kind = 'note' THEN '' ELSE '<bench-' || t.id || '-' || k || '@bench.example>' END,
               CASE WHEN k = 1 OR art_kind = 'note' THEN '' ELSE '<bench-' || t.id || '-1@bench.example>' END,
               '', NULL,
               CASE WHEN art_kind = 'note' THEN 15 ELSE 0 END,
               CASE WHEN k = 1 THEN t.created ELSE t.created + (t.updated - t.created) * ((k - 1)::float8 / (n - 1)) END
        FROM (SELECT t.*, sid, (sid - 1) / %(nscen)s AS lang,
                     CASE WHEN t.state_id IN ({new}) THEN 1
                          ELSE {ARTICLES_MIN} + (t.id * 7) %% {ARTICLES_SPREAD} END AS n
              FROM tickets_ticket t,
                   coalesce(array_position(%(titles)s::text[], split_part(t.title, %(sep)s, 1)), 1) sid) t
        JOIN accounts_user u ON u.id = t.customer_id
        JOIN tickets_queue q ON q.id = t.queue_id
        CROSS JOIN LATERAL (
            SELECT k, CASE WHEN k = 1 THEN 'question' WHEN k = 2 THEN 'answer'
                           WHEN k %% 2 = 1 AND k = n AND t.closed_at IS NOT NULL THEN 'thanks'
                           WHEN k %% 2 = 1 THEN 'follow_up'
                           WHEN (t.id + k) %% 3 = 0 THEN 'note' ELSE 'reply' END AS art_kind
            FROM generate_series(1, n) k
        ) a
        ORDER BY t.id, k
    """
    agents = list(User.agents.filter(is_superuser=False).order_by("pk").values_list("pk", flat=True))
    with connection.cursor() as cur:
        cur.execute(
            sql,
            {
                "agents": agents, "nagents": len(agents), "titles": titles, "bodies": bodies, "answers": answers,
                "sep": SEP, "nscen": len(titles) // nlang,
                **more, **{f"n{name}": len(values) // nlang for name, values in more.items()},
            },
        )  # fmt: skip


def load_long_thread(customers: int) -> None:
    """One open ticket in "1st level" with LONG_THREAD articles (a third of them HTML) and 200 history rows."""
    from django.db import connection

    from accounts.models import User
    from tickets.models import Article, Queue, Ticket, TicketHistory

    customer = User.objects.get(username=customer_name(customers // 3))
    ticket = Ticket.objects.open().filter(queue=Queue.objects.get(name="1st level")).order_by("-id").first()
    Article.objects.filter(ticket=ticket).delete()
    Ticket.objects.filter(pk=ticket.pk).update(
        customer=customer,
        company=customer.company,
        customer_sort=customer.username,
        title="Invoices are sent twice – the long thread",
    )
    agent = User.objects.get(username="agent")
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO tickets_article (
                ticket_id, channel, sender_type, is_visible_to_customer, author_id, from_address, to_addresses,
                cc_addresses, subject, body_text, body_html, message_id, in_reply_to, "references", raw_message_id,
                time_accounted, created)
            SELECT %(ticket)s, CASE WHEN k %% 7 = 0 THEN 'note' ELSE 'email' END,
                   CASE WHEN k %% 2 = 1 THEN 'customer' ELSE 'agent' END, k %% 7 <> 0,
                   CASE WHEN k %% 2 = 1 THEN %(customer)s ELSE %(agent)s END, '', '', '',
                   'Re: invoices are sent twice (' || k || ')',
                   'Message ' || k || E' of the thread.\\n\\n' || repeat('The invoice run sent the same invoice '
                       || 'twice again; the customer forwarded both copies. ', 1 + k %% 4)
                       || E'\\n\\nOn Monday they wrote:\\n> the previous message\\n> quoted in full',
                   CASE WHEN k %% 3 = 0 THEN '<p>Message ' || k || ' with <b>HTML</b>.</p><ul><li>one</li>'
                       || '<li>two</li></ul><blockquote><p>the previous message, quoted</p></blockquote>' ELSE '' END,
                   '<bench-long-' || lpad(k::text, 4, '0') || '@bench.example>', '', '', NULL, 0,
                   now() - interval '60 days' + k * interval '2 hours'
            FROM generate_series(1, %(count)s) k
            """,
            {"ticket": ticket.pk, "customer": customer.pk, "agent": agent.pk, "count": LONG_THREAD},
        )
    TicketHistory.objects.bulk_create(
        TicketHistory(ticket=ticket, event="state", actor=agent, field="state", old_value="open", new_value="open")
        for _ in range(200)
    )


def load_extras(agent) -> None:
    """The bench agent watches 20 open tickets and has locked 10 (the dashboard's lists are not empty)."""
    from tickets import permissions as perms
    from tickets.models import Ticket

    mine = list(perms.tickets_for(agent).open().order_by("-id").values_list("pk", flat=True)[:30])
    Ticket.watchers.through.objects.bulk_create(
        Ticket.watchers.through(ticket_id=pk, user_id=agent.pk) for pk in mine[:20]
    )
    Ticket.objects.filter(pk__in=mine[20:]).update(owner=agent, owner_sort=agent.username, is_locked=True)


def generate(count: int, seed: float) -> dict[str, float]:
    from django.db import connection

    from accounts.models import User

    customers = min(20_000, max(100, count // 50))
    phases = run_phases(
        (
            ("users", lambda: ensure_people(customers)),
            ("tickets", lambda: load_tickets(count, customers, seed)),
            ("articles", load_articles),
            ("long thread", lambda: load_long_thread(customers)),
            ("extras", lambda: load_extras(User.objects.get(username="agent"))),
        )
    )
    if search_data is not None:  # the ticket search's documents (bench/_search_data.py)
        with connection.cursor() as cur:
            phases["search documents"] = search_data.fill(cur)
        print(f"  {'search docs':<12} {phases['search documents']:7.1f} s", flush=True)
    run_phases((("vacuum analyze", vacuum_analyze),), phases)
    return phases


def drop_generated() -> None:
    """Remove what generate() added to an existing database (the demo reference data stays)."""
    from django.db import connection

    from accounts.models import Company, User

    with connection.cursor() as cur:
        cur.execute(
            """
            CREATE TEMP TABLE bench_ticket AS
                SELECT t.id FROM tickets_ticket t JOIN accounts_user u ON u.id = t.customer_id
                WHERE u.username LIKE 'bench-c%%';
            DELETE FROM search_document WHERE kind = 'ticket' AND parent_id IN (SELECT id FROM bench_ticket);
            DELETE FROM tickets_article WHERE ticket_id IN (SELECT id FROM bench_ticket);
            DELETE FROM tickets_tickethistory WHERE ticket_id IN (SELECT id FROM bench_ticket);
            DELETE FROM tickets_ticket_watchers WHERE ticket_id IN (SELECT id FROM bench_ticket);
            DELETE FROM tickets_ticket WHERE id IN (SELECT id FROM bench_ticket);
            DROP TABLE bench_ticket;
            """
        )
    User.objects.filter(username__startswith="bench-").delete()
    Company.objects.filter(name__startswith="Bench company ").delete()


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    who: str  # a key of the users cases() returns: "agent", "manager", "hr", "customer", "thread-customer"
    url: str
    expect: str = ""  # text the page must contain, so that a fast wrong answer is noticed


@dataclass
class Result:
    case: Case
    times: list[float]
    queries: int
    sql_ms: float
    size_kb: float
    rss_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


def cases() -> tuple[list[Case], dict]:
    from accounts.models import User
    from tickets import permissions as perms
    from tickets.models import Article, Queue, State
    from tickets.queries import SORTS

    agent = User.objects.get(username="agent")
    customers = User.customers.filter(username__startswith="bench-c").count()
    panel_customer = User.objects.get(username=customer_name(5))
    if not panel_customer.can_see_company_tickets:
        User.objects.filter(pk=panel_customer.pk).update(can_see_company_tickets=True)
    long_ticket = Article.objects.get(message_id="<bench-long-0001@bench.example>").ticket
    seen = perms.tickets_for(agent)
    middle = User.objects.get(username=customer_name(customers // 2))
    normal = seen.closed().filter(company=middle.company).order_by("-id").first() or seen.closed().last()
    open_one = seen.open().exclude(pk=long_ticket.pk).order_by("id").first() or long_ticket
    big = seen.filter(company=panel_customer.company).order_by("-id").first() or normal
    queue = Queue.objects.get(name="1st level")
    open_state = State.objects.get(name="open")
    cap_page = 10_000 // 25
    company_pages = max(1, math.ceil(perms.tickets_for(panel_customer).count() / 20))
    list_ = [
        Case("dashboard", "agent", "/agent/", "Dashboard"),
        Case("queues: all mine, open, page 1", "agent", "/agent/queues/", "Page 1 of"),
        Case("queues: all mine, open, last page", "agent", "/agent/queues/?page=100000", "Showing"),
        Case("queues: all mine, status=all, page 1", "agent", "/agent/queues/?status=all", "Page 1 of"),
        Case(
            f"queues: status=all, page {cap_page} (cap)",
            "agent",
            f"/agent/queues/?status=all&page={cap_page}",
            f"Page {cap_page} of {cap_page}",
        ),  # fmt: skip
        Case("queue 1st level, open", "agent", f"/agent/queues/{queue.pk}/", "Page 1 of"),
        Case("queue 1st level, state=open", "agent", f"/agent/queues/{queue.pk}/?state={open_state.pk}", "Page 1"),
        Case("queue 1st level, status=all", "agent", f"/agent/queues/{queue.pk}/?status=all", "Page 1"),
    ]
    for key in SORTS:
        list_.append(Case(f"queues: open, sort={key}", "agent", f"/agent/queues/?sort={key}", "Page 1"))
    for key in ("title", "customer", "priority", "created", "-number"):
        list_.append(Case(f"queues: all, sort={key}", "agent", f"/agent/queues/?status=all&sort={key}", "Page 1"))
    by_customer = f"/agent/queues/?customer={normal.customer.username}&status=all"
    by_company = f"/agent/queues/?company={panel_customer.company.name}&status=all"
    company_all = "/customer/?scope=company&status=all"
    list_ += [
        Case("filter q=printer (title), open", "agent", "/agent/queues/?q=printer", "Page 1"),
        Case("filter q=printer (title), all", "agent", "/agent/queues/?q=printer&status=all", "Page 1"),
        Case("filter customer=<username>, all", "agent", by_customer, "Page 1"),
        Case("filter company, all", "agent", by_company, "Page 1"),
        Case("quick search: open ticket number", "agent", f"/agent/queues/?q={open_one.number}", open_one.number),
        Case("navbar search: a number opens the ticket (302)", "agent",
             f"/agent/queues/?jump=1&status=all&q={normal.number}", ""),
        Case("quick search: closed number, all", "agent", f"/agent/queues/?q={normal.number}&status=all",
             normal.number),
        Case("zoom: normal ticket", "agent", f"/agent/tickets/{normal.pk}/", normal.number),
        Case("zoom: ticket of the biggest company", "agent", f"/agent/tickets/{big.pk}/", big.number),
        Case(f"zoom: {LONG_THREAD}-article ticket", "agent", f"/agent/tickets/{long_ticket.pk}/",
             "Show earlier articles"),
        Case("customer: my open requests", "customer", "/customer/", "My requests"),
        Case("customer: company, all, page 1", "customer", company_all, "Page 1 of"),
        Case("customer: company, all, last page", "customer", f"{company_all}&page={company_pages}",
             f"Page {company_pages} of"),
        Case("customer: company, search 'printer'", "customer", f"{company_all}&q=printer", ""),
        Case(f"customer: {LONG_THREAD}-article ticket", "thread-customer", f"/customer/tickets/{long_ticket.pk}/",
             long_ticket.number),
    ]  # fmt: skip
    # Agents with other rights: a manager sees all eight queues, the HR agent one small queue.
    manager, hr_agent = User.objects.get(username="manager"), User.objects.get(username="katarzyna.nowak")
    hr_ticket = perms.tickets_for(hr_agent).order_by("-id").first()
    list_ += [
        Case("manager: dashboard", "manager", "/agent/", "Dashboard"),
        Case("manager: queues, open, page 1", "manager", "/agent/queues/", "Page 1 of"),
        Case("manager: queues, all, sort=customer", "manager", "/agent/queues/?status=all&sort=customer", "Page 1"),
        # (she reads the panel in Polish: the pages are checked for a ticket link, not for English words)
        Case("HR agent: dashboard", "hr", "/agent/", ""),
        Case("HR agent: queues, open, page 1", "hr", "/agent/queues/", "/agent/tickets/"),
        Case("HR agent: queues, all, sort=owner", "hr", "/agent/queues/?status=all&sort=owner", "/agent/tickets/"),
        Case("HR agent: zoom", "hr", f"/agent/tickets/{hr_ticket.pk}/", hr_ticket.number),
    ]
    if search_data is not None:  # the full-text search page (bench/_search_data.py)
        list_ += [Case(name, "agent", url, "") for name, url in search_data.cases()]
    users = {
        "agent": agent, "customer": panel_customer, "thread-customer": long_ticket.customer, "manager": manager,
        "hr": hr_agent,
    }  # fmt: skip
    return list_, users


def measure(client, case: Case, runs: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(case.url)
        if response.status_code not in (200, 302):
            raise SystemExit(f"{case.name}: {case.url} answered {response.status_code}")
        return response

    response = get()  # warm-up
    if case.expect and case.expect not in response.content.decode():
        print(f"  ! {case.name}: the page does not contain {case.expect!r}", file=sys.stderr)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        get()
        times.append(time.perf_counter() - began)
    with CaptureQueriesContext(connection) as captured:
        response = get()
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    return Result(case, times, len(captured), sql_ms, len(response.content) / 1024, peak_rss_mb())


def summary() -> dict[str, str]:
    from django.db import connection

    from accounts.models import Company, User
    from tickets.models import Article, Ticket

    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
        size, version = cur.fetchone()
    return {
        "tickets": f"{Ticket.objects.count():,}",
        "open": f"{Ticket.objects.open().count():,}",
        "articles": f"{Article.objects.count():,}",
        "customers": f"{User.customers.count():,}",
        "companies": f"{Company.objects.count():,}",
        "agents": f"{User.agents.count():,}",
        "database": size,
        "server": version.split(" on ")[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--count", type=int, default=1_000_000, help="tickets to generate")
    parser.add_argument("--runs", type=int, default=10, help="timed requests per case, after one warm-up")
    parser.add_argument("--keep", action="store_true", help="leave the data in DATABASE_URL (and reuse it next time)")
    parser.add_argument("-k", "--only", default="", help="only the cases whose name contains this text")
    parser.add_argument("--seed", type=float, default=0.42)
    parser.add_argument(
        "--fill-search", action="store_true", help="(re)build the search documents of the data kept in DATABASE_URL"
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as media:
        throwaway = setup_django(stack, media, "panels.py")
        from django.conf import settings
        from django.template import engines
        from django.test import Client

        from accounts.models import Company
        from tickets import events

        events._handlers.clear()
        # As in production: no query log kept in memory, templates not in debug mode.
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        assert not engines["django"].engine.debug

        if Company.objects.filter(name=company_name(0)).exists():
            print("Reusing the bench data already in the database (-n is ignored).")
            phases = {}
            if args.fill_search and search_data is not None:
                from django.db import connection

                with connection.cursor() as cur:
                    phases["search documents"] = search_data.fill(cur)
                    cur.execute("VACUUM ANALYZE")
                print(f"  search documents {phases['search documents']:.0f} s", flush=True)
        else:
            print(f"Generating {args.count:,} tickets ...", flush=True)
            phases = generate(args.count, args.seed)
        rss_before = peak_rss_mb()
        gc.freeze()  # as helpdesk/wsgi.py does in production: what is loaded by now is left out of full collections
        all_cases, users = cases()
        clients = {}
        for who, user in users.items():
            clients[who] = Client()
            clients[who].force_login(user)
        results = []
        for case in all_cases:
            if args.only in case.name:
                results.append(measure(clients[case.who], case, args.runs))
                r = results[-1]
                print(f"  {case.name:<40} {r.median:8.1f} ms", file=sys.stderr, flush=True)
        facts = summary()

        width = 42
        line = "-" * (width + 58)
        print()
        print(f"{'case':<{width}} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'SQL ms':>8} {'KB':>6} {'RSS MB':>8}")
        print(line)
        for r in results:
            print(
                f"{r.case.name:<{width}} {r.median:>10.1f} {r.p95:>8.1f} {r.queries:>8} {r.sql_ms:>8.1f} "
                f"{r.size_kb:>6.0f} {r.rss_mb:>8.0f}"
            )
        print(line)
        print(", ".join(f"{k}: {v}" for k, v in facts.items()))
        if phases:
            print("load: " + ", ".join(f"{k} {v:.0f} s" for k, v in phases.items()))
        print(f"runs per case: {args.runs} (after 1 warm-up); RSS before measuring: {rss_before:.0f} MB")

        for client in clients.values():
            client.logout()
        if not throwaway and not args.keep:
            drop_generated()


if __name__ == "__main__":
    main()
