"""Settings read from the environment, with defaults for the embedded setup, validated once.

Every setting has an environment variable (``NEWSINGEST_*``); nothing secret has a default.
Inside Airflow the OpenSearch connection comes from the ``opensearch_default`` connection instead.

:func:`load_settings` reads every variable in ``VARIABLES`` and reports every bad one in one
:class:`ConfigError` that names the variable, its value and what is expected. To add a setting: add a
field to :class:`Settings` and one :class:`Var` to ``VARIABLES``. :func:`check_environment` also runs the
checks that live beside the code that uses them (crawl knobs, schedule time, crawl pool).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INCLUDE_DIR = PROJECT_ROOT / "include"
DEFAULT_SOURCES_FILE = INCLUDE_DIR / "sources" / "sample.yaml"
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_USER_AGENT = "newsingest/0.1 (+https://github.com/newsingest/newsingest)"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class ConfigError(ValueError):
    """One or more settings are invalid; the message names each variable, its value and what to do."""


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
    user_agent: str = DEFAULT_USER_AGENT
    index_shards: int | None = None  # None: the template's default
    index_replicas: int | None = None
    index_refresh_interval: str | None = None
    batch_size: int = 1000  # URLs per mapped fetch/clean/enrich/load batch in the DAG
    ner_batch_size: int = 32  # texts per spaCy batch
    ner_processes: int = 1  # spaCy worker processes

    @property
    def sample_site_url(self) -> str:
        return f"http://{self.sample_site_host}:{self.sample_site_port}"


# ----------------------------------------------------------------------------------------- parsers
# Each takes the raw text and returns the value, or raises ValueError saying what is expected.


def whole_number(minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError("expected a whole number") from None
        if minimum is not None and value < minimum:
            raise ValueError(f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"must be at most {maximum}")
        return value

    return parse


def opensearch_url(raw: str) -> str:
    """An ``http(s)://host[:port]`` URL (a missing port means the scheme's default)."""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("expected a URL like http://127.0.0.1:9200 or https://search.example.org")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValueError("the port is not a number from 1 to 65535") from None
    return raw.rstrip("/")


def url_port(url: str) -> int:
    """The URL's port, or its scheme's default (443 for https, 80 for http)."""
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def is_loopback(url: str) -> bool:
    """True when the URL's host is this machine (where the embedded services run)."""
    return (urlsplit(url).hostname or "").lower() in LOOPBACK_HOSTS


def local_dir(raw: str) -> str:
    """A folder that exists or can be created (fsspec URLs such as s3://... are passed through)."""
    if "://" in raw and not raw.startswith("file://"):
        return raw
    path = Path(raw.removeprefix("file://")).expanduser()
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        where = "is" if probe == path else f"is under {probe}, which is"
        raise ValueError(f"{where} a regular file, not a folder; point it at a folder (created if missing)")
    return raw


def existing_file(raw: str) -> Path:
    path = Path(raw).expanduser()
    if path.exists() and not path.is_file():
        raise ValueError("is not a regular file")
    return path


def text(raw: str) -> str:
    return raw


@dataclass(frozen=True)
class Var:
    """One environment variable feeding one :class:`Settings` field."""

    name: str
    field: str
    parse: Callable[[str], Any]
    default: Callable[[dict[str, Any]], Any] | Any = None  # a value, or a function of the fields so far
    meaning: str = ""


VARIABLES: tuple[Var, ...] = (
    Var("NEWSINGEST_HOME", "home", lambda raw: Path(local_dir(raw)), PROJECT_ROOT / ".newsingest",
        "local state: services, logs, Maven repository, caches"),
    Var("NEWSINGEST_STORAGE_ROOT", "storage_root", local_dir, lambda s: str(s["home"] / "storage"),
        "run files and WARC archive; a local folder or an fsspec URL"),
    Var("NEWSINGEST_SOURCES", "sources_file", existing_file, DEFAULT_SOURCES_FILE,
        "the sources file"),
    Var("NEWSINGEST_OPENSEARCH_URL", "opensearch_url", opensearch_url, "http://127.0.0.1:9200",
        "OpenSearch for the CLI and the embedded node"),
    Var("NEWSINGEST_INDEX", "index_alias", text, "news", "the read alias"),
    Var("NEWSINGEST_SAMPLE_SITE_HOST", "sample_site_host", text, "127.0.0.1", "sample site interface"),
    Var("NEWSINGEST_SAMPLE_SITE_PORT", "sample_site_port", whole_number(1, 65535), 8765, "sample site port"),
    Var("NEWSINGEST_USER_AGENT", "user_agent", text, DEFAULT_USER_AGENT, "the crawler's User-Agent"),
    Var("NEWSINGEST_INDEX_SHARDS", "index_shards", whole_number(1, 1024), None, "primary shards"),
    Var("NEWSINGEST_INDEX_REPLICAS", "index_replicas", whole_number(0, 16), None, "replicas"),
    Var("NEWSINGEST_INDEX_REFRESH_INTERVAL", "index_refresh_interval", text, None, "refresh interval"),
    Var("NEWSINGEST_BATCH_SIZE", "batch_size", whole_number(1, 100_000), 1000, "URLs per DAG batch"),
    Var("NEWSINGEST_NER_BATCH_SIZE", "ner_batch_size", whole_number(1, 10_000), 32, "texts per NER batch"),
    Var("NEWSINGEST_NER_PROCESSES", "ner_processes", whole_number(1, 64), 1, "NER worker processes"),
)  # fmt: skip


def _problem(name: str, raw: str, why: str) -> str:
    return f"{name}={raw!r}: {why}"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment; raises :class:`ConfigError` listing every invalid variable."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    problems: list[str] = []
    for var in VARIABLES:
        raw = env.get(var.name)
        if raw in (None, ""):
            values[var.field] = var.default(values) if callable(var.default) else var.default
            continue
        try:
            values[var.field] = var.parse(raw)
        except ValueError as exc:
            problems.append(_problem(var.name, raw, str(exc)))
            values[var.field] = var.default(values) if callable(var.default) else var.default
    if problems:
        raise ConfigError("; ".join(problems) + " (fix or unset the variable)")
    return Settings(**values)


def check_environment(environ: Mapping[str, str] | None = None) -> Settings:
    """:func:`load_settings` plus every other ``NEWSINGEST_*`` check, so bad values fail up front."""
    from newsingest.crawl.config import CrawlConfig
    from newsingest.schedule import schedule_time

    env = os.environ if environ is None else environ
    problems: list[str] = []
    settings: Settings | None = None
    try:
        settings = load_settings(env)
    except ConfigError as exc:
        problems.append(str(exc).removesuffix(" (fix or unset the variable)"))
    checks: list[Callable[[], object]] = [
        lambda: CrawlConfig.from_env(dict(env)),
        lambda: schedule_time(env),
        lambda: crawl_pool_slots(env),
    ]
    for check in checks:
        try:
            check()
        except ValueError as exc:
            problems.append(str(exc))
    if problems or settings is None:
        raise ConfigError("; ".join(problems) + " (fix or unset the variable)")
    return settings


def crawl_pool_slots(environ: Mapping[str, str] | None = None) -> int:
    """Slots of Airflow's ``crawl`` pool: NEWSINGEST_CRAWL_POOL_SLOTS (default 2)."""
    env = os.environ if environ is None else environ
    raw = env.get("NEWSINGEST_CRAWL_POOL_SLOTS") or "2"
    try:
        return whole_number(1)(raw)
    except ValueError as exc:
        raise ConfigError(_problem("NEWSINGEST_CRAWL_POOL_SLOTS", raw, str(exc))) from None
