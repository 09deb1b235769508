"""The settings tree, read from the environment once, validated once, and passed down.

Every setting has an environment variable (``NEWSINGEST_*``); nothing secret has a default. Inside
Airflow the OpenSearch connection comes from the ``opensearch_default`` connection instead.

:func:`load_settings` reads every variable in ``VARIABLES`` into one frozen :class:`Settings` tree and
reports every bad one in one :class:`ConfigError` that names the variable, its value and what is expected.
The tree: the top-level fields (home, storage root, sources file, OpenSearch URL and index layout, batch
sizes) and one sub-tree per concern: ``crawl`` (:class:`CrawlConfig`, re-exported by ``crawl.config``,
``NEWSINGEST_CRAWL_<FIELD>``), ``clean``, ``enrich``, ``index`` (client auth and TLS, runs and lease
indices), ``gate`` (thresholds) and ``schedule`` (the DAG's timetable and pool). The edges (CLI entry,
DAG task, Airflow hook) call :func:`load_settings` or :func:`check_environment` and pass the tree down;
nothing else in the package reads ``os.environ`` (the embedded-service launchers build child
environments from it). To add a setting: add a field to the right dataclass and one :class:`Var`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsingest.errors import PermanentError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INCLUDE_DIR = PROJECT_ROOT / "include"
DEFAULT_SOURCES_FILE = INCLUDE_DIR / "sources" / "sample.yaml"
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_THRESHOLDS_FILE = DATA_DIR / "quality_thresholds.yaml"
DEFAULT_USER_AGENT = "newsingest/0.1 (+https://github.com/newsingest/newsingest)"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_UNSET = object()  # a variable left unset: the field keeps its dataclass default


HTML_TYPES = ("text/html", "application/xhtml+xml")
XML_TYPES = (
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/x-gzip",
    "application/gzip",
    "application/octet-stream",
    "text/plain",
)


@dataclass(frozen=True)
class CrawlConfig:
    """The crawl sub-tree: what the fetcher and discovery need (``NEWSINGEST_CRAWL_<FIELD>`` each)."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_body_bytes: int = 8 * 1024 * 1024  # decoded size cap for pages
    max_document_bytes: int = 50 * 1024 * 1024  # decoded size cap for feeds and sitemaps
    max_robots_bytes: int = 512 * 1024
    max_redirects: int = 5
    max_attempts: int = 4  # first try + retries
    backoff_base: float = 0.5  # seconds; doubled each retry, plus jitter
    backoff_max: float = 30.0
    max_retry_after: float = 60.0  # Retry-After is honoured up to this many seconds
    max_retry_time: float = 120.0  # total time budget per URL for retries
    global_concurrency: int = 32
    host_concurrency: int = 2
    max_idle_connections: int = 0  # idle keep-alive connections kept across hosts; 0 = 2 x global + 8
    max_crawl_delay: float = 30.0  # robots.txt Crawl-delay is capped at this
    host_failure_limit: int = 8  # consecutive failures after which a host is given up for the run
    obey_robots: bool = True
    http2: bool = True
    allowed_content_types: tuple[str, ...] = HTML_TYPES
    discovery_content_types: tuple[str, ...] = HTML_TYPES + XML_TYPES
    max_sitemaps: int = 200  # sitemap documents followed per source and run
    max_sitemap_depth: int = 3
    warc_max_bytes: int = 512 * 1024 * 1024  # roll over to a new WARC file past this size
    ssrf_exempt: tuple[str, ...] = field(default=())  # host:port pairs exempt from the SSRF guard

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> CrawlConfig:
        """The settings' crawl sub-tree (``NEWSINGEST_CRAWL_<FIELD>`` variables, e.g. ``..._MAX_ATTEMPTS``),
        for callers outside the stages; the stages take the config from the settings they are given."""
        return crawl_config(env)


class ConfigError(PermanentError, ValueError):
    """One or more settings are invalid; the message names each variable, its value and what to do."""


@dataclass(frozen=True)
class CleanSettings:
    """What the cleaner keeps."""

    min_body_chars: int = 250  # clean.extract.MIN_BODY_CHARS: shorter bodies drop as too_short (not briefs)


@dataclass(frozen=True)
class EnrichSettings:
    """The enrichment models and their depth."""

    ner_model: str | None = None  # None: the enricher's default spaCy pipeline
    ner_languages: tuple[str, ...] = ("en",)  # languages the NER model handles; others skip NER
    langid_mode: str = "low"  # lingua's accuracy mode: low (fast) or high
    keywords_chars: int = 300  # characters of the body keyphrases are taken from (0: none)


