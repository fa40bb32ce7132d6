"""The escalation sweep and an SLA change on a large database: time and SQL statements.

    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/sla.py --keep   # load 1,000,000 tickets, measure
    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/sla.py          # measure again, then drop the data
    .venv/bin/python bench/sla.py -n 100000                                     # smaller, throw-away cluster

The tickets come from bench/panels.py's set-based loader (INSERT ... SELECT FROM generate_series),
without articles. Then 1 % of them (every hundredth id) become open tickets of the "Bench due" SLA
whose first warning or breach has come; the other open tickets get the "Bench calm" SLA with their
next SLA event days away. Before measuring, the due tickets' marks are reset (so a second run
measures the same work). Measured, each once:

* the recompute after a change of the "Bench due" SLA (its 10,000 open tickets at a million): the
  Celery task `tickets.tasks.recompute_sla_due_times` run inline, batch after batch;
* one escalation sweep (`tickets.tasks.escalate_due_tickets`, notifications on): its first batch
  alone, then the rest; wall time, SQL statements, tickets, marks and mails stored in the outbox;
  a second run right after; then, the due tickets reset, the same sweep without its mail.

Mail is stored in the outbox, not sent (the broker is in memory and nobody consumes it). Not part
of the test suite. See bench/README.md.
"""

import argparse
import os
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from _setup import peak_rss_mb, run_phases, setup_django, vacuum_analyze

DUE_SLA, CALM_SLA = "Bench due", "Bench calm"
DUE_EVERY = 100  # every hundredth ticket is due: 1 %


def prepare_slas():
    """A 24x7 calendar (so the generated due times are what the code computes) and the two SLAs."""
    from datetime import time as clock_time

    from tickets.calendars import Calendar, WorkingInterval
    from tickets.models import SLA

    calendar, created = Calendar.objects.get_or_create(name="Bench 24x7", defaults={"time_zone": "UTC"})
    if created:
        WorkingInterval.objects.bulk_create(
            WorkingInterval(calendar=calendar, weekday=day, start=clock_time(0), end=clock_time(0)) for day in range(7)
        )
    targets = {"first_response_minutes": 60, "update_minutes": 240, "solution_minutes": 480, "warning_percent": 80}
    due = SLA.objects.update_or_create(name=DUE_SLA, defaults={**targets, "calendar": calendar})[0]
    calm = SLA.objects.update_or_create(name=CALM_SLA, defaults={**targets, "calendar": calendar})[0]
    return due, calm


def load_sla_tickets(count: int) -> None:
    """Every hundredth ticket: open, created 1-24 hours ago, no answer yet, "Bench due" SLA. The
    other open tickets: "Bench calm", their next SLA event 1-30 days away."""
    from django.db import connection

    from tickets.models import State

    due, calm = prepare_slas()
    open_state = State.objects.get(name="open")
    running = list(State.objects.filter(clock="running").values_list("pk", flat=True))
    with connection.cursor() as cur:
        cur.execute(
            """
            UPDATE tickets_ticket SET
                state_id = %(open)s, in_open_state = true, closed_at = NULL, pending_until = NULL,
                first_response_at = NULL,
                is_locked = false, locked_at = NULL, sla_id = %(sla)s,
                created = now() - (60 + random() * 1380) * interval '1 minute'
            WHERE id %% %(every)s = 0
            """,
            {"open": open_state.pk, "sla": due.pk, "every": DUE_EVERY},
        )
        cur.execute(
            """
            UPDATE tickets_ticket SET sla_id = %(sla)s,
                first_response_due = now() + interval '30 days', update_due = now() + interval '30 days',
                solution_due = now() + interval '30 days', escalation_at = now() + interval '30 days'
            WHERE id %% %(every)s <> 0 AND closed_at IS NULL AND state_id = ANY(%(running)s)
            """,
            {"sla": calm.pk, "every": DUE_EVERY, "running": running},
        )
        cur.execute(
            """
            INSERT INTO tickets_ticketslacheck (ticket_id, check_at)
            SELECT id, now() + (1 + random() * 29) * interval '1 day' FROM tickets_ticket WHERE sla_id = %(sla)s
            """,
            {"sla": calm.pk},
        )
    reset_due()


def owners_who_see_their_queue(sla) -> None:
    """The generated owners are any agent; an owned due ticket gets one who sees its queue (as the
    services would have it), so that the owner is told, not nobody. A tenth stays without an owner."""
    from django.db import connection

    from tickets import permissions
    from tickets.models import Queue

    with connection.cursor() as cur:
        for queue in Queue.objects.all():
            readers = list(
                permissions.agents_with(permissions.RO, queue).filter(is_superuser=False).values_list("pk", flat=True)
            )
            if readers:
                cur.execute(
                    "UPDATE tickets_ticket SET owner_id = (%(readers)s::bigint[])[1 + id %% %(n)s] "
                    "WHERE sla_id = %(sla)s AND queue_id = %(queue)s AND owner_id IS NOT NULL",
                    {"readers": readers, "n": len(readers), "sla": sla.pk, "queue": queue.pk},
                )


