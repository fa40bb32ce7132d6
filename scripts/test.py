"""The test passes of `make test`: the whole suite on PostgreSQL + Redis, then the smoke subset on SQLite.

Starts a throwaway PostgreSQL cluster and Redis server (tests/infra/servers.py), runs
pytest against them with DATABASE_URL and REDIS_URL set, then runs `pytest -m smoke`
with both unset (the embedded default), and stops everything it started, also on failure
and on Ctrl-C. Exits non-zero if either pass fails or collects no tests.

Environment: PYTEST_ARGS (extra arguments for both passes, e.g. "-k merge -x"),
PYTEST_WORKERS (pytest-xdist processes for each pass; default: 2, or 0 on one CPU),
PYTEST_PASS_TIMEOUT (seconds each pass may take before it is stopped and failed; default 720).
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.infra.servers import PostgresServer, RedisServer, ServerError  # noqa: E402

NO_TESTS_COLLECTED = 5
PASS_TIMED_OUT = 124
# A hung test must not hold CI forever; the whole of `make test` should stay under 15 minutes.
PASS_TIMEOUT = int(os.environ.get("PYTEST_PASS_TIMEOUT", "720"))
# Variables that would point a pass at something other than what this script chose.
SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")


class Interrupted(Exception):
    pass


def _raise_interrupted(signum, frame):
    # Clean-up must not be cut short by a second Ctrl-C.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signal.Signals(signum).name)


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def default_workers() -> int:
    configured = os.environ.get("PYTEST_WORKERS")
    if configured is not None:
        return int(configured)
    return 2 if (os.cpu_count() or 1) > 1 else 0


def run_pytest(args: list[str], env: dict[str, str]) -> int:
    """Run pytest in its own process group; on an interruption stop the whole group, xdist workers and all."""
    argv = [sys.executable, "-m", "pytest", *args, *shlex.split(os.environ.get("PYTEST_ARGS", ""))]
    say(" ".join(argv[2:]))
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, process_group=0)
    try:
        return process.wait(timeout=PASS_TIMEOUT)
    except subprocess.TimeoutExpired:
        print(
            f"\nerror: the pass ran longer than {PASS_TIMEOUT}s (PYTEST_PASS_TIMEOUT); a test hangs?", file=sys.stderr
        )
        _stop_group(process)
        return PASS_TIMED_OUT
    except BaseException:
        _stop_group(process)
        raise


def _stop_group(process: subprocess.Popen) -> None:
    for sig, grace in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def verdict(name: str, code: int) -> str:
    if code == 0:
        return f"{name}: passed"
    if code == PASS_TIMED_OUT:
        return f"{name}: FAILED (timed out after {PASS_TIMEOUT}s)"
    if code == NO_TESTS_COLLECTED:
        return f"{name}: FAILED (no tests were collected)"
    return f"{name}: FAILED (pytest exit code {code})"


def main() -> int:
    signal.signal(signal.SIGTERM, _raise_interrupted)
    signal.signal(signal.SIGINT, _raise_interrupted)
    signal.signal(signal.SIGHUP, _raise_interrupted)

    base_env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    var_dir = Path(tempfile.mkdtemp(prefix="helpdesk-test-var-"))
    # The tests' filesystem broker, beat schedule and SQLite files stay out of the developer's var/.
    base_env["HELPDESK_VAR_DIR"] = str(var_dir)
    results: list[tuple[str, int]] = []
    workers = default_workers()
    # "load" hands each worker its tests in collection order, so pytest-django's ordering holds
    # (transactional tests, which flush the seeded vocabulary, run after the others);
    # "worksteal" would break that order.
    xdist = ["-n", str(workers), "--dist", "load"] if workers > 1 else []
    # One Redis database per xdist worker: one worker's cache.clear() must not wipe another's.
    xdist += ["-p", "tests.infra.pytest_plugin"]
    started = time.monotonic()
    try:
        with PostgresServer() as pg, RedisServer() as redis:
            say(f"started {pg.version} on 127.0.0.1:{pg.port} (cluster in {pg.tempdir})")
            say(f"started {redis.version.split(' sha=')[0]} on 127.0.0.1:{redis.port} (no persistence)")
            env = {**base_env, "DATABASE_URL": pg.url, "REDIS_URL": redis.url}
            say(f"main pass: DATABASE_URL={pg.url} REDIS_URL={redis.url}")
            results.append(("main pass (PostgreSQL + Redis)", run_pytest([*xdist, "--durations=10"], env)))
        say("stopped PostgreSQL and Redis")
        say("smoke pass: DATABASE_URL and REDIS_URL unset (SQLite, filesystem broker)")
        results.append(("smoke pass (SQLite)", run_pytest([*xdist, "-m", "smoke"], base_env)))
    except ServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Interrupted as exc:
        print(f"\ninterrupted ({exc}); stopped the servers", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)

    say(f"finished in {time.monotonic() - started:.0f}s")
    for name, code in results:
        say(verdict(name, code))
    return 0 if all(code == 0 for _, code in results) else 1


if __name__ == "__main__":
    sys.exit(main())
