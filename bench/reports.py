"""Reports on a large database: each built-in report and the builder's heaviest combinations, timed.

    createdb hd_reports_bench   # or any scratch database
    DATABASE_URL=postgres://.../hd_reports_bench .venv/bin/python bench/reports.py --keep   # load 1M tickets once
    DATABASE_URL=postgres://.../hd_reports_bench .venv/bin/python bench/reports.py -k agents   # measure again

Tickets, customers, companies, agents and articles come from bench/panels.py's set-based loader; this
script adds what the reports read, set-based as well: the channel, business-minute durations, SLA due
times and breach marks, tags, ratings (a fifth of the closed tickets) and time entries (half the owned
tickets). Each case runs once to warm up, then `--runs` times; the table shows the median, the number of
SQL statements and their time. Without --keep the generated rows are removed at the end. See bench/README.md.
"""

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta

from _setup import run_phases, setup_django, vacuum_analyze
from panels import drop_generated as drop_panels
from panels import ensure_people, load_articles, load_tickets

TAGS = 20


def load_report_data() -> None:
    """Channel, durations, SLA times, tags, ratings and time entries for the generated tickets."""
    from django.db import connection

    from tickets.models import SLA, State

    sla = SLA.objects.get_or_create(name="Bench", defaults={"first_response_minutes": 240, "solution_minutes": 1440})[0]
    closed = ",".join(str(pk) for pk in State.objects.filter(type="closed").values_list("pk", flat=True))
    with connection.cursor() as cur:
        # Durations: a third of the wall-clock time, as if the office were open 8 hours a day.
        cur.execute(
            f"""
            UPDATE tickets_ticket SET
                channel = (ARRAY['email', 'email', 'email', 'email', 'email', 'web', 'web', 'web', 'phone', 'phone'])
                          [1 + id % 10],
                first_response_minutes = CASE WHEN first_response_at IS NOT NULL
                    THEN (extract(epoch FROM first_response_at - created) / 180)::int END,
                solution_minutes = CASE WHEN closed_at IS NOT NULL AND state_id IN ({closed})
                    THEN (extract(epoch FROM closed_at - created) / 180)::int END,
                sla_id = CASE WHEN id % 3 = 0 THEN {sla.pk} END,
                first_response_due = CASE WHEN id % 3 = 0 THEN created + interval '12 hours' END,
                solution_due = CASE WHEN id % 3 = 0 THEN created + interval '3 days' END
            WHERE customer_id IN (SELECT id FROM accounts_user WHERE username LIKE 'bench-c%%')
            """
        )
        cur.execute(
            "INSERT INTO tickets_tag (name) SELECT 'bench-tag-' || k FROM generate_series(0, %s - 1) k "
            "ON CONFLICT DO NOTHING",
            [TAGS],
        )
        # A third of the tickets have a tag, a seventh a second one.
        cur.execute(
            """
            INSERT INTO tickets_ticket_tags (ticket_id, tag_id)
            SELECT t.id, tag.id FROM tickets_ticket t
            JOIN tickets_tag tag ON tag.name = 'bench-tag-' || (t.id %% %(tags)s)
            WHERE t.id %% 3 = 0 AND t.channel <> ''
            UNION ALL
            SELECT t.id, tag.id FROM tickets_ticket t
            JOIN tickets_tag tag ON tag.name = 'bench-tag-' || ((t.id / 7 + 1) %% %(tags)s)
            WHERE t.id %% 7 = 0 AND t.id %% 3 = 0 AND (t.id / 7 + 1) %% %(tags)s <> t.id %% %(tags)s
              AND t.channel <> ''
            """,
            {"tags": TAGS},
        )
        cur.execute(
            f"""
            INSERT INTO tickets_satisfactionrating (ticket_id, score, comment, rated_by_email, created)
            SELECT id, 1 + (id * 7919) % 5, CASE WHEN id % 10 = 0 THEN 'Bench comment ' || id ELSE '' END, '',
                   least(now(), closed_at + interval '3 hours')
            FROM tickets_ticket WHERE closed_at IS NOT NULL AND state_id IN ({closed}) AND id % 5 = 0
              AND channel <> ''
            """
        )
        cur.execute(
            """
            INSERT INTO tickets_timeentry (ticket_id, article_id, author_id, worked_on, minutes, billable, note,
                                           created, updated)
            SELECT id, NULL, owner_id, (created + interval '2 hours')::date, 5 + (id % 12) * 5, id % 10 < 7, '',
                   now(), now()
            FROM tickets_ticket WHERE owner_id IS NOT NULL AND id % 2 = 0 AND channel <> ''
            """
        )


