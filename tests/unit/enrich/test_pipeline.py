"""The Enricher end to end on fixture articles (real spaCy model, loaded once per session)."""

from __future__ import annotations

import pytest
from newsingest.enrich.version import ENRICHMENT_VERSION
from newsingest.models import CleanedArticle, EnrichedArticle

ENGLISH = CleanedArticle(
    url="https://news.example/2026/05/01/summit",
    canonical_url="https://news.example/2026/05/01/summit",
    title="Putin and Erdogan meet in Ankara as Ukraine talks stall",
    body=(
        "Russian President Vladimir Putin met Turkish President Recep Tayyip Erdogan in Ankara on Thursday, "
        "as efforts to restart peace talks on Ukraine stalled.\n\n"
        "Putin told reporters that Russia was ready for negotiations, while Erdogan offered to host a new "
        "round in Istanbul. The U.S. State Department said Washington would watch the talks closely.\n\n"
        "Officials from the European Union and NATO were not invited. Mr. Putin flew back to Moscow in the "
        "evening, and Erdogan's office said the leaders would speak again next month."
    ),
    section="World",
)
GERMAN = CleanedArticle(
    url="https://zeitung.example/artikel",
    canonical_url="https://zeitung.example/artikel",
    title="Bundestag beschließt Haushalt",
    body=(
        "Der Bundestag hat am Donnerstag den Haushalt für das kommende Jahr beschlossen. Die Regierung will "
        "mehr Geld für Schulen und Straßen ausgeben, die Opposition kritisierte die neuen Schulden scharf."
    ),
)


@pytest.fixture(scope="module")
def english(enricher) -> EnrichedArticle:
    return enricher.enrich([ENGLISH])[0]


def test_entities_are_normalised_and_typed(english):
    assert english.persons[:2] == ["Vladimir Putin", "Recep Tayyip Erdogan"]
    putin = next(e for e in english.entities if e.name == "Vladimir Putin")
    assert putin.type == "person" and putin.count >= 3 and putin.salience > 0.5
    assert "Putin" not in english.persons and "Erdogan" not in english.persons
    assert {"Ankara", "Ukraine", "Istanbul", "Moscow", "Russia"} <= set(english.locations)
    assert {"European Union", "NATO", "State Department"} <= set(english.organisations)
    assert all(e.type in {"person", "organisation", "location", "other"} for e in english.entities)
    assert english.entities == sorted(english.entities, key=lambda e: -e.salience)


def test_places_and_countries(english):
    assert {"TR", "UA", "RU"} <= set(english.countries)
    ankara = next(e for e in english.entities if e.name == "Ankara")
    assert ankara.country == "TR" and ankara.lat == pytest.approx(39.9, abs=0.2)
    assert {"lat": round(ankara.lat, 5), "lon": round(ankara.lon, 5)} in english.places


def test_language_topics_keywords_and_ids(english):
    assert english.detected_language == "en" and english.language_confidence > 0.9
    assert english.ner_skipped_reason is None
    assert english.topics and english.topics[0].code in {"medtop:11000000", "medtop:16000000"}
    assert english.keywords and len(english.keywords) <= 10
    lowered = {k.casefold() for k in english.keywords}
    assert not lowered & {n.casefold() for n in english.persons + english.locations + english.organisations}
    assert len(english.doc_id) == 64 and english.cluster_id == english.doc_id
    assert len(english.content_hash) == 64 and len(english.minhash_bands) == 32
    assert english.enrichment_version == ENRICHMENT_VERSION
    assert english.section == "World" and english.title == ENGLISH.title
    assert EnrichedArticle.from_json(english.to_json()) == english


def test_non_english_skips_ner_but_keeps_language_and_keyphrases(enricher):
    doc = enricher.enrich([GERMAN])[0]
    assert doc.detected_language == "de"
    assert doc.ner_skipped_reason == "language:de"
    assert doc.entities == [] and doc.topics == []
    assert doc.keywords and doc.content_hash and doc.minhash_bands


def test_empty_body_and_order(enricher):
    empty = CleanedArticle(url="https://e.example/x", canonical_url="https://e.example/x", body="")
    docs = enricher.enrich([empty, ENGLISH])
    assert docs[0].ner_skipped_reason == "empty_text" and docs[0].minhash_bands == []
    assert docs[0].content_hash is None and docs[0].cluster_id == docs[0].doc_id
    assert docs[1].canonical_url == ENGLISH.canonical_url
    assert enricher.enrich([]) == []


def test_rejects_wrong_input(enricher):
    with pytest.raises(TypeError, match=r"articles\[0\]"):
        enricher.enrich([{"url": "x"}])


def test_pluggable_backend():
    from newsingest.enrich.entities import Mention
    from newsingest.enrich.pipeline import Enricher

    class FixedNer:
        name = "fixed"

        def extract(self, texts):
            return [[Mention("Acme Corp", "ORG", t.index("Acme"), t.index("Acme") + 9)] for t in texts]

    doc = Enricher(ner=FixedNer()).enrich_text(
        "Shares in Acme Corp rose sharply on Monday after strong results."
    )
    assert doc.organisations == ["Acme"]


def test_an_identical_text_in_a_batch_is_enriched_once(enricher):
    """A wire story carried under two URLs in one batch: the model reads it once, both get the result."""
    from newsingest.enrich.pipeline import Enricher

    read: list[str] = []

    class CountingNer:
        """The session's real spaCy NER, recording what it is given."""

        name = enricher.ner.name

        def extract(self, texts):
            read.extend(texts)
            return enricher.ner.extract(texts)

    copy_url = "https://wire.example/2026/05/01/summit-copy"
    copy = ENGLISH.model_copy(update={"url": copy_url, "canonical_url": copy_url})
    # The same text in another section: topics weigh the section, so it is enriched on its own.
    sport = ENGLISH.model_copy(
        update={"url": "https://x.example/s", "canonical_url": "https://x.example/s", "section": "Sport"}
    )
    retitled = ENGLISH.model_copy(
        update={"url": "https://x.example/r", "canonical_url": "https://x.example/r", "title": "Talks stall"}
    )
    first, second, third, fourth = Enricher(ner=CountingNer()).enrich([ENGLISH, copy, sport, retitled])
    assert len(read) == 3  # the exact copy was not read again
    assert second.url == copy_url and second.doc_id != first.doc_id
    assert (second.entities, second.topics, second.keywords) == (first.entities, first.topics, first.keywords)
    assert (
        second.cluster_id == first.cluster_id and third.section == "Sport" and fourth.title == "Talks stall"
    )
    assert second.entities is not first.entities  # a copy, not shared lists
