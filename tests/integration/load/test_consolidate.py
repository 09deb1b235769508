"""Post-load consolidation against the real node: entity registry merges and cross-batch story clusters."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from newsingest.consolidate import consolidate
from newsingest.enrich import dedup
from newsingest.load.bulk import load_articles
from newsingest.load.clusters import recluster
from newsingest.load.entity_evidence import evidence_index
from newsingest.load.entity_registry import consolidate_entities, registry_index
from newsingest.load.index import ensure_index
from newsingest.load.search import search
from newsingest.models import EnrichedArticle, Entity
from opensearchpy import OpenSearch

pytestmark = pytest.mark.opensearch

CRAWLED = datetime(2026, 12, 1, tzinfo=UTC)
WIRE = (
    "Flood waters rose across the river valley on Tuesday as emergency crews evacuated hundreds of "
    "residents from low lying villages, officials said. The regional authority opened three shelters and "
    "asked drivers to avoid the main highway, which was closed in both directions after a bridge was "
    "damaged. Forecasters expect more heavy rain through Thursday, and the water agency warned that two "
    "reservoirs upstream were close to capacity. Farmers said entire harvests had been lost in the worst "
    "floods the valley has seen in two decades."
)
OTHER = (
    "The city council approved a new budget for public libraries on Monday, adding weekend opening hours "
    "at six branches and funding for a mobile library that will visit schools in outlying districts. "
    "Council members debated for three hours before the vote, which passed by eleven votes to four."
)


def article(
    url: str, *, body: str = OTHER, published: str = "2026-11-20T08:00:00Z", source: str = "wire-a",
    entities: list[Entity] = (),
) -> EnrichedArticle:  # fmt: skip
    sig = dedup.signature(body)
    doc_id = hashlib.sha1(url.encode()).hexdigest()
    by_type = {t: [e.name for e in entities if e.type == t] for t in ("person", "organisation", "location")}
    return EnrichedArticle(
        url=url, canonical_url=url, source=source, title=url.rsplit("/", 1)[-1], body=body,
        published=datetime.fromisoformat(published.replace("Z", "+00:00")), doc_id=doc_id,
        entities=list(entities), persons=by_type["person"], organisations=by_type["organisation"],
        locations=by_type["location"], content_hash=dedup.content_hash(body), minhash_signature=sig,
        minhash_bands=dedup.band_hashes(sig), cluster_id=doc_id, fetched_at=CRAWLED,
    )  # fmt: skip


@pytest.fixture
def index(opensearch: OpenSearch, alias: str) -> Iterator[str]:
    ensure_index(opensearch, alias)
    yield alias
    opensearch.indices.delete(index=registry_index(alias), ignore_unavailable=True)
    opensearch.indices.delete(index=evidence_index(registry_index(alias)), ignore_unavailable=True)


def load(
    client: OpenSearch, alias: str, articles: list[EnrichedArticle], write_alias: str | None = None
) -> list[str]:
    report = load_articles(
        client,
        alias,
        articles,
        dead_letter_path=None,
        crawled_at=CRAWLED,
        refresh=True,
        write_alias=write_alias,
    )
    assert report.failed == 0
    return [a.doc_id for a in articles]


def cluster_ids(client: OpenSearch, alias: str) -> dict[str, str]:
    client.indices.refresh(index=alias)
    hits = client.search(index=alias, body={"size": 100, "_source": ["title", "cluster_id"]})["hits"]["hits"]
    return {h["_source"]["title"]: h["_source"]["cluster_id"] for h in hits}


def test_wire_story_in_two_batches_is_one_cluster_and_rerun_is_stable(
    opensearch: OpenSearch, index: str
) -> None:
    # Two sources carry the same wire story on one day; each batch was enriched on its own, so each copy
    # arrives with its own provisional cluster (its doc_id).
    copy_a = article("https://a.example/flood", body=WIRE, published="2026-11-20T09:00:00Z", source="wire-a")
    copy_b = article(
        "https://b.example/flood-copy",
        body="UPDATED. " + WIRE + " Reporting by staff.",
        published="2026-11-20T11:30:00Z",
        source="paper-b",
    )
    unrelated = article("https://a.example/library", published="2026-11-20T07:00:00Z")
    ids = load(opensearch, index, [copy_a]) + load(opensearch, index, [copy_b, unrelated])
    assert len(set(cluster_ids(opensearch, index).values())) == 3

    report = recluster(opensearch, index, ids)
    got = cluster_ids(opensearch, index)
    assert got["flood"] == got["flood-copy"] == copy_a.doc_id  # the earliest member names the story
    assert got["library"] == unrelated.doc_id
    assert report.to_dict()["multi_article_stories"] == 1

    again = recluster(opensearch, index, ids)  # a rerun changes nothing
    assert again.updated == 0 and again.relabelled_documents == 0
    assert cluster_ids(opensearch, index) == got

    # The next day a third copy arrives (a later run, only its own doc ids): it joins the same story.
    day2 = article("https://c.example/flood-day2", body=WIRE + " More rain fell overnight.",
                   published="2026-11-21T06:00:00Z", source="paper-c")  # fmt: skip
    recluster(opensearch, index, load(opensearch, index, [day2]))
    assert cluster_ids(opensearch, index)["flood-day2"] == copy_a.doc_id


def test_backfill_of_an_earlier_copy_relabels_the_story(opensearch: OpenSearch, index: str) -> None:
    """Order independence: a backfilled earlier copy becomes the root; the stored members follow."""
    later = article("https://b.example/flood", body=WIRE, published="2026-11-22T09:00:00Z")
    later2 = article("https://c.example/flood", body=WIRE + " Update.", published="2026-11-22T10:00:00Z")
    recluster(opensearch, index, load(opensearch, index, [later, later2]))
    assert set(cluster_ids(opensearch, index).values()) == {later.doc_id}
    earlier = article("https://a.example/flood-early", body=WIRE, published="2026-11-19T09:00:00Z")
    report = recluster(opensearch, index, load(opensearch, index, [earlier]))
    assert report.relabelled_clusters == 1
    assert set(cluster_ids(opensearch, index).values()) == {earlier.doc_id}


def person(name: str, *forms: str, etype: str = "person") -> Entity:
    return Entity(name=name, type=etype, forms=sorted({name, *forms}))


def facet(client: OpenSearch, alias: str, url: str, field: str) -> list[str]:
    doc_id = hashlib.sha1(url.encode()).hexdigest()
    return client.get(index=alias, id=doc_id)["_source"][field]


def test_registry_maps_short_forms_settles_types_and_filters_match_aliases(
    opensearch: OpenSearch, index: str
) -> None:
    docs = [
        article("https://x.example/1", entities=[person("Donald Trump", "Trump")]),
        article("https://x.example/2", entities=[person("Donald Trump", "Trump", "President Trump")]),
        article("https://x.example/3", entities=[person("Trump")]),  # the short form alone
        article("https://x.example/4", entities=[person("Joe Biden", "Biden")]),
        article("https://x.example/5", entities=[person("Hunter Biden", "Biden")]),
        article("https://x.example/6", entities=[person("Biden")]),  # ambiguous: Joe or Hunter
        article("https://x.example/7", entities=[person("Yahya Sinwar", etype="organisation")]),
        article("https://x.example/8", entities=[person("Yahya Sinwar")]),
        article("https://x.example/9", entities=[person("Yahya Sinwar")]),
    ]
    ids = load(opensearch, index, docs)
    report = consolidate_entities(opensearch, index, ids)
    assert report.run_documents_updated == 2
    assert facet(opensearch, index, "https://x.example/3", "persons") == ["Donald Trump"]
    assert "Trump" in facet(opensearch, index, "https://x.example/3", "person_aliases")
    entity = facet(opensearch, index, "https://x.example/3", "entities")[0]
    assert entity["name"] == "Donald Trump" and "Trump" in entity["forms"]
    assert facet(opensearch, index, "https://x.example/6", "persons") == ["Biden"]
    assert facet(opensearch, index, "https://x.example/7", "persons") == ["Yahya Sinwar"]
    assert facet(opensearch, index, "https://x.example/7", "organisations") == []

    full = {h.title for h in search(opensearch, index, "", persons="Donald Trump").hits}
    short = {h.title for h in search(opensearch, index, "", persons="Trump").hits}
    assert full == short == {"1", "2", "3"}

    # The registry holds the merge with its evidence.
    opensearch.indices.refresh(index=registry_index(index))
    hit = opensearch.search(
        index=registry_index(index), body={"query": {"bool": {"filter": [{"term": {"name": "Trump"}}]}}}
    )["hits"]["hits"][0]["_source"]
    assert hit["canonical"] == "Donald Trump" and hit["canonical_type"] == "person"

    again = consolidate_entities(opensearch, index, ids)  # a rerun: nothing left to rewrite
    assert again.run_documents_updated == 0 and again.older_documents_updated == 0


def test_older_documents_follow_a_merge_learned_later(opensearch: OpenSearch, index: str) -> None:
    old = article("https://y.example/old", entities=[person("Noem")], published="2026-11-01T08:00:00Z")
    consolidate_entities(opensearch, index, load(opensearch, index, [old]))
    assert facet(opensearch, index, "https://y.example/old", "persons") == ["Noem"]
    # A later run names her in full: the registry learns the merge and the older document follows.
    new = article("https://y.example/new", entities=[person("Kristi Noem", "Noem")])
    report = consolidate_entities(opensearch, index, load(opensearch, index, [new]))
    assert report.older_documents_updated == 1
    assert facet(opensearch, index, "https://y.example/old", "persons") == ["Kristi Noem"]
    hits = {h.title for h in search(opensearch, index, "", persons="Kristi Noem").hits}
    assert hits == {"old", "new"}


def test_consolidate_runs_both_steps(opensearch: OpenSearch, index: str) -> None:
    a = article("https://a.example/w", body=WIRE, entities=[person("Kristi Noem", "Noem")])
    b = article("https://b.example/w", body=WIRE, published="2026-11-20T10:00:00Z", entities=[person("Noem")])
    summary = consolidate(opensearch, index, load(opensearch, index, [a]) + load(opensearch, index, [b]))
    assert summary["clusters"]["multi_article_stories"] == 1
    assert summary["entities"]["run_documents_updated"] == 1
    assert facet(opensearch, index, "https://b.example/w", "persons") == ["Kristi Noem"]


def test_a_rerun_consolidates_what_the_load_wrote_or_no_consolidation_finished(
    opensearch: OpenSearch, index: str, tmp_path
) -> None:
    """consolidate_run leaves out only documents this run consolidated that the latest load found
    unchanged: a consolidation that died is made up by the rerun, a document the load rewrote is
    consolidated again."""
    from newsingest import storage
    from newsingest.consolidate import consolidate_run

    a = article("https://a.example/w", body=WIRE, entities=[person("Kristi Noem", "Noem")])
    b = article("https://b.example/w", body=WIRE, published="2026-11-20T10:00:00Z", entities=[person("Noem")])
    c = article("https://a.example/library", published="2026-11-20T07:00:00Z")
    enriched, unchanged = tmp_path / "enrich.jsonl.gz", tmp_path / "unchanged.jsonl.gz"
    done = tmp_path / "consolidated.jsonl.gz"
    storage.write_jsonl_gz(str(enriched), (x.to_json() for x in (a, b, c)))

    def load_attempt() -> None:
        report = load_articles(opensearch, index, [a, b, c], dead_letter_path=None, crawled_at=CRAWLED,
                               refresh=True)  # fmt: skip
        storage.write_jsonl_gz(str(unchanged), ({"doc_id": i} for i in report.unchanged_ids))

    def run() -> dict:
        return consolidate_run(opensearch, index, [str(enriched)], [str(unchanged)], str(done))

    load_attempt()  # the first attempt's consolidation dies before it starts
    load_attempt()  # the rerun finds every document unchanged, but none was consolidated: all three are
    first = run()
    assert (first["documents"], first["already_consolidated"]) == (3, 0)
    assert facet(opensearch, index, "https://b.example/w", "persons") == ["Kristi Noem"]
    assert facet(opensearch, index, "https://b.example/w", "cluster_id") == a.doc_id
    assert {r["doc_id"] for r in storage.read_jsonl_gz(str(done))} == {a.doc_id, b.doc_id, c.doc_id}

    # The next rerun loads the raw enrichment again: b differs from its consolidated copy and is rewritten
    # (its provisional cluster and short name back); a and c are unchanged and left alone.
    load_attempt()
    assert facet(opensearch, index, "https://b.example/w", "cluster_id") == b.doc_id
    again = run()
    assert (again["documents"], again["already_consolidated"]) == (1, 2)
    assert facet(opensearch, index, "https://b.example/w", "persons") == ["Kristi Noem"]
    assert facet(opensearch, index, "https://b.example/w", "cluster_id") == a.doc_id


def test_a_consolidated_document_reused_and_loaded_again_is_unchanged(
    opensearch: OpenSearch, index: str
) -> None:
    """A rerun reuses the indexed enrichment; loading it reproduces the consolidated document exactly
    (canonical names, the registry's aliases in their order, the story cluster), so nothing is rewritten."""
    from newsingest.load.document import reuse_enrichment
    from newsingest.load.reuse import IndexedEnrichment
    from newsingest.models import CleanedArticle

    a = article("https://a.example/w", body=WIRE, entities=[person("Kristi Noem", "Noem")])
    b = article("https://b.example/w", body=WIRE, published="2026-11-20T10:00:00Z", entities=[person("Noem")])
    both = [person("Acme Corp"), person("Acme Corp", etype="organisation")]
    c = article("https://c.example/x", entities=both)
    ids = load(opensearch, index, [a, b, c])
    consolidate(opensearch, index, ids)
    opensearch.indices.refresh(index=index)
    indexed = IndexedEnrichment(opensearch, index)(ids)
    aliases = indexed[b.doc_id]["person_aliases"]
    assert aliases != sorted(aliases)  # the registry's order
    fields = set(CleanedArticle.model_fields)
    again = [
        reuse_enrichment(CleanedArticle.model_validate(x.model_dump(include=fields)), indexed[x.doc_id])
        for x in (a, b, c)
    ]
    report = load_articles(opensearch, index, again, dead_letter_path=None, crawled_at=CRAWLED)
    assert (report.unchanged, report.indexed) == (3, 0)


def test_reindex_build_is_consolidated_before_the_swap(opensearch: OpenSearch, index: str) -> None:
    """news_reindex (archive) loads batches into a build one after another; finish_build consolidates the
    whole build, so it ends with the clusters and canonical names the nightly runs give."""
    from newsingest.load.reindex import build_alias_for, create_build
    from newsingest.reindex_runner import finish_build

    build = create_build(opensearch, index)
    a = article("https://a.example/r", body=WIRE, published="2026-11-20T09:00:00Z", entities=[person("Noem")])
    b = article("https://b.example/r", body=WIRE, published="2026-11-20T08:00:00Z",
                entities=[person("Kristi Noem", "Noem")])  # fmt: skip
    load(opensearch, index, [a], build_alias_for(index))  # batch 1
    load(opensearch, index, [b], build_alias_for(index))  # batch 2
    result = finish_build(opensearch, build, keep_unlisted=False)
    assert result["consolidated"]["clusters"]["multi_article_stories"] == 1
    assert set(cluster_ids(opensearch, index).values()) == {b.doc_id}  # the earliest copy
    assert facet(opensearch, index, "https://a.example/r", "persons") == ["Kristi Noem"]
    assert opensearch.indices.exists(index=registry_index(index))


def test_a_platform_most_articles_call_a_product_leaves_the_person_facet(
    opensearch: OpenSearch, index: str
) -> None:
    docs = [article(f"https://z.example/{i}", entities=[person("Zwitter", etype="other")]) for i in range(3)]
    docs.append(article("https://z.example/p", entities=[person("Zwitter"), person("Ingrid Halvorsen")]))
    consolidate_entities(opensearch, index, load(opensearch, index, docs))
    assert facet(opensearch, index, "https://z.example/p", "persons") == ["Ingrid Halvorsen"]
    types = {e["name"]: e["type"] for e in facet(opensearch, index, "https://z.example/p", "entities")}
    assert types == {"Zwitter": "other", "Ingrid Halvorsen": "person"}


def registry_docs(client: OpenSearch, alias: str) -> dict[str, int]:
    client.indices.refresh(index=registry_index(alias))
    hits = client.search(index=registry_index(alias), body={"size": 100})["hits"]["hits"]
    return {h["_source"]["name"]: h["_source"]["docs"] for h in hits if h["_source"]["docs"]}


def test_registry_counts_only_the_runs_new_and_changed_documents(opensearch: OpenSearch, index: str) -> None:
    a = article("https://r.example/a", body=OTHER, entities=[person("Kristi Noem")])
    b = article(
        "https://r.example/b", body=WIRE, entities=[person("Kristi Noem"), person("Ingrid Halvorsen")]
    )
    first = consolidate_entities(opensearch, index, load(opensearch, index, [a]))
    assert first.evidence_documents == 1
    # Loaded but never consolidated (another day's run not yet consolidated): the registry ignores it.
    stray = article("https://r.example/stray", body=WIRE + " Extra.", entities=[person("Magnus Tollefsen")])
    load(opensearch, index, [stray])
    second = consolidate_entities(opensearch, index, load(opensearch, index, [b]))
    assert second.evidence_documents == 1
    assert registry_docs(opensearch, index) == {"Kristi Noem": 2, "Ingrid Halvorsen": 1}

    again = consolidate_entities(opensearch, index, [a.doc_id, b.doc_id])  # a rerun: nothing new
    assert again.evidence_documents == 0
    assert registry_docs(opensearch, index) == {"Kristi Noem": 2, "Ingrid Halvorsen": 1}

    # The article is corrected and enriched again: its old contribution is replaced, not added to.
    a2 = article("https://r.example/a", body=OTHER + " Corrected.", entities=[person("Ingrid Halvorsen")])
    changed = consolidate_entities(opensearch, index, load(opensearch, index, [a2]))
    assert changed.evidence_documents == 1
    assert registry_docs(opensearch, index) == {"Kristi Noem": 1, "Ingrid Halvorsen": 2}


def registry_state(client: OpenSearch, alias: str) -> dict[tuple[str, str], tuple]:
    """Every registry entry with evidence: counts, forms, canonical target and aliases."""
    client.indices.refresh(index=registry_index(alias))
    hits = client.search(index=registry_index(alias), body={"size": 1000})["hits"]["hits"]
    return {
        (s["name"], s["type"]): (
            s["docs"],
            tuple((f["form"], f["docs"]) for f in s.get("forms") or []),
            s.get("canonical"),
            s.get("canonical_type"),
            tuple((f["form"], f["docs"]) for f in s.get("aliases") or []),
        )
        for s in (h["_source"] for h in hits)
        if s["docs"]
    }


def test_two_consolidations_at_once_count_every_document_once(opensearch: OpenSearch, index: str) -> None:
    """Two consolidations start together on overlapping document sets that share entries: no increment
    is lost (scripted registry updates) and no document is counted twice (claims with seq_no)."""
    import threading

    docs = [
        article(
            f"https://c.example/{i}",
            body=OTHER + f" Item {i}.",
            entities=[
                person("Kristi Noem", "Noem"),
                person(f"Person Number{i % 7}"),
                person("Harbour Authority", etype="organisation"),
            ],
        )
        for i in range(40)
    ]
    ids = load(opensearch, index, docs)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(part: list[str]) -> None:
        try:
            barrier.wait()
            consolidate_entities(opensearch, index, part)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(ids[:30],)), threading.Thread(target=run, args=(ids[10:],))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    state = registry_state(opensearch, index)
    assert state[("Kristi Noem", "person")][:2] == (40, (("Kristi Noem", 40), ("Noem", 40)))
    assert state[("Harbour Authority", "organisation")][0] == 40
    assert {k[0]: v[0] for k, v in state.items() if k[0].startswith("Person")} == {
        f"Person Number{j}": len(range(j, 40, 7)) for j in range(7)
    }
    opensearch.indices.refresh(index=evidence_index(registry_index(index)))
    pending = {"query": {"term": {"pending": True}}}
    assert opensearch.count(index=evidence_index(registry_index(index)), body=pending)["count"] == 0
    again = consolidate_entities(opensearch, index, ids)  # and a rerun adds nothing
    assert again.evidence_documents == 0 and registry_state(opensearch, index) == state


