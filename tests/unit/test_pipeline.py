"""The stage runners (``newsingest.pipeline``) on real stage files under a temporary storage root.

Each runner reads the files the stage before it wrote and writes its own, returning the small summary
Airflow passes on. The tests write those inputs themselves (a real WARC archive of fixture pages for
clean, cleaned articles for enrich, enriched articles for load), run the runner, then check the summary
against the files written. discover and fetch crawl the sample site over real HTTP; enrich runs the real
spaCy model; load writes to the real OpenSearch node the test session starts.
"""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from newsingest import layout, pipeline, storage
from newsingest.config import Settings
from newsingest.crawl.archive import WarcFile
from newsingest.enrich.version import ENRICHMENT_VERSION
from newsingest.load.document import to_document
from newsingest.models import CleanedArticle, DroppedPage, EnrichedArticle, FetchResult
from newsingest.web.urls import doc_id

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
SOURCE = "ledger"
SITE = "https://www.northernledger.example"
SYNDICATION = "ledger-syndication.example"  # a domain the source declares
FETCHED = datetime(2026, 11, 3, 6, 0, tzinfo=UTC)
ARCHIVED = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


def _sources_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            sources:
              - name: {SOURCE}
                homepage: {SITE}/
                sitemaps: ["{SITE}/sitemap.xml"]
                domains: [{SYNDICATION}]
              - name: gazette
                homepage: https://gazette.example/
                feeds: ["https://gazette.example/feed.xml"]
              - name: archive-only
                homepage: https://old.example/
                feeds: ["https://old.example/feed.xml"]
                enabled: false
            """
        )
        + extra
    )
    return path


@pytest.fixture
def stage_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The session settings with this test's own storage root and sources file."""
    return replace(settings, storage_root=str(tmp_path / "storage"), sources_file=_sources_file(tmp_path))


# ------------------------------------------------------------------------------------ sources and plan


def test_load_source_names_lists_enabled_sources_and_validates_a_subset(stage_settings: Settings) -> None:
    assert pipeline.load_source_names(stage_settings) == [SOURCE, "gazette"]
    assert pipeline.load_source_names(stage_settings, ["gazette"]) == ["gazette"]
    with pytest.raises(ValueError, match=r"unknown or disabled source\(s\) archive-only, nope") as err:
        pipeline.load_source_names(stage_settings, ["nope", "archive-only"])
    assert str(stage_settings.sources_file) in str(err.value) and "enabled: ledger, gazette" in str(err.value)


def _discover_file(settings: Settings, run_id: str, source: str, n: int) -> dict:
    path = layout.stage_path(settings.storage_root, run_id, "discover", source, "all")
    rows = [{"url": f"https://{source}.example/a/{i}", "source": source} for i in range(n)]
    storage.write_jsonl_gz(path, rows)
    return {"source": source, "path": path, "discovered": n}


def test_plan_batches_splits_each_source_into_batch_files(stage_settings: Settings) -> None:
    rows = [
        _discover_file(stage_settings, "r1", "b-src", 5),
        _discover_file(stage_settings, "r1", "a-src", 2),
    ]
    empty = _discover_file(stage_settings, "r1", "c-src", 0)
    plan = pipeline.plan_batches(stage_settings, "r1", [*rows, empty, {}], batch_size=2)

    assert [(p["source"], p["batch"], p["urls"]) for p in plan] == [
        ("a-src", "b0000", 2),
        ("b-src", "b0000", 2),
        ("b-src", "b0001", 2),
        ("b-src", "b0002", 1),
    ]  # sorted by source; a source that discovered nothing gets no batch
    urls = [row["url"] for p in plan if p["source"] == "b-src" for row in storage.read_jsonl_gz(p["path"])]
    assert urls == [f"https://b-src.example/a/{i}" for i in range(5)]  # every URL once, in order
    assert all("/runs/r1/discover/" in p["path"] for p in plan)
    again = pipeline.plan_batches(stage_settings, "r1", [*rows, empty], batch_size=2)
    assert again == plan  # a retry rewrites the same files


