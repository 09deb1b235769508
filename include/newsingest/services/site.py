"""The bundled sample news site as a background service (``newsingest site serve`` in a daemon)."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

from newsingest.config import Settings
from newsingest.services.process import Daemon, ServiceError, wait_until


class SampleSiteService:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.daemon = Daemon("sample-site", settings.home)

    @property
    def url(self) -> str:
        return self.settings.sample_site_url

    def is_up(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/robots.txt", timeout=2) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def start(self, timeout: float = 30.0) -> str:
        if self.is_up():
            return self.url
        argv = [
            sys.executable,
            "-m",
            "newsingest.cli",
            "site",
            "serve",
            "--host",
            self.settings.sample_site_host,
            "--port",
            str(self.settings.sample_site_port),
        ]
        self.daemon.start(argv)
        if not wait_until(self.is_up, timeout=timeout, alive=lambda: self.daemon.pid() is not None):
            self.daemon.stop(timeout=5)
            raise ServiceError(
                f"the sample site did not answer on {self.url}; log: {self.daemon.log_file}\n"
                f"{self.daemon.log_tail()}"
            )
        return self.url

    def stop(self) -> bool:
        return self.daemon.stop(timeout=10)
