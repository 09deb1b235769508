"""Real pages as publishers' sites on loopback, for an end-to-end evaluation (`newsingest bench realsites`).

Pages of labelled corpora (:func:`newsingest.bench.clean_evaluate.load_corpus`) are grouped into a few
publisher sites per corpus (all pages of one original host in the same site; pages without a URL spread
evenly), so
a run has a handful of sources rather than one per host, and served by one loopback HTTP server:
``/<site>/`` (a homepage linking every article), ``/<site>/feed.xml`` (RSS 2.0) and
``/<site>/sitemap.xml`` (with ``lastmod``), every item dated on one day, plus a permissive
``/robots.txt``. An article keeps its original host and path under ``/<site>/``. After a
``news_ingest`` run the indexed documents are scored against the ground truth (:func:`field_quality`)
and the facets measured (:func:`facet_figures`). Pages are served from memory and never written anywhere.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from xml.sax.saxutils import escape

import yaml

from newsingest.bench.clean_evaluate import Page, authors_f1, body_scores, load_corpus, same_day, title_match
from newsingest.web.urls import URLError, canonicalize

SITES_PER_CORPUS = 3
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")


@dataclass
class ServedPage:
    corpus: str  # corpus directory name
    kind: str  # "fundus" or "aeb" (load_corpus)
    page: Page
    site: str  # slug of the publisher site
    path: str  # path on the loopback server, starting with /<site>/
    published: datetime  # the date the feed and sitemap give

    @property
    def key(self) -> str:
        return f"{self.corpus}:{self.page.id}"


@dataclass
class Site:
    slug: str
    pages: list[ServedPage] = field(default_factory=list)


def _slug(text: str) -> str:
    return _SLUG_CHARS.sub("-", text.lower()).strip("-")[:60] or "site"


def _article_path(site: str, page: Page, taken: set[str]) -> str:
    """``/<site>/<original host><original path>``, else ``/<site>/article/<id>.html``; unique."""
    parts = urlsplit(page.url) if page.url else None
    path = ""
    if parts and parts.hostname and parts.path not in ("", "/"):
        path = f"/{site}/{parts.hostname.removeprefix('www.')}{quote(parts.path, safe='/-._~%')}"
    if not path or path in taken:
        path = f"/{site}/article/{quote(_slug(page.id))}.html"
    taken.add(path)
    return path


def build_sites(
    corpora: Iterable[str | Path],
    day: date,
    *,
    limit: int | None = None,
    sites_per_corpus: int = SITES_PER_CORPUS,
) -> list[Site]:
    """The first ``limit`` pages of each corpus as ``sites_per_corpus`` publisher sites, dated on ``day``."""
    sites: list[Site] = []
    taken: set[str] = set()
    minute = 0
    for corpus in corpora:
        kind, pages = load_corpus(corpus)
        name = _slug(Path(corpus).resolve().name)
        pages = pages[:limit] if limit else pages
        hosts = sorted({urlsplit(p.url).hostname or "" for p in pages if p.url})
        slot = {host: n % sites_per_corpus for n, host in enumerate(hosts)}
        own = [Site(f"{name}-{n + 1}") for n in range(min(sites_per_corpus, max(1, len(pages))))]
        for n, page in enumerate(pages):
            host = urlsplit(page.url).hostname or "" if page.url else ""
            site = own[(slot[host] if host else n) % len(own)]
            published = datetime.combine(day, time(6), tzinfo=UTC) + timedelta(minutes=minute)
            minute = (minute + 7) % (16 * 60)  # spread over the day, never past it
            path = _article_path(site.slug, page, taken)
            site.pages.append(ServedPage(Path(corpus).resolve().name, kind, page, site.slug, path, published))
        sites += [s for s in own if s.pages]
    return sites


def _feed(site: Site, base: str) -> bytes:
    items = "".join(
        f"<item><link>{escape(base + p.path)}</link><guid>{escape(base + p.path)}</guid>"
        f"<pubDate>{format_datetime(p.published)}</pubDate></item>"
        for p in site.pages
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{site.slug}</title>'
        f"<link>{base}/{site.slug}/</link><description>{site.slug}</description>{items}</channel></rss>"
    ).encode()


def _sitemap(site: Site, base: str) -> bytes:
    urls = "".join(
        f"<url><loc>{escape(base + p.path)}</loc><lastmod>{p.published.isoformat()}</lastmod></url>"
        for p in site.pages
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def _homepage(site: Site) -> bytes:
    links = "".join(f'<li><a href="{escape(p.path)}">{escape(p.path)}</a></li>' for p in site.pages)
    head = f"<!doctype html><html><head><title>{site.slug}</title></head>"
    return f"{head}<body><ul>{links}</ul></body></html>".encode()


class SitesServer:
    """The sites on ``127.0.0.1:port`` in a background thread (``with SitesServer(...) as server``)."""

    def __init__(self, sites: list[Site], port: int = 0, host: str = "127.0.0.1") -> None:
        self.sites = sites
        self._routes: dict[str, tuple[str, Any]] = {}
        handler = self._handler()
        self._server = ThreadingHTTPServer((host, port), handler)
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        for site in sites:
            self._routes[f"/{site.slug}/"] = ("text/html; charset=utf-8", lambda s=site: _homepage(s))
            self._routes[f"/{site.slug}/feed.xml"] = (
                "application/rss+xml",
                lambda s=site: _feed(s, self.base_url),
            )
            self._routes[f"/{site.slug}/sitemap.xml"] = (
                "application/xml",
                lambda s=site: _sitemap(s, self.base_url),
            )
            for p in site.pages:  # keyed unquoted: the crawler may normalise percent-escapes
                self._routes[unquote(p.path)] = (
                    "text/html; charset=utf-8",
                    lambda p=p: p.page.html.encode("utf-8"),
                )
        self._routes["/robots.txt"] = ("text/plain", lambda: b"User-agent: *\nAllow: /\n")
        self._thread: threading.Thread | None = None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        routes = self._routes

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, with_body: bool) -> None:
                route = routes.get(unquote(urlsplit(self.path).path))
                body = route[1]() if route else b"not found"
                self.send_response(200 if route else 404)
                self.send_header("Content-Type", route[0] if route else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer(True)

            def do_HEAD(self) -> None:
                self._answer(False)

        return Handler

    def url(self, page: ServedPage) -> str:
        return self.base_url + page.path

    def __enter__(self) -> SitesServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def write_sources(sites: list[Site], base_url: str, path: Path) -> Path:
    """A sources file with one source per site (feed + sitemap, loopback allowed)."""
    sources = [
        {
            "name": site.slug,
            "homepage": f"{base_url}/{site.slug}/",
            "feeds": [f"{base_url}/{site.slug}/feed.xml"],
            "sitemaps": [f"{base_url}/{site.slug}/sitemap.xml"],
            "rate_limit": 50.0,
            "allow_private": True,
        }
        for site in sites
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"sources": sources}, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- after the run

RESULT_SOURCE = [
    "url", "canonical_url", "title", "subtitle", "body", "published", "authors", "agency", "persons",
    "organisations", "locations", "topics",
]  # fmt: skip


def indexed_documents(client: Any, alias: str) -> list[dict[str, Any]]:
    """Every document of ``alias`` (the fields scored here)."""
    from opensearchpy import helpers

    return [
        hit["_source"]
        for hit in helpers.scan(
            client, index=alias, query={"query": {"match_all": {}}}, _source=RESULT_SOURCE
        )
    ]


@dataclass
class FieldQuality:
    pages: int  # indexed and matched to a served page
    body_f1: float
    body_precision: float
    body_recall: float
    title_exact: float | None  # only corpora with annotated titles
    published_day: float | None  # the page's own date, as annotated
    authors_f1: float | None


def same_url(url: str | None) -> str:
    """A served or fetched URL in the crawler's canonical form ('' when it is not a valid URL)."""
    try:
        return canonicalize(url or "")
    except URLError:
        return ""


