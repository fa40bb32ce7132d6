"""scripts/ensure_system_packages.sh (run by `make test`) waits for dpkg's lock instead of failing.

The script runs for real against stand-ins for apt-get, dpkg-query and id placed first on PATH,
so what it would ask apt-get to do is recorded instead of done.
"""

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "ensure_system_packages.sh"


def _stand_in(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


def _run(tmp_path: Path, **env) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "apt-calls"
    _stand_in(bin_dir, "apt-get", f'echo "$*" >> "{calls}"')
    _stand_in(bin_dir, "dpkg-query", "exit 1")  # nothing is installed
    _stand_in(bin_dir, "id", "echo 0")  # root: no sudo
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result, calls.read_text().splitlines() if calls.exists() else []


def test_apt_get_update_and_install_wait_ten_minutes_for_the_package_managers_lock(tmp_path):
    result, calls = _run(tmp_path)

    assert result.returncode == 0, result.stderr
    assert [call.split()[2] for call in calls] == ["update", "install"]
    for call in calls:
        assert call.startswith("-o DPkg::Lock::Timeout=600 "), call
    assert "redis-server" in calls[1]


def test_the_wait_for_the_lock_can_be_set_in_the_environment(tmp_path):
    result, calls = _run(tmp_path, HELPDESK_APT_LOCK_SECONDS="30")

    assert result.returncode == 0, result.stderr
    assert all(call.startswith("-o DPkg::Lock::Timeout=30 ") for call in calls) and len(calls) == 2


def test_nothing_is_installed_when_every_package_is_there(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _stand_in(bin_dir, "dpkg-query", "printf 'install ok installed'")
    _stand_in(bin_dir, "apt-get", f'echo "$*" >> "{tmp_path}/apt-calls"')
    _stand_in(bin_dir, "initdb", "true")
    _stand_in(bin_dir, "pg_ctl", "true")
    result = subprocess.run(
        ["bash", str(SCRIPT)], env={"PATH": f"{bin_dir}:/usr/bin:/bin"}, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "apt-calls").exists()
    assert os.access(SCRIPT, os.X_OK)
