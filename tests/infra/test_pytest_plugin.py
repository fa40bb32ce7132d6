"""Each xdist worker of `make test` gets its own Redis database, so one worker's cache.clear() spares the others."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def redis_url_seen_by(worker: str | None, redis_url: str) -> str:
    env = {"PATH": os.environ["PATH"], "REDIS_URL": redis_url, "PYTHONPATH": str(ROOT)}
    if worker:
        env["PYTEST_XDIST_WORKER"] = worker
    code = "import os, tests.infra.pytest_plugin; print(os.environ['REDIS_URL'])"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


@pytest.mark.parametrize(
    ("worker", "expected"),
    [("gw0", "redis://127.0.0.1:6390/1"), ("gw1", "redis://127.0.0.1:6390/2"), (None, "redis://127.0.0.1:6390/0")],
)
def test_each_worker_gets_its_own_redis_database(worker, expected):
    assert redis_url_seen_by(worker, "redis://127.0.0.1:6390/0") == expected


def test_a_url_without_a_database_number_gets_one():
    assert redis_url_seen_by("gw3", "redis://127.0.0.1:6390") == "redis://127.0.0.1:6390/4"
