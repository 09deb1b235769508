"""Redis from Debian's ``redis-server`` as a user process: the Celery broker of ``newsingest cluster``.

Bound to 127.0.0.1 with a generated password (``<dir>/password``, mode 0600), data in ``<dir>``,
append-only file on so queued Celery messages survive a restart of the broker.
"""

from __future__ import annotations

import secrets
import shutil
import socket
from pathlib import Path

from newsingest.services.process import Daemon, ServiceError, wait_until


def redis_server_bin() -> str:
    found = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/sbin")
    if not found:
        raise ServiceError("redis-server is not installed: apt-get install -y redis-server (Debian package)")
    return found


class RedisServer:
    """``redis-server`` on ``127.0.0.1:port`` with its state in ``<home>/<name>``."""

    def __init__(self, home: Path, port: int, *, name: str = "redis"):
        self.home = home
        self.port = port
        self.dir = home / name
        self.daemon = Daemon(name, home)

    def password(self) -> str:
        path = self.dir / "password"
        if not path.exists():
            self.dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def url(self) -> str:
        return f"redis://:{self.password()}@127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        """True when the server answers PING with our password."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
                pw = self.password().encode()
                sock.sendall(b"*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n*1\r\n$4\r\nPING\r\n" % (len(pw), pw))
                data = b""
                while b"PONG" not in data and len(data) < 200:
                    chunk = sock.recv(200)
                    if not chunk:
                        break
                    data += chunk
                return b"+PONG" in data
        except OSError:
            return False

    def start(self, timeout: float = 30.0) -> str:
        if self.ping():
            return self.url
        self.dir.mkdir(parents=True, exist_ok=True)
        conf = self.dir / "redis.conf"  # the password stays out of the process list
        conf.write_text(
            f"bind 127.0.0.1\nport {self.port}\ndir {self.dir}\nrequirepass {self.password()}\n"
            'appendonly yes\nsave ""\ndaemonize no\nprotected-mode yes\n'
        )
        conf.chmod(0o600)
        self.daemon.start([redis_server_bin(), str(conf)], cwd=self.dir)
        if not wait_until(self.ping, timeout=timeout, alive=lambda: self.daemon.pid() is not None):
            self.daemon.stop()
            raise ServiceError(
                f"Redis did not answer on 127.0.0.1:{self.port} within {timeout:.0f} s; "
                f"log {self.daemon.log_file}:\n{self.daemon.log_tail()}"
            )
        return self.url

    def stop(self) -> bool:
        return self.daemon.stop()