def reset_due() -> int:
    """The due tickets as before any sweep: no marks, no timeline, due times of a 24x7 calendar; the
    escalation mail and history of an earlier run are deleted."""
    from django.db import connection

    from mailgateway.models import OutgoingMail
    from tickets.models import SLA, EscalationNotice, TicketClockSegment, TicketHistory

    due = SLA.objects.get(name=DUE_SLA)
    TicketClockSegment.objects.filter(ticket__sla=due).delete()
    TicketHistory.objects.filter(ticket__sla=due, event__in=["sla_warning", "sla_breached"]).delete()
    OutgoingMail.objects.filter(kind__in=["escalation_warning", "escalation_breach"]).delete()
    EscalationNotice.objects.all().delete()
    owners_who_see_their_queue(due)
    with connection.cursor() as cur:
        cur.execute(
            """
            UPDATE tickets_ticket SET
                update_clock_from = NULL,
                first_response_due = created + interval '60 minutes',
                update_due = created + interval '240 minutes',
                solution_due = created + interval '480 minutes',
                first_response_warning_due = created + interval '48 minutes',
                update_warning_due = created + interval '192 minutes',
                solution_warning_due = created + interval '384 minutes',
                escalation_at = created + interval '60 minutes'
            WHERE sla_id = %(sla)s
            """,
            {"sla": due.pk},
        )
        count = cur.rowcount
        cur.execute(
            """
            INSERT INTO tickets_ticketslacheck (ticket_id, check_at)
            SELECT id, created + interval '48 minutes' FROM tickets_ticket WHERE sla_id = %(sla)s
            ON CONFLICT (ticket_id) DO UPDATE SET check_at = EXCLUDED.check_at,
                first_response_warned_at = NULL, first_response_breached_at = NULL,
                update_warned_at = NULL, update_breached_at = NULL,
                solution_warned_at = NULL, solution_breached_at = NULL
            """,
            {"sla": due.pk},
        )
    # What autovacuum does between two minutes of a live system: the reset's old row versions go, so
    # the pages have the room for in-place updates they have in a steady state.
    vacuum_analyze()
    return count


