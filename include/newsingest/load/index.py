"""The article index: template, versioned physical indices (``<alias>-v<N>``) and the read/write aliases.

Searches use the read alias (``news``), the loader writes through the write alias (``news-write``,
``is_write_index``). A mapping change means a new version plus a reindex and an atomic alias swap
(:mod:`newsingest.load.reindex`); :func:`ensure_index` only creates what is missing.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, RequestError

from newsingest.config import DATA_DIR
from newsingest.errors import PermanentError

log = logging.getLogger(__name__)

TEMPLATE_FILE = "index_template.json"
_ALIAS_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class IndexLayoutError(PermanentError, RuntimeError):
    """The index layout is not what newsingest expects; the message says what and how to fix it."""


@dataclass(frozen=True)
class IndexInfo:
    alias: str
    write_alias: str
    index: str  # physical index behind the write alias
    created: bool  # whether this call created the index
    schema_version: int  # mapping version of ``index``
    template_schema_version: int  # mapping version of the shipped template

    @property
    def needs_reindex(self) -> bool:
        return self.schema_version < self.template_schema_version


@cache
def _template_text(name: str) -> str:
    return (DATA_DIR / name).read_text(encoding="utf-8")


def load_template(name: str = TEMPLATE_FILE) -> dict[str, Any]:
    """The shipped index template (a fresh copy), without its ``_comment``."""
    data = json.loads(_template_text(name))
    data.pop("_comment", None)
    return data


def template_schema_version(template: dict[str, Any] | None = None) -> int:
    template = template or load_template()
    return int(template["template"]["mappings"]["_meta"]["schema_version"])


def write_alias_for(alias: str) -> str:
    return f"{alias}-write"


def template_name_for(alias: str) -> str:
    return f"{alias}-template"


def version_index(alias: str, version: int) -> str:
    return f"{alias}-v{version}"


def check_alias(alias: str) -> str:
    if not _ALIAS_RE.match(alias) or len(alias) > 200:
        raise ValueError(f"index alias {alias!r} is not valid: use lowercase letters, digits, '-', '_', '.'")
    return alias


def put_template(client: OpenSearch, alias: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    """Install (or update) the composable template that applies to ``<alias>-v*``."""
    body = copy.deepcopy(template or load_template())
    body["index_patterns"] = [f"{alias}-v*"]
    client.indices.put_index_template(name=template_name_for(alias), body=body)
    return body


def index_settings(
    *, shards: int | None = None, replicas: int | None = None, refresh_interval: str | None = None
) -> dict[str, Any]:
    """Per-index settings that override the template's defaults (1 shard, replicas 0-1, refresh 1s)."""
    settings: dict[str, Any] = {}
    if shards is not None:
        if shards < 1:
            raise ValueError(f"shards must be >= 1, got {shards}")
        settings["number_of_shards"] = shards
    if replicas is not None:
        if replicas < 0:
            raise ValueError(f"replicas must be >= 0, got {replicas}")
        settings["number_of_replicas"] = replicas
        settings["auto_expand_replicas"] = "false"
    if refresh_interval is not None:
        settings["refresh_interval"] = refresh_interval
    return settings


def alias_indices(client: OpenSearch, alias: str) -> list[str]:
    """Physical indices an alias points at ([] when the alias does not exist)."""
    try:
        return sorted(client.indices.get_alias(name=alias))
    except NotFoundError:
        return []


def write_index(client: OpenSearch, write_alias: str) -> str | None:
    """The index receiving writes through ``write_alias``."""
    try:
        found = client.indices.get_alias(name=write_alias)
    except NotFoundError:
        return None
    if len(found) == 1:
        return next(iter(found))
    for index, data in found.items():
        if data.get("aliases", {}).get(write_alias, {}).get("is_write_index"):
            return index
    raise IndexLayoutError(f"write alias {write_alias!r} points at {sorted(found)} with no write index")


def existing_versions(client: OpenSearch, alias: str) -> dict[int, str]:
    """Version number -> index name for every ``<alias>-v<N>`` index."""
    try:
        found = client.indices.get(index=f"{alias}-v*", expand_wildcards="open,closed")
    except NotFoundError:
        return {}
    pattern = re.compile(rf"^{re.escape(alias)}-v(\d+)$")
    versions = {}
    for name in found:
        match = pattern.match(name)
        if match:
            versions[int(match.group(1))] = name
    return versions


def index_schema_version(client: OpenSearch, index: str) -> int:
    mapping = client.indices.get_mapping(index=index)[index]["mappings"]
    return int(mapping.get("_meta", {}).get("schema_version", 0))


def create_version(
    client: OpenSearch,
    alias: str,
    version: int,
    *,
    settings: dict[str, Any] | None = None,
    aliases: dict[str, Any] | None = None,
) -> str:
    """Create ``<alias>-v<version>`` (the template supplies mappings and analysis)."""
    name = version_index(alias, version)
    body: dict[str, Any] = {}
    if settings:
        body["settings"] = {"index": settings}
    if aliases:
        body["aliases"] = aliases
    client.indices.create(index=name, body=body, params={"wait_for_active_shards": "1"})
    log.info("created index %s", name)
    return name


def _missing_fields(wanted: dict[str, Any], have: dict[str, Any]) -> dict[str, Any]:
    """The field mappings of ``wanted`` that ``have`` lacks, nested objects included."""
    missing: dict[str, Any] = {}
    for name, spec in wanted.items():
        if name not in have:
            missing[name] = spec
        elif "properties" in spec:
            inner = _missing_fields(spec["properties"], have[name].get("properties", {}))
            if inner:
                missing[name] = {**{k: v for k, v in spec.items() if k != "properties"}, "properties": inner}
    return missing