def test_claims_of_a_consolidation_that_died_are_applied_once(opensearch: OpenSearch, index: str) -> None:
    """A consolidation killed after claiming its documents: the next one applies the claims from the
    evidence records; entries that already saw the claims' token skip them."""
    from datetime import timedelta

    from newsingest.load.entity_evidence import (
        EvidenceUpdate,
        _claim,
        apply_deltas,
        ensure_indices,
        recover_stale,
    )
    from newsingest.load.entity_registry import REGISTRY_MAPPINGS

    docs = [article(f"https://d.example/{i}", entities=[person("Kristi Noem"), person(f"Ann Solberg{i}")])
            for i in range(3)]  # fmt: skip
    ids = load(opensearch, index, docs)
    registry = registry_index(index)
    ensure_indices(opensearch, registry, REGISTRY_MAPPINGS)
    _, deltas, _ = _claim(opensearch, index, evidence_index(registry), ids, "dead", EvidenceUpdate())
    # It got as far as one registry entry before it died.
    apply_deltas(opensearch, registry, {("Kristi Noem", "person"): deltas[("Kristi Noem", "person")]}, "dead")
    assert recover_stale(opensearch, registry) == 0  # not stale yet: left to its owner
    assert recover_stale(opensearch, registry, older_than=timedelta(0)) == 3
    state = registry_state(opensearch, index)
    assert state[("Kristi Noem", "person")][0] == 3
    assert all(state[(f"Ann Solberg{i}", "person")][0] == 1 for i in range(3))
    assert recover_stale(opensearch, registry, older_than=timedelta(0)) == 0
    assert consolidate_entities(opensearch, index, ids).evidence_documents == 0
    assert registry_state(opensearch, index)[("Kristi Noem", "person")][0] == 3


