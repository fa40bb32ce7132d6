"""No installation runs on a key published in the source: links and sessions signed with it are worthless.

A development installation makes its own random key on first start, in the var folder
(mode 0600), and keeps using it; production still has to set SECRET_KEY.
"""

import re
import stat

import pytest
from django.core import signing
from django.urls import reverse

from tests.test_settings import PRODUCTION, ROOT, clean_env, manage, python
from tickets import services
from tickets.customer_access import RATING_SALT, STATUS_SALT
from tickets.message import Message

# The key every checkout used to run on when SECRET_KEY was unset.
OLD_DEVELOPMENT_KEY = "insecure-development-key-do-not-use-in-production-" + "x" * 20
SHOW_KEY = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"


@pytest.mark.django_db
def test_a_status_link_signed_with_the_old_development_key_is_refused(client, customer, queue):
    ticket = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Payroll export",
        message=Message(body_text="Salaries."),
    )
    forged = signing.dumps(
        {"t": ticket.pk, "e": customer.email}, key=OLD_DEVELOPMENT_KEY, salt=STATUS_SALT, compress=True
    )

    response = client.get(reverse("customer:ticket_status", args=[forged]))

    assert response.status_code == 404
    assert "Payroll export" not in response.content.decode()


@pytest.mark.django_db
def test_a_rating_link_signed_with_the_old_development_key_is_refused(client, customer, queue):
    ticket = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Payroll export",
        message=Message(body_text="Salaries."),
    )
    forged = signing.dumps({"t": ticket.pk, "n": ticket.number}, key=OLD_DEVELOPMENT_KEY, salt=RATING_SALT)

    response = client.post(reverse("customer:rate", args=[forged]), {"score": 1, "comment": "forged"})

    assert response.status_code == 404


def test_a_development_key_is_made_once_private_and_reused(tmp_path):
    env = clean_env(tmp_path)

    first = python(SHOW_KEY, env)
    second = python(SHOW_KEY, env)

    assert first.returncode == 0, first.stderr
    key = first.stdout.strip().splitlines()[-1]
    assert second.stdout.strip().splitlines()[-1] == key
    assert key != OLD_DEVELOPMENT_KEY and len(key) >= 50
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_each_installation_gets_its_own_development_key(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "other").mkdir()
    one = python(SHOW_KEY, clean_env(tmp_path / "one"))
    other = python(SHOW_KEY, clean_env(tmp_path / "other"))

    assert one.returncode == 0 and other.returncode == 0, one.stderr + other.stderr
    assert one.stdout.strip() != other.stdout.strip()


def test_the_published_development_key_is_refused_even_when_set_explicitly(tmp_path):
    result = manage("check", env=clean_env(tmp_path, SECRET_KEY=OLD_DEVELOPMENT_KEY))

    assert result.returncode != 0
    assert "SECRET_KEY is a key published in the helpdesk's source" in result.stderr


def test_production_makes_no_key_of_its_own(tmp_path):
    env = clean_env(tmp_path, **{k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_an_unwritable_var_folder_says_what_to_do(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    env = clean_env(tmp_path, HELPDESK_VAR_DIR=str(blocked / "var"))

    result = python(SHOW_KEY, env)

    assert result.returncode != 0
    assert "set SECRET_KEY or make HELPDESK_VAR_DIR writable" in result.stderr


def test_the_image_build_bakes_no_development_key_into_the_image():
    """Every build command that loads the settings runs with a throwaway SECRET_KEY, so none is generated."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    commands = [
        command
        for line in dockerfile.splitlines()
        if line.startswith("RUN ")
        for command in re.split(r"&&|;|\bthen\b", line[4:])
        if "manage.py" in command
    ]

    assert len(commands) >= 2  # compilemessages and collectstatic
    for command in commands:
        assert re.search(r"\bSECRET_KEY=\S+ .*manage\.py", command), command
