"""Stage rows for the quality tests: articles and the stage summaries that point at their files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newsingest import storage

START = datetime(2026, 11, 3, tzinfo=UTC)
END = datetime(2026, 11, 4, tzinfo=UTC)
BODY = "A paragraph of real article text. " * 10  # 340 characters


def article(i: int, **over) -> dict:
    row = {
        "url": f"https://example.org/a{i}",
        "canonical_url": f"https://example.org/a{i}",
        "title": f"Title {i}",
        "body": BODY + str(i),
        "authors": ["Ann Writer"],
        "published": "2026-11-03T10:00:00+00:00",
        "detected_language": "en",
        "content_hash": f"h{i}",
    }
    row.update(over)
    return row


def stage_rows(tmp_path: Path, source: str, articles: list[dict], *, attempted: int, errors: dict) -> dict:
    tmp_path.mkdir(parents=True, exist_ok=True)
    enrich_path = str(tmp_path / f"{source}-enrich.jsonl.gz")
    storage.write_jsonl_gz(enrich_path, articles)
    fetched = attempted - sum(errors.values())
    return {
        "discovered": [{"source": source, "discovered": attempted}],
        "fetched": [
            {
                "source": source,
                "attempted": attempted,
                "fetched": fetched,
                "not_modified": 0,
                "errors": errors,
            }
        ],
        "cleaned": [
            {"source": source, "cleaned": len(articles), "dropped": {"page_type:consent": 1, "too_short": 2}}
        ],
        "enriched": [{"source": source, "path": enrich_path, "enriched": len(articles)}],
        "loaded": [{"source": source, "indexed": len(articles), "failed": 0}],
    }
