"""Map an :class:`EnrichedArticle` to the document stored in the article index.

The document is the index's contract (``data/index_template.json`` maps every field, ``dynamic: strict``):
every field is always present (``null`` or ``[]`` when unknown) so an upsert replaces stale values.
Dates are UTC ISO 8601 with milliseconds and a ``Z``, so they also compare correctly as strings
(the upsert script relies on this).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from newsingest import PIPELINE_VERSION
from newsingest.errors import PermanentError
from newsingest.load.languages import LANGUAGE_TEXT_FIELDS, language_field_code
from newsingest.models import CleanedArticle, EnrichedArticle, Entity, Topic

LEAD_MAX_CHARS = 600


class DocumentError(PermanentError, ValueError):
    """An article cannot become an index document; the message names the article and the field."""


def iso(value: datetime | None) -> str | None:
    """UTC ISO 8601 with milliseconds and ``Z``; naive datetimes are taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def domain_of(url: str) -> str | None:
    host = urlsplit(url).hostname
    if not host:
        return None
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


def _lead(article: EnrichedArticle) -> str | None:
    """The first real paragraph (what the reader sees first), else the subtitle."""
    for paragraph in article.paragraphs:
        text = paragraph.strip()
        if len(text) >= 40:
            return text[:LEAD_MAX_CHARS]
    if article.body.strip():
        return article.body.strip().split("\n", 1)[0][:LEAD_MAX_CHARS]
    return article.subtitle


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        value = value.strip() if isinstance(value, str) else value
        if value:
            seen.setdefault(value, None)
    return list(seen)


