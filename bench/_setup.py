"""What the benchmarks share: Django on a PostgreSQL database with the schema, and the process's peak memory.

Imported by the scripts beside it (`python bench/<script>.py` puts bench/ on sys.path).
"""

import os
import resource
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    """The largest resident set of this process so far (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(stack: ExitStack, media: str, script: str) -> bool:
    """Set Django up on DATABASE_URL, or on a throw-away cluster stopped with `stack`, and migrate.

    Returns True when the cluster was started here (so everything in it goes away at the end).
    """
    throwaway = not os.environ.get("DATABASE_URL")
    if throwaway:
        from tests.infra.servers import PostgresServer

        server = stack.enter_context(PostgresServer())
        os.environ["DATABASE_URL"] = server.url
    os.environ["MEDIA_ROOT"] = media
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        sys.exit(f"bench/{script} measures PostgreSQL; DATABASE_URL points elsewhere.")
    settings.MEDIA_ROOT = media
    call_command("migrate", verbosity=0)
    return throwaway


def run_phases(steps: Iterable[tuple[str, Callable[[], object]]], phases: dict | None = None) -> dict[str, float]:
    """Run the loading steps in order, printing and returning each one's wall time in seconds."""
    phases = {} if phases is None else phases
    for name, step in steps:
        began = time.perf_counter()
        step()
        phases[name] = time.perf_counter() - began
        print(f"  {name:<12} {phases[name]:7.1f} s", flush=True)
    return phases


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
