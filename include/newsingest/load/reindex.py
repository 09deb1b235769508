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
from typing import Any

from opensearchpy import OpenSearch

from newsingest.errors import NewsingestError
from newsingest.load.index import (
    IndexLayoutError,
    alias_indices,
    check_alias,
    create_version,
    existing_versions,
    put_template,
    write_alias_for,
    write_index,
)

log = logging.getLogger(__name__)


class ReindexError(NewsingestError, RuntimeError):
    """The copy failed or came out short; the aliases still point where the message says."""


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
    old_settings = client.indices.get_settings(index=old)[old]["settings"]["index"]
    settings: dict[str, Any] = {
        "refresh_interval": "-1",
        "number_of_shards": old_settings["number_of_shards"],
    }
    if old_settings.get("auto_expand_replicas") not in (None, "false"):
        settings["auto_expand_replicas"] = old_settings["auto_expand_replicas"]
    else:
        settings["number_of_replicas"] = old_settings.get("number_of_replicas", "1")
    new = create_version(client, alias, version, settings=settings)

    # Writes go to the new index from here on.
    client.indices.update_aliases(
        body={
            "actions": [
                {"remove": {"index": old, "alias": write_alias}},
                {"add": {"index": new, "alias": write_alias, "is_write_index": True}},
            ]
        }
    )
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
    actions: list[dict[str, Any]] = [{"remove": {"index": r, "alias": alias}} for r in readers]
    actions.append({"add": {"index": new, "alias": alias}})
    client.indices.update_aliases(body={"actions": actions})
    log.info("read alias %s -> %s (%d documents; old %s had %d)", alias, new, new_count, old, old_count)
    if drop_old:
        for index in sorted(set(readers) | {old}):
            client.indices.delete(index=index)
            log.info("dropped %s", index)
    return new