@dataclass(frozen=True)
class IndexSettings:
    """How the CLI and the stages reach OpenSearch (besides the URL), and the bookkeeping indices."""

    auth: str = "basic"  # basic (username/password when set) or sigv4 (AWS)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_certs: str | None = None
    verify_certs: bool = True
    aws_region: str | None = None
    aws_service: str = "es"
    runs_index: str = "newsingest-runs"
    lease_index: str = "newsingest-leases"
    lease_ttl: float = 60.0  # seconds a dead lease holder blocks the others

    def client_options(self) -> dict[str, Any]:
        """Auth and TLS keyword arguments for :func:`newsingest.load.client.make_client`."""
        options: dict[str, Any] = {"ca_certs": self.ca_certs, "verify_certs": self.verify_certs}
        if self.auth == "sigv4":
            options["aws_region"] = self.aws_region or ""
            options["aws_service"] = self.aws_service
        else:
            options["username"] = self.username
            options["password"] = self.password
        return options


@dataclass(frozen=True)
class GateSettings:
    """The quality gate's thresholds file and single-bound overrides."""

    thresholds_file: Path = DEFAULT_THRESHOLDS_FILE
    # (variable, raw value) of every NEWSINGEST_GATE_<FIGURE>_<BOUND>; the thresholds loader parses them
    overrides: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ScheduleSettings:
    """The DAG's timetable and Airflow pool."""

    time: time = time(2, 0)  # nightly run time, UTC
    max_active_runs: int = 3
    crawl_pool_slots: int = 4  # concurrent fetch tasks (= sources fetched at once); the embedded parallelism


