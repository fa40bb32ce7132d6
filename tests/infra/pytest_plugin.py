"""Loaded by `make test` (`-p tests.infra.pytest_plugin`): one Redis database per xdist worker.

pytest-xdist workers share the Redis server that scripts/test.py starts. Each worker gets
its own database number in REDIS_URL (gw0 -> 1, gw1 -> 2, ...) so that cache entries
(login throttles, counters) and queued tasks of one worker never reach another. This runs
when pytest imports the plugin, before pytest-django reads the settings.
"""

import os
import re

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_redis_url = os.environ.get("REDIS_URL", "")

if _worker.startswith("gw") and _redis_url:
    _database = int(_worker[2:]) % 15 + 1
    os.environ["REDIS_URL"] = re.sub(r"(/\d*)?$", f"/{_database}", _redis_url.rstrip("/"), count=1)
