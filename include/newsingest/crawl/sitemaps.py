"""Sitemaps, sitemap indexes and Google News sitemaps to discovered URLs and child sitemaps."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from newsingest.crawl.xmlsafe import XMLInvalid, local, namespace, parse_xml
from newsingest.errors import PermanentError
from newsingest.models import DiscoveredURL
from newsingest.web.dates import parse_date
from newsingest.web.urls import join_url

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
HTTP_PREFIXES = ("http://", "https://")


class SitemapError(PermanentError, ValueError):
    """The document is neither a sitemap nor a sitemap index."""


@dataclass
class ChildSitemap:
    url: str
    lastmod: datetime | None = None


@dataclass
class Sitemap:
    kind: Literal["urlset", "index", "text"]
    urls: list[DiscoveredURL] = field(default_factory=list)
    children: list[ChildSitemap] = field(default_factory=list)


def sitemap_to_json(doc: Sitemap) -> dict[str, Any]:
    """A parsed sitemap as JSON (the discovery parse memo keeps it)."""
    return {
        "kind": doc.kind,
        "urls": [u.to_json() for u in doc.urls],
        "children": [
            {"url": c.url, "lastmod": c.lastmod.isoformat() if c.lastmod else None} for c in doc.children
        ],
    }


def sitemap_from_json(data: dict[str, Any]) -> Sitemap:
    """The :class:`Sitemap` that :func:`sitemap_to_json` wrote."""
    return Sitemap(
        kind=data["kind"],
        urls=[DiscoveredURL.from_json(u) for u in data["urls"]],
        children=[
            ChildSitemap(c["url"], datetime.fromisoformat(c["lastmod"]) if c["lastmod"] else None)
            for c in data["children"]
        ],
    )


def _text(element: ET.Element, name: str) -> str | None:
    for child in element:
        if local(child.tag) == name:
            return (child.text or "").strip() or None
    return None


def _news(url_el: ET.Element) -> tuple[datetime | None, str | None, list[str], str | None] | None:
    for child in url_el:
        if local(child.tag) == "news" and namespace(child.tag) in (NEWS_NS, ""):
            published = parse_date(_text(child, "publication_date"))
            title = _text(child, "title")
            raw_keywords = _text(child, "keywords") or ""
            keywords = [k.strip() for k in raw_keywords.split(",") if k.strip()]
            language = None
            for pub in child:
                if local(pub.tag) == "publication":
                    language = _text(pub, "language")
            return published, title, keywords, language
    return None


def _http_url(base: str, loc: str) -> str | None:
    """``loc`` resolved against ``base`` if it is an http(s) URL (``javascript:``, ``file:`` ... refused)."""
    url = join_url(base, loc)
    return url if url and url.startswith(HTTP_PREFIXES) else None


def _parse_text(data: bytes, source: str, base: str) -> Sitemap:
    urls = []
    for line in data.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if line.startswith(HTTP_PREFIXES) and " " not in line:
            urls.append(DiscoveredURL(url=line, source=source, channels=["sitemap"]))
    if not urls:
        raise SitemapError("neither XML nor a text sitemap")
    return Sitemap("text", urls=urls)


def parse_sitemap(data: bytes, *, source: str, sitemap_url: str) -> Sitemap:
    """Parse one sitemap document (already gunzipped).

    Entries of a Google News sitemap carry channel ``news-sitemap`` with its publication date, title
    and keywords; plain sitemap entries carry channel ``sitemap`` and their ``lastmod``.
    """
    stripped = data.lstrip()
    if not stripped.startswith(b"<"):
        return _parse_text(data, source, sitemap_url)
    try:
        root = parse_xml(data)
    except XMLInvalid as exc:
        raise SitemapError(f"not well-formed XML ({exc})") from exc
    kind = local(root.tag)
    if kind == "sitemapindex":
        children = []
        for el in root:
            if local(el.tag) != "sitemap":
                continue
            loc = _text(el, "loc")
            child_url = _http_url(sitemap_url, loc) if loc else None
            if child_url:
                children.append(ChildSitemap(child_url, parse_date(_text(el, "lastmod"))))
        return Sitemap("index", children=children)
    if kind != "urlset":
        raise SitemapError(f"root element is <{kind}>, expected <urlset> or <sitemapindex>")
    urls = []
    for el in root:
        if local(el.tag) != "url":
            continue
        raw_loc = _text(el, "loc")
        loc = _http_url(sitemap_url, raw_loc) if raw_loc else None
        if not loc:
            continue
        lastmod = parse_date(_text(el, "lastmod"))
        news = _news(el)
        if news is not None:
            published, title, keywords, _language = news
            urls.append(
                DiscoveredURL(
                    url=loc,
                    source=source,
                    channels=["news-sitemap"],
                    published=published,
                    lastmod=lastmod,
                    title=title,
                    keywords=keywords,
                )
            )
        else:
            urls.append(DiscoveredURL(url=loc, source=source, channels=["sitemap"], lastmod=lastmod))
    return Sitemap("urlset", urls=urls)