def test_plan_batches_grows_the_batch_size_to_stay_under_max_batches(stage_settings: Settings) -> None:
    rows = [_discover_file(stage_settings, "r2", "src", 10)]
    plan = pipeline.plan_batches(stage_settings, "r2", rows, batch_size=1, max_batches=3)
    assert [p["urls"] for p in plan] == [4, 4, 2]
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        pipeline.plan_batches(stage_settings, "r2", rows, batch_size=0)


# ------------------------------------------------------------------------------ discover and fetch


@pytest.mark.slow
def test_discover_then_fetch_against_the_sample_site(sample_site, settings: Settings, tmp_path: Path) -> None:
    base = sample_site.url
    sources = tmp_path / "bulk.yaml"
    sources.write_text(
        f"sources:\n  - name: bulk\n    homepage: {base}/bulk/\n"
        f'    sitemaps: ["{base}/bulk/sitemap.xml?n=6"]\n    rate_limit: 50\n    allow_private: true\n'
    )
    st = replace(settings, storage_root=str(tmp_path / "storage"), sources_file=sources)
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)

    found = pipeline.discover_stage(st, "r3", "bulk", start, end)
    assert found["discovered"] == 6 and found["channels"] == {"sitemap": 6}
    assert found["discovery_documents"] >= 1 and found["discovery_failed"] == 0
    assert len(list(storage.read_jsonl_gz(found["path"]))) == 6

    fetched = pipeline.fetch_stage(st, "r3", "bulk", found["path"], batch="b0000")
    assert fetched["attempted"] == 6 and fetched["fetched"] == 6 and fetched["errors"] == {}, fetched
    assert fetched["path"] == layout.stage_path(st.storage_root, "r3", "fetch", "bulk", "b0000")
    results = [FetchResult.from_json(r) for r in storage.read_jsonl_gz(fetched["path"])]
    assert all(r.ok and r.warc_path and Path(r.warc_path).exists() for r in results)
    assert {r.channels[0] for r in results} == {"sitemap"}

    with pytest.raises(ValueError, match="no source named 'missing'"):
        pipeline.fetch_stage(st, "r3", "missing", found["path"])


# -------------------------------------------------------------------------------------------- clean


def _page(name: str) -> bytes:
    return (PAGES / f"{name}.html").read_bytes()


def _claiming(canonical: str) -> bytes:
    """The broadsheet fixture with its rel=canonical and og:url pointing at ``canonical``."""
    html = _page("broadsheet_article").decode("utf-8")
    html = html.replace('href="/news/2024/03/12/harbour-flood-barrier"', f'href="{canonical}"')
    return html.replace(
        "https://www.northernledger.example/news/2024/03/12/harbour-flood-barrier?utm_source=twitter",
        canonical,
    ).encode("utf-8")


def _archive(settings: Settings, run_id: str, pages: dict[str, bytes]) -> dict[str, tuple[str, int]]:
    """Write ``pages`` (URL -> HTML) as 200 responses into one WARC; returns URL -> (path, offset)."""
    path = layout.warc_path(settings.storage_root, run_id, SOURCE, "b0000")
    warc = WarcFile(path)
    where = {}
    for url, body in pages.items():
        where[url] = (path, warc.write_exchange(
            url=url,
            method="GET",
            request_headers=[("User-Agent", "newsingest-test")],
            status=200,
            reason="OK",
            http_version="HTTP/1.1",
            response_headers=[("Content-Type", "text/html; charset=utf-8")],
            body=body,
            when=ARCHIVED,
        ))  # fmt: skip
    warc.close()
    return where


ARTICLE = f"{SITE}/news/2024/03/12/harbour-flood-barrier"
WIRE = f"{SITE}/news/2024/03/13/wire-story"
CONSENT = f"{SITE}/consent"
COPIED = f"{SITE}/news/2024/03/14/copied"
SYNDICATED = f"{SITE}/news/2024/03/15/syndicated"