def field_quality(served: dict[str, ServedPage], docs: Iterable[dict[str, Any]]) -> FieldQuality:
    """Indexed documents against the ground truth of the pages they came from (by fetched URL)."""
    served = {same_url(url): page for url, page in served.items()}
    pairs: list[tuple[str, str]] = []
    titles: list[bool] = []
    dates: list[bool] = []
    authors: list[float] = []
    for doc in docs:
        page = served.get(same_url(doc.get("url")))
        if page is None:
            continue
        body, subtitle = doc.get("body") or "", doc.get("subtitle")
        if page.kind == "fundus" and subtitle and not body.startswith(subtitle):
            body = f"{subtitle}\n\n{body}"  # Fundus truth starts with the standfirst
        pairs.append((body, page.page.body))
        if page.kind == "fundus":
            titles.append(title_match(doc.get("title"), page.page.title))
            if page.page.published:
                dates.append(same_day(doc.get("published"), page.page.published))
            if page.page.authors is not None:
                authors.append(
                    authors_f1(doc.get("authors") or [], doc.get("agency") or [], page.page.authors)
                )
    score = body_scores(pairs)

    def mean(values: list) -> float | None:
        return sum(values) / len(values) if values else None

    return FieldQuality(
        len(pairs), score.f1, score.precision, score.recall, mean(titles), mean(dates), mean(authors)
    )


