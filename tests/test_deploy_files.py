"""docker-compose.yml, Dockerfile and .dockerignore refer to things that exist and agree with each other.

Docker does not run in CI, so these read the files the way Docker would and check every
name they mention against the project: modules, the Celery app, manage.py commands,
settings, volumes, and the build steps the image runs.
"""

import importlib
import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from django.core.management import get_commands

from tests.infra import compose

ROOT = compose.ROOT
APP_SERVICES = ("web", "worker", "beat")
DEPLOY_ENV = {"SECRET_KEY": "compose-test-" + "q8Zr!v2Lm" * 6}


@pytest.fixture(scope="module")
def services():
    return compose.load()["services"]


@pytest.fixture(scope="module")
def dockerfile():
    return (ROOT / "Dockerfile").read_text()


def deployed_env(service: dict) -> dict[str, str]:
    """The service's environment as `docker compose up` would set it with only SECRET_KEY exported."""
    return {key: str(value) for key, value in compose.interpolate(service["environment"], DEPLOY_ENV).items()}


def test_compose_runs_the_database_the_broker_the_web_server_the_worker_and_beat(services):
    assert {"postgres", "redis", *APP_SERVICES} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", f"{name} must run the image built from the Dockerfile"


def test_web_serves_the_projects_wsgi_application_with_gunicorn(services):
    command = compose.interpolate(compose.command_of(services["web"]), DEPLOY_ENV)
    module_name, _, attribute = command[1].partition(":")

    assert command[0] == "gunicorn"
    assert callable(getattr(importlib.import_module(module_name), attribute))
    assert "--bind=0.0.0.0:8000" in command
    assert any(port.endswith(":8000") for port in compose.interpolate(services["web"]["ports"], DEPLOY_ENV))
    assert re.search(r"^gunicorn==", (ROOT / "requirements.lock").read_text(), re.MULTILINE)


@pytest.mark.parametrize(("service", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_worker_and_beat_run_the_projects_celery_app(services, service, subcommand):
    from celery.app.utils import find_app

    from helpdesk.celery import app

    command = compose.command_of(services[service])

    assert command[:4] == ["celery", "-A", "helpdesk", subcommand]
    assert find_app("helpdesk") is app
    assert app.main == "helpdesk"


def test_every_manage_py_command_in_compose_exists(services):
    used = [
        (name, compose.command_of(service)[2])
        for name, service in services.items()
        if compose.command_of(service)[:2] == ["python", "manage.py"]
    ]

    assert ("migrate", "migrate") in used
    for name, command in used:
        assert command in get_commands(), f"service {name} runs unknown command manage.py {command}"


def test_migrations_run_once_before_web_worker_and_beat_start(services):
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert services["migrate"]["restart"] == "no"


def test_named_volumes_are_declared_and_keep_the_database_and_the_attachments():
    config = compose.load()
    declared = set(config["volumes"])
    mounts = {
        name: dict(reversed(volume.split(":")[:2]) for volume in service.get("volumes", []))
        for name, service in config["services"].items()
    }

    for name, by_path in mounts.items():
        for path, source in by_path.items():
            if not source.startswith((".", "/")):
                assert source in declared, f"{name} mounts undeclared volume {source!r} at {path}"
    assert mounts["postgres"]["/var/lib/postgresql/data"] in declared
    for name in ("web", "worker"):
        media_root = deployed_env(config["services"][name])["MEDIA_ROOT"]
        assert mounts[name][media_root] == "media", f"{name} must keep attachments on the shared media volume"


def test_web_worker_and_beat_share_one_database_and_one_broker(services):
    envs = {name: deployed_env(services[name]) for name in (*APP_SERVICES, "migrate")}

    assert len({env["DATABASE_URL"] for env in envs.values()}) == 1
    assert len({env["REDIS_URL"] for env in envs.values()}) == 1


def test_the_database_url_matches_the_postgres_service(services):
    database = urlsplit(deployed_env(services["web"])["DATABASE_URL"])
    postgres = compose.interpolate(services["postgres"]["environment"], DEPLOY_ENV)
    redis = urlsplit(deployed_env(services["web"])["REDIS_URL"])

    assert (database.scheme, database.hostname, database.port) == ("postgres", "postgres", 5432)
    assert database.username == postgres["POSTGRES_USER"]
    assert database.password == postgres["POSTGRES_PASSWORD"]
    assert database.path.lstrip("/") == postgres["POSTGRES_DB"]
    assert (redis.scheme, redis.hostname, redis.port) == ("redis", "redis", 6379)


def test_compose_sets_only_variables_the_settings_read(services):
    settings_source = (ROOT / "helpdesk" / "settings.py").read_text()

    for key in services["web"]["environment"]:
        assert f'"{key}"' in settings_source, f"docker-compose.yml sets {key}, which helpdesk/settings.py never reads"


def test_compose_ships_no_default_secret_key(services):
    raw = services["web"]["environment"]["SECRET_KEY"]

    assert raw.startswith("${SECRET_KEY:?"), "compose must refuse to start without SECRET_KEY"
    with pytest.raises(compose.MissingVariable, match="SECRET_KEY"):
        compose.interpolate(raw, {})
    assert services["web"]["environment"]["DEBUG"] == "0"


def test_the_compose_environment_passes_djangos_deploy_check(services, tmp_path):
    env = {
        **deployed_env(services["web"]),
        "PATH": os.environ["PATH"],
        "HELPDESK_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_installs_the_lock_and_runs_as_a_non_root_user(dockerfile):
    instructions = [line.split(None, 1) for line in _logical_lines(dockerfile)]
    keywords = [keyword.upper() for keyword, _ in instructions]
    users = [argument.strip() for keyword, argument in instructions if keyword.upper() == "USER"]

    assert instructions[0] == ["FROM", "python:3.11-slim"]
    assert ["COPY", "requirements.lock ./"] in instructions
    assert any(k == "RUN" and "pip install -r requirements.lock" in arg for k, arg in instructions)
    assert users and users[-1] not in ("root", "0")
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN"), "USER must come last"
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in dockerfile, f"WeasyPrint needs {package} in the image"


def test_every_file_the_dockerfile_copies_exists(dockerfile):
    for keyword, argument in (line.split(None, 1) for line in _logical_lines(dockerfile)):
        if keyword.upper() == "COPY":
            *sources, _destination = [part for part in argument.split() if not part.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), f"Dockerfile copies {source}, which does not exist"


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())

    assert {".git", ".venv", "var", "staticfiles", "*.sqlite3", ".env"} <= ignored
    assert "requirements.lock" not in ignored


def test_the_image_build_collects_static_files_with_production_settings(dockerfile, tmp_path):
    """The exact collectstatic step of the Dockerfile; the manifest storage refuses missing references."""
    step = re.search(r"(DEBUG=0 [^&]*python manage.py collectstatic --noinput)", dockerfile)
    assert step, "the Dockerfile must collect static files at build time"
    assignments = dict(part.split("=", 1) for part in step.group(1).split(" python ")[0].split())
    env = {
        **assignments,
        "PATH": os.environ["PATH"],
        "STATIC_ROOT": str(tmp_path / "static"),
        "HELPDESK_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_ci_runs_make_test():
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    assert "make test" in " ".join(lines)
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def _logical_lines(dockerfile: str) -> list[str]:
    joined = re.sub(r"\\\n", " ", dockerfile)
    return [
        " ".join(line.split()) for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