@pytest.fixture
def fetched(stage_settings: Settings) -> str:
    """A fetch stage file with one result of every kind clean_stage handles, over a real WARC."""
    warc = _archive(
        stage_settings,
        "r4",
        {
            ARTICLE: _page("broadsheet_article"),
            WIRE: _page("wire_story"),
            CONSENT: _page("consent_wall"),
            COPIED: _claiming("https://aggregator.example/harbour-barrier"),
            SYNDICATED: _claiming(f"https://{SYNDICATION}/harbour-barrier"),
        },
    )

    def ok(url: str, at: tuple[str, int] | None = None, **extra) -> FetchResult:
        path, offset = at or warc[url]
        return FetchResult(
            url=url, source=SOURCE, status=200, ok=True, warc_path=path, warc_offset=offset,
            fetched_at=FETCHED, channels=["sitemap"], **extra,
        )  # fmt: skip

    wire_path, wire_offset = warc[WIRE]
    results = [
        ok(ARTICLE, discovered_title="Harbour barrier"),
        # A 304: processed again from the archived 200 it confirms.
        FetchResult(
            url=WIRE, source=SOURCE, status=304, ok=True, not_modified=True, fetched_at=FETCHED,
            archived_path=wire_path, archived_offset=wire_offset, archived_at=ARCHIVED, channels=["feed"],
        ),
        ok(CONSENT),
        ok(COPIED),
        ok(SYNDICATED),
        FetchResult(url=f"{SITE}/gone", source=SOURCE, status=503, error_class="http_5xx", error="503"),
        FetchResult(url=f"{SITE}/lost-304", source=SOURCE, status=304, ok=True, not_modified=True),
        ok(f"{SITE}/corrupt", at=(wire_path, wire_offset + 7)),  # an offset in the middle of a record
    ]  # fmt: skip
    path = layout.stage_path(stage_settings.storage_root, "r4", "fetch", SOURCE, "b0000")
    storage.write_jsonl_gz(path, (r.to_json() for r in results))
    return path


def test_clean_stage_writes_articles_and_every_dropped_page_with_its_reason(
    stage_settings: Settings, fetched: str
) -> None:
    summary = pipeline.clean_stage(stage_settings, "r4", SOURCE, fetched, batch="b0000")

    assert summary["cleaned"] == 4 and summary["truncated"] == 0
    assert summary["dropped"] == {
        "page_type:consent": 1,
        "fetch:http_5xx": 1,
        "archive_unreadable": 2,
    }
    assert summary["path"] == layout.stage_path(stage_settings.storage_root, "r4", "clean", SOURCE, "b0000")
    articles = {a.url: a for a in map(CleanedArticle.from_json, storage.read_jsonl_gz(summary["path"]))}
    dropped = {d.url: d for d in map(DroppedPage.from_json, storage.read_jsonl_gz(summary["dropped_path"]))}
    assert set(articles) == {ARTICLE, WIRE, COPIED, SYNDICATED}
    assert len(dropped) == 4 and all(d.source == SOURCE for d in dropped.values())

    article = articles[ARTICLE]
    assert article.title == "Harbour council approves flood barrier after decade of delays"
    assert article.source == SOURCE and article.channels == ["sitemap"] and article.fetched_at == FETCHED
    assert article.canonical_url == ARTICLE and article.canonical_claim is None
    wire = articles[WIRE]  # from the archived 200 behind the 304, with when that was first fetched
    assert wire.body and wire.first_fetched_at == ARCHIVED and wire.channels == ["feed"]

    # A canonical URL on another site is kept as a claim; the page's own URL decides its id.
    copied = articles[COPIED]
    assert (
        copied.canonical_url == COPIED
        and copied.canonical_claim == "https://aggregator.example/harbour-barrier"
    )
    assert copied.provenance["canonical_url"] == "url"
    # One on a domain the source declares is trusted.
    syndicated = articles[SYNDICATED]
    assert syndicated.canonical_url == f"https://{SYNDICATION}/harbour-barrier"
    assert syndicated.canonical_claim is None

    assert dropped[f"{SITE}/gone"].stage == "fetch" and dropped[f"{SITE}/gone"].detail == "503"
    assert "304 without an archived response" in (dropped[f"{SITE}/lost-304"].detail or "")
    assert dropped[f"{SITE}/corrupt"].reason == "archive_unreadable"  # loses this page only
    assert dropped[CONSENT].stage == "clean"


