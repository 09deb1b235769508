"""Content hashes, MinHash bands and story clusters across separate enrichment runs."""

from __future__ import annotations

import pytest
from newsingest.enrich import dedup
from newsingest.models import CleanedArticle, EnrichedArticle

STORY = (
    "Heavy rain caused the river to burst its banks overnight, "
    "flooding hundreds of homes in the town centre. "
    "Emergency services evacuated residents from low-lying streets and set up shelters in two schools. "
    "The mayor said the damage was the worst in fifty years and asked the national government for help. "
    "Forecasters expect more rain on Thursday, and a flood warning remains in place for the whole valley. "
    "Volunteers spent the morning filling sandbags while engineers inspected the old stone bridge for cracks."
)
OTHER = (
    "The city council approved a new budget on Tuesday that raises spending on parks and public libraries. "
    "Councillors debated for six hours before the vote, which passed by twenty-one votes to fourteen. "
    "The plan also freezes parking charges for a year and funds repairs to the swimming pool on Mill Lane."
)


def test_content_hash_ignores_case_and_whitespace():
    assert dedup.content_hash("Hello  World\n") == dedup.content_hash("hello world")
    assert dedup.content_hash("Hello World") != dedup.content_hash("Hello Word")


def test_signature_and_bands():
    sig = dedup.signature(STORY)
    assert len(sig) == dedup.NUM_PERM and all(0 <= v < 2**32 for v in sig)
    bands = dedup.band_hashes(sig)
    assert len(bands) == dedup.BANDS and len(set(bands)) == dedup.BANDS
    assert dedup.signature("") == [] and dedup.band_hashes([]) == []
    with pytest.raises(ValueError, match="128 values"):
        dedup.band_hashes([1, 2, 3])


def test_near_duplicates_are_similar_and_others_are_not():
    edited = STORY.replace("fifty years", "half a century") + " Updated at 10:00."
    a, b, c = dedup.signature(STORY), dedup.signature(edited), dedup.signature(OTHER)
    assert dedup.estimate_jaccard(a, b) >= dedup.JACCARD_THRESHOLD
    assert dedup.estimate_jaccard(a, c) < 0.1
    assert set(dedup.band_hashes(a)) & set(dedup.band_hashes(b))


class MemoryIndex:
    """A real in-memory store of previously enriched documents with the index's band lookup semantics."""

    def __init__(self) -> None:
        self.docs: dict[str, EnrichedArticle] = {}
        self.calls = 0

    def add(self, docs: list[EnrichedArticle]) -> None:
        self.docs.update({d.doc_id: d for d in docs})

    def lookup(self, band_hashes: list[str]) -> list[dict]:
        self.calls += 1
        wanted = set(band_hashes)
        return [
            {
                "doc_id": d.doc_id, "cluster_id": d.cluster_id, "minhash_bands": d.minhash_bands,
                "content_hash": d.content_hash, "minhash_signature": d.minhash_signature,
            }
            for d in self.docs.values()
            if wanted & set(d.minhash_bands)
        ]  # fmt: skip


def article(url: str, body: str, title: str = "Floods hit town") -> CleanedArticle:
    return CleanedArticle(url=url, canonical_url=url, title=title, body=body)


def test_clusters_across_two_runs(enricher):
    index = MemoryIndex()
    day1 = enricher.enrich(
        [article("https://a.example/flood", STORY), article("https://b.example/budget", OTHER, "Budget")],
        cluster_lookup=index.lookup,
    )
    index.add(day1)
    assert day1[0].cluster_id == day1[0].doc_id and day1[1].cluster_id == day1[1].doc_id
    wire_copy = STORY.replace("The mayor said", "Mayor Jane Hill said") + " (Reporting by a wire agency.)"
    exact_copy = STORY.upper()
    day2 = enricher.enrich(
        [
            article("https://c.example/floods-republished", wire_copy),
            article("https://d.example/copy", exact_copy),
            article(
                "https://e.example/unrelated", OTHER.replace("parks", "roads") + " Other news follows here."
            ),
        ],
        cluster_lookup=index.lookup,
    )
    assert index.calls == 2
    assert day2[0].cluster_id == day1[0].doc_id  # republished version joins the first run's story
    assert day2[1].cluster_id == day1[0].doc_id and day2[1].content_hash == day1[0].content_hash
    assert day2[2].cluster_id == day1[1].doc_id  # lightly edited budget story


def test_clusters_within_a_batch_and_rerun_is_stable(enricher):
    index = MemoryIndex()
    batch = [
        article("https://x.example/1", STORY),
        article("https://y.example/2", STORY + " Copyright the agency."),
        article("https://z.example/3", OTHER, "Budget"),
    ]
    first = enricher.enrich(batch)
    assert first[0].cluster_id == first[1].cluster_id != first[2].cluster_id
    index.add(first)
    again = enricher.enrich(batch, cluster_lookup=index.lookup)
    assert [d.cluster_id for d in again] == [d.cluster_id for d in first]


def test_candidates_without_signature_fall_back_to_bands():
    sig = dedup.signature(STORY)
    doc = dedup.Sketch("new", None, sig, dedup.band_hashes(sig))

    def lookup(bands):
        return [{"doc_id": "old", "cluster_id": "story-1", "minhash_bands": dedup.band_hashes(sig)}]

    assert dedup.assign_clusters([doc], lookup=lookup) == {"new": "story-1"}
    with pytest.raises(ValueError, match="no doc_id"):
        dedup.assign_clusters([doc], lookup=lambda bands: [{"cluster_id": "x"}])
