"""Import the newsingest Dashboards saved objects once OpenSearch Dashboards is healthy.

Waits for ``GET /api/status`` to report the overall state ``green``, then sends the NDJSON file to
``POST /api/saved_objects/_import?overwrite=true`` (multipart, header ``osd-xsrf: true``) with basic auth.
Exits non-zero, naming each object that failed, if the import is not a full success.

Environment: DASHBOARDS_URL (default http://opensearch-dashboards:5601), DASHBOARDS_USERNAME (default
admin), DASHBOARDS_PASSWORD (required), DASHBOARDS_CA_CERTS (CA bundle when the URL is https),
NEWSINGEST_INDEX (the read alias, default ``news``): the news index pattern and the panels that name the
index directly (TSVB) are retargeted to it, so an installation with another alias sees its articles.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "include" / "dashboards" / "saved_objects.ndjson"
SHIPPED_ALIAS = "news"  # the title of the news index pattern in the shipped file
NEWS_PATTERN_ID = "newsingest-news"


class ImportFailed(RuntimeError):
    """Dashboards did not become healthy, or rejected some saved objects; the message says which."""


def wait_until_healthy(client: httpx.Client, *, timeout: float, interval: float = 5.0) -> None:
    """Poll ``/api/status`` until the overall state is green (or raise after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while True:
        try:
            resp = client.get("/api/status")
            if resp.status_code == 200:
                state = resp.json().get("status", {}).get("overall", {}).get("state")
                if state == "green":
                    return
                last = f"overall state {state!r}"
            else:
                last = f"HTTP {resp.status_code}"
        except (httpx.HTTPError, ValueError) as exc:
            last = f"{type(exc).__name__}: {exc}"
        if time.monotonic() >= deadline:
            raise ImportFailed(f"Dashboards at {client.base_url} not healthy after {timeout:.0f}s ({last})")
        time.sleep(interval)


def retarget(ndjson: str, alias: str) -> str:
    """The saved objects with the news index pattern (and TSVB panels naming ``news``) aimed at ``alias``."""
    if alias == SHIPPED_ALIAS:
        return ndjson
    out = []
    for line in ndjson.splitlines():
        obj = json.loads(line)
        attrs = obj.get("attributes", {})
        if obj.get("type") == "index-pattern" and obj.get("id") == NEWS_PATTERN_ID:
            attrs["title"] = alias
        elif obj.get("type") == "visualization" and "visState" in attrs:
            state = json.loads(attrs["visState"])
            params = state.get("params", {})
            if state.get("type") == "metrics" and params.get("index_pattern") == SHIPPED_ALIAS:
                params["index_pattern"] = params["default_index_pattern"] = alias
                attrs["visState"] = json.dumps(state, separators=(",", ":"), sort_keys=True)
        out.append(json.dumps(obj, separators=(",", ":"), sort_keys=True))
    return "".join(line + "\n" for line in out)


def import_file(client: httpx.Client, path: Path, alias: str = SHIPPED_ALIAS) -> dict[str, Any]:
    """Send one NDJSON file (retargeted to ``alias``) to the import API; return the answer or raise
    naming the failed objects."""
    if not path.is_file():
        raise ImportFailed(f"saved objects file {path} does not exist")
    try:
        content = retarget(path.read_text(encoding="utf-8"), alias)
    except ValueError as exc:
        raise ImportFailed(f"{path} is not valid NDJSON: {exc}") from exc
    resp = client.post(
        "/api/saved_objects/_import",
        params={"overwrite": "true"},
        headers={"osd-xsrf": "true"},
        files={"file": (path.name, content.encode("utf-8"), "application/ndjson")},
    )
    if resp.status_code != 200:
        raise ImportFailed(f"import of {path} answered HTTP {resp.status_code}: {resp.text[:500]}")
    body = resp.json()
    if not body.get("success"):
        errors = [
            f"{e.get('type')}/{e.get('id')} ({e.get('title', '')}): {e.get('error', {})}"
            for e in body.get("errors", [])
        ]
        raise ImportFailed(f"import of {path} failed for {len(errors)} object(s): " + "; ".join(errors))
    return body


def make_client(env: Mapping[str, str]) -> httpx.Client:
    url = env.get("DASHBOARDS_URL", "http://opensearch-dashboards:5601")
    password = env.get("DASHBOARDS_PASSWORD", "")
    if not password:
        raise ImportFailed("DASHBOARDS_PASSWORD is not set (the Dashboards admin password)")
    verify: str | bool = env.get("DASHBOARDS_CA_CERTS") or True
    return httpx.Client(
        base_url=url,
        auth=(env.get("DASHBOARDS_USERNAME", "admin"), password),
        verify=verify,
        timeout=60.0,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE, help="the .ndjson file")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for Dashboards")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between health polls")
    args = parser.parse_args(argv)
    try:
        with make_client(os.environ) as client:
            wait_until_healthy(client, timeout=args.timeout, interval=args.interval)
            body = import_file(client, args.file, os.environ.get("NEWSINGEST_INDEX") or SHIPPED_ALIAS)
    except ImportFailed as exc:
        print(f"import_saved_objects: {exc}", file=sys.stderr)
        return 1
    print(f"imported {body.get('successCount', 0)} saved objects from {args.file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