def test_clean_stage_rerun_rewrites_the_same_files(stage_settings: Settings, fetched: str) -> None:
    first = pipeline.clean_stage(stage_settings, "r4", SOURCE, fetched, batch="b0000")
    before = Path(first["path"]).read_bytes(), Path(first["dropped_path"]).read_bytes()
    again = pipeline.clean_stage(stage_settings, "r4", SOURCE, fetched, batch="b0000")
    # The second attempt takes every cleaned page (4 articles, the consent wall) from the clean memo.
    assert first["unchanged"] == 0 and again["unchanged"] == 5
    assert {**again, "unchanged": 0} == first
    assert list(storage.read_jsonl_gz(again["path"])) == list(storage.read_jsonl_gz(first["path"]))
    assert list(storage.read_jsonl_gz(again["dropped_path"])) == list(
        storage.read_jsonl_gz(first["dropped_path"])
    )
    assert (Path(again["path"]).stat().st_size, Path(again["dropped_path"]).stat().st_size) == (
        len(before[0]),
        len(before[1]),
    )


def test_clean_memo_is_used_only_for_the_same_inputs(stage_settings: Settings, fetched: str) -> None:
    first = pipeline.clean_stage(stage_settings, "r4", SOURCE, fetched, batch="b0000")
    # Another setting the cleaner reads: every page is cleaned again.
    stricter = replace(stage_settings, clean=replace(stage_settings.clean, min_body_chars=50_000))
    redone = pipeline.clean_stage(stricter, "r4", SOURCE, fetched, batch="b0000")
    assert redone["unchanged"] == 0
    # The memo now points at that attempt's outputs; a third attempt with the first settings cleans again.
    back = pipeline.clean_stage(stage_settings, "r4", SOURCE, fetched, batch="b0000")
    assert back["unchanged"] == 0 and {**back, "unchanged": 0} == first
    # Outputs that do not match the memo's lines (written by another attempt) are not trusted.
    rows = list(storage.read_jsonl_gz(back["path"]))
    storage.write_jsonl_gz(back["path"], reversed(rows))
    shuffled = pipeline.clean_stage(stage_settings, "r4", SOURCE, fetched, batch="b0000")
    assert shuffled["unchanged"] == 1  # only the consent wall, whose dropped-pages line still matches
    assert list(storage.read_jsonl_gz(shuffled["path"])) == rows


def test_clean_stage_runs_the_sources_registered_override(stage_settings: Settings, fetched: str) -> None:
    from newsingest.clean import extract as extract_mod

    def shout(article, soup):
        return article.model_copy(update={"title": (article.title or "").upper()})

    extract_mod.register_override(SOURCE, shout)
    try:
        pipeline.clean_stage(stage_settings, "r4", SOURCE, fetched, batch="b0000")
        summary = pipeline.clean_stage(stage_settings, "r4", SOURCE, fetched, batch="b0000")
        assert summary["unchanged"] == 0  # a hook is code the memo cannot vouch for: cleaned every time
    finally:
        extract_mod._OVERRIDES.pop(SOURCE, None)
    articles = {a.url: a for a in map(CleanedArticle.from_json, storage.read_jsonl_gz(summary["path"]))}
    assert articles[ARTICLE].title == "HARBOUR COUNCIL APPROVES FLOOD BARRIER AFTER DECADE OF DELAYS"


def test_clean_stage_of_a_source_no_longer_configured_keeps_its_own_urls(
    stage_settings: Settings, fetched: str
) -> None:
    """A reindex of an old run: the source left the sources file, so no domain is declared for it."""
    other = stage_settings.sources_file.parent / "other.yaml"
    other.write_text('sources:\n  - name: gazette\n    homepage: https://gazette.example/\n'
                     '    feeds: ["https://gazette.example/feed.xml"]\n')  # fmt: skip
    summary = pipeline.clean_stage(replace(stage_settings, sources_file=other), "r4", SOURCE, fetched)
    articles = {a.url: a for a in map(CleanedArticle.from_json, storage.read_jsonl_gz(summary["path"]))}
    assert articles[SYNDICATED].canonical_url == SYNDICATED  # the declared domain is no longer trusted
    assert articles[SYNDICATED].canonical_claim == f"https://{SYNDICATION}/harbour-barrier"


