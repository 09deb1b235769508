"""RSS/Atom/RDF feeds to discovered URLs (feedparser, after a defusedxml safety check)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import feedparser

from newsingest.crawl.xmlsafe import check_xml_safe
from newsingest.errors import PermanentError
from newsingest.models import DiscoveredURL
from newsingest.web.dates import from_struct
from newsingest.web.urls import join_url

log = logging.getLogger(__name__)

# feedparser's lenient (regex) parser is slow on large garbage; real broken feeds are small.
MAX_LENIENT_BYTES = 1024 * 1024


class FeedError(PermanentError, ValueError):
    """The document is not a usable feed."""


def parse_feed(data: bytes, *, source: str, feed_url: str) -> list[DiscoveredURL]:
    """Items of a feed with link, date, title and tags.

    Malformed entries are skipped. Raises FeedError for garbage, and for a feed whose entries all lack
    a usable http(s) link (nothing to crawl: reported as a bad document rather than an empty one).
    """
    well_formed = check_xml_safe(data)  # raises XMLRefused for entity tricks before feedparser sees the bytes
    if not well_formed and len(data) > MAX_LENIENT_BYTES:
        raise FeedError(f"not well-formed XML, and {len(data)} bytes is too large for lenient parsing")
    try:
        parsed = feedparser.parse(data, response_headers={"content-location": feed_url})
    except Exception as exc:  # feedparser's lenient parser can fail on broken markup (KeyError 'links')
        raise FeedError(f"feed parser failed on malformed markup: {type(exc).__name__}: {exc}") from exc
    if not parsed.entries and parsed.get("bozo") and not parsed.get("version"):
        raise FeedError(f"not a feed ({parsed.get('bozo_exception')})")
    items: list[DiscoveredURL] = []
    bad = 0
    for entry in parsed.entries:
        try:
            item = _item(entry, source=source, feed_url=feed_url)
        except Exception as exc:  # one malformed entry never costs the feed's other items
            bad += 1
            log.debug("%s: skipping malformed feed entry: %s: %s", feed_url, type(exc).__name__, exc)
            continue
        if item is not None:
            items.append(item)
    if parsed.entries and not items:
        detail = f", {bad} malformed" if bad else ""
        raise FeedError(f"none of its {len(parsed.entries)} entries has an http(s) link{detail}")
    if bad:
        log.warning("%s: skipped %d malformed feed entries", feed_url, bad)
    return items


def _link(entry: Mapping[str, Any]) -> str | None:
    link = entry.get("link")
    if isinstance(link, str) and link.strip():
        return link
    links = entry.get("links")
    if not isinstance(links, list):
        return None
    for lk in links:
        if isinstance(lk, Mapping) and lk.get("rel", "alternate") == "alternate":
            href = lk.get("href")
            if isinstance(href, str) and href.strip():
                return href
    return None


def _item(entry: Mapping[str, Any], *, source: str, feed_url: str) -> DiscoveredURL | None:
    """One feed entry as a discovered URL, or None without an http(s) link."""
    link = _link(entry)
    if link is None:
        return None
    link = join_url(feed_url, link.strip())
    if not link or not link.startswith(("http://", "https://")):
        return None
    published = from_struct(entry.get("published_parsed")) or from_struct(entry.get("updated_parsed"))
    raw_tags = entry.get("tags")
    tags = [
        t["term"].strip()
        for t in (raw_tags if isinstance(raw_tags, list) else [])
        if isinstance(t, Mapping) and isinstance(t.get("term"), str) and t["term"].strip()
    ]
    title = entry.get("title")
    title = (title.strip() or None) if isinstance(title, str) else None
    return DiscoveredURL(
        url=link, source=source, channels=["feed"], published=published, title=title, keywords=tags
    )
