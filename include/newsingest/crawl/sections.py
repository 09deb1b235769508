"""Section (listing) pages to article links matching the source's pattern."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from newsingest.models import DiscoveredURL
from newsingest.web.urls import join_url


def extract_links(
    html: bytes, *, page_url: str, pattern: str, source: str, encoding: str | None = None
) -> list[DiscoveredURL]:
    """Absolute http(s) links on the page whose URL matches ``pattern`` (``re.search``), in page order."""
    regex = re.compile(pattern)
    if not html.strip():
        return []
    try:
        parser = lxml.html.HTMLParser(encoding=encoding) if encoding else None
        doc = lxml.html.fromstring(html, parser=parser)
    except (etree.ParserError, ValueError, LookupError):
        return []
    base = page_url
    for href in doc.xpath("//base/@href"):
        base = join_url(page_url, str(href).strip()) or page_url
        break
    seen: set[str] = set()
    found: list[DiscoveredURL] = []
    for href in doc.xpath("//a/@href"):
        raw = str(href).strip()
        if not raw or raw.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        joined = join_url(base, raw)
        if joined is None:
            continue
        url = joined.split("#", 1)[0]
        if urlsplit(url).scheme not in ("http", "https") or url in seen or not regex.search(url):
            continue
        seen.add(url)
        found.append(DiscoveredURL(url=url, source=source, channels=["section"]))
    return found
