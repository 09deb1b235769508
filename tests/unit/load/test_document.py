"""to_document: the article -> index document contract, checked against the shipped template."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from newsingest.load.document import DocumentError, iso, to_document
from newsingest.load.index import load_template
from newsingest.load.languages import LANGUAGE_ANALYZERS, LANGUAGE_TEXT_FIELDS, language_field_code
from newsingest.models import EnrichedArticle, Entity, Topic

CRAWLED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LEAD = "The second paragraph is long enough to be the lead of this article for sure."


def article(**overrides) -> EnrichedArticle:
    data = {
        "url": "https://www.example.org/news/1?utm_source=x",
        "canonical_url": "https://www.example.org/news/1",
        "doc_id": "d" * 64,
        "source": "example",
        "title": "Title",
        "body": "Short.\n\nThe second paragraph is long enough to be the lead of this article for sure.",
        "paragraphs": [
            "Short.",
            "The second paragraph is long enough to be the lead of this article for sure.",
        ],
        "persons": ["Ann Lee", "Ann Lee", " "],
        "countries": ["gb"],
        "topics": [Topic(code="medtop:04000000", label="economy", score=0.9)],
        "entities": [
            Entity(name="Paris", type="location", lat=48.85, lon=2.35, country="FR"),
            Entity(name="Ann Lee", type="person"),
        ],
        "places": [{"lat": 48.85, "lon": 2.35}],
        "published": datetime(2026, 11, 20, 9, 30, tzinfo=timezone(timedelta(hours=2))),
    }
    data.update(overrides)
    return EnrichedArticle(**data)


def mapped_fields(properties: dict, prefix: str = "") -> set[str]:
    out = set()
    for name, spec in properties.items():
        out.add(prefix + name)
        if "properties" in spec:
            out |= mapped_fields(spec["properties"], f"{prefix}{name}.")
    return out


def test_document_fields_are_all_mapped_and_template_is_strict() -> None:
    template = load_template()
    mappings = template["template"]["mappings"]
    assert mappings["dynamic"] == "strict"
    mapped = mapped_fields(mappings["properties"])
    doc = to_document(article(detected_language="de"), crawled_at=CRAWLED)
    for name, value in doc.items():
        assert name in mapped, f"{name} missing from the template"
        if isinstance(value, list) and value and isinstance(value[0], dict) and name != "places":
            for row in value:
                for sub in row:
                    assert f"{name}.{sub}" in mapped, f"{name}.{sub} missing from the template"


def test_every_supported_language_has_its_fields_with_its_analyser() -> None:
    properties = load_template()["template"]["mappings"]["properties"]
    for code, analyzer in LANGUAGE_ANALYZERS.items():
        for field in LANGUAGE_TEXT_FIELDS:
            assert properties[f"{field}_{code}"] == {"type": "text", "analyzer": analyzer}
    per_language = {
        name for name in properties if name.split("_", 1)[0] in LANGUAGE_TEXT_FIELDS and "_" in name
    }
    assert len(per_language) == len(LANGUAGE_ANALYZERS) * len(LANGUAGE_TEXT_FIELDS)


def test_values_are_normalised() -> None:
    doc = to_document(article(), crawled_at=CRAWLED)
    assert doc["published"] == "2026-11-20T07:30:00.000Z"
    assert doc["first_seen"] == doc["last_crawled"] == "2026-11-20T12:00:00.000Z"
    assert doc["persons"] == ["Ann Lee"]
    assert doc["countries"] == ["GB"]
    assert doc["domain"] == "example.org"
    assert doc["lead"].startswith("The second paragraph")
    assert doc["cluster_id"] == "d" * 64  # no cluster: its own story
    assert doc["entities"][0]["location"] == {"lat": 48.85, "lon": 2.35}
    assert doc["entities"][1]["location"] is None
    assert doc["topics"] == [{"code": "medtop:04000000", "label": "economy", "score": 0.9}]
    assert doc["word_count"] == 16
    assert not any(name.startswith("body_") for name in doc)  # English: no per-language copy


def test_non_english_text_gets_language_fields() -> None:
    doc = to_document(article(language="fr", detected_language="de", title="Die Wahl"), crawled_at=CRAWLED)
    assert doc["language"] == "de"
    assert doc["declared_language"] == "fr"
    assert doc["title_de"] == "Die Wahl"
    assert doc["body_de"] == doc["body"]
    assert "title_fr" not in doc


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("de", "de"),
        ("DE", "de"),
        ("pt-BR", "pt"),
        ("nb", "no"),
        ("zh_TW", "zh"),
        ("en", None),
        ("xx", None),
        (None, None),
    ],
)
def test_language_field_code(given: str | None, expected: str | None) -> None:
    assert language_field_code(given) == expected


def test_missing_ids_and_bad_places_are_errors_naming_the_article() -> None:
    with pytest.raises(DocumentError, match="doc_id is empty"):
        to_document(article(doc_id=""), crawled_at=CRAWLED)
    with pytest.raises(DocumentError, match="canonical_url is empty"):
        to_document(article(canonical_url=""), crawled_at=CRAWLED)
    with pytest.raises(DocumentError, match=r"example.org/news/1: places entry .* out of range"):
        to_document(article(places=[{"lat": 123.0, "lon": 0.0}]), crawled_at=CRAWLED)


def test_fetch_time_wins_over_the_run_time() -> None:
    fetched = datetime(2026, 11, 20, 11, 59, 30, 123456, tzinfo=UTC)
    doc = to_document(article(fetched_at=fetched), crawled_at=CRAWLED)
    assert doc["first_seen"] == doc["last_crawled"] == doc["fetched_at"] == "2026-11-20T11:59:30.123Z"


def test_iso_treats_naive_as_utc() -> None:
    assert iso(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05.000Z"
    assert iso(None) is None
