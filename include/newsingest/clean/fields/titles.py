"""The headline: every source the page offers (og:title, JSON-LD, meta, microdata, <h1>, <title>, feed),
site-name segments cut where confirmed, best source first; and the names the site goes by."""

from __future__ import annotations

import html as html_mod
import re
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from newsingest.clean.metadata import PageMeta, ld_text
from newsingest.clean.text import clean_text

# "ㅣ" (Hangul letter i, U+3163) is the bar of Korean titles; it never stands alone inside a word.
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|•|::|»|/|:|\*)\s+|:\s+|\s*[｜：ㅣ]\s*")
# A trailing segment after a headline, as in "Headline | Sport" or "Headline – DW – 13.06.2023".
# A colon is left out on purpose: "Headline: more headline" is content, not furniture.
_TRAILING_SEGMENT = re.compile(r"(?:\s*[|｜ㅣ：*»·•/]\s*|\s*[-–—]\s*)\S.{0,49}", re.S)


def site_names(meta: PageMeta, url: str) -> list[str]:
    names = meta.all_meta("og:site_name", "application-name", "twitter:site", "apple-mobile-web-app-title")
    for node in meta.ld_nodes:
        if {"organization", "newsmediaorganization", "website"} & node_types(node):
            name = ld_text(node.get("name"))
            if name:
                names.append(name)
    pub = (meta.ld_article or {}).get("publisher")
    if pub:
        name = ld_text(pub)
        if name:
            names.append(name)
    host = (urlsplit(url).hostname or "").lower()
    labels = [x for x in host.split(".") if x not in ("www", "com", "co", "uk", "org", "net", "news", "m")]
    names.extend(labels)
    # A site's name is short; a long "name" on a WebSite node is some page's headline (seen in the wild).
    return [n.lstrip("@") for n in names if n and len(n) <= 40 and len(n.split()) <= 5]


def node_types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    if isinstance(value, str):
        return {value.lower()}
    return {str(v).lower() for v in value} if isinstance(value, list) else set()


_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def squash(text: str) -> str:
    """Lower-case letters and digits only; German umlauts spelled out as in host names."""
    return re.sub(r"[^\w]", "", text.lower().translate(_TRANSLITERATE))


