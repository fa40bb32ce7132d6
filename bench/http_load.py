"""Mixed load over HTTP: gunicorn serving the bench database, concurrent clients for a bounded time.

    DATABASE_URL=postgres://.../hd_bench .venv/bin/python bench/http_load.py            # 2 workers, 4 clients, 60 s
    DATABASE_URL=... .venv/bin/python bench/http_load.py --workers 2 --clients 8 --seconds 30

Needs the data of `bench/panels.py --keep` in DATABASE_URL. Starts gunicorn (the production
command of docker-compose.yml: sync workers, DEBUG off) on a free local port, logs each client
in (a session made by django.contrib.auth, sent as the session cookie), and lets every client, a
thread with its own keep-alive HTTP connection, request pages of a weighted mix, one after the
other, for `--seconds`. Prints requests per second and, per page, the count, median and p95
latency and the errors. Requests carry `X-Forwarded-Proto: https`, as behind the TLS proxy.
"""

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from _setup import ROOT, setup_django


@dataclass
class Page:
    name: str
    who: str  # which session: "agent", "manager", "customer"
    urls: list[str]
    weight: int


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float, ok: bool) -> None:
        with self.lock:
            if ok:
                self.times[name].append(seconds)
            else:
                self.errors[name] += 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookie(user) -> str:
    """A logged-in session for `user`, as django.contrib.auth.login would store it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def mix() -> tuple[list[Page], dict]:
    """What agents and customers do all day, weighted: lists and zooms most, sorts and filters some."""
    from accounts.models import User
    from tickets import permissions as perms
    from tickets.models import Queue

    agent, manager = User.objects.get(username="agent"), User.objects.get(username="manager")
    customer = User.objects.get(username="bench-c00005")
    seen = perms.tickets_for(agent)
    recent = list(seen.order_by("-id").values_list("pk", flat=True)[:2000])
    older = list(seen.filter(pk__lt=recent[-1]).order_by("pk").values_list("pk", flat=True)[::997][:500])
    zooms = [f"/agent/tickets/{pk}/" for pk in random.Random(1).sample(recent, 200) + older]
    queues = [f"/agent/queues/{q.pk}/" for q in perms.queues_for(agent).filter(is_active=True)]
    sorts = [f"/agent/queues/?sort={key}" for key in ("number", "title", "priority", "owner", "customer", "-created")]
    sorts += [f"/agent/queues/?status=all&sort={key}" for key in ("customer", "priority", "owner", "title")]
    own = list(perms.tickets_for(customer).order_by("-id").values_list("pk", flat=True)[:100])
    pages = [
        Page("dashboard", "agent", ["/agent/"], 10),
        Page("queue view", "agent", ["/agent/queues/", *queues], 20),
        Page("sorted list", "agent", sorts, 6),
        Page("filtered list", "agent", ["/agent/queues/?q=printer", "/agent/queues/?status=all&q=VPN",
                                        f"/agent/queues/?queue={Queue.objects.get(name='IT').pk}&status=all"], 5),
        Page("zoom", "agent", zooms, 30),
        Page("manager: queue view", "manager", ["/agent/queues/", "/agent/queues/?status=all"], 5),
        Page("customer: list", "customer", ["/customer/", "/customer/?scope=company&status=all"], 8),
        Page("customer: ticket", "customer", [f"/customer/tickets/{pk}/" for pk in own], 6),
    ]  # fmt: skip
    try:
        import _search_data  # the search branch's cases, when present

        pages.append(Page("search", "agent", [url for _name, url in _search_data.cases()], 10))
    except (ImportError, AttributeError):
        pass
    return pages, {"agent": agent, "manager": manager, "customer": customer}


def client_loop(port: int, cookies: dict[str, str], pages: list[Page], until: float, tally: Tally, seed: int):
    rng = random.Random(seed)
    weights = [p.weight for p in pages]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < until:
        page = rng.choices(pages, weights)[0]
        url = rng.choice(page.urls)
        headers = {"Cookie": cookies[page.who], "X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        began = time.perf_counter()
        try:
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
            if response.will_close:
                conn.close()  # the sync worker closes after each response; http.client reconnects
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
        tally.add(page.name, time.perf_counter() - began, ok)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class: sync (the default) or gthread")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (threads)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before the measured time")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the database `bench/panels.py --keep` filled.")

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="helpdesk-http-") as media:
        setup_django(stack, media, "http_load.py")
        from tickets import events

        events._handlers.clear()
        pages, users = mix()
        cookies = {who: session_cookie(user) for who, user in users.items()}
        port = free_port()
        from django.conf import settings

        static = stack.enter_context(tempfile.TemporaryDirectory(prefix="helpdesk-static-"))
        env = {
            **os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "MEDIA_ROOT": media, "STATIC_ROOT": static,
            "LOG_LEVEL": "WARNING", "SECRET_KEY": settings.SECRET_KEY,  # the sessions above were made with it
        }  # fmt: skip
        print("collectstatic (DEBUG off serves the hashed names) ...", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [str(gunicorn), "helpdesk.wsgi:application", f"--bind=127.0.0.1:{port}", f"--workers={args.workers}",
             f"--worker-class={args.worker_class}", f"--threads={args.threads}", "--timeout=60", "--log-level=warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        stack.callback(server.wait, timeout=30)
        stack.callback(server.terminate)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("gunicorn did not start")
                time.sleep(0.2)

        def run(seconds: float) -> Tally:
            tally, until = Tally(), time.monotonic() + seconds
            threads = [
                threading.Thread(target=client_loop, args=(port, cookies, pages, until, tally, n))
                for n in range(args.clients)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return tally

        kind = args.worker_class + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
        print(f"gunicorn: {args.workers} {kind} workers; {args.clients} clients; warm-up {args.warmup:.0f} s ...")
        run(args.warmup)
        began = time.monotonic()
        tally = run(args.seconds)
        took = time.monotonic() - began

        total = sum(len(v) for v in tally.times.values())
        errors = sum(tally.errors.values())
        width = 24
        print(f"\n{'page':<{width}} {'requests':>9} {'median ms':>10} {'p95 ms':>8} {'errors':>7}")
        print("-" * (width + 38))
        for page in pages:
            times = tally.times.get(page.name, [])
            if times or tally.errors.get(page.name):
                median = statistics.median(times) * 1000 if times else 0
                print(f"{page.name:<{width}} {len(times):>9} {median:>10.1f} {p95(times) * 1000 if times else 0:>8.1f} "
                      f"{tally.errors.get(page.name, 0):>7}")  # fmt: skip
        every = [t for v in tally.times.values() for t in v]
        print("-" * (width + 38))
        print(f"{'all':<{width}} {total:>9} {statistics.median(every) * 1000:>10.1f} {p95(every) * 1000:>8.1f} "
              f"{errors:>7}")  # fmt: skip
        rate = total / took
        print(f"\n{rate:.1f} requests/s over {took:.0f} s ({args.clients} clients, {args.workers} {kind} workers)")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
