"""Build every static resource of the sample site for one base URL: path -> :class:`Resource`."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape

from newsingest.sample_site.catalog import Catalog, SampleArticle, catalog
from newsingest.sample_site.layouts import aggregator, broadsheet, feeds, tabloid, wire
from newsingest.sample_site.layouts.common import PageContext

SITE_EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
PRIVATE_PATH = "/private/drafts/"


@dataclass(frozen=True)
class Resource:
    """One response body with the validators used for conditional GET."""

    body: bytes
    content_type: str
    last_modified: datetime
    etag: str = ""
    _gzipped: list[bytes] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def make(cls, body: bytes, content_type: str, last_modified: datetime) -> Resource:
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
        return cls(body, content_type, last_modified.astimezone(UTC).replace(microsecond=0), etag)

    @property
    def gzipped(self) -> bytes:
        """The gzip-encoded body, computed once."""
        if not self._gzipped:
            self._gzipped.append(gzip.compress(self.body, compresslevel=5, mtime=0))
        return self._gzipped[0]


def encode_page(html: str, article: SampleArticle | None) -> tuple[bytes, str]:
    """Bytes and Content-Type for a page, applying the article's deliberate encoding fault if any."""
    if article is None or article.encoding == "utf-8":
        return html.encode("utf-8"), HTML
    body = html.encode("cp1252", errors="xmlcharrefreplace")
    if article.encoding == "cp1252-declared-utf8":
        return body, HTML  # header and <meta> both claim utf-8, bytes are cp1252
    return body, "text/html"  # cp1252-undeclared: no charset in the header or the page


_ARTICLE_RENDERERS: dict[str, Callable[[PageContext, SampleArticle], str]] = {
    "broadsheet": broadsheet.render_article,
    "tabloid": tabloid.render_article,
    "wire": wire.render_article,
    "aggregator": aggregator.render_article,
}


def _section_pages(ctx: PageContext, section: str) -> dict[str, str]:
    layout = ctx.publisher.layout
    if layout == "wire":
        return wire.section_pages(ctx, section)
    module = {"broadsheet": broadsheet, "tabloid": tabloid, "aggregator": aggregator}[layout]
    return {ctx.publisher.section_path(section): module.render_section(ctx, section)}


def _home(ctx: PageContext) -> str:
    module = {"broadsheet": broadsheet, "tabloid": tabloid, "wire": wire, "aggregator": aggregator}
    return module[ctx.publisher.layout].render_home(ctx)


def _latest(articles: list[SampleArticle]) -> datetime:
    return max((a.last_modified for a in articles), default=SITE_EPOCH)


def _portal(cat: Catalog, base: str) -> str:
    rows = []
    for pub in cat.publishers:
        sections = " ".join(f'<a href="{pub.section_path(s)}">{s}</a>' for s in pub.sections)
        rows.append(
            f'<li><a href="{pub.base_path}">{escape(pub.name)}</a> ({pub.layout}) - '
            f'<a href="{pub.feed_path}">{pub.feed_format} feed</a>, '
            f'<a href="{pub.sitemap_path}">sitemap</a>; '
            f"sections: {sections}</li>"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newsingest sample news site</title></head>
<body><h1>newsingest sample news site</h1>
<p>Fictional publishers for crawler and extractor tests, served at {escape(base)}.
Articles are dated {cat.window_start} to {cat.window_end} (UTC).</p>
<ul>{"".join(rows)}</ul>
<p>Crawler test routes: <a href="/misbehave/">/misbehave/</a>; synthetic bulk site: <a href="/bulk/sitemap.xml?n=100">/bulk/sitemap.xml</a>;
<a href="/robots.txt">robots.txt</a>.</p>
</body></html>"""  # noqa: E501


def _private_page() -> str:
    return """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Staff drafts - do not crawl</title></head>
<body><h1>Unpublished drafts</h1><p>This area is disallowed in robots.txt. A polite crawler never fetches it.</p>
</body></html>"""  # noqa: E501


def build_site(base: str, cat: Catalog | None = None) -> dict[str, Resource]:
    """All static resources of the site as served at ``base`` (scheme://host:port, no trailing slash)."""
    cat = cat or catalog()
    base = base.rstrip("/")
    out: dict[str, Resource] = {}
    html_pages: dict[str, tuple[str, datetime]] = {"/": (_portal(cat, base), SITE_EPOCH)}
    html_pages[PRIVATE_PATH] = (_private_page(), SITE_EPOCH)
    for pub in cat.publishers:
        ctx = PageContext(base=base, catalog=cat, publisher=pub)
        own = ctx.own_articles()
        html_pages[pub.base_path] = (_home(ctx), _latest(own))
        for section in pub.sections:
            for path, page in _section_pages(ctx, section).items():
                html_pages[path] = (page, _latest(ctx.section_articles(section)))
        for art in (a for a in cat.articles if a.publisher == pub.id):
            body, ctype = encode_page(_ARTICLE_RENDERERS[pub.layout](ctx, art), art)
            out[art.path] = Resource.make(body, ctype, art.last_modified)
        feed_arts = feeds.feed_articles(ctx)
        feed_text = feeds.atom(ctx) if pub.feed_format == "atom" else feeds.rss(ctx)
        feed_type = "application/atom+xml" if pub.feed_format == "atom" else "application/rss+xml"
        out[pub.feed_path] = Resource.make(
            feed_text.encode(), f"{feed_type}; charset=utf-8", _latest(feed_arts)
        )
        map_arts = feeds.sitemap_articles(ctx)
        if pub.sitemap_format == "index":
            children = {
                f"{pub.base_path}sitemaps/articles-2026-11.xml": (feeds.urlset(ctx), _latest(map_arts)),
                f"{pub.base_path}sitemaps/news.xml": (feeds.news_sitemap(ctx), _latest(map_arts)),
            }
            for path, (text, when) in children.items():
                out[path] = Resource.make(text.encode(), XML, when)
            index = feeds.sitemap_index(ctx, {p: w for p, (_, w) in children.items()})
            out[pub.sitemap_path] = Resource.make(index.encode(), XML, _latest(map_arts))
        else:
            out[pub.sitemap_path] = Resource.make(feeds.urlset(ctx).encode(), XML, _latest(map_arts))
    for path, (page, when) in html_pages.items():
        out[path] = Resource.make(page.encode("utf-8"), HTML, when)
    return out


class SiteCache:
    """Built sites per base URL (the Host a client used), built once each and shared by threads."""

    def __init__(self, max_bases: int = 8, catalog: Catalog | None = None) -> None:
        self._sites: dict[str, dict[str, Resource]] = {}
        self._lock = threading.Lock()
        self._max = max_bases
        self._catalog = catalog  # None: the bundled catalog

    def get(self, base: str) -> dict[str, Resource]:
        site = self._sites.get(base)
        if site is not None:
            return site
        with self._lock:
            site = self._sites.get(base)
            if site is None:
                if len(self._sites) >= self._max:
                    self._sites.pop(next(iter(self._sites)))
                site = build_site(base, self._catalog)
                self._sites[base] = site
            return site