def add_new_fields(client: OpenSearch, index: str, template: dict[str, Any]) -> None:
    """Add fields the template maps and ``index`` does not yet (nested ones too), so documents of a newer
    pipeline load into an older index (``dynamic: strict`` rejects unknown fields). The index keeps its
    schema version: :func:`newsingest.load.reindex.reindex_to_new_version` fills the new fields of old
    documents and applies changes that are not additive."""
    wanted = template["template"]["mappings"].get("properties", {})
    have = client.indices.get_mapping(index=index)[index]["mappings"].get("properties", {})
    new = _missing_fields(wanted, have)
    if not new:
        return
    try:
        client.indices.put_mapping(index=index, body={"properties": new})
        log.info("index %s: added fields %s", index, ", ".join(sorted(new)))
    except RequestError as exc:
        log.warning("index %s: cannot add fields %s (%s); reindex to pick them up", index, sorted(new), exc)


def sync_query_settings(client: OpenSearch, index: str, template: dict[str, Any] | None = None) -> bool:
    """Give an existing ``index`` the template's ``index.query.default_field`` (a dynamic setting, so no
    reindex is needed); returns whether it changed. Indices created before the setting searched every
    field (``*``), which fails for long Dashboards queries."""
    template = template or load_template()
    wanted = template["template"]["settings"]["index"].get("query", {}).get("default_field")
    if not wanted:
        return False
    current = client.indices.get_settings(index=index, name="index.query.default_field")
    have = current.get(index, {}).get("settings", {}).get("index", {}).get("query", {}).get("default_field")
    if have == wanted:
        return False
    client.indices.put_settings(index=index, body={"index": {"query": {"default_field": wanted}}})
    log.info("set index.query.default_field=%s on %s", wanted, index)
    return True


def ensure_index(
    client: OpenSearch,
    alias: str = "news",
    *,
    write_alias: str | None = None,
    shards: int | None = None,
    replicas: int | None = None,
    refresh_interval: str | None = None,
    template: dict[str, Any] | None = None,
) -> IndexInfo:
    """Install the template and, if the aliases are missing, create ``<alias>-v1`` behind both. Idempotent.

    An existing index is left alone; ``IndexInfo.needs_reindex`` tells whether its mapping is older than
    the shipped template (then run :func:`newsingest.load.reindex.reindex_to_new_version`).
    """
    check_alias(alias)
    write_alias = check_alias(write_alias or write_alias_for(alias))
    template = template or load_template()
    put_template(client, alias, template)
    wanted = template_schema_version(template)

    current = write_index(client, write_alias)
    created = False
    if current is None:
        readers = alias_indices(client, alias)
        if readers:
            raise IndexLayoutError(
                f"alias {alias!r} exists ({readers}) but write alias {write_alias!r} does not; "
                f"add it with POST _aliases (is_write_index) or pass write_alias="
            )
        versions = existing_versions(client, alias)
        version = max(versions, default=0) + 1
        settings = index_settings(shards=shards, replicas=replicas, refresh_interval=refresh_interval)
        aliases = {alias: {}, write_alias: {"is_write_index": True}}
        try:
            current = create_version(client, alias, version, settings=settings, aliases=aliases)
            created = True
        except RequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise
            # Lost a race with another loader: the other one created it.
            current = write_index(client, write_alias)
            if current is None:
                raise
    if not created:
        add_new_fields(client, current, template)
        sync_query_settings(client, current, template)
    info = IndexInfo(
        alias=alias,
        write_alias=write_alias,
        index=current,
        created=created,
        schema_version=index_schema_version(client, current),
        template_schema_version=wanted,
    )
    if info.needs_reindex:
        log.warning(
            "index %s has mapping version %d, the template has %d: run reindex_to_new_version(client, %r)",
            current,
            info.schema_version,
            wanted,
            alias,
        )
    return info


def drop_alias_and_indices(client: OpenSearch, alias: str) -> None:
    """Delete every ``<alias>-v*`` index and the template (tests, benchmarks)."""
    for name in existing_versions(client, alias).values():
        client.indices.delete(index=name, ignore_unavailable=True)
    with suppress(NotFoundError):
        client.indices.delete_index_template(name=template_name_for(alias))


@contextmanager
def relaxed_refresh(client: OpenSearch, target: str, interval: str = "-1") -> Iterator[list[str]]:
    """Set ``refresh_interval`` to ``interval`` on the indices behind ``target`` for the block, then restore.

    The previous value is always put back (an index that had no explicit value gets the default back),
    also when the block raises, and the indices are refreshed once. Yields the physical index names.
    Meant for one writer (a backfill): if the interval is already ``interval`` when called (another
    loader relaxed it and has not finished), the index default is restored rather than ``interval``.
    """
    current = client.indices.get_settings(index=target, name="index.refresh_interval")
    before = {
        index: data.get("settings", {}).get("index", {}).get("refresh_interval")
        for index, data in current.items()
    }
    for index, value in before.items():
        if value == interval:
            log.warning(
                "refresh_interval on %s is already %s; will restore the default afterwards", index, value
            )
            before[index] = None
    indices = sorted(before)
    for index in indices:
        client.indices.put_settings(index=index, body={"index": {"refresh_interval": interval}})
    log.info("refresh_interval=%s on %s for the load", interval, indices)
    try:
        yield indices
    finally:
        problems = []
        for index, value in before.items():
            try:
                client.indices.put_settings(index=index, body={"index": {"refresh_interval": value}})
            except Exception as exc:  # keep restoring the others; report below
                problems.append(f"{index}: {exc}")
        if problems:
            log.error("could not restore refresh_interval on %s", "; ".join(problems))
            raise IndexLayoutError(f"could not restore refresh_interval: {'; '.join(problems)}")
        client.indices.refresh(index=",".join(indices))
        log.info("refresh_interval restored on %s", indices)
