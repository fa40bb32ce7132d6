"""`make run`: migrate, load the demo data, then run the web server and the Celery worker (with beat).

One foreground command. Ctrl-C (or SIGTERM) stops every process it started; if one of
them exits on its own, the others are stopped too and the exit code says so.

Environment: PORT (default 8000), HELPDESK_BIND (default 127.0.0.1: the demo, with its
published passwords, is reachable from this machine only; another address opens it to the
network, with a warning), and everything helpdesk/settings.py reads (DATABASE_URL,
REDIS_URL, ... ; none is needed).
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("PORT", "8000"))
BIND = os.environ.get("HELPDESK_BIND", "127.0.0.1")
STOP_GRACE = 10.0
DEMO_LOGINS = [
    ("admin", "demo", "administrator: Django admin at /admin/"),
    ("agent", "demo", "agent: agent panel at /agent/"),
    ("customer", "demo", "customer: customer panel at /customer/"),
]


class StopRequested(Exception):
    pass


def _request_stop(signum, frame):
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    raise StopRequested(signal.Signals(signum).name)


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def manage(*args: str) -> None:
    say("manage.py " + " ".join(args))
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def exposure_warning(bind: str) -> str | None:
    """A warning when `bind` lets other machines reach the demo (and its published passwords)."""
    try:
        if ipaddress.ip_address(bind.strip("[]")).is_loopback:
            return None
    except ValueError:
        if bind == "localhost":
            return None
    return (
        f"WARNING: HELPDESK_BIND={bind} makes this demo reachable from the network, with its published "
        "passwords (admin/demo, agent/demo, customer/demo). Use it only on a network you trust, and "
        "add this machine's name to ALLOWED_HOSTS."
    )


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start(name: str, argv: list[str]) -> subprocess.Popen:
    # Each process gets its own process group, so that a stop reaches its children too
    # (runserver's autoreloader, the embedded beat) and terminal Ctrl-C reaches only us.
    process = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL, process_group=0)
    say(f"started {name} (pid {process.pid}): {' '.join(argv[1:])}")
    return process


def stop_all(processes: dict[str, subprocess.Popen]) -> None:
    running = {name: p for name, p in processes.items() if p.poll() is None}
    for name, process in running.items():
        say(f"stopping {name}")
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    for name, process in running.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{name} did not stop within {STOP_GRACE:.0f}s; killing it")
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def print_banner() -> None:
    lines = [
        f"The helpdesk is running: http://127.0.0.1:{PORT}/",
        *([f"Listening on {BIND}: reachable from the network (HELPDESK_BIND)."] if exposure_warning(BIND) else []),
        "Demo logins (demo data only, never in production):",
        *(f"  {user:<9} password {password:<5} {what}" for user, password, what in DEMO_LOGINS),
        "Press Ctrl-C to stop the web server, the worker and beat.",
    ]
    width = max(len(line) for line in lines)
    print("\n" + "=" * width + "\n" + "\n".join(lines) + "\n" + "=" * width + "\n", flush=True)


def supervise(processes: dict[str, subprocess.Popen]) -> int:
    announced = False
    while True:
        for name, process in processes.items():
            code = process.poll()
            if code is not None:
                say(f"{name} exited with code {code}; stopping the others")
                return code if code > 0 else 1
        if not announced and port_in_use(PORT):
            print_banner()
            announced = True
        time.sleep(0.3)


def main() -> int:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _request_stop)
    os.chdir(ROOT)
    processes: dict[str, subprocess.Popen] = {}
    try:
        if port_in_use(PORT):
            print(f"error: port {PORT} is in use; stop what uses it or run `PORT=8001 make run`", file=sys.stderr)
            return 1
        Path(os.environ.get("HELPDESK_VAR_DIR", ROOT / "var")).mkdir(parents=True, exist_ok=True)
        # Links in the demo's mails point at this server unless the address is configured.
        os.environ.setdefault("HELPDESK_BASE_URL", f"http://127.0.0.1:{PORT}")
        warning = exposure_warning(BIND)
        if warning:
            print(f"\n{warning}\n", file=sys.stderr, flush=True)
        manage("migrate", "--noinput")
        manage("load_demo")
        processes["web"] = start("web", [sys.executable, "manage.py", "runserver", f"{BIND}:{PORT}"])
        processes["worker"] = start(
            "worker+beat",
            [str(BIN / "celery"), "-A", "helpdesk", "worker", "-B", "--pool=solo", "-n", "helpdesk@%h", "-l", "INFO"],
        )
        return supervise(processes)
    except StopRequested as stop:
        say(f"{stop} received")
        return 0
    except subprocess.CalledProcessError as exc:
        print(f"error: {' '.join(map(str, exc.cmd[1:]))} failed with code {exc.returncode}", file=sys.stderr)
        return exc.returncode
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        stop_all(processes)
        if processes:
            say("all stopped")


if __name__ == "__main__":
    sys.exit(main())
