"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` + ``pg_ctl`` in a temporary folder.

    with TempCluster() as cluster:
        dsn = cluster.new_schema()      # an empty schema for one test, as the unprivileged role "somflow"

The server listens only on a unix socket inside its own folder (on Windows:
on 127.0.0.1, a free port), trusts local connections, and is stopped and
deleted on exit. Running as root (containers, CI), ``initdb`` refuses to
start, so the server runs as the ``postgres`` system user the Debian package
creates. With ``SOMFLOW_TEST_PG_DSN`` set, :func:`test_server` uses that
existing server instead (the role must be allowed to ``CREATE SCHEMA``).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

APP_ROLE = "somflow"
APP_DB = "somflow"


def find_bin(program: str) -> str:
    """Path of a PostgreSQL server program (``initdb``, ``pg_ctl``): PATH, else Debian's versioned folders."""
    found = shutil.which(program)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return candidates[-1]
    raise FileNotFoundError(
        f"{program} not found: install PostgreSQL (Debian: apt-get install postgresql) or set SOMFLOW_TEST_PG_DSN"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempCluster:
    """A PostgreSQL server of its own; ``durable=False`` turns fsync off (fine for tests, not for benchmarks)."""

    def __init__(self, durable: bool = False):
        self.durable = durable
        self.folder: Path | None = None
        self.port = _free_port()
        self._schemas = itertools.count(1)
        self._as_root = hasattr(os, "geteuid") and os.geteuid() == 0

    # ------------------------------------------------------------ lifecycle

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace")
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> TempCluster:
        self.folder = Path(tempfile.mkdtemp(prefix="somflow-pg-"))
        if self._as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        self._run(
            find_bin("initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = [f"-p {self.port}", "-c max_connections=200", "-c shared_buffers=64MB"]
        if os.name == "posix":
            options += ["-c listen_addresses=''", f"-c unix_socket_directories='{self.folder}'"]
        else:
            options += ["-c listen_addresses=127.0.0.1"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            find_bin("pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            " ".join(options),
            "start",
        )
        self._setup()
        return self

    def stop(self) -> None:
        if self.folder is None:
            return
        try:
            self._run(find_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> TempCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---------------------------------------------------------------- DSNs

    def dsn(self, user: str = APP_ROLE, dbname: str = APP_DB, options: str = "") -> str:
        host = quote(str(self.folder), safe="") if os.name == "posix" else "127.0.0.1"
        query = f"?host={host}&port={self.port}" if os.name == "posix" else f"?port={self.port}"
        if options:
            query += "&options=" + quote(options, safe="")
        netloc = "" if os.name == "posix" else "127.0.0.1"
        return f"postgresql://{user}@{netloc}/{dbname}{query}"

    def _setup(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn("postgres", "postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
            conn.execute(f"CREATE DATABASE {APP_DB} OWNER {APP_ROLE}")

    def new_schema(self) -> str:
        """DSN of a new empty schema owned by the unprivileged role (one per test)."""
        return new_schema(self.dsn(), f"t{os.getpid()}_{next(self._schemas)}")


def new_schema(dsn: str, name: str) -> str:
    """Create schema ``name`` through the URL ``dsn`` and return a URL whose search_path is that schema."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{name}"')
    return dsn + ("&" if "?" in dsn else "?") + "options=" + quote(f"-c search_path={name}", safe="")