@dataclass
class FacetFigures:
    distinct_persons: int
    one_token_fragments: list[str]  # one-token persons that are the first or last token of another
    names_under_two_types: list[str]  # the same name as person/organisation/location in the corpus
    distinct_names: int
    top: dict[str, list[tuple[str, int]]]

    @property
    def fragment_share(self) -> float:
        return len(self.one_token_fragments) / self.distinct_persons if self.distinct_persons else 0.0

    @property
    def two_type_share(self) -> float:
        return len(self.names_under_two_types) / self.distinct_names if self.distinct_names else 0.0


FACET_FIELDS = ("persons", "organisations", "locations")


def facet_figures(docs: list[dict[str, Any]], top_n: int = 15) -> FacetFigures:
    """Person fragments, names filed under two types and the top values of each facet (documents count)."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in (*FACET_FIELDS, "topics")}
    for doc in docs:
        for name in FACET_FIELDS:
            counts[name].update(set(doc.get(name) or []))
        counts["topics"].update({t.get("label") for t in doc.get("topics") or [] if t.get("label")})
    persons = set(counts["persons"])
    edges: set[str] = set()
    for person in persons:
        tokens = person.split()
        if len(tokens) > 1:
            edges.update((tokens[0], tokens[-1]))
    fragments = sorted(p for p in persons if len(p.split()) == 1 and p in edges)
    types: dict[str, set[str]] = defaultdict(set)
    for name in FACET_FIELDS:
        for value in counts[name]:
            types[value.casefold()].add(name)
    return FacetFigures(
        distinct_persons=len(persons),
        one_token_fragments=fragments,
        names_under_two_types=sorted(v for v, t in types.items() if len(t) > 1),
        distinct_names=len(types),
        top={name: c.most_common(top_n) for name, c in counts.items()},
    )


def dropped_pages(storage_root: str, run_id: str) -> Iterator[dict[str, Any]]:
    """The pages the run's clean stage dropped, with stage and reason (its ``*.dropped`` files)."""
    from newsingest import layout, storage

    prefix = layout.stage_dir(storage_root, run_id, "clean")
    for path in storage.list_files(prefix, layout.DROPPED_GLOB):
        yield from storage.read_jsonl_gz(path)
