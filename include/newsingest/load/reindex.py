"""Move the article index to a new physical version (after a mapping change) without losing writes.

Steps: install the current template; create ``<alias>-v<N+1>`` with refresh off; swap the write alias
to it (new loads land in the new index from now on); copy the old index over with ``op_type=create``
so nothing copied overwrites a fresher document loaded meanwhile; refresh and restore settings; check
counts; swap the read alias atomically; drop the old index only when asked.

Do not run a load concurrently with the copy if you care about ``first_seen`` of articles re-crawled
during it: such an article is created fresh in the new index before its old copy arrives.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError
from opensearchpy.helpers import scan, streaming_bulk

from newsingest.errors import NewsingestError
from newsingest.load.index import (
    IndexLayoutError,
    alias_indices,
    check_alias,
    create_version,
    existing_versions,
    index_schema_version,
    put_template,
    template_schema_version,
    write_alias_for,
    write_index,
)

log = logging.getLogger(__name__)


class ReindexError(NewsingestError, RuntimeError):
    """The copy failed or came out short; the aliases still point where the message says."""


def same_layout(index_settings: dict[str, Any]) -> dict[str, Any]:
    """Shards and replicas of an index (its ``settings.index``), for a new version laid out the same way."""
    settings: dict[str, Any] = {"number_of_shards": index_settings["number_of_shards"]}
    if index_settings.get("auto_expand_replicas") not in (None, "false"):
        settings["auto_expand_replicas"] = index_settings["auto_expand_replicas"]
    else:
        settings["number_of_replicas"] = index_settings.get("number_of_replicas", "1")
    return settings


def _index_settings(client: OpenSearch, index: str) -> dict[str, Any]:
    return client.indices.get_settings(index=index)[index]["settings"]["index"]


def swap_aliases(
    client: OpenSearch,
    new: str,
    *,
    alias: str | None = None,
    readers: list[str] | None = None,
    write_alias: str | None = None,
    writer: str | None = None,
    build_alias: str | None = None,
) -> None:
    """Point aliases at ``new`` in one atomic ``_aliases`` call.

    ``alias`` (the read alias) moves from ``readers``; ``write_alias`` moves from ``writer`` and marks
    ``new`` as its write index; ``build_alias`` is taken off ``new``. Leave out what should not move.
    """
    actions: list[dict[str, Any]] = []
    if alias:
        actions += [{"remove": {"index": r, "alias": alias}} for r in readers or []]
    if write_alias and writer:
        actions.append({"remove": {"index": writer, "alias": write_alias}})
    if build_alias:
        actions.append({"remove": {"index": new, "alias": build_alias}})
    if alias:
        actions.append({"add": {"index": new, "alias": alias}})
    if write_alias:
        actions.append({"add": {"index": new, "alias": write_alias, "is_write_index": True}})
    client.indices.update_aliases(body={"actions": actions})


def drop_indices(client: OpenSearch, indices: list[str] | set[str]) -> list[str]:
    """Delete ``indices`` (the versions an alias swap left behind); returns them sorted."""
    dropped = sorted(set(indices))
    for index in dropped:
        client.indices.delete(index=index)
        log.info("dropped %s", index)
    return dropped


def _wait_for_task(client: OpenSearch, task_id: str, *, poll_s: float, timeout_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        task = client.tasks.get(task_id=task_id)
        if task.get("completed"):
            return task
        if time.monotonic() > deadline:
            raise ReindexError(f"reindex task {task_id} still running after {timeout_s:.0f}s")
        status = task.get("task", {}).get("status", {})
        log.info("reindex %s: %s/%s", task_id, status.get("created", 0), status.get("total", "?"))
        time.sleep(poll_s)


def reindex_to_new_version(
    client: OpenSearch,
    alias: str,
    *,
    drop_old: bool = False,
    write_alias: str | None = None,
    template: dict[str, Any] | None = None,
    poll_s: float = 2.0,
    timeout_s: float = 6 * 3600,
) -> str:
    """Copy the index behind ``alias`` into a new version and point both aliases at it; returns its name.

    The old index is kept (and can be swapped back by hand) unless ``drop_old`` is true.
    """
    check_alias(alias)
    write_alias = check_alias(write_alias or write_alias_for(alias))
    old = write_index(client, write_alias)
    readers = alias_indices(client, alias)
    if old is None or not readers:
        raise IndexLayoutError(f"alias {alias!r}/{write_alias!r} missing; run ensure_index first")
    put_template(client, alias, template)
    version = max(existing_versions(client, alias), default=0) + 1
    old_settings = _index_settings(client, old)
    settings = {"refresh_interval": "-1", **same_layout(old_settings)}
    new = create_version(client, alias, version, settings=settings)

    # Writes go to the new index from here on.
    swap_aliases(client, new, write_alias=write_alias, writer=old)
    log.info("write alias %s -> %s; copying %s", write_alias, new, old)
    try:
        answer = client.reindex(
            body={
                "conflicts": "proceed",
                "source": {"index": old, "size": 1000},
                "dest": {"index": new, "op_type": "create"},
            },
            params={"wait_for_completion": "false", "slices": "auto"},
        )
        task = _wait_for_task(client, answer["task"], poll_s=poll_s, timeout_s=timeout_s)
        response = task.get("response", {})
        failures = response.get("failures") or []
        if task.get("error") or failures:
            raise ReindexError(
                f"copy {old} -> {new} failed: {task.get('error') or failures[:3]}; "
                f"write alias {write_alias!r} points at {new}, read alias {alias!r} still at {readers}"
            )
    finally:
        restore = old_settings.get("refresh_interval")
        client.indices.put_settings(index=new, body={"index": {"refresh_interval": restore}})
        client.indices.refresh(index=new)

    old_count = client.count(index=old)["count"]
    new_count = client.count(index=new)["count"]
    if new_count < old_count:
        raise ReindexError(
            f"{new} has {new_count} documents, fewer than {old} ({old_count}); read alias {alias!r} "
            f"left at {readers}, write alias {write_alias!r} at {new}"
        )
    swap_aliases(client, new, alias=alias, readers=readers)
    log.info("read alias %s -> %s (%d documents; old %s had %d)", alias, new, new_count, old, old_count)
    if drop_old:
        drop_indices(client, set(readers) | {old})
    return new


# Painless, run per document carried from the live index into the build: the live copy wins only when the
# build lacks the document or the live copy was crawled strictly later; ``first_seen`` is the earliest.
CARRY_SCRIPT = """
Map doc = params.doc;
Map have = ctx._source;
if (have.isEmpty()) { have.putAll(doc); return; }
def first = have.first_seen;
def seen = doc.first_seen;
if (seen != null && (first == null || seen.compareTo(first) < 0)) { first = seen; }
def crawled = doc.last_crawled;
if (crawled != null && (have.last_crawled == null || crawled.compareTo(have.last_crawled) > 0)) {
  have.clear(); have.putAll(doc); have.first_seen = first; return;
}
if (first == have.first_seen) { ctx.op = 'noop'; } else { have.first_seen = first; }
""".strip()


class ReindexRunError(NewsingestError, RuntimeError):
    """A reindex request or build cannot go on; the message names the input or index and what is wrong."""


def build_alias_for(alias: str) -> str:
    return f"{alias}-build"


# --------------------------------------------------------------------------- index state


def index_state(client: OpenSearch, alias: str, *, write_alias: str | None = None) -> dict[str, Any]:
    """Where the aliases point, the live index's document count and mapping version, the next version."""
    check_alias(alias)
    write_alias = check_alias(write_alias or write_alias_for(alias))
    current = write_index(client, write_alias)
    readers = alias_indices(client, alias)
    if current is None or not readers:
        raise IndexLayoutError(
            f"alias {alias!r}/{write_alias!r} missing; nothing to reindex (run an ingest first)"
        )
    versions = existing_versions(client, alias)
    return {
        "alias": alias,
        "write_alias": write_alias,
        "read_indices": readers,
        "write_index": current,
        "documents": client.count(index=alias)["count"],
        "schema_version": index_schema_version(client, current),
        "template_schema_version": template_schema_version(),
        "versions": sorted(versions.values()),
        "next_version": f"{alias}-v{max(versions, default=0) + 1}",
        "build": alias_indices(client, build_alias_for(alias)),
    }