def _names_site(segment: str, name: str) -> bool:
    """A squashed title segment names the site: the name itself, or a variant of it that adds a few
    characters at one end ("cbcnews" for "cbc", "sueddeutschede" for "sueddeutsche").

    A segment that merely starts with the site's name ("theguardianviewonhongkong") is a headline.
    """
    if segment == name:
        return True
    short, long_ = (segment, name) if len(segment) < len(name) else (name, segment)
    if len(short) < 3 or not (long_.startswith(short) or long_.endswith(short)):
        return False
    return len(long_) - len(short) <= max(5, len(short) // 3)


def names_the_site(text: str, site_names: list[str]) -> bool:
    """The whole text is the site's name ("Bike Notes" on bikenotes.com, "Seth's Blog" for og:site_name
    "Seth's Blog"): no headline."""
    seg = squash(text)
    return bool(seg) and any(_names_site(seg, squash(n)) for n in site_names if len(squash(n)) >= 3)


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """Remove site name segments ("Headline | The Site", "Site - Headline", "Headline | Site | by X")."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    squashed = [squash(n) for n in site_names if n and len(squash(n)) >= 2]

    def is_site(segment: str, trailing: bool = False) -> bool:
        seg = squash(segment)
        if not seg:
            return False
        if any(_names_site(seg, n) for n in squashed):
            return True
        # After a "|" or " - ", a segment that starts or ends with the site's name names the site
        # ("Die Neue Südtiroler Tageszeitung" for "tageszeitung"); a leading one is too often a headline.
        return trailing and any(len(n) >= 4 and (seg.startswith(n) or seg.endswith(n)) for n in squashed)

    seps = list(_TITLE_SEPARATORS.finditer(title))
    # The first segment after the headline that names the site ends the headline; what follows
    # it ("| by Author", "| 28.04.2023") is furniture too.
    for i in range(1, len(parts)):
        if is_site(parts[i], trailing=":" not in seps[i - 1].group(0)):
            return title[: seps[i - 1].start()].strip() or title
    if is_site(parts[0]):
        return title[seps[0].end() :].strip() or title
    return title


def _drop_confirmed_suffix(value: str, others: list[str]) -> str:
    """Shorten ``value`` to another source's title when it is that title plus a trailing segment.

    "Headline | Sport" next to an og:title "Headline" is a section or site suffix that the site-name
    list did not know; a second source confirming the shorter form makes the cut safe.
    """
    best = value
    for other in others:
        shorter = len(other) < len(best) and len(other) >= 0.3 * len(value)
        if shorter and value.startswith(other) and _TRAILING_SEGMENT.fullmatch(value[len(other) :]):
            best = other
    return best


def title_candidates(
    meta: PageMeta, soup: BeautifulSoup, url: str, hint: str | None = None
) -> list[tuple[str, str, bool]]:
    """Every headline the page offers, best source first, site names cut.

    Items are ``(title, provenance, may_confirm)``; ``may_confirm`` is False for an ``<h1>``, which often
    holds only a kicker and so never shortens another source's title.
    """
    sites = site_names(meta, url)
    node = meta.ld_article or {}
    candidates: list[tuple[str | None, str, bool]] = [
        ((meta.first_meta("og:title") or (None, None))[1], "opengraph", True),
        (ld_text(node.get("headline")), "json-ld", True),
        (
            (meta.first_meta("twitter:title", "title", "dc.title", "sailthru.title") or (None, None))[1],
            "meta",
            True,
        ),
    ]
    micro = meta.microdata.get("headline")
    if micro:
        candidates.append((clean_text(micro[0].get_text(" ")), "microdata", True))
    h1 = soup.find("h1")
    masthead = False  # the <h1> is the site's name (a blog's masthead): the <title> tells the headline
    if isinstance(h1, Tag):
        heading = clean_text(h1.get_text(" "))
        masthead = names_the_site(heading, sites + host_names(url))
        if not masthead:
            candidates.append((heading, "dom", False))
    if not masthead and not any(value for value, _, _ in candidates):
        # No headline in metadata nor an <h1> (aggregators, old CMSs): <title> is often just the site
        # name there, so a headline-styled element comes first.
        headline = _headline_element(soup)
        if headline:
            candidates.append((headline, "dom", False))
    candidates.append((meta.title_tag, "dom", True))
    candidates.append((clean_text(hint) if hint else None, "feed", True))
    return [
        (strip_site_suffix(html_mod.unescape(value), sites), prov, confirms)
        for value, prov, confirms in candidates
        if value and 3 <= len(value) <= 400
    ]


def pick_title(meta: PageMeta, soup: BeautifulSoup, url: str, hint: str | None) -> tuple[str | None, str]:
    usable = title_candidates(meta, soup, url, hint)
    if not usable:
        return None, "dom"
    # og:title > JSON-LD headline > other meta > microdata > <h1> > <title> > feed title. og:title and
    # the JSON-LD headline disagree on about a third of real pages (a social vs an SEO headline);
    # measured on the Fundus dev corpora (scripts/eval_title_sources.py), neither order nor letting
    # the <h1> arbitrate wins clearly, and og:title is less often cut to a search-engine length limit.
    # One exception: an og:title that only repeats the <title> (the SEO headline) while JSON-LD names
    # another headline gives way to the JSON-LD one (_editorial_over_seo_copy).
    title, prov, _ = usable[0]
    first = _editorial_over_seo_copy(usable)
    if first is not None:
        title, prov = usable[first][0], usable[first][1]
    confirming = [value for i, (value, _, confirms) in enumerate(usable) if confirms and i != first and i]
    if first is not None:
        confirming.append(usable[0][0])
    return _drop_confirmed_suffix(title, confirming), prov


def _editorial_over_seo_copy(usable: list[tuple[str, str, bool]]) -> int | None:
    """Index of the JSON-LD headline when og:title is a copy of the page's ``<title>`` and the JSON-LD
    headline is a different headline (not the same words with other quote marks); else None.

    The ``<title>`` is the search-engine headline; an og:title that repeats it word for word while the
    article's JSON-LD names another headline was filled from the SEO field, and the JSON-LD one is the
    story's own (measured on the Fundus dev corpora: docs/cleaning.md, Title).
    """
    og = next((v for v, prov, _ in usable if prov == "opengraph"), None)
    ld = next((i for i, (_, prov, _) in enumerate(usable) if prov == "json-ld"), None)
    tag = next((v for v, prov, confirms in usable if prov == "dom" and confirms), None)
    if og is None or ld is None or tag is None:
        return None
    og_key, ld_key = squash(og), squash(usable[ld][0])
    return ld if og_key != ld_key and squash(tag) == og_key else None


_HEADLINE_CLASS = re.compile(r"(?:^|[\s_-])(?:title|headline|heading)(?:$|[\s_-])", re.I)


def _headline_element(soup: BeautifulSoup) -> str | None:
    """Text of the first element styled as a title/headline (``item-title``, ``entry-headline``)."""
    body = soup.body if isinstance(soup.body, Tag) else soup
    for tag in body.find_all(class_=_HEADLINE_CLASS, limit=5):
        text = clean_text(tag.get_text(" "))
        if 10 <= len(text) <= 300:
            return text
    return None


def host_names(url: str) -> list[str]:
    """The page's host without ``www.`` ("mdr.de"), which bylines sometimes name as the author."""
    host = (urlsplit(url).hostname or "").lower()
    return [host.removeprefix("www.")] if host else []