def test_rebuild_without_unlisted_pages_subtracts_their_evidence(opensearch: OpenSearch, index: str) -> None:
    """news_reindex with keep_unlisted=False: a page the rebuild no longer has leaves the registry."""
    from newsingest.load.reindex import build_alias_for, create_build
    from newsingest.reindex_runner import finish_build

    kept = article("https://e.example/kept", entities=[person("Kristi Noem"), person("Ingrid Halvorsen")])
    gone = article(
        "https://e.example/gone", body=WIRE, entities=[person("Kristi Noem"), person("Magnus Tollefsen")]
    )
    consolidate_entities(opensearch, index, load(opensearch, index, [kept, gone]))
    assert registry_docs(opensearch, index) == {
        "Kristi Noem": 2,
        "Ingrid Halvorsen": 1,
        "Magnus Tollefsen": 1,
    }
    build = create_build(opensearch, index)
    load(opensearch, index, [kept], build_alias_for(index))  # the rebuild drops the other page
    finish_build(opensearch, build, keep_unlisted=False)
    assert registry_docs(opensearch, index) == {"Kristi Noem": 1, "Ingrid Halvorsen": 1}
    ev = evidence_index(registry_index(index))
    opensearch.indices.refresh(index=ev)
    assert opensearch.count(index=ev)["count"] == 1


