"""Structured metadata of a page: JSON-LD, OpenGraph/Twitter/Dublin Core meta, microdata, links.

``read_metadata`` collects everything once into a ``PageMeta``; the field-level choices (which
title, which date) are made in ``extract`` with provenance.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, Tag

from newsingest.clean.text import clean_text

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "askpublicnewsarticle",
    "blogposting",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "socialmediaposting",
    "satiricalarticle",
    "review",
}
PAGE_TYPES = {
    "webpage",
    "itempage",
    "collectionpage",
    "searchresultspage",
    "profilepage",
    "aboutpage",
    "imagegallery",
    "mediagallery",
    "videogallery",
    "faqpage",
    "qapage",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_LIVE = re.compile(r"live[-_ ]?blog|live[-_](?:updates|coverage|ticker|feed)")


@dataclass
class PageMeta:
    """Raw metadata candidates from one page."""

    ld_nodes: list[dict[str, Any]] = field(default_factory=list)  # all typed JSON-LD nodes
    ld_article: dict[str, Any] | None = None  # the main article node, if any
    ld_types: set[str] = field(default_factory=set)  # lower-cased @type values seen
    meta: dict[str, list[str]] = field(default_factory=dict)  # name/property (lower) -> contents
    microdata: dict[str, list[Tag]] = field(default_factory=dict)  # itemprop (lower) -> elements
    canonical: str | None = None
    html_lang: str | None = None
    title_tag: str | None = None
    times: list[Tag] = field(default_factory=list)  # <time> elements and hAtom <abbr class="published">
    author_links: list[Tag] = field(default_factory=list)  # rel=author
    byline_tags: list[Tag] = field(default_factory=list)  # class mentions byline/author
    figures: int = 0
    article_tags: int = 0
    paywall_marker: bool = False
    live_marker: bool = False

    def first_meta(self, *names: str) -> tuple[str, str] | None:
        """The first non-empty meta content among ``names``, with the name it came from."""
        for name in names:
            for value in self.meta.get(name, ()):
                value = clean_text(value)
                if value:
                    return name, value
        return None

    def all_meta(self, *names: str) -> list[str]:
        """All non-empty contents of the given meta names, in order."""
        out: list[str] = []
        for name in names:
            out.extend(v for v in (clean_text(x) for x in self.meta.get(name, ())) if v)
        return out


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    if isinstance(value, str):
        return {value.lower().rsplit("/", 1)[-1]}
    if isinstance(value, list):
        return {v.lower().rsplit("/", 1)[-1] for v in value if isinstance(v, str)}
    return set()


def _walk_ld(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 12:
        return
    if isinstance(data, list):
        for item in data[:200]:
            _walk_ld(item, out, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            out.append(data)
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            if key in data and isinstance(data[key], list | dict):
                _walk_ld(data[key], out, depth + 1)


def parse_ld_json(blocks: list[str]) -> list[dict[str, Any]]:
    """All typed nodes of the JSON-LD blocks (``@graph`` flattened); malformed blocks are skipped."""
    nodes: list[dict[str, Any]] = []
    for raw in blocks:
        text = raw.strip()
        if text.startswith("<![CDATA["):
            text = text[9:].rstrip("]>").rstrip("]")
        if not text:
            continue
        text = _CONTROL.sub(" ", text)
        try:
            data = json.loads(text)
        except ValueError:
            try:
                data = json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
            except ValueError:
                continue
        _walk_ld(data, nodes)
    return nodes


def _pick_article(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    best: tuple[int, dict[str, Any]] | None = None
    for node in nodes:
        types = _types(node)
        score = 0
        if types & ARTICLE_TYPES:
            score = 3
        elif (types & {"webpage", "itempage"} and ("headline" in node or "datePublished" in node)) or (
            types & {"videoobject", "imagegallery", "mediagallery"} and "headline" in node
        ):
            score = 1
        if not score:
            continue
        score += ("headline" in node) + ("datePublished" in node) + 2 * bool(node.get("articleBody"))
        if best is None or score > best[0]:
            best = (score, node)
    return best[1] if best else None


def read_metadata(soup: BeautifulSoup, ld_blocks: list[str]) -> PageMeta:
    """Collect JSON-LD nodes, meta tags, microdata, canonical link, language and DOM hints in one pass."""
    meta = PageMeta()
    meta.ld_nodes = parse_ld_json(ld_blocks)
    for node in meta.ld_nodes:
        meta.ld_types |= _types(node)
    meta.ld_article = _pick_article(meta.ld_nodes)

    for tag in soup.find_all(True):
        name = tag.name
        attrs = tag.attrs
        if name == "meta":
            content = attrs.get("content")
            key = attrs.get("property") or attrs.get("name") or attrs.get("http-equiv")
            if content is not None and key:
                meta.meta.setdefault(str(key).strip().lower(), []).append(str(content))
            elif content is not None and attrs.get("itemprop"):
                for p in str(attrs["itemprop"]).lower().split():
                    meta.microdata.setdefault(p, []).append(tag)
            continue
        if not attrs and name not in ("time", "figure", "title", "article"):
            continue
        if name == "link":
            rel = str(attrs.get("rel") or "").lower().split()
            if "canonical" in rel and meta.canonical is None and attrs.get("href"):
                meta.canonical = str(attrs["href"]).strip()
            continue
        if name == "html":
            lang = attrs.get("lang") or attrs.get("xml:lang")
            if lang:
                meta.html_lang = str(lang).strip()
        elif name == "title" and meta.title_tag is None:
            meta.title_tag = clean_text(tag.get_text(" "))
        elif name == "time" or (
            # an hAtom stamp: <abbr class="published" title="2012-11-06T06:11:36-08:00">Nov 6</abbr>
            name == "abbr" and attrs.get("title") and "published" in str(attrs.get("class") or "").split()
        ):
            meta.times.append(tag)
        elif name == "figure":
            meta.figures += 1
        elif name == "article":
            meta.article_tags += 1
        prop = attrs.get("itemprop")
        if prop:
            for p in str(prop).lower().split():
                meta.microdata.setdefault(p, []).append(tag)
        if "author" in str(attrs.get("rel") or "").lower().split():
            meta.author_links.append(tag)
        cls = attrs.get("class")
        if cls:
            low = str(cls).lower()
            if "byline" in low or "author" in low:
                meta.byline_tags.append(tag)
            if "paywall" in low or "subscriber-only" in low or "premium-content" in low:
                meta.paywall_marker = True
            if _LIVE.search(low):
                meta.live_marker = True
    return meta


def ld_text(value: Any) -> str | None:
    """A JSON-LD value as one clean string (first of a list; ``name``/``@value`` of an object)."""
    if isinstance(value, list):
        for item in value:
            text = ld_text(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        return ld_text(value.get("name") or value.get("@value") or value.get("url") or value.get("@id"))
    if isinstance(value, str | int | float):
        text = clean_text(html.unescape(str(value)))
        return text or None
    return None


def ld_names(value: Any) -> list[str]:
    """Names of JSON-LD persons/organisations (``author``, ``creator``), strings kept as given."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:30]:
        if isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = name[0] if name else None
            if not name and (item.get("givenName") or item.get("familyName")):
                name = f"{item.get('givenName', '')} {item.get('familyName', '')}"
            if isinstance(name, str) and clean_text(name):
                out.append(clean_text(html.unescape(name)))
        elif isinstance(item, str) and clean_text(item):
            out.append(clean_text(html.unescape(item)))
    return out
