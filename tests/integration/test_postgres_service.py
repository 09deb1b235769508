"""The embedded PostgreSQL: initdb once, start, serve the database over loopback with a password, stop."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def state_dir():
    root = Path(tempfile.mkdtemp(prefix="newsingest-pg-"))
    os.chmod(root, 0o755)  # the server may run as another account (we may be root)
    yield root
    import shutil

    shutil.rmtree(root, ignore_errors=True)


def _psql(server, sql: str, password: str) -> subprocess.CompletedProcess:
    from newsingest.services.postgres import ROLE, find_bin_dir

    return subprocess.run(
        [str(find_bin_dir() / "psql"), "-X", "-tA", "-h", "127.0.0.1", "-p", str(server.port), "-U", ROLE,
         "-d", server.database, "-c", sql],
        env={**os.environ, "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "5"},
        capture_output=True,
        text=True,
    )  # fmt: skip


def test_start_serves_the_database_and_survives_a_restart(state_dir):
    from newsingest.services.postgres import PostgresServer

    server = PostgresServer(state_dir / "home", port=_free_port())
    try:
        assert server.start() == server.url
        assert server.is_up()
        assert (server.data_dir / "PG_VERSION").is_file()
        assert oct(server.password_file.stat().st_mode & 0o777) == "0o600"
        assert (
            _psql(
                server, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)", server.password()
            ).returncode
            == 0
        )
        wrong = _psql(server, "SELECT 1", "not-the-password")
        assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr
        assert "127.0.0.1" in server.sqlalchemy_url() and server.sqlalchemy_url().startswith(
            "postgresql+psycopg2://"
        )
        assert server.stop() is True
        assert not server.is_up()
        server.start()  # on the existing cluster: no second initdb, the data is still there
        assert _psql(server, "SELECT n FROM kept", server.password()).stdout.strip() == "7"
    finally:
        server.stop()
    assert server.stop() is False


def test_a_taken_port_is_named(state_dir):
    from newsingest.services.postgres import PostgresServer
    from newsingest.services.process import ServiceError

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ServiceError, match=f"127.0.0.1:{port} is taken.*NEWSINGEST_POSTGRES_PORT"):
            PostgresServer(state_dir / "home", port=port).start()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the server to another account")
def test_as_root_an_unreachable_state_folder_is_named(state_dir):
    from newsingest.services.postgres import PostgresServer
    from newsingest.services.process import ServiceError

    hidden = state_dir / "private"
    hidden.mkdir(mode=0o700)
    with pytest.raises(ServiceError, match=r"cannot enter .*private.*chmod o\+x"):
        PostgresServer(hidden / "home", port=_free_port()).start()