def test_partial_read_resolves_as_the_full_read(opensearch: OpenSearch, alias: str) -> None:
    """The same runs consolidated into two aliases, one reading only the entries around the run's names,
    one reading the whole registry: registries and documents end identical after every run."""
    from newsingest.load.index import drop_alias_and_indices

    other = alias + "_full"
    runs = [
        [("1", [person("Donald Trump", "Trump")]), ("2", [person("Trump")]), ("3", [person("Noem")]),
         ("4", [person("Joe Biden", "Biden")]), ("5", [person("Biden")]),
         ("6", [person("Sinwar Yahya", etype="organisation")]), ("7", [person("Paris", etype="location")])],
        [("8", [person("Kristi Noem", "Noem")]), ("9", [person("Hunter Biden", "Biden")]),
         ("10", [person("Sinwar Yahya")]), ("11", [person("Sinwar Yahya")]),
         ("12", [person("Melania Trump")]), ("13", [person("Paris Hilton", "Paris")])],
        [("2", [person("Donald J. Trump", "Donald Trump", "Trump")]),  # a re-enriched page (a chain)
         ("14", [person("Donald J. Trump", "Trump")]), ("15", [person("Zwitter", etype="other")]),
         ("16", [person("Zwitter")]), ("17", [person("Zwitter", etype="other")]), ("4", [person("Biden")])],
    ]  # fmt: skip
    try:
        for a in (alias, other):
            ensure_index(opensearch, a)
        for n, run in enumerate(runs):
            docs = [article(f"https://p.example/{u}", body=OTHER + f" Run {n}.", entities=e) for u, e in run]
            local = consolidate_entities(opensearch, alias, load(opensearch, alias, docs))
            full = consolidate_entities(opensearch, other, load(opensearch, other, docs), full=True)
            assert registry_state(opensearch, alias) == registry_state(opensearch, other), f"run {n}"
            for a in (alias, other):
                opensearch.indices.refresh(index=a)
            fields = ["persons", "organisations", "locations", "person_aliases", "organisation_aliases",
                      "location_aliases", "entities"]  # fmt: skip
            body = {"size": 100, "_source": fields}
            got = {h["_id"]: h["_source"] for h in opensearch.search(index=alias, body=body)["hits"]["hits"]}
            want = {h["_id"]: h["_source"] for h in opensearch.search(index=other, body=body)["hits"]["hits"]}
            assert got == want, f"run {n}"
            assert local.entries <= full.entries
        assert facet(opensearch, alias, "https://p.example/2", "persons") == ["Donald J. Trump"]
        assert facet(opensearch, alias, "https://p.example/1", "persons") == ["Donald J. Trump"]
        assert local.entries < full.entries  # the last run read part of the registry
    finally:
        for a in (alias, other):
            opensearch.indices.delete(index=evidence_index(registry_index(a)), ignore_unavailable=True)
            opensearch.indices.delete(index=registry_index(a), ignore_unavailable=True)
        drop_alias_and_indices(opensearch, other)


