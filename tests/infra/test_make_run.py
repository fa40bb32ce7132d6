"""`make run` on the embedded default: it serves the helpdesk, and it leaves nothing running behind.

These start the real thing (migrate, load_demo, runserver, celery worker with beat) on a
free port with var/ in a temporary folder, as a terminal would: in its own session, with
Ctrl-C sent to the whole foreground process group.
"""

import importlib.util
import ipaddress
import os
import re
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from stat import S_IMODE

import pytest

from tests.infra.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 300
STOP_TIMEOUT = 40

pytestmark = pytest.mark.slow


class MakeRun:
    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
        env.update(PORT=str(self.port), HELPDESK_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
        env.pop("MAKEFLAGS", None)
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output)
            if match:
                return match
            if self.process.poll() is not None:
                self._reader.join(5)
                pytest.fail(f"make run exited with {self.process.returncode} before {pattern!r}:\n{self.output}")
            time.sleep(0.2)
        pytest.fail(f"no {pattern!r} within {timeout}s:\n{self.output}")

    def get(self, path: str) -> tuple[int, str]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
            return response.status, response.read().decode()

    def processes_left(self) -> list[str]:
        """Every live process still in make's session (the supervisor's children have their own groups in it)."""
        left = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == self.process.pid and fields[0] != "Z":  # same session id, not a zombie
                left.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        return left

    def kill_everything(self) -> None:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[3]) == self.process.pid:
                    os.kill(int(stat.parent.name), signal.SIGKILL)
            except (OSError, ValueError):
                continue


def listening_addresses(port: int) -> set[str]:
    """The IPv4/IPv6 addresses on which something listens on `port` (from /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                # The kernel prints each 32-bit word in host (little-endian) order.
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(str(ipaddress.ip_address(words)))
    return found


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("make-run-var")


@pytest.fixture
def make_run(var_dir):
    runs = []

    def start() -> MakeRun:
        runs.append(MakeRun(var_dir))
        return runs[-1]

    yield start
    for run in runs:
        run.kill_everything()


def test_make_run_serves_the_helpdesk_with_demo_logins_and_ctrl_c_stops_everything(make_run):
    run = make_run()
    run.wait_for(r"The helpdesk is running: http://127\.0\.0\.1:\d+/")
    run.wait_for(r"helpdesk@\S+ ready\.")

    status, body = run.get("/admin/login/")

    assert status == 200
    assert 'name="csrfmiddlewaretoken"' in body
    for login in ("admin", "agent", "customer"):
        assert re.search(rf"^\s+{login}\s+password demo", run.output, re.MULTILINE)
    assert "beat: Starting" in run.output

    assert listening_addresses(run.port) == {"127.0.0.1"}  # the demo is not on the network
    assert "reachable from the network" not in run.output
    key_file = run.var_dir / "secret_key"
    assert S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_text().strip()) >= 50

    os.killpg(run.process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    run.process.wait(timeout=STOP_TIMEOUT)
    time.sleep(0.5)

    assert run.processes_left() == []
    assert "all stopped" in run.output


def test_when_one_process_dies_make_run_stops_the_others_and_fails(make_run):
    run = make_run()
    run.wait_for(r"The helpdesk is running")
    web_pid = int(run.wait_for(r"started web \(pid (\d+)\)").group(1))

    os.killpg(web_pid, signal.SIGKILL)
    run.process.wait(timeout=STOP_TIMEOUT)
    time.sleep(0.5)

    assert run.process.returncode != 0
    assert "web exited with code" in run.output
    assert run.processes_left() == []


def _run_script():
    spec = importlib.util.spec_from_file_location("make_run_script", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.smoke
def test_make_run_listens_on_loopback_unless_told_otherwise_and_then_warns(monkeypatch):
    monkeypatch.delenv("HELPDESK_BIND", raising=False)
    script = _run_script()

    assert script.BIND == "127.0.0.1"
    for private in ("127.0.0.1", "::1", "[::1]", "localhost"):
        assert script.exposure_warning(private) is None
    for open_to_all in ("0.0.0.0", "192.168.1.20", "::"):
        assert "reachable from the network" in script.exposure_warning(open_to_all)