def generate(count: int, seed: float) -> dict[str, float]:
    from panels import ensure_people, load_tickets

    customers = min(20_000, max(100, count // 50))
    return run_phases(
        (
            ("users", lambda: ensure_people(customers)),
            ("tickets", lambda: load_tickets(count, customers, seed)),
            ("SLA fields", lambda: load_sla_tickets(count)),
            ("vacuum analyze", vacuum_analyze),
        )
    )


def drop_generated() -> None:
    from django.db import connection
    from panels import drop_generated as drop_panel_data

    from tickets.calendars import Calendar
    from tickets.models import SLA

    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM tickets_ticketclocksegment WHERE ticket_id IN "
            "(SELECT id FROM tickets_ticket WHERE sla_id IN (SELECT id FROM tickets_sla WHERE name LIKE 'Bench %%'))"
        )
        cur.execute(
            "DELETE FROM tickets_ticketslacheck WHERE ticket_id IN "
            "(SELECT id FROM tickets_ticket WHERE sla_id IN (SELECT id FROM tickets_sla WHERE name LIKE 'Bench %%'))"
        )
    drop_panel_data()
    SLA.objects.filter(name__in=[DUE_SLA, CALM_SLA]).delete()
    Calendar.objects.filter(name="Bench 24x7").delete()


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    seconds: float
    statements: int
    tickets: int
    events: int = 0
    mails: int = 0


class Statements:
    """Counts the SQL statements run through Django's connection (savepoints included)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def measured(into: list, name: str):
    """Time and statements of the block; the sweep's COPYs (which Django's execute wrappers do not
    see) are counted as statements too."""
    from django.db import connection

    from tickets.services import escalation

    counter = Statements()
    insert_rows = escalation._insert_rows

    def counted_copy(*args, **kwargs):
        counter.count += 1
        return insert_rows(*args, **kwargs)

    row = Row(name, 0.0, 0, 0)
    escalation._insert_rows = counted_copy
    began = time.perf_counter()
    try:
        with connection.execute_wrapper(counter):
            yield row
    finally:
        escalation._insert_rows = insert_rows
    row.seconds = time.perf_counter() - began
    row.statements = counter.count
    into.append(row)


def mails_stored() -> int:
    from mailgateway.models import OutgoingMail

    return OutgoingMail.objects.count()


def measure(rows: list, recompute: bool = True) -> None:
    from django.utils import timezone

    from tickets.models import SLA, EscalationNotice, Ticket
    from tickets.services import escalation
    from tickets.tasks import escalate_due_tickets, recompute_sla_due_times, send_escalation_notices

    due = SLA.objects.get(name=DUE_SLA)
    open_of_sla = Ticket.objects.open().filter(sla=due).count()
    if recompute:
        with measured(rows, f"recompute: SLA change, {open_of_sla:,} open tickets") as row:
            last = 0
            while last is not None:  # the task enqueues its next batch; here each batch runs inline, in order
                last = recompute_sla_due_times(due.pk, last)
            row.tickets = open_of_sla

    now = timezone.now()
    with measured(rows, "sweep: first batch") as row:
        first = escalation.sweep_batch(now=now, size=escalation.BATCH)
        row.tickets, row.events = first.tickets, first.events
    with measured(rows, "sweep: the rest (task, inline)") as row:
        rest = escalate_due_tickets()
        row.tickets, row.events = rest["tickets"], rest["events"]
    total = Row(
        "sweep: one run in all",
        rows[-2].seconds + rows[-1].seconds,
        rows[-2].statements + rows[-1].statements,
        rows[-2].tickets + rows[-1].tickets,
        rows[-2].events + rows[-1].events,
    )
    rows.append(total)
    with measured(rows, "sweep: a second run, right after") as row:
        again = escalate_due_tickets()
        row.tickets, row.events = again["tickets"], again["events"]
    # The mail: each batch's notice told by its own task on a worker, right after the batch.
    before = mails_stored()
    notices = list(EscalationNotice.objects.order_by("pk").values_list("pk", flat=True))
    with measured(rows, f"notices: {len(notices)} tasks (worker, inline)") as row:
        for pk in notices:
            send_escalation_notices(pk)
        row.tickets, row.events = total.tickets, total.events
        row.mails = mails_stored() - before


def summary() -> str:
    from django.db import connection

    from tickets.models import Ticket, TicketSlaCheck

    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
        size, version = cur.fetchone()
    facts = {
        "tickets": f"{Ticket.objects.count():,}",
        "open": f"{Ticket.objects.open().count():,}",
        "with a next SLA event": f"{TicketSlaCheck.objects.filter(check_at__isnull=False).count():,}",
        "database": size,
        "server": version.split(" on ")[0],
    }
    return ", ".join(f"{k}: {v}" for k, v in facts.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--count", type=int, default=1_000_000, help="tickets to generate")
    parser.add_argument("--keep", action="store_true", help="leave the data in DATABASE_URL (and reuse it next time)")
    parser.add_argument("--load-only", action="store_true", help="load the data (implies --keep), measure nothing")
    parser.add_argument("--seed", type=float, default=0.42)
    parser.add_argument("--no-recompute", action="store_true", help="measure the sweep only")
    args = parser.parse_args()
    # Mail is stored in the outbox and its send task goes to a broker in memory: nothing is sent.
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as media:
        throwaway = setup_django(stack, media, "sla.py")
        from django.conf import settings
        from panels import company_name

        from accounts.models import Company
        from tickets import events

        events._handlers.clear()  # the events' handlers are other work (and measured elsewhere)
        settings.DEBUG = False

        if Company.objects.filter(name=company_name(0)).exists():
            print("Reusing the bench data already in the database (-n is ignored).")
            phases = {}
            print(f"  reset {reset_due():,} due tickets", flush=True)
        else:
            print(f"Generating {args.count:,} tickets ...", flush=True)
            phases = generate(args.count, args.seed)
        if args.load_only:
            return
        rss_before = peak_rss_mb()
        rows: list[Row] = []
        measure(rows, recompute=not args.no_recompute)

        width = 42
        line = "-" * (width + 52)
        print()
        print(f"{'case':<{width}} {'seconds':>8} {'SQL':>7} {'tickets':>8} {'events':>7} {'mails':>7} {'ms/ticket':>9}")
        print(line)
        for r in rows:
            per = f"{r.seconds * 1000 / r.tickets:9.2f}" if r.tickets else f"{'':>9}"
            print(
                f"{r.name:<{width}} {r.seconds:>8.2f} {r.statements:>7} {r.tickets:>8} {r.events:>7} {r.mails:>7} {per}"
            )
        print(line)
        print(summary())
        if phases:
            print("load: " + ", ".join(f"{k} {v:.0f} s" for k, v in phases.items()))
        print(f"RSS before measuring: {rss_before:.0f} MB, after: {peak_rss_mb():.0f} MB", file=sys.stdout)
        if not throwaway and not args.keep:
            drop_generated()


if __name__ == "__main__":
    main()