def enrich_texts(texts: dict[str, str], site: str) -> list[EnrichedArticle]:
    """Articles titled by the keys of ``texts`` at ``https://<site>.example/<key>``, enriched for real."""
    from newsingest.enrich.pipeline import Enricher
    from newsingest.models import CleanedArticle

    day = datetime(2026, 11, 20, 8, tzinfo=UTC)
    urls = {k: f"https://{site}.example/{k}" for k in texts}
    return Enricher().enrich([
        CleanedArticle(url=urls[k], canonical_url=urls[k], title=k, body=v, published=day, source=site)
        for k, v in texts.items()
    ])  # fmt: skip


def test_enriched_articles_map_a_last_name_to_the_namesake_it_means(
    opensearch: OpenSearch, index: str
) -> None:
    """Enricher, load and registry together: in the article on the First Lady, "President Tavener" holds
    an office she never does, so it is not merged into her name there; the registry then maps the bare
    "Tavener" of other articles to the president, whom other articles name in full with that short form."""
    texts = {
        "first-lady": "First Lady Marisol Tavener visited a school in Dayton on Monday. Later President "
        "Tavener and First Lady Marisol Tavener issued a joint statement on reading programmes.",
        "bill": "President Anton Tavener signed the water bill on Monday. Later, President Tavener thanked "
        "the governors who had backed the law that brings clean water to rural towns.",
        "trip": "President Anton Tavener arrived in Ottawa for talks on trade. Later, President Tavener told "
        "reporters the talks had been friendly and that a deal could follow within weeks.",
        "speech": "President Tavener told a crowd in Denver on Tuesday that the economy was growing faster "
        "than expected and that new jobs would follow in the spring.",
    }
    enriched = enrich_texts(texts, "t")
    by_title = {a.title: a for a in enriched}
    assert "Tavener" in by_title["first-lady"].persons  # not merged into Marisol Tavener there
    consolidate_entities(opensearch, index, load(opensearch, index, enriched))

    def persons(title: str) -> list[str]:
        return opensearch.get(index=index, id=by_title[title].doc_id)["_source"]["persons"]

    for title in ("speech", "first-lady"):
        assert "Anton Tavener" in persons(title) and "Tavener" not in persons(title)
    assert "Marisol Tavener" in persons("first-lady")
    hits = {h.title for h in search(opensearch, index, "", persons="Anton Tavener").hits}
    assert hits == {"bill", "trip", "speech", "first-lady"}


