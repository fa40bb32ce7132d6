"""The shipped translations: complete, in step with the marked strings, and what users see."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ["ru", "pl", "cs"]
SOURCES = ["accounts", "faq", "helpdesk", "mailgateway", "reports", "tickets", "templates", "manage.py"]


def catalog(path: Path) -> dict:
    with path.open("rb") as f:
        return dict(gettext.GNUTranslations(f)._catalog)


def need(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        pytest.fail(f"{tool} is missing: `make test` installs Debian's gettext package")
    return found


@pytest.fixture(scope="module")
def marked_strings(tmp_path_factory) -> Path:
    """A fresh .po of every string the code marks today, made by makemessages in a copy of the sources."""
    need("xgettext")
    copy = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, copy / name)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-location", "--verbosity", "0"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "helpdesk.settings", "HELPDESK_VAR_DIR": str(copy)},
    )
    return copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", SHIPPED)
def test_every_marked_string_is_translated(language, marked_strings):
    shipped = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [need("msgcmp"), "--no-fuzzy-matching", str(shipped), str(marked_strings)], capture_output=True, text=True
    )
    assert result.returncode == 0, f"locale/{language} lacks translations (run makemessages):\n{result.stderr[-3000:]}"


@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalogue_matches_its_source(language, tmp_path):
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        [need("msgfmt"), "--check", "--statistics", "-o", str(compiled), str(folder / "django.po")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert catalog(folder / "django.mo") == catalog(compiled), f"recompile locale/{language} (compilemessages)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, sign_in, new_request",
    [
        ("ru", "Войти", "Новое обращение"),
        ("pl", "Zaloguj się", "Nowe zgłoszenie"),
        ("cs", "Přihlásit se", "Nový požadavek"),
    ],
)
def test_the_customer_panel_speaks_the_picked_language(client, customer, language, sign_in, new_request):
    client.cookies["django_language"] = language
    assert sign_in in client.get(reverse("customer:login")).content.decode()
    client.force_login(customer)
    assert new_request in client.get(reverse("customer:tickets")).content.decode()


@pytest.mark.django_db
def test_the_agent_panel_speaks_the_agents_saved_language(client, agent):
    agent.language = "cs"
    agent.save()
    client.force_login(agent)
    page = client.get(reverse("agent:dashboard")).content.decode()
    assert "Otevřené v mých frontách" in page and "Open in my queues" not in page
