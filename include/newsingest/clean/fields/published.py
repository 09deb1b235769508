"""Published and modified dates: candidates from metadata, ``<time>`` elements, the feed, the URL and
the visible date line, ranked for ``dates.best_date``."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bs4 import Tag

from newsingest.clean import boilerplate
from newsingest.clean import dates as dates_mod
from newsingest.clean.metadata import PageMeta, ld_text
from newsingest.clean.scoring import BodyResult


def text_date(body: BodyResult) -> datetime | None:
    """The date of the visible date line: the first line near the headline that holds a date.

    Lines come nearest to the headline first, captions and teaser lists left out (``_date_lines``).
    """
    for line in body.date_lines:
        found = dates_mod.date_from_text(line)
        if found is not None and dates_mod.plausible(found):
            return found
    return None


_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def _stamp(tag: Tag) -> str | None:
    """The machine-readable date of a ``<time>``/microdata element (``datetime``, ``content``, an
    ``<abbr>``'s ``title``), else its text when that names a year: a bare clock time ("9:22 AM") is
    not a date (a parser would put it on today)."""
    for attr in ("datetime", "content"):
        value = tag.get(attr)
        if isinstance(value, str) and value.strip():
            return value
    title = tag.get("title")
    if tag.name == "abbr" and isinstance(title, str) and title.strip():
        return title
    text = tag.get_text(" ")
    return text if _YEAR.search(text) else None


def _in_teaser(tag: Tag) -> bool:
    """A ``<time>`` inside a caption or a related/teaser box dates another story or a photo."""
    node = tag.parent
    for _ in range(8):
        if not isinstance(node, Tag) or node.name in ("body", "html", "article", "main"):
            return False
        if node.name in ("figcaption", "figure"):
            return True
        at = boilerplate.attr_text(node)
        if at and (boilerplate.negative_weight(at) == 2 or boilerplate.is_caption(at)):
            return True
        node = node.parent
    return False


def date_candidates(
    meta: PageMeta, url: str, kind: str, hint: datetime | None, body: BodyResult | None
) -> list[dates_mod.DateCandidate]:
    node = meta.ld_article or {}
    out: list[dates_mod.DateCandidate] = []
    parse = dates_mod.parse_date

    def add(value: Any, prov: str, rank: int) -> None:
        dt = parse(value)
        if dt is not None:
            out.append(dates_mod.DateCandidate(dt, prov, rank))

    if kind == "published":
        add(ld_text(node.get("datePublished")), "json-ld", 0)
        add(ld_text(node.get("dateCreated")), "json-ld", 1)
        if not node.get("datePublished"):  # no article node, or one without a date: any node's date
            for other in meta.ld_nodes[:20]:
                if other is not node and other.get("datePublished"):
                    add(ld_text(other.get("datePublished")), "json-ld", 1)
                    break
        for name in (
            "article:published_time",
            "og:article:published_time",
            "published_time",
            "article.published",
            "datepublished",
            "publishdate",
            "publish-date",
            "pubdate",
            "date",
            "dc.date",
            "dc.date.issued",
            "dcterms.created",
            "dcterms.issued",
            "sailthru.date",
            "parsely-pub-date",
            "cxenseparse:recs:publishtime",
            "article_date_original",
            "original-publish-date",
            "dc.date.created",
            "og:published_time",
            "release_date",
        ):
            for value in meta.meta.get(name, ())[:1]:
                add(value, "meta", 2)
        for tag in meta.microdata.get("datepublished", [])[:2]:
            add(_stamp(tag), "microdata", 3)
    else:
        add(ld_text(node.get("dateModified")), "json-ld", 0)
        for name in (
            "article:modified_time",
            "og:updated_time",
            "modified_time",
            "dcterms.modified",
            "last-modified",
            "lastmod",
            "datemodified",
        ):
            for value in meta.meta.get(name, ())[:1]:
                add(value, "meta", 2)
        for tag in meta.microdata.get("datemodified", [])[:2]:
            add(_stamp(tag), "microdata", 3)
        return out
    for tag in [t for t in meta.times[:12] if not _in_teaser(t)][:5]:
        stamp = tag.get("datetime") or (tag.get("title") if tag.name == "abbr" else None)
        if stamp:
            add(stamp, "dom", 4)
    if hint is not None:
        add(hint, "feed", 5)
    url_date = dates_mod.date_from_url(url)
    if url_date is not None:
        out.append(dates_mod.DateCandidate(url_date, "url", 6))
    if any(dates_mod.plausible(c.value) for c in out):
        return out  # the text date ranks last: look for it only when nothing else dates the page
    shown = text_date(body) if body is not None else None
    if shown is not None:
        out.append(dates_mod.DateCandidate(shown, "text", 7))
    return out