def generate(count: int, seed: float) -> dict[str, float]:

    customers = min(20_000, max(100, count // 50))
    return run_phases(
        (
            ("users", lambda: ensure_people(customers)),
            ("tickets", lambda: load_tickets(count, customers, seed)),
            ("articles", load_articles),
            ("report data", load_report_data),
            ("vacuum analyze", vacuum_analyze),
        )
    )


def drop_generated() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """
            DELETE FROM tickets_timeentry WHERE ticket_id IN (
                SELECT t.id FROM tickets_ticket t JOIN accounts_user u ON u.id = t.customer_id
                WHERE u.username LIKE 'bench-c%%');
            DELETE FROM tickets_satisfactionrating WHERE ticket_id IN (
                SELECT t.id FROM tickets_ticket t JOIN accounts_user u ON u.id = t.customer_id
                WHERE u.username LIKE 'bench-c%%');
            DELETE FROM tickets_ticket_tags WHERE tag_id IN (SELECT id FROM tickets_tag WHERE name LIKE 'bench-tag-%%');
            DELETE FROM tickets_tag WHERE name LIKE 'bench-tag-%%';
            """
        )
    drop_panels()


@dataclass
class Case:
    name: str
    run: object  # () -> Table


def cases(year, month):
    from accounts.models import User
    from reports.builder import run
    from reports.registry import REPORTS
    from reports.spec import ReportSpec

    admin, agent = User.objects.get(username="admin"), User.objects.get(username="agent")
    found = []
    for slug, report in REPORTS.items():
        for who, viewer in (("admin", admin), ("agent", agent)):
            found.append(Case(f"{slug} ({who}, 30 days)", lambda r=report, v=viewer: r.compute(v, month)))
    for slug in ("volume", "agents", "companies", "sla"):
        found.append(Case(f"{slug} (admin, 1 year)", lambda r=REPORTS[slug]: r.compute(admin, year)))
    heavy = [
        ("solution_median", ("agent", "month")),
        ("first_response_median", ("queue", "week")),
        ("count", ("tag", "queue")),
        ("count", ("day",)),
        ("time_accounted", ("company", "month")),
        ("sla_percent", ("queue", "priority")),
        ("rating_avg", ("agent", "month")),
    ]
    for metric, dims in heavy:
        for who, viewer in (("admin", admin), ("agent", agent)):
            spec = ReportSpec(metric, dims, year)
            found.append(
                Case(f"builder {metric} by {' x '.join(dims)} ({who}, 1 year)", lambda s=spec, v=viewer: run(s, v))
            )
    return found


def measure(case: Case, runs: int) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case.run()  # warm-up
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            table = case.run()
            times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), len(queries), len(table.rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--count", type=int, default=1_000_000, help="tickets to generate")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case, after one warm-up")
    parser.add_argument("--keep", action="store_true", help="leave the data in DATABASE_URL (and reuse it next time)")
    parser.add_argument("-k", "--only", default="", help="only the cases whose name contains this text")
    parser.add_argument("--seed", type=float, default=0.42)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as media:
        throwaway = setup_django(stack, media, "reports.py")
        from django.db import connection
        from django.utils import timezone

        from accounts.models import User
        from reports.filters import ReportFilters
        from tickets import events

        events._handlers.clear()
        if User.objects.filter(username__startswith="bench-c").exists():
            print("Reusing the bench data already in the database (-n is ignored).")
            phases = {}
        else:
            print(f"Generating {args.count:,} tickets ...", flush=True)
            phases = generate(args.count, args.seed)
        today = timezone.localdate()
        month = ReportFilters(start=today - timedelta(days=29), end=today)
        year = ReportFilters(start=today - timedelta(days=364), end=today)
        results = []
        for case in cases(year, month):
            if args.only in case.name:
                results.append((case.name, *measure(case, args.runs)))
                print(f"  {case.name:<62} {results[-1][1]:8.1f} ms", file=sys.stderr, flush=True)
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM tickets_ticket")
            tickets = cur.fetchone()[0]
        width = 64
        print()
        print(f"{'case':<{width}} {'median ms':>10} {'queries':>8} {'rows':>6}")
        print("-" * (width + 27))
        for name, median, queries, rows in results:
            print(f"{name:<{width}} {median:>10.1f} {queries:>8} {rows:>6}")
        print("-" * (width + 27))
        print(f"tickets: {tickets:,}; runs per case: {args.runs} (after 1 warm-up)")
        if phases:
            print("load: " + ", ".join(f"{k} {v:.0f} s" for k, v in phases.items()))
        if not throwaway and not args.keep:
            drop_generated()


if __name__ == "__main__":
    main()
