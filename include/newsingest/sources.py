"""The sources file: which publishers to crawl and how to find their articles.

A YAML file with a top-level ``sources`` list, validated with pydantic. String values may use
``${VAR}`` (required) and ``${VAR:-default}`` environment interpolation. Errors name the file,
the source (by name or position) and the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newsingest.config import process_environment
from newsingest.errors import PermanentError

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class SourcesError(PermanentError, ValueError):
    """The sources file is missing, not YAML, or does not match the schema."""


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {value!r}")
    return value


class Section(BaseModel):
    """A section (listing) page and the regex that article links on it match."""

    model_config = ConfigDict(extra="forbid")

    url: str
    pattern: str

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_http_url(value)

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc})") from exc
        return value


class Source(BaseModel):
    """One publisher and its discovery channels."""

    model_config = ConfigDict(extra="forbid")

    name: str
    homepage: str
    feeds: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    # Other domains whose URLs this source's pages may claim as canonical (a mobile or syndication
    # domain of the same publisher); a page's own registered domain is always allowed.
    domains: list[str] = Field(default_factory=list)
    language: str | None = None
    country: str | None = None
    rate_limit: float = Field(default=1.0, gt=0, le=1000)
    enabled: bool = True
    allow_private: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError("must be a slug of lower-case letters, digits and '-'")
        return value

    @field_validator("homepage")
    @classmethod
    def _homepage(cls, value: str) -> str:
        return _check_http_url(value)

    @field_validator("feeds", "sitemaps")
    @classmethod
    def _urls(cls, values: list[str]) -> list[str]:
        return [_check_http_url(v) for v in values]

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Z]{2}", value):
            raise ValueError(f"must be an ISO 3166-1 alpha-2 code such as GB or NO (got {value!r})")
        return value

    @field_validator("language", "country", mode="before")
    @classmethod
    def _code_text(cls, value: Any) -> Any:
        if isinstance(value, bool | int | float):
            raise ValueError(
                f"must be a two-letter code written as text (got {value!r}); quote it, e.g. 'NO'"
            )
        return value

    @model_validator(mode="after")
    def _has_channel(self) -> Source:
        if not (self.feeds or self.sitemaps or self.sections):
            raise ValueError("needs at least one of feeds, sitemaps or sections")
        return self

    @property
    def host(self) -> str:
        return (urlsplit(self.homepage).hostname or "").lower()


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[Source]


def interpolate(value: Any, env: Mapping[str, str] | None = None, *, where: str = "") -> Any:
    """Expand ``${VAR}`` and ``${VAR:-default}`` in every string inside ``value`` (from ``env``, by
    default the process environment as :func:`newsingest.config.process_environment` gives it)."""
    env = process_environment() if env is None else env
    if isinstance(value, str):

        def repl(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            found = env.get(name)
            if found not in (None, ""):
                return str(found)
            if default is not None:
                return default
            raise SourcesError(f"{where}: environment variable {name} is not set and has no default")

        return _ENV_REF.sub(repl, value)
    if isinstance(value, list):
        return [interpolate(v, env, where=f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: interpolate(v, env, where=f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    return value


def _describe(path: Path, raw: Any, exc: ValidationError) -> str:
    lines = [f"{path}: invalid sources file"]
    for err in exc.errors():
        loc = list(err["loc"])
        label = ""
        if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
            index = loc[1]
            name = None
            if isinstance(raw, dict) and isinstance(raw.get("sources"), list) and index < len(raw["sources"]):
                item = raw["sources"][index]
                name = item.get("name") if isinstance(item, dict) else None
            label = f"source {name!r}" if name else f"source #{index + 1}"
            loc = loc[2:]
        field = ".".join(str(p) for p in loc) or "(source)"
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"  {label + ', ' if label else ''}field {field}: {msg}")
    return "\n".join(lines)


class _Yaml12Loader(yaml.SafeLoader):
    """YAML as version 1.2 reads booleans: only ``true``/``false``, so ``country: NO`` (Norway) or
    ``language: no`` (Norwegian) stay strings instead of becoming ``false``."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_sources(
    text: str, path: str | Path = "<string>", env: Mapping[str, str] | None = None
) -> list[Source]:
    """Validate sources YAML text; ``path`` only labels errors."""
    path = Path(path)
    try:
        raw = yaml.load(text, Loader=_Yaml12Loader)
    except yaml.YAMLError as exc:
        raise SourcesError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict) or "sources" not in raw:
        raise SourcesError(f"{path}: expected a mapping with a top-level 'sources' list")
    raw = interpolate(raw, env, where=str(path))
    try:
        parsed = SourcesFile.model_validate(raw)
    except ValidationError as exc:
        raise SourcesError(_describe(path, raw, exc)) from None
    seen: set[str] = set()
    for src in parsed.sources:
        if src.name in seen:
            raise SourcesError(f"{path}: source {src.name!r}, field name: duplicate source name")
        seen.add(src.name)
    return parsed.sources


def load_sources(path: str | Path, *, enabled_only: bool = False) -> list[Source]:
    """Read and validate a sources file; raises :class:`SourcesError` naming file, source and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"{path}: cannot read sources file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise SourcesError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position {exc.start}); "
            "save the sources file as UTF-8"
        ) from None
    sources = parse_sources(text, path)
    return [s for s in sources if s.enabled] if enabled_only else sources


def enabled_names_quick(path: str | Path) -> list[str] | None:
    """Names of the enabled sources, read without validating the file (for the DAG's params form).

    Cheap enough for DAG parse time: YAML only, no interpolation, no network. None when the file cannot
    be read or has no usable names; the ``load_sources`` task then reports what is wrong with it.
    """
    try:
        data = yaml.load(Path(path).read_text(), Loader=_Yaml12Loader)
    except (OSError, yaml.YAMLError):
        return None
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None
    names = [
        entry["name"]
        for entry in entries
        if isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and _SLUG.match(entry["name"])
        and entry.get("enabled", True) is not False
    ]
    return names or None
