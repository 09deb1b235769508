"""The sample site's ground truth: publishers and articles read from ``articles.yaml``.

The same records render the site's pages (see :mod:`newsingest.sample_site.pages`) and tell tests what
the pipeline should find on them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml

from newsingest.errors import PermanentError

CATALOG_FILE = Path(__file__).resolve().parent / "articles.yaml"

Kind = Literal["article", "liveblog", "gallery", "paywall", "consent", "repost"]
Encoding = Literal["utf-8", "cp1252-declared-utf8", "cp1252-undeclared"]
_KINDS = {"article", "liveblog", "gallery", "paywall", "consent", "repost"}
_ENCODINGS = {"utf-8", "cp1252-declared-utf8", "cp1252-undeclared"}
_LAYOUTS = {"broadsheet", "tabloid", "wire", "aggregator"}


class CatalogError(PermanentError, ValueError):
    """The catalog file is malformed; the message names the entry and field."""


@dataclass(frozen=True)
class Caption:
    text: str
    credit: str | None = None


@dataclass(frozen=True)
class LiveUpdate:
    time: datetime
    text: str


@dataclass(frozen=True)
class Publisher:
    id: str
    source: str  # the source name in include/sources/sample.yaml
    name: str
    layout: str  # broadsheet | tabloid | wire | aggregator
    language: str
    country: str
    base_path: str
    feed_path: str
    feed_format: str  # rss | atom
    sitemap_path: str
    sitemap_format: str  # urlset | index
    sections: tuple[str, ...]
    article_pattern: str

    def section_path(self, section: str) -> str:
        return f"{self.base_path}{section}/"


@dataclass(frozen=True)
class SampleArticle:
    """One page of the sample site and what a correct pipeline extracts from it."""

    id: str
    publisher: str
    path: str
    kind: Kind
    title: str
    subtitle: str | None
    authors: tuple[str, ...]
    agency: str | None
    published: datetime  # timezone-aware, in the publisher's own offset
    modified: datetime | None
    section: str
    tags: tuple[str, ...]
    topic: str
    language: str
    paragraphs: tuple[str, ...]
    captions: tuple[Caption, ...] = ()
    updates: tuple[LiveUpdate, ...] = ()
    persons: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    in_feed: bool = True
    in_sitemap: bool = True
    in_section: bool = True
    encoding: Encoding = "utf-8"

    @property
    def published_utc(self) -> datetime:
        return self.published.astimezone(UTC)

    @property
    def day(self) -> date:
        """The UTC calendar day the article was published on."""
        return self.published_utc.date()

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.published

    @property
    def page_type(self) -> str:
        """The page type a cleaner should report (``models.PageType``)."""
        return {"repost": "article", "paywall": "article"}.get(self.kind, self.kind)

    @property
    def access(self) -> str:
        """``paywalled`` for teaser pages behind the paywall, else ``free`` (``models.Access``)."""
        return "paywalled" if self.kind == "paywall" else "free"

    @property
    def visible_paragraphs(self) -> tuple[str, ...]:
        """The story paragraphs a reader (or crawler) actually gets on the page."""
        if self.kind == "consent":
            return ()
        if self.kind == "paywall":
            return self.paragraphs[:2]
        if self.kind == "liveblog":
            return self.paragraphs + tuple(u.text for u in self.updates)
        return self.paragraphs

    @property
    def text(self) -> str:
        """Everything written for the article: title, subtitle, paragraphs, live updates, captions."""
        parts = [self.title, self.subtitle or "", *self.paragraphs, *(u.text for u in self.updates)]
        parts += [c.text for c in self.captions]
        return "\n".join(p for p in parts if p)

    @property
    def slug(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")


@dataclass(frozen=True)
class Catalog:
    window_start: date
    window_end: date  # inclusive
    publishers: tuple[Publisher, ...]
    articles: tuple[SampleArticle, ...]

    def publisher(self, publisher_id: str) -> Publisher:
        for pub in self.publishers:
            if pub.id == publisher_id:
                return pub
        raise KeyError(f"unknown sample publisher {publisher_id!r}")

    def by_path(self) -> dict[str, SampleArticle]:
        return {a.path: a for a in self.articles}

    def in_window(self, article: SampleArticle) -> bool:
        return self.window_start <= article.day <= self.window_end

    @property
    def window(self) -> tuple[datetime, datetime]:
        """The sample window as a half-open UTC interval ``[start, end)``."""
        start = datetime.combine(self.window_start, datetime.min.time(), UTC)
        end = datetime.combine(self.window_end + timedelta(days=1), datetime.min.time(), UTC)
        return start, end


def _req(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in (None, ""):
        raise CatalogError(f"{CATALOG_FILE.name}: {where}: missing required field {key!r}")
    return entry[key]


def _when(value: Any, where: str, key: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise CatalogError(f"{CATALOG_FILE.name}: {where}: field {key!r} is not ISO 8601: {value!r}") from exc
    if parsed.tzinfo is None:
        raise CatalogError(f"{CATALOG_FILE.name}: {where}: field {key!r} has no UTC offset: {value!r}")
    return parsed


def _publisher(entry: dict[str, Any]) -> Publisher:
    where = f"publisher {entry.get('id', '?')!r}"
    layout = _req(entry, "layout", where)
    if layout not in _LAYOUTS:
        raise CatalogError(f"{CATALOG_FILE.name}: {where}: layout {layout!r} not one of {sorted(_LAYOUTS)}")
    feed, sitemap = _req(entry, "feed", where), _req(entry, "sitemap", where)
    return Publisher(
        id=_req(entry, "id", where),
        source=_req(entry, "source", where),
        name=_req(entry, "name", where),
        layout=layout,
        language=_req(entry, "language", where),
        country=_req(entry, "country", where),
        base_path=_req(entry, "base_path", where),
        feed_path=feed["path"],
        feed_format=feed["format"],
        sitemap_path=sitemap["path"],
        sitemap_format=sitemap["format"],
        sections=tuple(_req(entry, "sections", where)),
        article_pattern=_req(entry, "article_pattern", where),
    )


def _article(entry: dict[str, Any], publishers: dict[str, Publisher]) -> SampleArticle:
    where = f"article {entry.get('id', '?')!r}"
    pub_id = _req(entry, "publisher", where)
    if pub_id not in publishers:
        raise CatalogError(f"{CATALOG_FILE.name}: {where}: unknown publisher {pub_id!r}")
    pub = publishers[pub_id]
    kind = entry.get("kind", "article")
    if kind not in _KINDS:
        raise CatalogError(f"{CATALOG_FILE.name}: {where}: kind {kind!r} not one of {sorted(_KINDS)}")
    encoding = entry.get("encoding", "utf-8")
    if encoding not in _ENCODINGS:
        raise CatalogError(
            f"{CATALOG_FILE.name}: {where}: encoding {encoding!r} not one of {sorted(_ENCODINGS)}"
        )
    section = _req(entry, "section", where)
    if section not in pub.sections:
        raise CatalogError(f"{CATALOG_FILE.name}: {where}: section {section!r} not listed for {pub_id!r}")
    path = _req(entry, "path", where)
    if not path.startswith(pub.base_path):
        raise CatalogError(f"{CATALOG_FILE.name}: {where}: path {path!r} outside {pub.base_path!r}")
    entities = entry.get("entities") or {}
    return SampleArticle(
        id=_req(entry, "id", where),
        publisher=pub_id,
        path=path,
        kind=kind,
        title=str(_req(entry, "title", where)),
        subtitle=entry.get("subtitle"),
        authors=tuple(entry.get("authors") or ()),
        agency=entry.get("agency"),
        published=_when(_req(entry, "published", where), where, "published"),
        modified=_when(entry["modified"], where, "modified") if entry.get("modified") else None,
        section=section,
        tags=tuple(entry.get("tags") or ()),
        topic=_req(entry, "topic", where),
        language=entry.get("language", pub.language),
        paragraphs=tuple(" ".join(p.split()) for p in _req(entry, "paragraphs", where)),
        captions=tuple(
            Caption(" ".join(c["text"].split()), c.get("credit")) for c in entry.get("captions") or ()
        ),
        updates=tuple(
            LiveUpdate(_when(u["time"], where, "updates.time"), " ".join(u["text"].split()))
            for u in entry.get("updates") or ()
        ),
        persons=tuple(entities.get("persons") or ()),
        organisations=tuple(entities.get("organisations") or ()),
        locations=tuple(entities.get("locations") or ()),
        in_feed=bool(entry.get("in_feed", True)),
        in_sitemap=bool(entry.get("in_sitemap", True)),
        in_section=bool(entry.get("in_section", True)),
        encoding=encoding,
    )


@functools.cache
def _load(path: Path) -> Catalog:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"cannot read sample catalog {path}: {exc}") from exc
    publishers = {p.id: p for p in (_publisher(e) for e in data["publishers"])}
    articles = tuple(_article(e, publishers) for e in data["articles"])
    seen: dict[str, str] = {}
    for art in articles:
        for key in (art.id, art.path):
            if key in seen:
                raise CatalogError(f"{path.name}: article {art.id!r}: duplicate id/path {key!r}")
            seen[key] = art.id
    window = data["window"]
    return Catalog(
        window_start=date.fromisoformat(window["start"]),
        window_end=date.fromisoformat(window["end"]),
        publishers=tuple(publishers.values()),
        articles=articles,
    )


def catalog(path: Path = CATALOG_FILE) -> Catalog:
    """The whole catalog (publishers, window, articles); parsed once per process."""
    return _load(Path(path))


def load_catalog(path: Path = CATALOG_FILE) -> list[SampleArticle]:
    """All sample articles, including the deliberately out-of-window one."""
    return list(catalog(path).articles)


def publishers(path: Path = CATALOG_FILE) -> list[Publisher]:
    return list(catalog(path).publishers)


def articles_on(day: date | str, articles: Iterable[SampleArticle] | None = None) -> list[SampleArticle]:
    """Articles published on ``day`` (a UTC calendar day), oldest first."""
    wanted = date.fromisoformat(day) if isinstance(day, str) else day
    pool = load_catalog() if articles is None else articles
    return sorted((a for a in pool if a.day == wanted), key=lambda a: a.published_utc)


def articles_between(start: datetime, end: datetime) -> list[SampleArticle]:
    """Articles published in the half-open interval ``[start, end)`` (aware datetimes)."""
    return sorted(
        (a for a in load_catalog() if start <= a.published_utc < end), key=lambda a: a.published_utc
    )


def window_articles() -> list[SampleArticle]:
    """The articles inside the sample window (the 7 days 2026-11-02 .. 2026-11-08 UTC)."""
    start, end = catalog().window
    return articles_between(start, end)


def article_by_id(article_id: str) -> SampleArticle:
    for art in load_catalog():
        if art.id == article_id:
            return art
    raise KeyError(f"no sample article with id {article_id!r}")
