"""PostgreSQL for the embedded Airflow metadata database: ``initdb`` once, then ``postgres`` as a service.

The server is the system's PostgreSQL (Debian's ``postgresql`` package; ``scripts/setup.sh`` installs it
where missing): the newest ``/usr/lib/postgresql/<major>/bin``, else ``postgres`` on PATH, or the folder
in ``NEWSINGEST_POSTGRES_BIN``. State lives under the newsingest home:

* ``<home>/postgres/data``      the cluster (``initdb -E UTF8 --locale C``)
* ``<home>/postgres/password``  the generated password of the ``newsingest`` role (mode 0600)
* ``<home>/logs/postgres.log``, ``<home>/run/postgres.pid``

It listens on 127.0.0.1 only, on ``NEWSINGEST_POSTGRES_PORT`` (default 15432, so it never meets a
system PostgreSQL on 5432), with no Unix socket (socket paths are limited to 107 bytes) and password
authentication (scram-sha-256). PostgreSQL refuses to run as root: started by root, the server runs as
``NEWSINGEST_POSTGRES_USER`` (default ``postgres``, the system account Debian's package creates) through
``setpriv``, and the data folder belongs to that account. Nothing here imports a database driver.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from newsingest.config import services_settings
from newsingest.services.process import Daemon, ServiceError, wait_until

DEFAULT_PORT = 15432
ROLE = "newsingest"
DATABASE = "airflow"
# Airflow's scheduler, API server, DAG processor and triggerer each keep a connection pool.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "",
    "max_connections": "200",
    "shared_buffers": "64MB",
}


def postgres_port() -> int:
    """NEWSINGEST_POSTGRES_PORT (default 15432)."""
    return services_settings().postgres_port


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)


def find_bin_dir() -> Path:
    """The folder with ``initdb``, ``postgres`` and ``pg_isready``; raises naming what to install."""
    explicit = services_settings().postgres_bin
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    else:
        debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
        candidates.extend(debian)
        on_path = shutil.which("postgres")
        if on_path:
            candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "postgres", "pg_isready")):
            return folder
    where = f"NEWSINGEST_POSTGRES_BIN={explicit}" if explicit else "/usr/lib/postgresql/*/bin or PATH"
    raise ServiceError(
        f"no PostgreSQL server found in {where} (initdb, postgres and pg_isready are needed): install "
        "Debian's PostgreSQL (apt-get install postgresql; scripts/setup.sh does it) or set "
        "NEWSINGEST_POSTGRES_BIN to the folder holding them"
    )


def _server_account() -> pwd.struct_passwd | None:
    """The account the server runs as when we are root (PostgreSQL refuses root); None otherwise."""
    if os.geteuid() != 0:
        return None
    name = services_settings().postgres_user
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        raise ServiceError(
            f"PostgreSQL cannot run as root and the account {name!r} (NEWSINGEST_POSTGRES_USER) does not "
            "exist: install Debian's postgresql package (it creates 'postgres') or create a system user "
            f"(useradd --system {name})"
        ) from None
    if account.pw_uid == 0:
        raise ServiceError(f"NEWSINGEST_POSTGRES_USER={name} is root; PostgreSQL refuses to run as root")
    return account


def _port_taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class PostgresServer:
    """One PostgreSQL cluster under ``<home>/postgres``, served on 127.0.0.1:``port``."""

    def __init__(self, home: Path, *, port: int | None = None, database: str = DATABASE):
        self.home = Path(home)
        self.port = port if port is not None else postgres_port()
        self.database = database
        self.root = self.home / "postgres"
        self.data_dir = self.root / "data"
        self.password_file = self.root / "password"
        self.daemon = Daemon("postgres", self.home)

    # ------------------------------------------------------------------ identity

    @property
    def url(self) -> str:
        """Where it listens (for ``services status``)."""
        return f"postgresql://127.0.0.1:{self.port}/{self.database}"

    def password(self) -> str:
        """The role's password: generated on first use, kept in ``<home>/postgres/password`` (0600)."""
        try:
            return self.password_file.read_text().strip()
        except FileNotFoundError:
            pass
        self.root.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(24)
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(value + "\n")
        return value

    def sqlalchemy_url(self, driver: str = "psycopg2") -> str:
        """The SQLAlchemy URL of the database (Airflow derives ``postgresql+asyncpg`` from it)."""
        return (
            f"postgresql+{driver}://{ROLE}:{quote(self.password(), safe='')}@127.0.0.1:{self.port}/"
            f"{self.database}"
        )

    # ------------------------------------------------------------------ lifecycle

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def is_up(self) -> bool:
        """Our server (the pid file's process) is running and accepts connections."""
        if self.daemon.pid() is None:
            return False
        return self._accepting()

    def _accepting(self) -> bool:
        proc = subprocess.run(
            [str(find_bin_dir() / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port), "-t", "3"],
            capture_output=True,
        )
        return proc.returncode == 0

    def _as_server(self, argv: list[str]) -> list[str]:
        account = _server_account()
        if account is None:
            return argv
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            raise ServiceError("setpriv (util-linux) is needed to run PostgreSQL as a non-root account")
        ids = [f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--clear-groups"]
        return [setpriv, *ids, "--", *argv]

    def _check_reachable(self, account: pwd.struct_passwd) -> None:
        """The server account must be able to walk down to the data folder."""
        for folder in reversed(self.data_dir.parents):
            if not folder.exists():
                continue
            st = folder.stat()
            if st.st_uid == account.pw_uid:
                continue
            bit = stat.S_IXGRP if st.st_gid == account.pw_gid else stat.S_IXOTH
            if not st.st_mode & bit:
                raise ServiceError(
                    f"PostgreSQL runs as {account.pw_name!r} and cannot enter {folder} (mode "
                    f"{stat.filemode(st.st_mode)}): allow it with `chmod o+x {folder}` or put "
                    "NEWSINGEST_HOME somewhere it can reach"
                )

    def init(self) -> None:
        """``initdb`` the cluster if it does not exist yet (idempotent)."""
        if self.is_initialised():
            return
        bin_dir = find_bin_dir()
        account = _server_account()
        password = self.password()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if any(self.data_dir.iterdir()):
            raise ServiceError(
                f"{self.data_dir} is not empty but holds no PostgreSQL cluster (no PG_VERSION): move it away"
            )
        pwfile = self.root / ".initdb-password"
        pwfile.write_text(password + "\n")
        os.chmod(pwfile, 0o600)
        if account is not None:
            self._check_reachable(account)
            for path in (self.data_dir, pwfile):
                os.chown(path, account.pw_uid, account.pw_gid)
        os.chmod(self.data_dir, 0o700)
        argv = [
            str(bin_dir / "initdb"), "-D", str(self.data_dir), "-U", ROLE, f"--pwfile={pwfile}",
            "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-instructions",
        ]  # fmt: skip
        try:
            proc = subprocess.run(self._as_server(argv), capture_output=True, text=True, cwd=self.root)
        finally:
            pwfile.unlink(missing_ok=True)
        if proc.returncode != 0:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise ServiceError(f"initdb failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")

    def start(self, timeout: float = 60.0) -> str:
        """Initialise if needed, start the server, create the database; returns ``url``."""
        if self.is_up():
            self.ensure_database()
            return self.url
        if _port_taken(self.port):
            raise ServiceError(
                f"127.0.0.1:{self.port} is taken by another process, not this state folder's PostgreSQL: "
                "set NEWSINGEST_POSTGRES_PORT to a free port"
            )
        self.init()
        argv = [str(find_bin_dir() / "postgres"), "-D", str(self.data_dir), "-p", str(self.port)]
        for key, value in SERVER_SETTINGS.items():
            argv += ["-c", f"{key}={value}"]
        self.daemon.start(self._as_server(argv), cwd=self.root)
        alive = lambda: self.daemon.pid() is not None  # noqa: E731
        if not wait_until(self._accepting, timeout=timeout, interval=0.3, alive=alive):
            self.stop()
            raise ServiceError(
                f"PostgreSQL did not accept connections on 127.0.0.1:{self.port} within {timeout:.0f}s; "
                f"log: {self.daemon.log_file}\n{self.daemon.log_tail()}"
            )
        self.ensure_database()
        return self.url

    def _psql(self, database: str, sql: str) -> str:
        env = {**os.environ, "PGPASSWORD": self.password(), "PGCONNECT_TIMEOUT": "10"}
        argv = [
            str(find_bin_dir() / "psql"), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
            "-h", "127.0.0.1", "-p", str(self.port), "-U", ROLE, "-d", database, "-c", sql,
        ]  # fmt: skip
        proc = subprocess.run(argv, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            where = f"127.0.0.1:{self.port}/{database}"
            raise ServiceError(f"psql on {where} failed: {proc.stderr.strip()[-2000:]}")
        return proc.stdout.strip()

    def ensure_database(self) -> None:
        """Create the database (UTF8, owned by the role) when it does not exist."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", self.database):
            raise ServiceError(f"database name {self.database!r}: use lower-case letters, digits and _")
        exists = self._psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'")
        if exists != "1":
            self._psql("postgres", f"CREATE DATABASE {self.database} OWNER {ROLE} ENCODING 'UTF8'")

    def stop(self, timeout: float = 60.0) -> bool:
        """Fast shutdown (SIGINT: roll back open transactions, disconnect clients); True if it ran."""
        pid = self.daemon.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.daemon.pid() is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.2)
        if self.daemon.pid() is not None:  # immediate shutdown, then the daemon's SIGTERM/SIGKILL
            os.kill(pid, signal.SIGQUIT)
            self.daemon.stop(timeout=10)
        self.daemon.pid_file.unlink(missing_ok=True)
        return True

    def describe(self) -> str:
        return (
            f"PostgreSQL (Airflow metadata database) on 127.0.0.1:{self.port}, data {self.data_dir}, "
            f"role {ROLE} (password in {self.password_file}); log: {self.daemon.log_file}"
        )