# ------------------------------------------------------------------------------------------- enrich


@pytest.fixture
def cleaned(stage_settings: Settings, fetched: str) -> str:
    return pipeline.clean_stage(stage_settings, "r4", SOURCE, fetched, batch="b0000")["path"]


@pytest.mark.slow
def test_enrich_stage_enriches_then_reuses_unchanged_articles(stage_settings: Settings, cleaned: str) -> None:
    summary = pipeline.enrich_stage(stage_settings, "r4", SOURCE, cleaned, batch="b0000")
    assert summary == {
        "source": SOURCE,
        "batch": "b0000",
        "path": layout.stage_path(stage_settings.storage_root, "r4", "enrich", SOURCE, "b0000"),
        "enriched": 4,
        "reused": 0,
    }
    enriched = [EnrichedArticle.from_json(r) for r in storage.read_jsonl_gz(summary["path"])]
    inputs = [CleanedArticle.from_json(r) for r in storage.read_jsonl_gz(cleaned)]
    assert [a.url for a in enriched] == [a.url for a in inputs]  # one out per article in, in order
    for article in enriched:
        assert article.doc_id == doc_id(article.canonical_url)
        assert article.enrichment_version == ENRICHMENT_VERSION and article.content_hash
        assert article.entities and article.topics and article.detected_language == "en"

    # The indexed documents of unchanged articles: their enrichment is taken, the model does not run.
    indexed = {a.doc_id: to_document(a, crawled_at=FETCHED) for a in enriched}
    asked: list[list[str]] = []

    def lookup(ids: list[str]) -> dict[str, dict]:
        asked.append(ids)
        return indexed

    reused = pipeline.enrich_stage(stage_settings, "r5", SOURCE, cleaned, reuse_lookup=lookup)
    assert reused["enriched"] == 4 and reused["reused"] == 4
    assert asked == [sorted(indexed)]
    again = [EnrichedArticle.from_json(r) for r in storage.read_jsonl_gz(reused["path"])]
    for before, after in zip(enriched, again, strict=True):
        assert (after.doc_id, after.persons, after.countries, after.content_hash) == (
            before.doc_id,
            before.persons,
            before.countries,
            before.content_hash,
        )

    # A changed text (another content hash) or an older enrichment version runs the model again.
    first, second, *_ = enriched
    stale = dict(indexed)
    stale[first.doc_id] = {**indexed[first.doc_id], "content_hash": "0" * 64}
    stale[second.doc_id] = {**indexed[second.doc_id], "enrichment_version": "0-old"}
    partly = pipeline.enrich_stage(stage_settings, "r6", SOURCE, cleaned, reuse_lookup=lambda ids: stale)
    assert partly["enriched"] == 4 and partly["reused"] == 2
    redone = {a.doc_id: a for a in map(EnrichedArticle.from_json, storage.read_jsonl_gz(partly["path"]))}
    assert redone[first.doc_id].content_hash == first.content_hash  # recomputed from the text, not reused
    assert redone[second.doc_id].enrichment_version == ENRICHMENT_VERSION


def test_enrich_stage_of_an_empty_batch_writes_an_empty_file(stage_settings: Settings) -> None:
    empty = layout.stage_path(stage_settings.storage_root, "r7", "clean", SOURCE, "all")
    storage.write_jsonl_gz(empty, [])
    summary = pipeline.enrich_stage(stage_settings, "r7", SOURCE, empty, reuse_lookup=lambda ids: {})
    assert summary["enriched"] == 0 and summary["reused"] == 0
    assert list(storage.read_jsonl_gz(summary["path"])) == []


# --------------------------------------------------------------------------------------------- load


