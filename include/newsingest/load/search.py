"""Search the article index: relevance-ranked, filtered, faceted, one hit per story.

Ranking: plain BM25 over the words, best field wins (``best_fields``, tie breaker 0.3), over title
(weight 2), subtitle, lead, body and captions through their English analysis, the language-neutral
``.std`` sub-fields, and the per-language ``title_<lang>``/``body_<lang>`` fields of at most
:data:`MAX_QUERY_LANGUAGES` languages (the ``--language`` filter, else the query's detected language), so
the number of query clauses does not grow with the number of languages the index knows. Every word is
optional (no minimum-should-match: a query whose words sit in different fields still finds its page); a
query too long for OpenSearch's clause limit keeps its first distinct words (:func:`query_terms`).
``recency`` multiplies by a Gaussian decay on ``published``. Copies of the same story (same
``cluster_id``) collapse into one hit that says how many copies matched. Filters match case- and
accent-insensitively (the ``.norm`` sub-fields); facets count display values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

from newsingest.load.document import iso
from newsingest.load.languages import LANGUAGE_TEXT_FIELDS, language_field_code

# Facet name -> field whose values are counted (display case).
FACETS: dict[str, str] = {
    "persons": "persons",
    "organisations": "organisations",
    "locations": "locations",
    "countries": "countries",
    "topics": "topics.label",
    "sources": "source",
    "languages": "language",
}

# Filter name -> fields any of which may match (normalised sub-fields; topic takes a code or a label).
# Entity filters match the canonical name or any alias (``<type>_aliases``, see load/entity_registry.py).
FILTERS: dict[str, tuple[str, ...]] = {
    "persons": ("persons.norm", "person_aliases.norm"),
    "organisations": ("organisations.norm", "organisation_aliases.norm"),
    "locations": ("locations.norm", "location_aliases.norm"),
    "countries": ("countries.norm",),
    "topics": ("topics.code", "topics.label.norm"),
    "sources": ("source.norm",),
    "languages": ("language.norm",),
    "domains": ("domain.norm",),
    "sections": ("section.norm",),
    "authors": ("authors.norm",),
}

# Always searched: the English-analysed fields (they hold every article's text) and the folded,
# language-neutral ``.std`` copies. Weights were chosen on a judged query set (docs: "Ranking").
BASE_FIELDS: tuple[str, ...] = (
    "title^2",
    "title.std",
    "subtitle",
    "subtitle.std^0.5",
    "lead",
    "lead.std^0.5",
    "body",
    "body.std^0.5",
    "captions^0.5",
)
# Per-language copies (``title_de``, ``body_de``, ...) and their weights.
LANGUAGE_FIELD_WEIGHTS: dict[str, float] = {"title": 2.0, "body": 1.0}
MAX_QUERY_LANGUAGES = 2
# OpenSearch refuses a query with more than indices.query.bool.max_clause_count (1024) leaf clauses; a
# multi_match makes one per analysed word and field. Stay well below, whatever the query's length.
MAX_QUERY_CLAUSES = 800
_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
RESULT_FIELDS = [
    "doc_id",
    "title",
    "url",
    "canonical_url",
    "source",
    "domain",
    "published",
    "language",
    "lead",
    "cluster_id",
    "authors",
    "persons",
    "organisations",
    "locations",
    "countries",
    "topics",
]
COPY_FIELDS = ["doc_id", "title", "url", "source", "published"]


@dataclass
class FacetValue:
    value: str
    count: int


@dataclass
class SearchHit:
    doc_id: str
    score: float | None
    title: str | None
    url: str | None
    source: str | None
    published: str | None
    language: str | None
    lead: str | None
    cluster_id: str | None
    copies: int = 1  # documents of this story that match (this one included)
    highlights: dict[str, list[str]] = field(default_factory=dict)
    other_copies: list[dict[str, Any]] = field(default_factory=list)
    source_doc: dict[str, Any] = field(default_factory=dict)


@dataclass
class SearchResult:
    query: str
    total: int  # matching documents
    total_exact: bool
    stories: int  # distinct clusters among them (approximate above ~3000)
    took_ms: int
    hits: list[SearchHit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _values(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if v and v.strip()]


def _date(value: str | date | datetime | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{name}={value!r} is not an ISO date (YYYY-MM-DD or full timestamp)") from exc
    return value


def facet_filter(name: str, values: list[str]) -> dict[str, Any]:
    """The clause of one named filter: any of ``values`` on any of its fields (:data:`FILTERS`)."""
    fields = FILTERS[name]
    if len(fields) == 1:
        return {"terms": {fields[0]: values}}
    return {"bool": {"should": [{"terms": {f: values}} for f in fields], "minimum_should_match": 1}}


def build_filters(
    *, since: str | date | datetime | None = None, until: str | date | datetime | None = None, **filters: Any
) -> list[dict[str, Any]]:
    """Filter clauses: values of one filter are OR-ed, different filters AND-ed; ``until`` is exclusive."""
    clauses: list[dict[str, Any]] = []
    for name, value in filters.items():
        if name not in FILTERS:
            raise ValueError(f"unknown search filter {name!r}; known: {', '.join(sorted(FILTERS))}")
        values = _values(value)
        if not values:
            continue
        clauses.append(facet_filter(name, values))
    start, end = _date(since, "since"), _date(until, "until")
    if start or end:
        bounds = {}
        if start:
            bounds["gte"] = start
        if end:
            bounds["lt"] = end
        clauses.append({"range": {"published": bounds}})
    return clauses


def _word_cost(word: str) -> int:
    """Analysed terms a word may produce (CJK analysers make one bigram per character pair)."""
    return max(1, len(_CJK.findall(word)))


def query_terms(text: str, fields: int) -> str:
    """``text`` unchanged if its words times ``fields`` stay under :data:`MAX_QUERY_CLAUSES`; else its
    first distinct words (case-insensitive) that fit, joined by spaces (a pasted paragraph is still
    searched by its leading words instead of failing with too_many_nested_clauses)."""
    budget = MAX_QUERY_CLAUSES // max(1, fields)
    words = _WORD.findall(text)
    if sum(_word_cost(w) for w in words) <= budget:
        return text
    kept: list[str] = []
    seen: set[str] = set()
    used = 0
    for word in words:
        key = word.casefold()
        if key in seen:
            continue
        cost = _word_cost(word)
        if used + cost > budget:
            if cost > budget and not kept:  # one huge CJK run: keep its start
                kept.append(word[: budget + 1])
            break
        seen.add(key)
        kept.append(word)
        used += cost
    return " ".join(kept)


def query_languages(text: str, languages: Sequence[str] | str | None = None) -> list[str]:
    """Per-language field codes to search: those of the language filter, else the query's own language
    (when it has per-language fields); at most :data:`MAX_QUERY_LANGUAGES`."""
    codes: list[str] = []
    for value in _values(languages):
        code = language_field_code(value)
        if code and code not in codes:
            codes.append(code)
    if not codes and text:
        from newsingest.enrich.language import detect_language

        code = language_field_code(detect_language(text).code)
        if code:
            codes.append(code)
    return codes[:MAX_QUERY_LANGUAGES]


def text_fields(codes: Sequence[str]) -> list[str]:
    """The fields a query searches: :data:`BASE_FIELDS` plus the per-language copies for ``codes``."""
    fields = list(BASE_FIELDS)
    for code in codes:
        for name in LANGUAGE_TEXT_FIELDS:
            weight = LANGUAGE_FIELD_WEIGHTS.get(name, 1.0)
            fields.append(f"{name}_{code}" + (f"^{weight:g}" if weight != 1.0 else ""))
    return fields


def text_query(query: str, languages: Sequence[str] | str | None = None) -> dict[str, Any] | None:
    """The scoring clause for the words of ``query`` (None for an empty query)."""
    text = (query or "").strip()
    if not text:
        return None
    fields = text_fields(query_languages(text, languages))
    return {
        "multi_match": {
            "query": query_terms(text, len(fields)),
            "fields": fields,
            "type": "best_fields",
            "tie_breaker": 0.3,
        }
    }


def build_query(
    query: str,
    *,
    recency: bool = False,
    recency_scale: str = "7d",
    recency_origin: str = "now",
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
    **filters: Any,
) -> dict[str, Any]:
    """The query clause used by :func:`search` (and by the rank evaluation)."""
    bool_query: dict[str, Any] = {"filter": build_filters(since=since, until=until, **filters)}
    scoring = text_query(query, filters.get("languages"))
    bool_query["must"] = [scoring or {"match_all": {}}]
    clause: dict[str, Any] = {"bool": bool_query}
    if recency:
        clause = {
            "function_score": {
                "query": clause,
                "functions": [
                    {"gauss": {"published": {"origin": recency_origin, "scale": recency_scale, "decay": 0.5}}}
                ],
                "boost_mode": "multiply",
            }
        }
    return clause


def build_request(
    query: str,
    *,
    size: int = 10,
    offset: int = 0,
    facet_size: int = 10,
    collapse: bool = True,
    highlight: bool = True,
    sort: str = "relevance",
    recency: bool = False,
    recency_scale: str = "7d",
    recency_origin: str = "now",
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
    **filters: Any,
) -> dict[str, Any]:
    """The full search request body."""
    if size < 0 or offset < 0 or facet_size < 0:
        raise ValueError("size, offset and facet_size must be >= 0")
    if sort not in ("relevance", "date"):
        raise ValueError(f"sort must be 'relevance' or 'date', got {sort!r}")
    body: dict[str, Any] = {
        "query": build_query(
            query,
            recency=recency,
            recency_scale=recency_scale,
            recency_origin=recency_origin,
            since=since,
            until=until,
            **filters,
        ),
        "size": size,
        "from": offset,
        "track_total_hits": True,
        "_source": RESULT_FIELDS,
        "aggs": {"stories": {"cardinality": {"field": "cluster_id"}}},
    }
    if sort == "date" or not (query or "").strip():
        body["sort"] = [{"published": {"order": "desc", "missing": "_last"}}, "_score"]
    if collapse:
        body["collapse"] = {
            "field": "cluster_id",
            "inner_hits": {
                "name": "copies",
                "size": 5,
                "_source": COPY_FIELDS,
                "sort": [{"published": {"order": "asc", "missing": "_last"}}],
            },
        }
    if highlight and (query or "").strip():
        body["highlight"] = {
            "require_field_match": False,
            "fields": {
                "title": {"number_of_fragments": 0},
                "lead": {"number_of_fragments": 0},
                "body": {"fragment_size": 180, "number_of_fragments": 2},
            },
        }
    if facet_size:
        for name, fieldname in FACETS.items():
            body["aggs"][name] = {"terms": {"field": fieldname, "size": facet_size}}
    return body


def _hit(raw: dict[str, Any]) -> SearchHit:
    src = raw.get("_source", {})
    copies = 1
    others: list[dict[str, Any]] = []
    inner = raw.get("inner_hits", {}).get("copies")
    if inner:
        copies = int(inner["hits"]["total"]["value"])
        others = [h["_source"] for h in inner["hits"]["hits"] if h["_id"] != raw["_id"]]
    return SearchHit(
        doc_id=raw["_id"],
        score=raw.get("_score"),
        title=src.get("title"),
        url=src.get("canonical_url") or src.get("url"),
        source=src.get("source"),
        published=src.get("published"),
        language=src.get("language"),
        lead=src.get("lead"),
        cluster_id=src.get("cluster_id"),
        copies=copies,
        highlights=raw.get("highlight", {}),
        other_copies=others,
        source_doc=src,
    )


def search(
    client: OpenSearch,
    alias: str,
    query: str,
    *,
    persons: Sequence[str] | str | None = None,
    organisations: Sequence[str] | str | None = None,
    locations: Sequence[str] | str | None = None,
    countries: Sequence[str] | str | None = None,
    topics: Sequence[str] | str | None = None,
    sources: Sequence[str] | str | None = None,
    languages: Sequence[str] | str | None = None,
    domains: Sequence[str] | str | None = None,
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
    recency: bool = False,
    recency_scale: str = "7d",
    recency_origin: str = "now",
    size: int = 10,
    offset: int = 0,
    facet_size: int = 10,
    collapse: bool = True,
    highlight: bool = True,
    sort: str = "relevance",
) -> SearchResult:
    """Search ``alias`` for ``query`` (empty query: newest first) with filters and facets."""
    body = build_request(
        query,
        size=size,
        offset=offset,
        facet_size=facet_size,
        collapse=collapse,
        highlight=highlight,
        sort=sort,
        recency=recency,
        recency_scale=recency_scale,
        recency_origin=recency_origin,
        since=since,
        until=until,
        persons=persons,
        organisations=organisations,
        locations=locations,
        countries=countries,
        topics=topics,
        sources=sources,
        languages=languages,
        domains=domains,
    )
    response = client.search(index=alias, body=body)
    hits = response["hits"]
    aggs = response.get("aggregations", {})
    facets = {
        name: [FacetValue(b["key"], b["doc_count"]) for b in aggs[name]["buckets"]]
        for name in FACETS
        if name in aggs
    }
    return SearchResult(
        query=query,
        total=int(hits["total"]["value"]),
        total_exact=hits["total"]["relation"] == "eq",
        stories=int(aggs.get("stories", {}).get("value", 0)),
        took_ms=int(response.get("took", 0)),
        hits=[_hit(h) for h in hits["hits"]],
        facets=facets,
    )


def cluster_candidates(
    client: OpenSearch, alias: str, band_hashes: Sequence[str], *, limit: int = 1000
) -> list[dict[str, Any]]:
    """Indexed articles sharing at least one MinHash band with ``band_hashes`` (for cross-run clustering).

    Each candidate: doc_id, cluster_id, minhash_bands, content_hash and minhash_signature (possibly []).
    Returns [] when the index does not exist yet (first run). Best candidates (most shared bands) first.
    """
    bands = sorted({b for b in band_hashes if b})
    if not bands:
        return []
    if len(bands) > 65536:
        raise ValueError(f"too many band hashes ({len(bands)}); query at most 65536 at a time")
    body = {
        "size": limit,
        "query": {
            "bool": {
                "should": [{"constant_score": {"filter": {"term": {"minhash_bands": b}}}} for b in bands]
            }
        }
        if len(bands) <= 512
        else {"terms": {"minhash_bands": bands}},
        "_source": ["doc_id", "cluster_id", "minhash_bands", "content_hash", "minhash_signature"],
    }
    try:
        response = client.search(index=alias, body=body)
    except NotFoundError:
        return []
    out = []
    for hit in response["hits"]["hits"]:
        src = hit["_source"]
        out.append(
            {
                "doc_id": src.get("doc_id", hit["_id"]),
                "cluster_id": src.get("cluster_id"),
                "minhash_bands": src.get("minhash_bands", []),
                "content_hash": src.get("content_hash"),
                "minhash_signature": src.get("minhash_signature", []),
            }
        )
    return out