@dataclass(frozen=True)
class ServicesSettings:
    """The embedded services' launchers: their ports, and where the tools they start live."""

    airflow_port: int = 8080  # the embedded Airflow's API server
    airflow_home: Path | None = None  # AIRFLOW_HOME; None: <home>/airflow
    airflow_database: str | None = None  # AIRFLOW__DATABASE__SQL_ALCHEMY_CONN; None: embedded PostgreSQL
    postgres_port: int = 15432
    postgres_bin: Path | None = None  # folder with initdb, postgres, pg_isready; None: Debian's or PATH
    postgres_user: str = "postgres"  # the account the server runs as when started by root
    java_home: Path | None = None  # NEWSINGEST_JAVA_HOME: must be a JDK 21+
    system_java_home: Path | None = None  # JAVA_HOME: used when it is a JDK 21+, passed over otherwise
    cluster_port: int = 9820  # `newsingest cluster`: base port
    cluster_redis_port: int = 6390
    cluster_worker_slots: int = 2  # Celery worker concurrency
    cluster_heap: str = "512m"  # heap of each OpenSearch node of the cluster


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
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    clean: CleanSettings = field(default_factory=CleanSettings)
    enrich: EnrichSettings = field(default_factory=EnrichSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    gate: GateSettings = field(default_factory=GateSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    services: ServicesSettings = field(default_factory=ServicesSettings)

    @property
    def sample_site_url(self) -> str:
        return f"http://{self.sample_site_host}:{self.sample_site_port}"


SUBTREES: dict[str, type] = {
    "crawl": CrawlConfig,
    "clean": CleanSettings,
    "enrich": EnrichSettings,
    "index": IndexSettings,
    "gate": GateSettings,
    "schedule": ScheduleSettings,
    "services": ServicesSettings,
}


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


def optional_text(raw: str) -> str | None:
    return raw or None


def number(minimum: float | None = None) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError("expected a number") from None
        if minimum is not None and value < minimum:
            raise ValueError(f"must be at least {minimum:g}")
        return value

    return parse


def boolean(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered not in ("1", "true", "yes", "0", "false", "no"):
        raise ValueError("expected true or false")
    return lowered in ("1", "true", "yes")


def one_of(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ValueError(f"expected {' or '.join(repr(c) for c in choices)}")
        return value

    return parse


def words(raw: str) -> tuple[str, ...]:
    """A comma-separated list."""
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def lowercase_words(raw: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in words(raw))


def clock_time(raw: str) -> time:
    try:
        hour, minute = (int(part) for part in raw.split(":"))
        return time(hour, minute)
    except ValueError:
        raise ValueError("expected HH:MM (UTC), e.g. 02:00") from None


@dataclass(frozen=True)
class Var:
    """One environment variable feeding one field: ``name`` or ``subtree.name`` (``enrich.ner_model``)."""

    name: str
    field: str
    parse: Callable[[str], Any]
    default: Callable[[dict[str, Any]], Any] | Any = _UNSET  # a value, or a function of the fields so far
    meaning: str = ""


def _crawl_parser(default: Any) -> Callable[[str], Any]:
    if isinstance(default, bool):
        return boolean
    if isinstance(default, int):
        return whole_number()
    if isinstance(default, float):
        return number()
    return words


def _crawl_var(name: str) -> Var:
    parse = _crawl_parser(getattr(CrawlConfig(), name))
    return Var(f"NEWSINGEST_CRAWL_{name.upper()}", f"crawl.{name}", parse)


CRAWL_VARIABLES: tuple[Var, ...] = tuple(_crawl_var(f.name) for f in fields(CrawlConfig))

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
    *CRAWL_VARIABLES,
    Var("NEWSINGEST_CLEAN_MIN_BODY_CHARS", "clean.min_body_chars", whole_number(0), meaning="shortest body"),
    Var("NEWSINGEST_NER_MODEL", "enrich.ner_model", optional_text, meaning="spaCy pipeline for NER"),
    Var("NEWSINGEST_NER_LANGUAGES", "enrich.ner_languages", lowercase_words, meaning="languages NER handles"),
    Var("NEWSINGEST_LANGID_MODE", "enrich.langid_mode", one_of("low", "high"), meaning="language detection"),
    Var("NEWSINGEST_KEYWORDS_CHARS", "enrich.keywords_chars", whole_number(0), meaning="keyphrase depth"),
    Var("NEWSINGEST_OPENSEARCH_AUTH", "index.auth", one_of("basic", "sigv4"), meaning="client auth"),
    Var("NEWSINGEST_OPENSEARCH_USERNAME", "index.username", optional_text, meaning="basic auth user"),
    Var("NEWSINGEST_OPENSEARCH_PASSWORD", "index.password", optional_text, meaning="basic auth password"),
    Var("NEWSINGEST_OPENSEARCH_CA_CERTS", "index.ca_certs", optional_text, meaning="CA bundle"),
    Var("NEWSINGEST_OPENSEARCH_VERIFY_CERTS", "index.verify_certs", boolean, meaning="verify TLS"),
    # the first one set wins: NEWSINGEST_OPENSEARCH_AWS_REGION, then AWS_REGION, then AWS_DEFAULT_REGION
    Var("AWS_DEFAULT_REGION", "index.aws_region", optional_text, meaning="AWS region (SigV4)"),
    Var("AWS_REGION", "index.aws_region", optional_text, meaning="AWS region (SigV4)"),
    Var("NEWSINGEST_OPENSEARCH_AWS_REGION", "index.aws_region", optional_text, meaning="AWS region (SigV4)"),
    Var("NEWSINGEST_OPENSEARCH_AWS_SERVICE", "index.aws_service", one_of("es", "aoss"), meaning="SigV4"),
    Var("NEWSINGEST_RUNS_INDEX", "index.runs_index", text, meaning="run figures index"),
    Var("NEWSINGEST_LEASE_INDEX", "index.lease_index", text, meaning="politeness lease index"),
    Var("NEWSINGEST_LOCK_TTL", "index.lease_ttl", number(1), meaning="lease lifetime"),
    Var("NEWSINGEST_QUALITY_THRESHOLDS", "gate.thresholds_file", existing_file, meaning="thresholds file"),
    Var("NEWSINGEST_SCHEDULE_TIME", "schedule.time", clock_time, meaning="nightly run time (UTC)"),
    Var("NEWSINGEST_MAX_ACTIVE_RUNS", "schedule.max_active_runs", whole_number(1, 64), meaning="runs"),
    Var("NEWSINGEST_CRAWL_POOL_SLOTS", "schedule.crawl_pool_slots", whole_number(1), meaning="crawl pool"),
    Var("NEWSINGEST_AIRFLOW_PORT", "services.airflow_port", whole_number(1, 65535), meaning="Airflow port"),
    Var("AIRFLOW_HOME", "services.airflow_home", Path, meaning="Airflow's home folder"),
    Var("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "services.airflow_database", text, meaning="Airflow database"),
    Var("NEWSINGEST_POSTGRES_PORT", "services.postgres_port", whole_number(1, 65535), meaning="metadata DB"),
    Var("NEWSINGEST_POSTGRES_BIN", "services.postgres_bin", Path, meaning="PostgreSQL binaries"),
    Var("NEWSINGEST_POSTGRES_USER", "services.postgres_user", text, meaning="PostgreSQL server account"),
    Var("NEWSINGEST_JAVA_HOME", "services.java_home", Path, meaning="JDK for OpenSearch"),
    Var("JAVA_HOME", "services.system_java_home", Path, meaning="JDK (if 21+)"),
    Var("NEWSINGEST_CLUSTER_PORT", "services.cluster_port", whole_number(1024, 65000), meaning="cluster"),
    Var("NEWSINGEST_CLUSTER_REDIS_PORT", "services.cluster_redis_port", whole_number(1024, 65000),
        meaning="cluster Redis port"),
    Var("NEWSINGEST_CLUSTER_WORKER_SLOTS", "services.cluster_worker_slots", whole_number(1, 64),
        meaning="Celery worker slots"),
    Var("NEWSINGEST_CLUSTER_HEAP", "services.cluster_heap", text, meaning="cluster node heap"),
)  # fmt: skip
GATE_PREFIX = "NEWSINGEST_GATE_"  # NEWSINGEST_GATE_<FIGURE>_<BOUND> overrides one bound of the gate


def _problem(name: str, raw: str, why: str) -> str:
    return f"{name}={raw!r}: {why}"


def _environ(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings tree from the environment; raises :class:`ConfigError` naming every invalid variable."""
    env = _environ(environ)
    values: dict[str, Any] = {}
    branches: dict[str, dict[str, Any]] = {name: {} for name in SUBTREES}
    problems: list[str] = []
    for var in VARIABLES:
        branch, _, name = var.field.rpartition(".")
        into = branches[branch] if branch else values
        raw = env.get(var.name)
        if raw not in (None, ""):
            try:
                into[name] = var.parse(raw)
                continue
            except ValueError as exc:
                problems.append(_problem(var.name, raw, str(exc)))
        if var.default is not _UNSET and name not in into:
            into[name] = var.default(values) if callable(var.default) else var.default
    overrides = tuple(sorted((k, v) for k, v in env.items() if k.startswith(GATE_PREFIX) and v != ""))
    branches["gate"]["overrides"] = overrides
    if problems:
        raise ConfigError("; ".join(problems) + " (fix or unset the variable)")
    subtrees = {name: SUBTREES[name](**branch) for name, branch in branches.items()}
    return Settings(**values, **subtrees)


def check_environment(environ: Mapping[str, str] | None = None) -> Settings:
    """:func:`load_settings` plus the gate's thresholds (file and overrides), so bad values fail up front."""
    from newsingest.quality.thresholds import Thresholds

    settings = load_settings(environ)
    try:
        Thresholds.from_settings(settings.gate)
    except ValueError as exc:
        raise ConfigError(f"{exc} (fix or unset the variable)") from None
    return settings


def crawl_config(environ: Mapping[str, str] | None = None) -> CrawlConfig:
    """Only the crawl sub-tree (``NEWSINGEST_CRAWL_*``), for callers that need nothing else."""
    env = _environ(environ)
    wanted = {var.name for var in CRAWL_VARIABLES}
    return load_settings({k: v for k, v in env.items() if k in wanted}).crawl


def services_settings(environ: Mapping[str, str] | None = None) -> ServicesSettings:
    """Only the services sub-tree, read when a launcher runs (tests and the CLI change ports per process)."""
    env = _environ(environ)
    wanted = {var.name for var in VARIABLES if var.field.startswith("services.")}
    return load_settings({k: v for k, v in env.items() if k in wanted}).services


def with_crawl(settings: Settings, **changes: Any) -> Settings:
    """``settings`` with some crawl knobs changed (tests, benchmarks)."""
    return replace(settings, crawl=replace(settings.crawl, **changes))


def no_color(environ: Mapping[str, str] | None = None) -> bool:
    """The terminal convention ``NO_COLOR`` (https://no-color.org): any value turns colour off."""
    return bool(_environ(environ).get("NO_COLOR"))


def process_environment() -> Mapping[str, str]:
    """The process environment, for ``${VAR}`` interpolation in the sources file (its own feature)."""
    return os.environ
