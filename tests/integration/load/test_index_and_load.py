"""Index layout and the loader against the real OpenSearch node."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from newsingest.load.bulk import LoadError, load_articles
from newsingest.load.index import (
    ensure_index,
    existing_versions,
    load_template,
    template_name_for,
    template_schema_version,
    write_alias_for,
    write_index,
)
from newsingest.load.reindex import reindex_to_new_version
from newsingest.models import EnrichedArticle
from opensearchpy import OpenSearch

pytestmark = pytest.mark.opensearch

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=1)
DAY0, DAY1 = "2026-11-01T06:00:00.000Z", "2026-11-02T06:00:00.000Z"


def count(client: OpenSearch, alias: str) -> int:
    client.indices.refresh(index=alias)
    return client.count(index=alias)["count"]


def source(client: OpenSearch, alias: str, doc_id: str) -> dict:
    return client.get(index=alias, id=doc_id)["_source"]


def refresh_interval(client: OpenSearch, index: str) -> str | None:
    settings = client.indices.get_settings(index=index)[index]["settings"]["index"]
    return settings.get("refresh_interval")


def test_ensure_index_creates_template_and_aliases_idempotently(opensearch: OpenSearch, alias: str) -> None:
    info = ensure_index(opensearch, alias, shards=1, replicas=0, refresh_interval="2s")
    assert info.created and info.index == f"{alias}-v1" and not info.needs_reindex
    again = ensure_index(opensearch, alias)
    assert not again.created and again.index == info.index
    aliases = opensearch.indices.get_alias(index=info.index)[info.index]["aliases"]
    assert aliases == {alias: {}, write_alias_for(alias): {"is_write_index": True}}
    template = opensearch.indices.get_index_template(name=template_name_for(alias))["index_templates"][0]
    assert template["index_template"]["index_patterns"] == [f"{alias}-v*"]
    mapping = opensearch.indices.get_mapping(index=info.index)[info.index]["mappings"]
    assert mapping["dynamic"] == "strict" and mapping["properties"]["entities"]["type"] == "nested"
    settings = opensearch.indices.get_settings(index=info.index)[info.index]["settings"]["index"]
    assert (settings["number_of_replicas"], settings["refresh_interval"]) == ("0", "2s")
    assert list(existing_versions(opensearch, alias)) == [1]
    # Facet normalizer and language analysers exist in the index.
    tokens = opensearch.indices.analyze(
        index=info.index, body={"field": "persons.norm", "text": "Pedro Sánchez"}
    )
    assert [t["token"] for t in tokens["tokens"]] == ["pedro sanchez"]
    tokens = opensearch.indices.analyze(index=info.index, body={"field": "body_fr", "text": "les grèves"})
    assert [t["token"] for t in tokens["tokens"]] == ["grev"]


def test_reruns_never_duplicate_and_keep_first_seen(
    opensearch: OpenSearch, alias: str, fixture_articles: list[EnrichedArticle], tmp_path: Path
) -> None:
    ensure_index(opensearch, alias)
    n = len(fixture_articles)
    first = load_articles(
        opensearch, alias, fixture_articles, dead_letter_path=None, crawled_at=T0, refresh=True
    )
    assert (first.created, first.failed, first.reconciled()) == (n, 0, True)

    changed = [a.model_copy(deep=True) for a in fixture_articles]
    changed[0].title = "ECB raises rates (updated)"
    second = load_articles(
        opensearch, alias, changed + changed[:2], dead_letter_path=str(tmp_path / "dl.jsonl"), crawled_at=T1
    )
    assert (second.received, second.created, second.updated, second.duplicates) == (n + 2, 0, n, 2)
    assert second.reconciled() and (tmp_path / "dl.jsonl").read_text() == ""
    assert count(opensearch, alias) == n
    doc = source(opensearch, alias, changed[0].doc_id)
    assert doc["title"] == "ECB raises rates (updated)"
    assert (doc["first_seen"], doc["last_crawled"]) == (
        "2026-11-01T06:00:00.000Z",
        "2026-11-02T06:00:00.000Z",
    )

    third = load_articles(opensearch, alias, changed, dead_letter_path=None, crawled_at=T1, refresh=True)
    assert (third.unchanged, third.indexed) == (n, 0)  # identical rerun writes nothing
    assert count(opensearch, alias) == n


def test_an_unchanged_document_keeps_recent_crawl_times_and_the_next_night_moves_them(
    opensearch: OpenSearch, alias: str, fixture_articles: list[EnrichedArticle]
) -> None:
    """A rerun of the day a few hours later sends no document and writes none; a crawl
    older than the resolution (6 hours) moves ``last_crawled``; a changed document is always written."""
    ensure_index(opensearch, alias)
    n = len(fixture_articles)
    load_articles(opensearch, alias, fixture_articles, dead_letter_path=None, crawled_at=T0, refresh=True)
    before = opensearch.indices.stats(index=alias, metric="indexing")["_all"]["total"]["indexing"]
    rerun = load_articles(
        opensearch, alias, fixture_articles, dead_letter_path=None, crawled_at=T0 + timedelta(hours=5)
    )
    assert (rerun.unchanged, rerun.indexed, rerun.requests) == (n, 0, 0)  # read, compared, nothing sent
    after = opensearch.indices.stats(index=alias, metric="indexing")["_all"]["total"]["indexing"]
    assert after["index_total"] == before["index_total"]  # nothing written on the node
    assert source(opensearch, alias, fixture_articles[0].doc_id)["last_crawled"] == DAY0

    changed = fixture_articles[0].model_copy(update={"title": "A corrected headline"})
    edit = load_articles(
        opensearch, alias, [changed], dead_letter_path=None, crawled_at=T0 + timedelta(hours=5), refresh=True
    )
    assert edit.updated == 1
    doc = source(opensearch, alias, changed.doc_id)
    assert (doc["title"], doc["last_crawled"]) == ("A corrected headline", "2026-11-01T11:00:00.000Z")

    nightly = load_articles(
        opensearch, alias, fixture_articles[1:], dead_letter_path=None, crawled_at=T1, refresh=True
    )
    assert nightly.updated == n - 1
    assert source(opensearch, alias, fixture_articles[1].doc_id)["last_crawled"] == DAY1
    exact = load_articles(
        opensearch,
        alias,
        fixture_articles[1:],
        dead_letter_path=None,
        crawled_at=T1 + timedelta(minutes=1),
        crawl_time_resolution=None,
        refresh=True,
    )
    assert exact.updated == n - 1
    assert source(opensearch, alias, fixture_articles[1].doc_id)["last_crawled"] == "2026-11-02T06:01:00.000Z"


def test_a_document_changed_on_the_node_since_its_load_is_sent_again(
    opensearch: OpenSearch, alias: str, fixture_articles: list[EnrichedArticle]
) -> None:
    """The loader skips only what the upsert script would leave alone: an indexed copy that differs
    from the incoming document in any field is sent, and the script writes the incoming one."""
    ensure_index(opensearch, alias)
    article = fixture_articles[0]
    load_articles(opensearch, alias, [article], dead_letter_path=None, crawled_at=T0, refresh=True)
    opensearch.update(
        index=alias + "-write", id=article.doc_id, body={"doc": {"title": "Edited on the node"}}, refresh=True
    )
    again = load_articles(
        opensearch, alias, [article], dead_letter_path=None, crawled_at=T0 + timedelta(hours=5), refresh=True
    )
    assert (again.updated, again.unchanged, again.requests) == (1, 0, 1)
    assert source(opensearch, alias, article.doc_id)["title"] == article.title
    same = load_articles(
        opensearch, alias, [article], dead_letter_path=None, crawled_at=T0 + timedelta(hours=5), refresh=True
    )
    assert (same.updated, same.unchanged, same.requests) == (0, 1, 0)


def test_backfill_of_an_older_crawl_keeps_fresher_content_and_earliest_first_seen(
    opensearch: OpenSearch, alias: str, fixture_articles: list[EnrichedArticle]
) -> None:
    ensure_index(opensearch, alias)
    article = fixture_articles[0]
    load_articles(opensearch, alias, [article], dead_letter_path=None, crawled_at=T1)
    older = article.model_copy(update={"title": "An older headline"})
    report = load_articles(opensearch, alias, [older], dead_letter_path=None, crawled_at=T0, refresh=True)
    assert report.updated == 1  # only first_seen moved
    doc = source(opensearch, alias, article.doc_id)
    assert doc["title"] == article.title
    assert (doc["first_seen"], doc["last_crawled"]) == (
        "2026-11-01T06:00:00.000Z",
        "2026-11-02T06:00:00.000Z",
    )
    again = load_articles(opensearch, alias, [older], dead_letter_path=None, crawled_at=T0)
    assert again.unchanged == 1


def test_partial_failures_go_to_dead_letters_and_the_ratio_decides(
    opensearch: OpenSearch, alias: str, fixture_articles: list[EnrichedArticle], tmp_path: Path
) -> None:
    # An index made before German got its own fields: the strict mapping rejects German articles.
    template = load_template()
    for field in ("title_de", "body_de"):
        del template["template"]["mappings"]["properties"][field]
    ensure_index(opensearch, alias, template=template)
    articles = list(fixture_articles)
    (german,) = [a for a in articles if a.language == "de"]
    other = articles[5]
    articles[5] = other.model_copy(update={"content_hash": "x" * 40000})  # term too long to index
    invalid = {"url": "https://broken.example/x", "canonical_url": "", "doc_id": ""}
    dead = tmp_path / "dead" / "letters.jsonl"

    report = load_articles(
        opensearch, alias, [*articles, invalid], dead_letter_path=str(dead), max_error_ratio=0.2, refresh=True
    )
    n = len(articles) + 1
    assert (report.received, report.failed, report.created) == (n, 3, n - 3)
    assert report.reconciled() and count(opensearch, alias) == n - 3
    rows = [json.loads(line) for line in dead.read_text().splitlines()]
    by_id = {row["doc_id"]: row for row in rows}
    strict = by_id[german.doc_id]
    assert strict["status"] == 400 and strict["error_type"] == "strict_dynamic_mapping_exception"
    assert "title_de" in strict["reason"] and strict["document"]["title"] == german.title
    assert strict["url"] == german.canonical_url and strict["op"] == "create"
    too_long = by_id[other.doc_id]
    assert too_long["status"] == 400 and len(too_long["document"]["content_hash"]) == 40000
    assert by_id[None]["error_type"] == "invalid_article"
    assert "canonical_url is empty" in by_id[None]["reason"]
    assert report.errors_by_type["strict_dynamic_mapping_exception"] == 1

    dead.unlink()
    with pytest.raises(LoadError, match="3 of 26 documents failed") as caught:
        load_articles(opensearch, alias, [*articles, invalid], dead_letter_path=str(dead))
    assert caught.value.report.failed == 3
    assert len(dead.read_text().splitlines()) == 3  # written before raising


def test_refresh_interval_is_restored_after_a_failed_load(
    opensearch: OpenSearch, alias: str, fixture_articles: list[EnrichedArticle]
) -> None:
    info = ensure_index(opensearch, alias, refresh_interval="7s")

    def exploding() -> Iterator[EnrichedArticle]:
        yield from fixture_articles[:3]
        raise RuntimeError("source went away")

    with pytest.raises(RuntimeError, match="source went away"):
        load_articles(opensearch, alias, exploding(), dead_letter_path=None, relax_refresh=True, chunk_docs=1)
    assert refresh_interval(opensearch, info.index) == "7s"

    # An index without an explicit value gets the default back (no explicit value left behind).
    opensearch.indices.put_settings(index=info.index, body={"index": {"refresh_interval": None}})
    report = load_articles(opensearch, alias, fixture_articles, dead_letter_path=None, relax_refresh=True)
    assert refresh_interval(opensearch, info.index) is None
    assert count(opensearch, alias) == len(fixture_articles) == report.received

    # Already relaxed (a loader that has not finished): the default is restored, never "-1" for good.
    opensearch.indices.put_settings(index=info.index, body={"index": {"refresh_interval": "-1"}})
    load_articles(opensearch, alias, fixture_articles[:2], dead_letter_path=None, relax_refresh=True)
    assert refresh_interval(opensearch, info.index) is None


def test_reindex_swaps_aliases_atomically_and_keeps_old_until_dropped(
    opensearch: OpenSearch, alias: str, fixture_articles: list[EnrichedArticle]
) -> None:
    ensure_index(opensearch, alias, replicas=0)
    load_articles(opensearch, alias, fixture_articles, dead_letter_path=None, crawled_at=T0, refresh=True)
    newer = copy.deepcopy(load_template())
    newer_version = template_schema_version() + 1
    newer["template"]["mappings"]["_meta"]["schema_version"] = newer_version
    newer["template"]["mappings"]["properties"]["paywall_score"] = {"type": "float"}
    assert ensure_index(opensearch, alias, template=newer).needs_reindex

    new = reindex_to_new_version(opensearch, alias, template=newer)
    assert new == f"{alias}-v2"
    assert list(opensearch.indices.get_alias(name=alias)) == [new]
    assert list(opensearch.indices.get_alias(name=write_alias_for(alias))) == [new]
    assert opensearch.indices.exists(index=f"{alias}-v1")  # kept
    assert count(opensearch, new) == len(fixture_articles)
    mapping = opensearch.indices.get_mapping(index=new)[new]["mappings"]
    assert mapping["_meta"]["schema_version"] == newer_version and "paywall_score" in mapping["properties"]
    doc = source(opensearch, alias, fixture_articles[0].doc_id)
    assert doc["first_seen"] == "2026-11-01T06:00:00.000Z"
    assert not ensure_index(opensearch, alias, template=newer).needs_reindex
    # Loads keep working through the aliases, and a rerun still finds every document.
    report = load_articles(opensearch, alias, fixture_articles, dead_letter_path=None, crawled_at=T0)
    assert report.unchanged == len(fixture_articles)

    third = reindex_to_new_version(opensearch, alias, template=newer, drop_old=True)
    assert third == f"{alias}-v3"
    assert not opensearch.indices.exists(index=new)
    assert count(opensearch, alias) == len(fixture_articles)


def test_429_rejections_are_retried_with_backoff_then_dead_lettered(
    opensearch: OpenSearch, alias: str, fixture_articles: list[EnrichedArticle], tmp_path: Path
) -> None:
    info = ensure_index(opensearch, alias)
    block = {"index": {"blocks": {"read_only_allow_delete": True}}}  # what a full disk does: answers 429
    unblock = {"index": {"blocks": {"read_only_allow_delete": None}}}
    articles = fixture_articles[:5]

    opensearch.indices.put_settings(index=info.index, body=block)
    lift = threading.Timer(1.0, lambda: opensearch.indices.put_settings(index=info.index, body=unblock))
    lift.start()
    try:
        report = load_articles(
            opensearch,
            alias,
            articles,
            dead_letter_path=None,
            initial_backoff=0.5,
            max_retries=6,
            refresh=True,
        )
    finally:
        lift.join()
    assert report.retried >= len(articles) and report.created == len(articles) and report.failed == 0
    assert count(opensearch, alias) == len(articles)

    opensearch.indices.put_settings(index=info.index, body=block)
    dead = tmp_path / "dl.jsonl"
    try:
        with pytest.raises(LoadError) as caught:
            load_articles(
                opensearch,
                alias,
                [a.model_copy(update={"title": "changed"}) for a in articles],
                dead_letter_path=str(dead),
                initial_backoff=0.1,
                max_retries=2,
            )
    finally:
        opensearch.indices.put_settings(index=info.index, body=unblock)
    assert caught.value.report.retried == 2 * len(articles) and caught.value.report.failed == len(articles)
    rows = [json.loads(line) for line in dead.read_text().splitlines()]
    assert {r["status"] for r in rows} == {429} and {r["doc_id"] for r in rows} == {
        a.doc_id for a in articles
    }


def test_an_index_made_by_an_older_template_gets_the_new_fields_and_takes_new_documents(
    opensearch: OpenSearch, alias: str, fixture_articles: list[EnrichedArticle]
) -> None:
    """Additive mapping changes (a new field, a new nested sub-field) reach a live index without a
    reindex, so a newer pipeline's documents load into it (the mapping is ``dynamic: strict``)."""
    older = copy.deepcopy(load_template())
    props = older["template"]["mappings"]["properties"]
    del props["truncated"]
    del props["entities"]["properties"]["forms"]
    ensure_index(opensearch, alias, template=older)
    index = write_index(opensearch, write_alias_for(alias))
    info = ensure_index(opensearch, alias)  # the shipped template
    mapping = opensearch.indices.get_mapping(index=index)[index]["mappings"]["properties"]
    assert "truncated" in mapping and "forms" in mapping["entities"]["properties"]
    assert info.index == index  # no new index version for an additive change
    report = load_articles(opensearch, alias, fixture_articles, dead_letter_path=None, refresh=True)
    assert report.failed == 0 and report.indexed == len(fixture_articles), report.summary()
