"""Enrichment reuse against the real node: a wire copy under another URL takes the indexed enrichment."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from newsingest import layout, pipeline, storage
from newsingest.config import Settings
from newsingest.enrich import dedup
from newsingest.enrich.pipeline import Enricher
from newsingest.enrich.version import ENRICHMENT_VERSION
from newsingest.load.bulk import load_articles
from newsingest.load.index import ensure_index
from newsingest.load.reuse import enrichment_lookup
from newsingest.models import CleanedArticle, EnrichedArticle
from newsingest.web.urls import doc_id
from opensearchpy import OpenSearch

COPY_URL = "https://www.wirecopy.example/world/2026/11/20/the-same-story"


def _indexed(article: EnrichedArticle) -> EnrichedArticle:
    text = dedup.hashed_text(article.body, article.title)
    return article.model_copy(
        update={"content_hash": dedup.content_hash(text), "enrichment_version": ENRICHMENT_VERSION}
    )


def _cleaned(article: EnrichedArticle, url: str, **changes: object) -> dict:
    base = {name: getattr(article, name) for name in CleanedArticle.model_fields}
    return CleanedArticle(**{**base, "url": url, "canonical_url": url, **changes}).to_json()


@pytest.mark.slow
def test_a_copy_under_another_url_reuses_the_indexed_enrichment(
    opensearch: OpenSearch,
    alias: str,
    fixture_articles: list[EnrichedArticle],
    settings: Settings,
    tmp_path: Path,
) -> None:
    original = _indexed(next(a for a in fixture_articles if a.persons and a.language == "en"))
    other = _indexed(next(a for a in fixture_articles if a.url != original.url and a.language == "en"))
    ensure_index(opensearch, alias, shards=1, replicas=0)
    load_articles(opensearch, alias, [original, other], dead_letter_path=None, refresh=True)

    lookup = enrichment_lookup(opensearch, alias)
    found = lookup.by_content_hash([original.content_hash, "0" * 64], ENRICHMENT_VERSION)
    assert set(found) == {original.content_hash} and found[original.content_hash]["doc_id"] == original.doc_id
    assert lookup.by_content_hash([original.content_hash], "0-older-version") == {}

    stage_settings = replace(settings, storage_root=str(tmp_path / "storage"), index_alias=alias)
    clean_path = layout.stage_path(stage_settings.storage_root, "r1", "clean", "wire", "b0")
    retitled = "https://www.wirecopy.example/world/2026/11/20/retitled"
    storage.write_jsonl_gz(
        clean_path,
        [
            _cleaned(original, COPY_URL, section="Wire"),  # the same title and text under another URL
            _cleaned(original, retitled, title=f"{original.title} (updated)"),  # the text, another headline
        ],
    )
    summary = pipeline.enrich_stage(stage_settings, "r1", "wire", clean_path, reuse_lookup=lookup, batch="b0")
    assert summary["enriched"] == 2 and summary["reused"] == 1
    copy, fresh = map(EnrichedArticle.from_json, storage.read_jsonl_gz(summary["path"]))
    assert copy.doc_id == doc_id(COPY_URL) != original.doc_id  # its own document, keyed by its own URL
    assert copy.url == COPY_URL and copy.persons == original.persons and copy.keywords == original.keywords
    assert copy.entities == original.entities and copy.cluster_id == original.cluster_id
    # Topics weigh the page's own section and tags: computed for the copy, not taken from the original.
    assert copy.section == "Wire" and copy.topics == Enricher().topics_for(copy, "en")
    assert fresh.doc_id == doc_id(retitled) and fresh.title.endswith("(updated)")  # enriched by the model