# --------------------------------------------------------------------------- archive builds


def create_build(
    client: OpenSearch,
    alias: str,
    *,
    write_alias: str | None = None,
    template: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Create the next version with the current template behind the build alias only (not read or written).

    Shards and replicas follow the live write index. Refuses when a build is already under way (the build
    alias exists): finish it with :func:`finish_build` or drop it with :func:`discard_build`.
    """
    state = index_state(client, alias, write_alias=write_alias)
    build_alias = build_alias_for(alias)
    if state["build"]:
        raise ReindexRunError(
            f"build alias {build_alias!r} already points at {state['build']}: another build is running or "
            f"was left behind; finish or discard it (newsingest.load.reindex.discard_build) first"
        )
    put_template(client, alias, template)
    old = state["write_index"]
    settings = same_layout(_index_settings(client, old))
    version = max(existing_versions(client, alias), default=0) + 1
    new = create_version(
        client, alias, version, settings=settings, aliases={build_alias: {"is_write_index": True}}
    )
    log.info("build %s created behind %s (live: %s)", new, build_alias, old)
    return {
        "alias": alias,
        "write_alias": state["write_alias"],
        "build_alias": build_alias,
        "index": new,
        "previous": old,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _carry_actions(
    client: OpenSearch, source: str, dest: str, query: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    for hit in scan(client, index=source, query={"query": query}, size=500, preserve_order=False):
        yield {
            "_op_type": "update",
            "_index": dest,
            "_id": hit["_id"],
            "scripted_upsert": True,
            "upsert": {},
            "script": {"lang": "painless", "source": CARRY_SCRIPT, "params": {"doc": hit["_source"]}},
        }


def carry_over(
    client: OpenSearch, source: str, dest: str, *, since: datetime | None = None
) -> dict[str, int]:
    """Copy documents of ``source`` into ``dest`` where ``dest`` lacks them or has an older crawl.

    ``since`` limits it to documents crawled at or after that time (``last_crawled``); None takes all.
    ``first_seen`` ends up the earliest of both copies. Returns counts; raises on any failed document.
    """
    query: dict[str, Any] = {"match_all": {}}
    if since is not None:
        query = {"range": {"last_crawled": {"gte": since.astimezone(UTC).isoformat()}}}
    counts = {"seen": 0, "written": 0, "unchanged": 0}
    failures: list[Any] = []
    for ok, item in streaming_bulk(
        client,
        _carry_actions(client, source, dest, query),
        chunk_size=500,
        raise_on_error=False,
        max_retries=3,
    ):
        counts["seen"] += 1
        result = item.get("update", {})
        if not ok:
            failures.append(result.get("error"))
        elif result.get("result") == "noop":
            counts["unchanged"] += 1
        else:
            counts["written"] += 1
    if failures:
        raise ReindexRunError(
            f"carrying {source} -> {dest}: {len(failures)} documents failed: {failures[:3]}"
        )
    client.indices.refresh(index=dest)
    log.info("carried %s -> %s (since %s): %s", source, dest, since, counts)
    return counts


def discard_build(client: OpenSearch, alias: str) -> list[str]:
    """Delete the indices behind the build alias that are not behind the read or write alias."""
    live = set(alias_indices(client, alias)) | set(alias_indices(client, write_alias_for(alias)))
    dropped = []
    for index in alias_indices(client, build_alias_for(alias)):
        if index in live:
            client.indices.delete_alias(index=index, name=build_alias_for(alias))
            continue
        try:
            client.indices.delete(index=index)
            dropped.append(index)
        except NotFoundError:
            pass
    if dropped:
        log.warning("discarded unfinished build(s) %s", dropped)
    return dropped
