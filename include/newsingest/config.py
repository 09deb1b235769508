"""Settings read from the environment, with defaults for the embedded setup.

Every setting has an environment variable (``NEWSINGEST_*``); nothing secret has a default.
Inside Airflow the OpenSearch connection comes from the ``opensearch_default`` connection instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INCLUDE_DIR = PROJECT_ROOT / "include"
DATA_DIR = Path(__file__).resolve().parent / "data"


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    """Runtime settings; build with :func:`load_settings`."""

    home: Path  # local state: services, logs, caches (git-ignored .newsingest/ by default)
    storage_root: str  # local path or fsspec URL (s3://bucket/prefix) for run files and WARC archives
    sources_file: Path
    opensearch_url: str
    index_alias: str
    sample_site_host: str = "127.0.0.1"
    sample_site_port: int = 8765
    user_agent: str = "newsingest/0.1 (+https://github.com/newsingest/newsingest)"
    index_shards: int | None = None  # None: the template's default
    index_replicas: int | None = None
    index_refresh_interval: str | None = None

    @property
    def sample_site_url(self) -> str:
        return f"http://{self.sample_site_host}:{self.sample_site_port}"


def _opt_int(name: str) -> int | None:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from exc


def load_settings() -> Settings:
    home = Path(_env("NEWSINGEST_HOME", str(PROJECT_ROOT / ".newsingest")))
    return Settings(
        home=home,
        storage_root=_env("NEWSINGEST_STORAGE_ROOT", str(home / "storage")),
        sources_file=Path(_env("NEWSINGEST_SOURCES", str(INCLUDE_DIR / "sources" / "sample.yaml"))),
        opensearch_url=_env("NEWSINGEST_OPENSEARCH_URL", "http://127.0.0.1:9200"),
        index_alias=_env("NEWSINGEST_INDEX", "news"),
        sample_site_host=_env("NEWSINGEST_SAMPLE_SITE_HOST", "127.0.0.1"),
        sample_site_port=int(_env("NEWSINGEST_SAMPLE_SITE_PORT", "8765")),
        user_agent=_env(
            "NEWSINGEST_USER_AGENT", "newsingest/0.1 (+https://github.com/newsingest/newsingest)"
        ),
        index_shards=_opt_int("NEWSINGEST_INDEX_SHARDS"),
        index_replicas=_opt_int("NEWSINGEST_INDEX_REPLICAS"),
        index_refresh_interval=os.environ.get("NEWSINGEST_INDEX_REFRESH_INTERVAL") or None,
    )
