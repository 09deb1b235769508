"""The record types that flow between stages, in one place.

discover → DiscoveredURL → fetch → FetchResult → clean → CleanedArticle → enrich → EnrichedArticle → load

Every record serialises to one JSON object (``to_json``/``from_json``) so stages can store
them as gzip JSON Lines between tasks. Datetimes are timezone-aware and stored as ISO 8601.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from newsingest.errors import ErrorClass

PageType = Literal[
    "article", "liveblog", "gallery", "video", "index", "consent", "paywall", "challenge", "error", "unknown"
]
Access = Literal["free", "paywalled", "teaser", "unknown"]
EntityType = Literal["person", "organisation", "location", "other"]


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
    error_class: str | None = None  # an ErrorClass (newsingest.errors): timeout, http_5xx, robots, ...
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
    reason: str  # a DropReason (newsingest.errors), e.g. page_type:consent, too_short, fetch:http_5xx
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
    # The indexed ``<type>_aliases`` of a reused enrichment (the entity registry's cross-article aliases),
    # so loading it again reproduces the indexed document.
    aliases: dict[str, list[str]] = Field(default_factory=dict)


# --------------------------------------------------------------------------- stage summaries
# What each stage task returns through XCom: the source, its batch, output paths and counts, as JSON.
# Each field says how the batches of one source add up (``merge`` metadata): ``sum`` (counts), ``counter``
# (counts per key), ``paths`` (collected into a list under the plural name), ``max``, ``any``, ``first``.


def _count(kind: str = "sum", default: Any = 0) -> Any:
    return field(default=default, metadata={"merge": kind})


_COUNTER = {"merge": "counter"}


def _path() -> Any:
    return field(default=None, metadata={"merge": "paths"})


@dataclass
class StageSummary:
    """Base of the stage summaries: ``to_dict``/``from_dict`` keep the XCom value plain JSON."""

    source: str
    batch: str | None = _count("batch", None)  # one batch's; a merged summary has none

    def to_dict(self) -> dict[str, Any]:
        """The XCom value (plain JSON); ``batch`` is left out when there is none (discovery)."""
        data = asdict(self)
        if data["batch"] is None:
            del data["batch"]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The summary of a task's XCom value (keys this class does not know are ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def merge(cls, rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
        """The summaries of one stage merged per source, field by field (see ``merge`` metadata); a path
        field ``path`` becomes the list ``paths``. Derived figures are computed again (:meth:`finish`)."""
        merged: dict[str, dict[str, Any]] = {}
        for row in rows:
            if not row or not row.get("source"):
                continue
            one = cls.from_dict(row)
            into = merged.get(one.source)
            if into is None:
                into = merged[one.source] = {"source": one.source}
            for f in fields(cls):
                kind = f.metadata.get("merge")
                value = getattr(one, f.name)
                if kind == "sum":
                    into[f.name] = into.get(f.name, 0) + (value or 0)
                elif kind == "counter":
                    counts = into.setdefault(f.name, {})
                    for key, n in (value or {}).items():
                        counts[key] = counts.get(key, 0) + int(n)
                elif kind == "paths":
                    paths = into.setdefault(f"{f.name}s", [])
                    if value:
                        paths.append(value)
                elif kind == "max":
                    into[f.name] = max(into.get(f.name, value), value)
                elif kind == "any":
                    into[f.name] = bool(into.get(f.name)) or bool(value)
                elif kind == "first":
                    into.setdefault(f.name, value)
        for into in merged.values():
            cls.finish(into)
        return merged

    @classmethod
    def finish(cls, merged: dict[str, Any]) -> None:
        """Recompute what is not a sum (ratios) in a merged summary; nothing by default."""


@dataclass
class DiscoverSummary(StageSummary):
    path: str | None = _path()
    discovered: int = _count()
    channels: dict[str, int] = field(default_factory=dict, metadata=_COUNTER)
    discovery_documents: int = _count()
    discovery_failed: int = _count()
    # "<channel>:<error class>" -> discovery documents
    discovery_errors: dict[str, int] = field(default_factory=dict, metadata=_COUNTER)


@dataclass
class FetchSummary(StageSummary):
    path: str | None = _path()
    attempted: int = _count()  # URLs handled (fetched, not modified or failed)
    fetched: int = _count()  # 2xx with a body
    not_modified: int = _count()
    errors: dict[str, int] = field(default_factory=dict, metadata=_COUNTER)  # ErrorClass value -> URLs
    throttled: int = _count()  # URLs the server throttled at least once (429, 503 + Retry-After)
    retried: int = _count()  # URLs that needed more than one request (redirect hops not counted)

    @classmethod
    def of_results(
        cls, source: str, results: Iterable[FetchResult], *, batch: str | None = None, path: str | None = None
    ) -> FetchSummary:
        """The summary of one source's fetch results."""
        summary = cls(source=source, batch=batch, path=path)
        for r in results:
            summary.attempted += 1
            summary.fetched += r.ok and not r.not_modified
            summary.not_modified += r.not_modified
            if r.error_class:
                summary.errors[r.error_class] = summary.errors.get(r.error_class, 0) + 1
            summary.throttled += r.throttled or r.error_class == ErrorClass.RATE_LIMITED
            summary.retried += r.attempts - len(r.redirects) > 1
        return summary


@dataclass
class CleanSummary(StageSummary):
    path: str | None = _path()
    dropped_path: str | None = _path()
    cleaned: int = _count()
    truncated: int = _count()
    dropped: dict[str, int] = field(default_factory=dict, metadata=_COUNTER)  # DroppedPage.reason -> pages
    unchanged: int = _count()  # pages whose outcome came from the batch's clean memo (a rerun)


@dataclass
class EnrichSummary(StageSummary):
    path: str | None = _path()
    enriched: int = _count()
    reused: int = _count()


@dataclass
class LoadSummary(StageSummary):
    """``LoadReport.to_json`` plus source and batch; ``elapsed_s`` adds up the batches' load times."""

    index: str | None = _count("first", None)
    received: int = _count()
    created: int = _count()
    updated: int = _count()
    unchanged: int = _count()
    landed_unacknowledged: int = _count()
    duplicates: int = _count()
    failed: int = _count()
    retried: int = _count()
    requests: int = _count()
    elapsed_s: float = _count("sum", 0.0)
    dead_letter_path: str | None = _path()
    errors_by_type: dict[str, int] = field(default_factory=dict, metadata=_COUNTER)
    indexed: int = _count()
    skipped: int = _count()
    error_ratio: float = _count("ratio", 0.0)  # failed / received: recomputed, never summed
    dry_run: bool = _count("any", False)

    @classmethod
    def finish(cls, merged: dict[str, Any]) -> None:
        received = merged.get("received", 0)
        merged["error_ratio"] = round(merged.get("failed", 0) / received, 6) if received else 0.0
        merged["elapsed_s"] = round(merged.get("elapsed_s", 0.0), 3)


STAGE_SUMMARIES: dict[str, type[StageSummary]] = {
    "discover": DiscoverSummary,
    "fetch": FetchSummary,
    "clean": CleanSummary,
    "enrich": EnrichSummary,
    "load": LoadSummary,
}
