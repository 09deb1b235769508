"""The record types that flow between stages, in one place.

discover → DiscoveredURL → fetch → FetchResult → clean → CleanedArticle → enrich → EnrichedArticle → load

Every record serialises to one JSON object (``to_json``/``from_json``) so stages can store
them as gzip JSON Lines between tasks. Datetimes are timezone-aware and stored as ISO 8601.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PageType = Literal[
    "article", "liveblog", "gallery", "video", "index", "consent", "paywall", "challenge", "error", "unknown"
]
Access = Literal["free", "paywalled", "teaser", "unknown"]
EntityType = Literal["person", "organisation", "location", "other"]
Provenance = Literal[
    "json-ld", "opengraph", "meta", "microdata", "dom", "url", "feed", "text", "script", "detected"
]


class Record(BaseModel):
    """Base for stage records: strict field names, JSON round trip."""

    model_config = ConfigDict(extra="forbid")

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: dict[str, Any]):
        return cls.model_validate(data)


class DiscoveredURL(Record):
    """A candidate article URL found by discovery (feed, sitemap, news sitemap, section page)."""

    url: str
    source: str
    channels: list[str] = Field(default_factory=list)  # e.g. ["feed", "news-sitemap"]
    published: datetime | None = None  # date the channel gave, if any
    lastmod: datetime | None = None
    title: str | None = None
    keywords: list[str] = Field(default_factory=list)


class FetchResult(Record):
    """One fetch attempt's outcome; the body itself lives in the WARC archive."""

    url: str
    source: str
    final_url: str | None = None
    status: int | None = None  # HTTP status; None when no response came
    ok: bool = False  # the fetch succeeded: 2xx, or 304 (then not_modified is set and there is no body)
    not_modified: bool = False
    error_class: str | None = (
        None  # timeout, connect, reset, http_4xx, http_5xx, too_large, robots, ssrf, ...
    )
    error: str | None = None
    content_type: str | None = None
    encoding: str | None = None
    bytes: int = 0
    elapsed_ms: float = 0.0
    fetched_at: datetime | None = None
    warc_path: str | None = None  # archive file holding the response record
    warc_offset: int | None = None
    # For a 304: the archived 200 response the validators came from; the page is re-processed from it.
    archived_path: str | None = None
    archived_offset: int | None = None
    archived_at: datetime | None = None
    attempts: int = 0  # requests made, retries and redirect hops included
    throttled: bool = False  # the server answered 429, or 503 with Retry-After, at least once
    redirects: list[str] = Field(default_factory=list)  # URLs redirected from, in order
    channels: list[str] = Field(default_factory=list)
    discovered_published: datetime | None = None
    discovered_title: str | None = None


class CleanedArticle(Record):
    """What the cleaner extracts from one page."""

    url: str
    canonical_url: str
    source: str | None = None
    title: str | None = None
    subtitle: str | None = None
    body: str = ""
    paragraphs: list[str] = Field(default_factory=list)
    captions: list[str] = Field(default_factory=list)
    lead_image: str | None = None
    authors: list[str] = Field(default_factory=list)
    agency: list[str] = Field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    language: str | None = None  # declared language (html lang, meta)
    section: str | None = None
    tags: list[str] = Field(default_factory=list)
    page_type: PageType = "article"
    access: Access = "free"
    provenance: dict[str, str] = Field(default_factory=dict)  # field -> where it came from
    # The page was longer than the cleaner parses (``clean.text.MAX_PARSE_CHARS``): only its start was read.
    truncated: bool = False
    original_chars: int | None = None  # the page's length (markup after script/style removal) when truncated
    # A canonical URL the page claimed but may not decide (another site's): kept, not used as the id.
    canonical_claim: str | None = None
    fetched_at: datetime | None = None
    # When the response this article was cleaned from was first fetched (a 304 re-processes an older 200).
    first_fetched_at: datetime | None = None
    channels: list[str] = Field(default_factory=list)


class DroppedPage(Record):
    """A page the pipeline did not turn into an article, with the reason (kept for the run report)."""

    url: str
    source: str | None = None
    stage: str
    reason: str  # e.g. page_type:consent, too_short, fetch:http_5xx, corrupt_warc
    detail: str | None = None
    # What the page showed for and against being an article when the cleaner dropped it, e.g.
    # {"json_ld_article": "newsarticle", "og_type_article": true, "dated_url": "2024-05-17",
    #  "dominant_text": 0.83, "byline": "Jane Doe", "headline_matches_title": true, "body_chars": 0,
    #  "implausible_body": "furniture language"}; only the items seen appear. Empty for other stages.
    evidence: dict[str, str | int | float | bool] = Field(default_factory=dict)


class Entity(Record):
    name: str  # canonical name
    type: EntityType
    label: str | None = None  # model label (PERSON, ORG, GPE, ...)
    count: int = 1
    salience: float = 0.0
    country: str | None = None  # ISO 3166-1 alpha-2 for resolved locations
    lat: float | None = None
    lon: float | None = None
    forms: list[str] = Field(default_factory=list)  # every surface form merged into this entity


class Topic(Record):
    code: str  # IPTC Media Topic code, e.g. medtop:11000000
    label: str
    score: float


class EnrichedArticle(CleanedArticle):
    """A cleaned article plus facets."""

    doc_id: str = ""  # stable hash of canonical_url
    entities: list[Entity] = Field(default_factory=list)
    persons: list[str] = Field(default_factory=list)
    organisations: list[str] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    places: list[dict[str, float]] = Field(default_factory=list)  # [{"lat": .., "lon": ..}]
    topics: list[Topic] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    detected_language: str | None = None
    language_confidence: float | None = None
    ner_skipped_reason: str | None = None
    content_hash: str | None = None
    minhash_bands: list[str] = Field(default_factory=list)
    # MinHash signature (128 values < 2**32) the bands were cut from; confirms near-duplicate candidates.
    minhash_signature: list[int] = Field(default_factory=list)
    cluster_id: str | None = None
    enrichment_version: str = ""