def _place(place: dict[str, float], article: EnrichedArticle) -> dict[str, float]:
    try:
        lat, lon = float(place["lat"]), float(place["lon"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DocumentError(f"article {article.canonical_url}: places entry {place!r} lacks lat/lon") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DocumentError(f"article {article.canonical_url}: places entry {place!r} is out of range")
    return {"lat": lat, "lon": lon}


def _aliases(article: EnrichedArticle) -> dict[str, list[str]]:
    """``<type>_aliases``: every name and surface form of the article's persons, organisations and places
    (a facet filter matches any of them; the entity registry adds cross-article aliases later)."""
    out: dict[str, list[str]] = {}
    for etype in ("person", "organisation", "location"):
        key = f"{etype}_aliases"
        names = set(_unique([n for e in article.entities if e.type == etype for n in (e.name, *e.forms)]))
        carried = article.aliases.get(key) or []
        # A reused enrichment keeps the indexed list as it is (the registry's additions and order).
        out[key] = list(carried) if carried and names <= set(carried) else sorted(names | set(carried))
    return out


def text_language(article: EnrichedArticle) -> str | None:
    """The language the text is in: detected if known, else declared by the page."""
    return article.detected_language or article.language


def to_document(article: EnrichedArticle, *, crawled_at: datetime) -> dict[str, Any]:
    """The index document for ``article``.

    ``last_crawled`` (and ``first_seen``, which the loader lowers to the earliest value already indexed) is
    the article's own fetch time when known, else ``crawled_at`` (the run's crawl time); ``first_seen`` is
    the first fetch of the response the article came from when that is earlier (a ``304`` re-processes
    an archived ``200``). Using fetch times makes a retried or repeated load of the same run files a no-op.
    """
    if not article.canonical_url:
        raise DocumentError(f"article {article.url}: canonical_url is empty")
    if not article.doc_id:
        raise DocumentError(f"article {article.canonical_url}: doc_id is empty")
    seen = iso(article.fetched_at or crawled_at)
    first = article.first_fetched_at
    first_seen = (
        iso(first)
        if first is not None and (article.fetched_at is None or first < article.fetched_at)
        else seen
    )
    language = text_language(article)
    doc: dict[str, Any] = {
        "doc_id": article.doc_id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "domain": domain_of(article.canonical_url),
        "source": article.source,
        "title": article.title,
        "subtitle": article.subtitle,
        "lead": _lead(article),
        "body": article.body,
        "captions": _unique(article.captions),
        "authors": _unique(article.authors),
        "agency": _unique(article.agency),
        "section": article.section,
        "tags": _unique(article.tags),
        "page_type": article.page_type,
        "access": article.access,
        "channels": _unique(article.channels),
        "language": language,
        "declared_language": article.language,
        "language_confidence": article.language_confidence,
        "published": iso(article.published),
        "modified": iso(article.modified),
        "first_seen": first_seen,
        "last_crawled": seen,
        "fetched_at": iso(article.fetched_at),
        "persons": _unique(article.persons),
        "organisations": _unique(article.organisations),
        "locations": _unique(article.locations),
        **_aliases(article),
        "countries": _unique([c.upper() for c in article.countries]),
        "keywords": _unique(article.keywords),
        "topics": [{"code": t.code, "label": t.label, "score": t.score} for t in article.topics],
        "entities": [
            {
                "name": e.name,
                "type": e.type,
                "label": e.label,
                "salience": e.salience,
                "count": e.count,
                "country": e.country,
                "location": {"lat": e.lat, "lon": e.lon} if e.lat is not None and e.lon is not None else None,
                "forms": _unique(list(e.forms)),
            }
            for e in article.entities
        ],
        "places": [_place(p, article) for p in article.places],
        "lead_image": article.lead_image,
        "word_count": len(article.body.split()),
        "content_hash": article.content_hash,
        "minhash_bands": _unique(article.minhash_bands),
        "minhash_signature": list(getattr(article, "minhash_signature", None) or []),
        # Without a cluster the article is its own story, so collapsing never merges unrelated articles.
        "cluster_id": article.cluster_id or article.doc_id,
        "provenance": dict(article.provenance),
        "ner_skipped_reason": article.ner_skipped_reason,
        "truncated": article.truncated,
        "original_chars": article.original_chars,
        "canonical_claim": article.canonical_claim,
        "pipeline_version": PIPELINE_VERSION,
        "enrichment_version": article.enrichment_version or None,
    }
    code = language_field_code(language)
    if code is not None:
        for field in LANGUAGE_TEXT_FIELDS:
            doc[f"{field}_{code}"] = doc[field]
    return doc


ALIAS_FIELDS = ("person_aliases", "organisation_aliases", "location_aliases")

# Index fields that hold enrichment (what the model and the lexicons computed), for reuse.
ENRICHMENT_FIELDS = (
    "doc_id",
    "content_hash",
    "enrichment_version",
    "entities",
    "persons",
    "organisations",
    "locations",
    "countries",
    "places",
    "topics",
    "keywords",
    "language",
    "language_confidence",
    "ner_skipped_reason",
    "minhash_bands",
    "minhash_signature",
    "cluster_id",
    *ALIAS_FIELDS,
)


def reuse_enrichment(
    article: CleanedArticle, doc: Mapping[str, Any], *, doc_id: str | None = None
) -> EnrichedArticle:
    """``article`` with the enrichment of the indexed document ``doc`` (the inverse of
    :func:`to_document` for the enrichment fields): for an article whose text and enrichment version
    did not change, the model need not run again. ``doc_id`` when ``doc`` is another URL's document
    with the same text (a wire copy): the article keeps its own id."""
    entities = []
    for e in doc.get("entities") or []:
        where = e.get("location") or {}
        entities.append(
            Entity(
                name=e["name"],
                type=e["type"],
                label=e.get("label"),
                count=e.get("count") or 1,
                salience=e.get("salience") or 0.0,
                country=e.get("country"),
                lat=where.get("lat"),
                lon=where.get("lon"),
                forms=list(e.get("forms") or []),
            )
        )
    base = {name: getattr(article, name) for name in CleanedArticle.model_fields}
    return EnrichedArticle(
        **base,
        doc_id=doc_id or doc["doc_id"],
        entities=entities,
        persons=list(doc.get("persons") or []),
        organisations=list(doc.get("organisations") or []),
        locations=list(doc.get("locations") or []),
        countries=list(doc.get("countries") or []),
        places=list(doc.get("places") or []),
        topics=[Topic(**t) for t in doc.get("topics") or []],
        keywords=list(doc.get("keywords") or []),
        detected_language=doc.get("language"),
        language_confidence=doc.get("language_confidence"),
        ner_skipped_reason=doc.get("ner_skipped_reason"),
        content_hash=doc.get("content_hash"),
        minhash_bands=list(doc.get("minhash_bands") or []),
        minhash_signature=list(doc.get("minhash_signature") or []),
        cluster_id=doc.get("cluster_id"),
        enrichment_version=doc.get("enrichment_version") or "",
        aliases={k: list(doc[k]) for k in ALIAS_FIELDS if doc.get(k)},
    )