def _enriched(n: int) -> list[EnrichedArticle]:
    out = []
    for i in range(n):
        url = f"{SITE}/news/2026/11/03/story-{i}"
        out.append(
            EnrichedArticle(
                url=url,
                canonical_url=url,
                source=SOURCE,
                title=f"Harbour barrier story {i}",
                body=f"Councillors in Harbourside approved part {i} of the flood barrier on Tuesday.",
                published=datetime(2026, 11, 3, 8, i, tzinfo=UTC),
                fetched_at=FETCHED,
                doc_id=doc_id(url),
                persons=["Amelia Hartley"],
                countries=["GB"],
                detected_language="en",
                content_hash=f"{i:064x}",
                enrichment_version=ENRICHMENT_VERSION,
            )
        )
    return out


def _enrich_file(settings: Settings, run_id: str, batch: str, rows: list[dict]) -> str:
    path = layout.stage_path(settings.storage_root, run_id, "enrich", SOURCE, batch)
    storage.write_jsonl_gz(path, rows)
    return path


@pytest.fixture
def alias_settings(stage_settings: Settings, opensearch_client) -> Iterator[Settings]:
    """Settings with an alias of this test's own on the real node; dropped afterwards."""
    from newsingest.load.index import drop_alias_and_indices

    alias = f"test-pipeline-{uuid.uuid4().hex[:8]}"
    yield replace(stage_settings, index_alias=alias)
    drop_alias_and_indices(opensearch_client, alias)


@pytest.mark.opensearch
def test_load_stage_creates_the_index_loads_and_a_rerun_changes_nothing(
    alias_settings: Settings, opensearch_client
) -> None:
    st = alias_settings
    articles = _enriched(3)
    path = _enrich_file(st, "r8", "b0001", [a.to_json() for a in articles])

    summary = pipeline.load_stage(st, "r8", SOURCE, path, opensearch_client, batch="b0001")
    assert (summary["source"], summary["batch"]) == (SOURCE, "b0001")
    assert summary["received"] == 3 and summary["created"] == 3 and summary["failed"] == 0
    dead = storage.join(st.storage_root, "runs", "r8", "dead-letter", SOURCE, "b0001.jsonl.gz")
    assert summary["dead_letter_path"] == dead and list(storage.read_jsonl_gz(dead)) == []
    opensearch_client.indices.refresh(index=st.index_alias)
    hits = opensearch_client.search(index=st.index_alias, body={"query": {"match_all": {}}, "size": 10})
    assert sorted(h["_id"] for h in hits["hits"]["hits"]) == sorted(a.doc_id for a in articles)

    again = pipeline.load_stage(st, "r8", SOURCE, path, opensearch_client, batch="b0001")
    assert again["received"] == 3 and again["unchanged"] == 3 and again["created"] == again["updated"] == 0


@pytest.mark.opensearch
def test_load_stage_dead_letters_invalid_articles_before_failing(
    alias_settings: Settings, opensearch_client
) -> None:
    from newsingest.load.bulk import LoadError

    st = alias_settings
    rows = [a.to_json() for a in _enriched(2)] + [{"url": f"{SITE}/broken", "title": "no canonical URL"}]
    path = _enrich_file(st, "r9", "all", rows)

    with pytest.raises(LoadError, match=r"1 of 3 documents failed"):
        pipeline.load_stage(st, "r9", SOURCE, path, opensearch_client)
    dead = list(
        storage.read_jsonl_gz(
            storage.join(st.storage_root, "runs", "r9", "dead-letter", SOURCE, "all.jsonl.gz")
        )
    )
    assert [row.get("url") for row in dead] == [f"{SITE}/broken"]  # nothing already done is lost
    opensearch_client.indices.refresh(index=st.index_alias)
    assert opensearch_client.count(index=st.index_alias)["count"] == 2


@pytest.mark.opensearch
def test_prepare_index_creates_the_versioned_index_once(alias_settings: Settings, opensearch_client) -> None:
    st = alias_settings
    first = pipeline.prepare_index(st, opensearch_client)
    assert first["alias"] == st.index_alias and first["created"] is True
    assert first["index"] == f"{st.index_alias}-v1"  # the first physical version behind the aliases
    assert first["schema_version"] == first["template_schema_version"]
    assert opensearch_client.indices.exists_alias(name=f"{st.index_alias}-write")
    again = pipeline.prepare_index(st, opensearch_client)  # every run calls it: nothing new is created
    assert again["created"] is False and again["index"] == first["index"]
