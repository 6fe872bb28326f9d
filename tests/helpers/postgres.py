"""A real PostgreSQL server for the database tests, one per pytest process (so one per
xdist worker), started by the fixtures and stopped after the session, even when tests fail.

- `postgres_server`: the running server (session scope).
- `postgres_url`: a SQLAlchemy URL (`postgresql+psycopg://...`) to a fresh empty database
  on it, shared by the session's tests.
- `postgres_database`: a database of the test's own (`test_<n>`), dropped afterwards.

The server's binaries (`initdb`, `pg_ctl`, `postgres`) are looked up on PATH, then where
Debian puts them (/usr/lib/postgresql/<version>/bin); SUMMARIZER_TEST_PG_BIN names the one
folder to look in instead. Where none are found, Debian's `postgresql` package is installed
with apt-get; where that cannot be done, the tests are skipped with the reason. The cluster
lives in a new folder under the system's temporary folder, owned by the unprivileged user
that runs it (PostgreSQL refuses root), and listens only on a unix socket in that folder.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from helpers.apt import installed

# Read at import: the autouse fixture that clears SUMMARIZER_* runs before each test.
BIN_OVERRIDE = os.environ.get("SUMMARIZER_TEST_PG_BIN")
DEBIAN_BINS = Path("/usr/lib/postgresql")
NEEDED = ("initdb", "pg_ctl", "postgres")
START_TIMEOUT = 60
SUPERUSER = "postgres"
PORT = 5432  # with a socket of its own folder, any port will do: no clash between servers
# A unix socket's path is limited to 107 bytes; longer, the server listens on loopback.
SOCKET_PATH_MAX = 100
SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "'32MB'",
    "max_connections": "50",
}


def server_bin_dir(override: str | None = BIN_OVERRIDE, *, path_first: bool = True) -> Path | None:
    """The folder holding initdb, pg_ctl and postgres; `override` is the only one looked in."""
    if override is not None:
        candidates = [Path(override)]
    else:
        candidates = []
        if path_first and (on_path := shutil.which("pg_ctl")):
            candidates.append(Path(on_path).resolve().parent)
        candidates += debian_bin_dirs()
    return next((d for d in candidates if all((d / name).is_file() for name in NEEDED)), None)


def debian_bin_dirs() -> list[Path]:
    """/usr/lib/postgresql/<version>/bin, the newest version first."""
    found = [d / "bin" for d in DEBIAN_BINS.glob("*") if d.name.isdigit()]
    return sorted(found, key=lambda d: int(d.parent.name), reverse=True)


def installed_bin_dir() -> Path:
    """Installs Debian's `postgresql` (once, whichever xdist worker gets there first) and
    returns where its binaries went; skips the test with the reason where it cannot."""
    if os.geteuid() != 0:
        pytest.skip("needs PostgreSQL's server binaries; `apt-get install postgresql` needs root")
    return installed("postgresql", lambda: server_bin_dir(None, path_first=False))


def run_as() -> tuple[list[str], int, int]:
    """The command prefix that drops root, with the uid and gid it runs as."""
    if os.geteuid() != 0:
        return [], os.geteuid(), os.getegid()
    for name in ("postgres", "nobody"):  # Debian's package makes `postgres`
        with contextlib.suppress(KeyError):
            user = pwd.getpwnam(name)
            break
    else:
        pytest.skip("PostgreSQL refuses root, and neither `postgres` nor `nobody` exists")
    if shutil.which("runuser"):
        return ["runuser", "-u", user.pw_name, "--"], user.pw_uid, user.pw_gid
    drop = [f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups"]
    return ["setpriv", *drop, "--"], user.pw_uid, user.pw_gid


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class PostgresServer:
    """A running server: where it listens, and its new databases."""

    bin_dir: Path
    base: Path
    host: str  # the socket's folder, or 127.0.0.1
    port: int
    prefix: list[str]
    startup_seconds: float = 0.0
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def log(self) -> Path:
        return self.base / "server.log"

    def url(self, database: str) -> str:
        """A SQLAlchemy URL to `database` on this server."""
        if self.host.startswith("/"):
            host = quote(self.host, safe="/")
            return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={host}&port={self.port}"
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{database}"

    def admin(self) -> Any:
        """An autocommit psycopg connection to the maintenance database (close it)."""
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def create_database(self, name: str | None = None) -> str:
        """Creates a new empty database (`test_<n>` by default); returns its name."""
        name = name or f"test_{next(self._numbers)}"
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", name), name
        with self.admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drops it, closing whatever connections a test left open to it."""
        with self.admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        """A new empty database's URL, dropped on leaving."""
        name = self.create_database()
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)

    def pg(
        self, *args: str, timeout: float = START_TIMEOUT + 30
    ) -> subprocess.CompletedProcess[str]:
        """Runs one of the server's programs as the unprivileged user."""
        command = [*self.prefix, str(self.bin_dir / args[0]), *args[1:]]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env |= {"LC_ALL": "C", "LANG": "C"}
        return subprocess.run(
            command, cwd=self.base, env=env, capture_output=True, text=True, timeout=timeout
        )

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-2000:]
        return "(no server log)"

    def start(self) -> None:
        began = time.perf_counter()
        done = self.pg(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        if done.returncode != 0:
            pytest.fail(f"initdb failed ({done.returncode}): {done.stdout}{done.stderr}"[-3000:])
        settings = SETTINGS | {"port": str(self.port)}
        if self.host.startswith("/"):
            settings["unix_socket_directories"] = f"'{self.host}'"
        else:
            settings |= {"listen_addresses": f"'{self.host}'", "unix_socket_directories": "''"}
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))
        done = self.pg(
            "pg_ctl", "start", "-w", "-t", str(START_TIMEOUT), "-D", str(self.data),
            "-l", str(self.log),
        )  # fmt: skip
        if done.returncode != 0:
            pytest.fail(f"pg_ctl start failed: {done.stderr}\n{self.log_tail()}")
        self.startup_seconds = time.perf_counter() - began

    def stop(self) -> None:
        """Stops the server, harder each time it does not stop, and removes its files."""
        try:
            for mode in ("fast", "immediate"):
                if not (self.data / "postmaster.pid").exists():
                    break
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.pg("pg_ctl", "stop", "-w", "-t", "30", "-D", str(self.data), "-m", mode)
            with contextlib.suppress(OSError, ValueError, IndexError):
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, 9)  # still there after both: nothing else will stop it
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def start_server() -> PostgresServer:
    """A new cluster in a new temporary folder, started."""
    bin_dir = server_bin_dir() or installed_bin_dir()
    prefix, uid, gid = run_as()
    # Not pytest's tmp_path: its root (/tmp/pytest-of-<user>) is private to the user running
    # pytest, so the server's user could not reach it, and its paths outgrow a socket's.
    base = Path(tempfile.mkdtemp(prefix="summarizer-pg-"))
    os.chown(base, uid, gid)
    host = str(base)
    port = PORT
    if len(f"{base}/.s.PGSQL.{PORT}") > SOCKET_PATH_MAX:
        host, port = "127.0.0.1", free_port()
    server = PostgresServer(bin_dir=bin_dir, base=base, host=host, port=port, prefix=prefix)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server of this pytest process (each xdist worker has its own)."""
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """A SQLAlchemy URL to a fresh empty database that the session's tests share."""
    return postgres_server.url(postgres_server.create_database("test"))


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A SQLAlchemy URL to a new empty database of this test's own, dropped afterwards."""
    with postgres_server.database() as url:
        yield url
