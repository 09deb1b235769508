"""RSS/Atom/RDF feeds to discovered URLs (feedparser, after a defusedxml safety check)."""

from __future__ import annotations

from urllib.parse import urljoin

import feedparser

from newsingest.crawl.dates import from_struct
from newsingest.crawl.xmlsafe import check_xml_safe
from newsingest.models import DiscoveredURL

# feedparser's lenient (regex) parser is slow on large garbage; real broken feeds are small.
MAX_LENIENT_BYTES = 1024 * 1024


class FeedError(ValueError):
    """The document is not a usable feed."""


def parse_feed(data: bytes, *, source: str, feed_url: str) -> list[DiscoveredURL]:
    """Items of a feed with link, date, title and tags; raises FeedError for refused or empty garbage."""
    well_formed = check_xml_safe(data)  # raises XMLRefused for entity tricks before feedparser sees the bytes
    if not well_formed and len(data) > MAX_LENIENT_BYTES:
        raise FeedError(f"not well-formed XML, and {len(data)} bytes is too large for lenient parsing")
    parsed = feedparser.parse(data, response_headers={"content-location": feed_url})
    if not parsed.entries and parsed.get("bozo") and not parsed.get("version"):
        raise FeedError(f"not a feed ({parsed.get('bozo_exception')})")
    items: list[DiscoveredURL] = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (lk.get("href") for lk in entry.get("links", []) if lk.get("rel", "alternate") == "alternate"),
            None,
        )
        if not link:
            continue
        link = urljoin(feed_url, link.strip())
        if not link.startswith(("http://", "https://")):
            continue
        published = from_struct(entry.get("published_parsed")) or from_struct(entry.get("updated_parsed"))
        tags = [t.get("term", "").strip() for t in entry.get("tags", []) if t.get("term")]
        title = (entry.get("title") or "").strip() or None
        items.append(
            DiscoveredURL(
                url=link, source=source, channels=["feed"], published=published, title=title, keywords=tags
            )
        )
    return items