def test_the_office_title_written_before_a_bare_name_picks_the_namesake(
    opensearch: OpenSearch, index: str
) -> None:
    """No article merges the bare "Tavener" into a full name, and two Taveners are known; the articles
    write "President Tavener", and only Anton Tavener is ever written "President": he is the one."""
    texts = {
        "first-lady": "First Lady Marisol Tavener visited a school in Dayton on Monday and read to pupils.",
        "bill": "President Anton Tavener signed the water bill on Monday, bringing water to rural towns.",
        "trip": "President Anton Tavener arrived in Ottawa for talks on trade with the prime minister.",
        "speech": "President Tavener told a crowd in Denver on Tuesday that the economy was growing faster "
        "than expected and that new jobs would follow in the spring.",
    }
    enriched = enrich_texts(texts, "o")
    by_title = {a.title: a for a in enriched}
    assert by_title["speech"].persons == ["Tavener"]
    report = consolidate_entities(opensearch, index, load(opensearch, index, enriched))
    assert report.run_documents_updated == 1
    speech = opensearch.get(index=index, id=by_title["speech"].doc_id)["_source"]
    assert speech["persons"] == ["Anton Tavener"] and "Tavener" in speech["person_aliases"]
    opensearch.indices.refresh(index=registry_index(index))
    hit = opensearch.search(index=registry_index(index), body={"query": {"term": {"name": "Anton Tavener"}}})[
        "hits"
    ]["hits"][0]["_source"]
    assert hit["offices"] == [{"form": "president", "docs": 2}]


