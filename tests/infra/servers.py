"""Throwaway PostgreSQL and Redis servers for `make test` (and for bench/).

Each server lives in its own temporary directory, listens on a free port on 127.0.0.1
only, keeps nothing on disk that matters (fsync off, no Redis persistence) and is
removed with its directory by stop(). Use them as context managers:

    with PostgresServer() as pg, RedisServer() as redis:
        env["DATABASE_URL"], env["REDIS_URL"] = pg.url, redis.url

PostgreSQL refuses to run as root, so as root the cluster runs as a dedicated system
user (created on first use) that owns the temporary directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_SYSTEM_USER = "helpdesk-pg"
PG_SUPERUSER = "helpdesk"
PG_DATABASE = "helpdesk"
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_postgres_bindir() -> Path:
    """The directory holding initdb and postgres: PATH first, then Debian's versioned folders."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("postgres"):
        return Path(on_path).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3].split(".")[0])
    )
    if candidates:
        return Path(candidates[-1]).parent
    raise ServerError("no PostgreSQL server binaries (initdb, postgres) found; `make test` installs them")


def _ensure_system_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/bin/false", name],
            check=True,
        )
        return pwd.getpwnam(name)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class _Server:
    """A server process in its own session (terminal Ctrl-C reaches only our supervisor)."""

    name = "server"
    stop_signal = signal.SIGTERM

    def __init__(self) -> None:
        self.port = 0
        self.tempdir: Path | None = None
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        raise NotImplementedError

    def _spawn(self, argv: list[str], **kwargs) -> None:
        assert self.log_path is not None
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
            )

    def _wait_until_ready(self, probe) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServerError(
                    f"{self.name} exited with code {self.process.returncode} while starting; its log:\n"
                    + _tail(self.log_path)
                )
            if probe():
                return
            time.sleep(0.1)
        raise ServerError(f"{self.name} did not answer within {READY_TIMEOUT:.0f}s; its log:\n" + _tail(self.log_path))

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(self.stop_signal)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if self.tempdir is not None:
            shutil.rmtree(self.tempdir, ignore_errors=True)
            self.tempdir = None


class PostgresServer(_Server):
    name = "PostgreSQL"
    stop_signal = signal.SIGINT  # "fast shutdown": disconnect clients, stop at once

    def __init__(self) -> None:
        super().__init__()
        self.bindir = find_postgres_bindir()
        self.version = ""

    @property
    def url(self) -> str:
        return f"postgres://{PG_SUPERUSER}@127.0.0.1:{self.port}/{PG_DATABASE}"

    def start(self) -> None:
        run_as: dict = {}
        self.tempdir = Path(tempfile.mkdtemp(prefix="helpdesk-pg-"))
        self.log_path = self.tempdir / "postgres.log"
        if os.geteuid() == 0:
            user = _ensure_system_user(PG_SYSTEM_USER)
            os.chown(self.tempdir, user.pw_uid, user.pw_gid)
            run_as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        datadir = self.tempdir / "data"
        self.log_path.touch()
        if run_as:
            os.chown(self.log_path, run_as["user"], run_as["group"])
        initdb = subprocess.run(
            [
                str(self.bindir / "initdb"),
                "--pgdata",
                str(datadir),
                "--username",
                PG_SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                # C collation (byte order), but a UTF-8 character class: lower(), full-text
                # search and pg_trgm then fold Cyrillic and accented letters (with a C ctype
                # PostgreSQL folds ASCII only and pg_trgm drops non-ASCII letters).
                "--locale",
                "C",
                "--lc-ctype",
                "C.UTF-8",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            cwd=self.tempdir,
            **run_as,
        )
        if initdb.returncode != 0:
            raise ServerError(f"initdb failed:\n{initdb.stdout}\n{initdb.stderr}")
        self.version = subprocess.run(
            [str(self.bindir / "postgres"), "--version"], capture_output=True, text=True
        ).stdout.strip()
        self.port = free_port()
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": str(self.tempdir),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
            "shared_buffers": "128MB",
        }
        argv = [str(self.bindir / "postgres"), "-D", str(datadir)]
        for key, value in settings.items():
            argv += ["-c", f"{key}={value}"]
        self._spawn(argv, cwd=self.tempdir, **run_as)
        self._wait_until_ready(self._accepts_queries)
        self._create_database()

    def _connect(self, dbname: str):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=PG_SUPERUSER, dbname=dbname, connect_timeout=2, autocommit=True
        )

    def _accepts_queries(self) -> bool:
        try:
            with self._connect("postgres") as conn:
                conn.execute("SELECT 1")
            return True
        except Exception:
            return False

    def _create_database(self) -> None:
        with self._connect("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


class RedisServer(_Server):
    name = "Redis"

    def __init__(self) -> None:
        super().__init__()
        binary = shutil.which("redis-server")
        if not binary:
            raise ServerError("redis-server not found; `make test` installs Debian's redis-server")
        self.binary = binary
        self.version = ""

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.tempdir = Path(tempfile.mkdtemp(prefix="helpdesk-redis-"))
        self.log_path = self.tempdir / "redis.log"
        self.version = subprocess.run([self.binary, "--version"], capture_output=True, text=True).stdout.strip()
        self.port = free_port()
        argv = [
            self.binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.tempdir),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--protected-mode",
            "yes",
        ]
        self._spawn(argv, cwd=self.tempdir)
        self._wait_until_ready(self._answers_ping)

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False
