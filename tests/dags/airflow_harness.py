"""Helpers for the Airflow backfill tests: day bounds, documents per day, expected sample articles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

DAG_ID = "news_ingest"
# The kinds of sample pages the pipeline indexes (consent walls are dropped by the cleaner).
INDEXED_KINDS = {"article", "repost", "liveblog", "gallery", "paywall"}


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1)


def docs_by_day(client, alias: str, days: list[date]) -> dict[date, dict[str, dict]]:
    """Documents in the index per UTC publication day: {day: {doc_id: source}}."""
    client.indices.refresh(index=alias)
    out: dict[date, dict[str, dict]] = {}
    for day in days:
        start, end = day_bounds(day)
        resp = client.search(
            index=alias,
            body={
                "query": {"range": {"published": {"gte": start.isoformat(), "lt": end.isoformat()}}},
                "size": 500,
                "_source": ["canonical_url", "first_seen", "source", "title"],
            },
        )
        out[day] = {hit["_id"]: hit["_source"] for hit in resp["hits"]["hits"]}
    return out


def expected_paths(day: date, sources: set[str] | None = None) -> set[str]:
    """Paths of the sample articles published on ``day`` (by ``sources``) that the pipeline should index."""
    from newsingest.sample_site.catalog import articles_on, catalog

    source_of = {p.id: p.source for p in catalog().publishers}
    return {
        a.path
        for a in articles_on(day)
        if a.kind in INDEXED_KINDS and (sources is None or source_of[a.publisher] in sources)
    }


def url_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