def test_a_second_spelling_of_a_person_follows_the_more_frequent_in_partial_and_full_reads(
    opensearch: OpenSearch, alias: str
) -> None:
    """Two spellings one letter apart ("Kovalenky" / "Kovalenkyy") with the same first name are one
    person: once the second spelling holds more articles, the older documents' facets follow it, and
    the partial read (which finds the other spelling by a fuzzy lookup) agrees with the full read."""
    from newsingest.load.index import drop_alias_and_indices

    other = alias + "_full"
    runs = [
        [("1", [person("Ostap Kovalenky", "Kovalenky")]), ("2", [person("Kovalenky")])],
        [("3", [person("Ostap Kovalenkyy")]), ("4", [person("Ostap Kovalenkyy")])],
        [("5", [person("Ostap Kovalenkyy", "Kovalenkyy")]), ("6", [person("Ivan Kovalenky")])],
    ]
    try:
        for a in (alias, other):
            ensure_index(opensearch, a)
        for n, run in enumerate(runs):
            docs = [article(f"https://k.example/{u}", body=OTHER + f" Run {n}.", entities=e) for u, e in run]
            consolidate_entities(opensearch, alias, load(opensearch, alias, docs))
            consolidate_entities(opensearch, other, load(opensearch, other, docs), full=True)
            assert registry_state(opensearch, alias) == registry_state(opensearch, other), f"run {n}"
            for a in (alias, other):
                opensearch.indices.refresh(index=a)
            body = {"size": 100, "_source": ["persons", "person_aliases"]}
            got = {h["_id"]: h["_source"] for h in opensearch.search(index=alias, body=body)["hits"]["hits"]}
            want = {h["_id"]: h["_source"] for h in opensearch.search(index=other, body=body)["hits"]["hits"]}
            assert got == want, f"run {n}"
        for u in ("1", "2", "5"):
            assert facet(opensearch, alias, f"https://k.example/{u}", "persons") == ["Ostap Kovalenkyy"]
        assert facet(opensearch, alias, "https://k.example/6", "persons") == ["Ivan Kovalenky"]
        hits = {h.title for h in search(opensearch, alias, "", persons="Ostap Kovalenkyy").hits}
        assert hits == {"1", "2", "3", "4", "5"}
    finally:
        for a in (alias, other):
            opensearch.indices.delete(index=evidence_index(registry_index(a)), ignore_unavailable=True)
            opensearch.indices.delete(index=registry_index(a), ignore_unavailable=True)
        drop_alias_and_indices(opensearch, other)
