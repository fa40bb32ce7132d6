"""Settings from the environment: the embedded default, production services, and refusing unsafe start-ups.

Each case starts a fresh Python with a controlled environment, because settings are read
once per process.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "k3y-" + "x7Qp9!zR" * 8, "ALLOWED_HOSTS": "helpdesk.example.com"}
SHOW_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
from helpdesk.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db": {k: settings.DATABASES["default"][k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")},
    "broker": app.conf.broker_url,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
}))
"""


def clean_env(tmp_path, **overrides) -> dict[str, str]:
    """Only what a process needs to start, plus the variables under test; var/ is a temp folder."""
    (tmp_path / "var").mkdir(exist_ok=True)
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "SYSTEMROOT") if key in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="helpdesk.settings", HELPDESK_VAR_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT))
    env.update(overrides)
    return env


def python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def settings_under(env: dict[str, str]) -> dict:
    result = python(SHOW_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.smoke
def test_with_no_environment_the_helpdesk_needs_no_database_or_broker_server(tmp_path):
    shown = settings_under(clean_env(tmp_path))

    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["db"]["NAME"] == str(tmp_path / "var" / "helpdesk.sqlite3")
    assert shown["broker"] == "filesystem://"
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.smoke
def test_the_embedded_broker_creates_its_queue_folders(tmp_path):
    env = clean_env(tmp_path)
    result = python("import django; django.setup()\nfrom helpdesk.celery import app\napp.conf.broker_url", env)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "celery-queue").is_dir()
    assert (tmp_path / "var" / "celery-processed").is_dir()


@pytest.mark.smoke
def test_database_url_and_redis_url_select_postgresql_and_redis(tmp_path):
    env = clean_env(tmp_path, DATABASE_URL="postgres://u:p@h:5432/db", REDIS_URL="redis://cache.example:6379/1")

    shown = settings_under(env)

    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["db"] == {"NAME": "db", "USER": "u", "PASSWORD": "p", "HOST": "h", "PORT": 5432}
    assert shown["broker"] == "redis://cache.example:6379/1"
    assert shown["cache"] == "helpdesk.cache.TolerantRedisCache"
    assert shown["cache_location"] == "redis://cache.example:6379/1"


def test_secrets_can_come_from_files(tmp_path):
    secret_file = tmp_path / "database_url"
    secret_file.write_text("postgres://fromfile:pw@db.internal:5433/helpdesk\n")

    shown = settings_under(clean_env(tmp_path, DATABASE_URL_FILE=str(secret_file)))

    assert shown["db"]["HOST"] == "db.internal"
    assert shown["db"]["USER"] == "fromfile"


@pytest.mark.smoke
def test_production_without_secret_key_refuses_to_start_and_says_why(tmp_path):
    env = clean_env(tmp_path, DEBUG="0", ALLOWED_HOSTS="helpdesk.example.com")

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start_and_says_why(tmp_path):
    env = clean_env(tmp_path, DEBUG="0", SECRET_KEY=PRODUCTION["SECRET_KEY"])

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_an_unreadable_debug_value_is_refused_rather_than_guessed(tmp_path):
    result = manage("check", env=clean_env(tmp_path, DEBUG="maybe"))

    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env(tmp_path, **PRODUCTION))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_notices_an_unsafe_production_setting(tmp_path):
    """The clean result above means something: the same check fails when a safeguard is turned off."""
    env = clean_env(tmp_path, **PRODUCTION, SECURE_HSTS_SECONDS="0")

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_every_model_change_has_its_migration(tmp_path):
    result = manage("makemigrations", "--check", "--dry-run", env=clean_env(tmp_path))

    assert result.returncode == 0, "models changed without a migration:\n" + result.stdout + result.stderr


needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs the Redis server that `make test` starts for its PostgreSQL pass (REDIS_URL is unset)",
)


@needs_redis
def test_the_cache_round_trips_through_redis():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    key = f"settings-test-{uuid.uuid4()}"
    assert isinstance(cache, RedisCache)

    cache.set(key, {"ticket": 42, "title": "Drucker kaputt — ошибка"}, timeout=30)

    assert cache.get(key) == {"ticket": 42, "title": "Drucker kaputt — ошибка"}
    cache.delete(key)
    assert cache.get(key) is None


@needs_redis
def test_a_task_sent_through_the_redis_broker_is_delivered_to_a_consumer():
    from helpdesk.celery import app

    queue_name = f"settings-test-{uuid.uuid4()}"
    assert app.conf.broker_url == os.environ["REDIS_URL"]
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=3)
        inbox = connection.SimpleQueue(queue_name)
        try:
            app.send_task("helpdesk.tests.echo", args=["hello"], queue=queue_name)

            message = inbox.get(block=True, timeout=10)
            message.ack()
        finally:
            inbox.queue.delete()
            inbox.close()

    assert message.headers["task"] == "helpdesk.tests.echo"
    assert message.payload[0] == ["hello"]


@needs_redis
def test_a_celery_worker_starts_against_redis_and_answers(tmp_path):
    """The worker boots with the project's settings (every app's tasks imported) and is reachable through Redis."""
    from helpdesk.celery import app

    node = f"settings-test-{uuid.uuid4().hex[:8]}@localhost"
    env = {**os.environ, "HELPDESK_VAR_DIR": str(tmp_path / "var")}
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "helpdesk", "worker", "--pool=solo", "-n", node]
        + ["-Q", f"q-{node}", "--without-gossip", "--without-mingle", "-l", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        replies = []
        for _ in range(60):
            replies = app.control.ping(destination=[node], timeout=0.5)
            if replies or worker.poll() is not None:
                break
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)

    assert replies == [{node: {"ok": "pong"}}], output
