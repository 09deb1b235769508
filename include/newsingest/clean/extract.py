"""The cleaner's entry points: ``extract`` (page -> CleanedArticle) and ``clean_page`` (drops non-articles).

Pipeline per page: decode bytes -> pre-strip scripts/styles/chrome -> BeautifulSoup (lxml) ->
metadata (JSON-LD, OpenGraph, meta, microdata) -> main text by content scoring -> fields with
provenance -> page type and access. Never raises on bad input: see ``clean_page``.
"""

from __future__ import annotations

import html as html_mod
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypedDict, Unpack
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from newsingest.clean import boilerplate
from newsingest.clean import dates as dates_mod
from newsingest.clean.authors import agency_name, split_authors
from newsingest.clean.hydration import script_paragraphs
from newsingest.clean.metadata import PageMeta, ld_names, ld_text, read_metadata
from newsingest.clean.pagetype import NON_ARTICLE, PageSignals, classify
from newsingest.clean.scoring import BodyResult, extract_body
from newsingest.clean.text import clean_text, prestrip, text_looks_binary
from newsingest.models import CleanedArticle, DroppedPage
from newsingest.web.charset import UndecodableInput, decode_html
from newsingest.web.urls import join_url

MIN_BODY_CHARS = 250

# Optional per-source post-processing hooks (not used by the core; for publishers that need help).
SourceOverride = Callable[[CleanedArticle, BeautifulSoup], CleanedArticle]
_OVERRIDES: dict[str, SourceOverride] = {}

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|•|::|»|/|:|\*)\s+|:\s+|\s*[｜：]\s*")
# A trailing segment after a headline, as in "Headline | Sport" or "Headline – DW – 13.06.2023".
# A colon is left out on purpose: "Headline: more headline" is content, not furniture.
_TRAILING_SEGMENT = re.compile(r"(?:\s*[|｜ㅣ：*»·•/]\s*|\s*[-–—]\s*)\S.{0,49}", re.S)
_LANG = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$")


def register_override(source: str, hook: SourceOverride) -> None:
    """Register a post-processing hook for one source (called with the article and the parse tree)."""
    _OVERRIDES[source] = hook


def canonicalize_url(url: str) -> str:
    """Canonical form of a URL: the crawl room's ``canonicalize`` when available, else a local fallback."""
    try:
        from newsingest.web.urls import canonicalize  # type: ignore[import-not-found]
    except ImportError:
        return _fallback_canonicalize(url)
    try:
        return canonicalize(url)
    except Exception:
        return _fallback_canonicalize(url)


_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ito|at_\w+|__twitter_impression)$", re.I
)


def _fallback_canonicalize(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port not in (None, 80 if scheme == "http" else 443) else None
    netloc = f"{host}:{port}" if port else host
    query = "&".join(q for q in parts.query.split("&") if q and not _TRACKING.match(q.split("=", 1)[0]))
    path = parts.path or "/"
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


# --------------------------------------------------------------------------- field pickers


def _site_names(meta: PageMeta, url: str) -> list[str]:
    names = meta.all_meta("og:site_name", "application-name", "twitter:site", "apple-mobile-web-app-title")
    for node in meta.ld_nodes:
        if {"organization", "newsmediaorganization", "website"} & _node_types(node):
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


def _node_types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    if isinstance(value, str):
        return {value.lower()}
    return {str(v).lower() for v in value} if isinstance(value, list) else set()


_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _squash(text: str) -> str:
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


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """Remove site name segments ("Headline | The Site", "Site - Headline", "Headline | Site | by X")."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    squashed = [_squash(n) for n in site_names if n and len(_squash(n)) >= 2]

    def is_site(segment: str, trailing: bool = False) -> bool:
        seg = _squash(segment)
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
    sites = _site_names(meta, url)
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
    if isinstance(h1, Tag):
        candidates.append((clean_text(h1.get_text(" ")), "dom", False))
    if not any(value for value, _, _ in candidates):
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


def _pick_title(meta: PageMeta, soup: BeautifulSoup, url: str, hint: str | None) -> tuple[str | None, str]:
    usable = title_candidates(meta, soup, url, hint)
    if not usable:
        return None, "dom"
    # og:title > JSON-LD headline > other meta > microdata > <h1> > <title> > feed title. og:title and
    # the JSON-LD headline disagree on about a third of real pages (a social vs an SEO headline);
    # measured on the Fundus dev corpora (scripts/eval_title_sources.py), neither order nor letting
    # the <h1> arbitrate wins clearly, and og:title is less often cut to a search-engine length limit.
    title, prov, _ = usable[0]
    confirming = [value for value, _, confirms in usable[1:] if confirms]
    return _drop_confirmed_suffix(title, confirming), prov


_HEADLINE_CLASS = re.compile(r"(?:^|[\s_-])(?:title|headline|heading)(?:$|[\s_-])", re.I)


def _headline_element(soup: BeautifulSoup) -> str | None:
    """Text of the first element styled as a title/headline (``item-title``, ``entry-headline``)."""
    body = soup.body if isinstance(soup.body, Tag) else soup
    for tag in body.find_all(class_=_HEADLINE_CLASS, limit=5):
        text = clean_text(tag.get_text(" "))
        if 10 <= len(text) <= 300:
            return text
    return None


_NAME_PARTICLES = frozenset(
    {"de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "bin", "al", "el"}
)


def _looks_like_person(name: str) -> bool:
    """Two to four capitalised words ("Jemima Kelly", "Lê Phương"), or one short token in a script
    without letter case ("松岡大地")."""
    words = name.split()
    if any(ch.isdigit() or ch in ":|@" for ch in name):
        return False
    if len(words) == 1:
        word = words[0]
        return 2 <= len(word) <= 6 and not any(ch.isupper() or ch.islower() for ch in word)
    return (
        2 <= len(words) <= 5
        and words[0][0].isupper()
        and words[-1][0].isupper()
        and all(w[0].isupper() or w in _NAME_PARTICLES for w in words)
    )


def _host_names(url: str) -> list[str]:
    """The page's host without ``www.`` ("mdr.de"), which bylines sometimes name as the author."""
    host = (urlsplit(url).hostname or "").lower()
    return [host.removeprefix("www.")] if host else []


def _publisher_filter(sites: list[str]) -> Callable[[str], bool]:
    """A predicate telling whether a byline name is the publisher itself ("STERN.de", "n-tv NACHRICHTEN")."""
    squashed = {_squash(n) for n in sites if n}
    squashed.discard("")

    def is_publisher(name: str) -> bool:
        sq = _squash(name)
        if not sq:
            return False
        for site in squashed:
            if sq == site or (len(site) >= 4 and site in sq) or (len(sq) >= 4 and sq in site):
                return True
            if len(site) >= 3 and sq.startswith(site) and len(name.split()) <= 2:
                return True
        return False

    return is_publisher


def _pick_authors(meta: PageMeta, sites: list[str]) -> tuple[list[str], list[str], str | None]:
    """People (and wire agencies) credited with the article.

    JSON-LD author/creator > meta author tags > microdata > DOM byline. A source that names only the
    publisher itself ("STERN.de") gives way to a later one naming a person; with none, the publisher's
    byline stays (it is what the page credits). (Preferring people from any source over a JSON-LD
    Organization was measured and lost: DOM bylines are noisier.)
    """
    is_publisher = _publisher_filter(sites)
    fallback: tuple[list[str], list[str], str | None] = ([], [], None)
    for people, agencies, prov in _author_sources(meta):
        if not (people or agencies):
            continue
        if agencies or not all(is_publisher(p) for p in people):
            if fallback[2] is None:
                return people, agencies, prov
            persons = [p for p in people if _looks_like_person(p) and not is_publisher(p)]
            if persons:
                return persons, agencies, prov
            continue
        if fallback[2] is None:
            fallback = (people, agencies, prov)
    return fallback


_BYLINE_PREFIX = re.compile(
    r"^(?:by|von|par|por|di|door|av|af|text|words|written by|reporting by)\s*:?\s+", re.I
)
_BYLINE_SPLIT = re.compile(r"\s*(?:/|,|&|;|\band\b|\bund\b|\bet\b|\bog\b|\boch\b)\s*")


def _text_byline(lines: list[str], title: str | None) -> tuple[list[str], str | None]:
    """People named by a byline in the visible text near the headline ("By Jane Doe",
    "Mathatisi Sebusi/Mohalenyane Phakela"), with the line they came from.

    A line counts when it is short and made only of person-like names: after "By" one name is enough,
    without it two or more are needed (a lone name is as likely a heading or a caption credit).
    """
    for line in lines:
        if len(line) > 90 or line == title:
            continue
        stripped = line.strip(" |·•-–—")
        bare = _BYLINE_PREFIX.sub("", stripped)
        names = [n.strip() for n in _BYLINE_SPLIT.split(bare) if n.strip()]
        if not 1 <= len(names) <= 4 or not all(_looks_like_person(n) for n in names):
            continue
        if bare != stripped or len(names) >= 2:
            return names, line
    return [], None


def _author_sources(meta: PageMeta) -> Iterator[tuple[list[str], list[str], str]]:
    node = meta.ld_article or {}
    raw = ld_names(node.get("author")) or ld_names(node.get("creator"))
    if raw:
        yield (*split_authors(raw), "json-ld")
    for key in (
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "dcterms.creator",
        "byl",
        "cxenseparse:author",
    ):
        names = [n for n in meta.all_meta(key) if not n.startswith(("http://", "https://", "www."))]
        if names:
            yield (*split_authors(names), "meta")
    micro = meta.microdata.get("author") or meta.microdata.get("creator")
    if micro:
        names = []
        for tag in micro[:10]:
            inner = tag.find(attrs={"itemprop": "name"})
            target = inner if isinstance(inner, Tag) else tag
            text = target.get("content") if target.name == "meta" else target.get_text(" ")
            if text:
                names.append(clean_text(str(text)))
        yield (*split_authors(names), "microdata")
    for tags in (meta.author_links, meta.byline_tags):
        texts = []
        for tag in tags[:6]:
            text = clean_text(tag.get_text(" "))
            if 2 < len(text) < 120:
                texts.append(text)
        if texts:
            people, agencies = split_authors(texts)
            yield people[:6], agencies, "dom"


def _text_date(body: BodyResult) -> datetime | None:
    """The date of the visible date line: the first line near the headline that holds a date.

    Lines come nearest to the headline first, captions and teaser lists left out (``_date_lines``).
    """
    for line in body.date_lines:
        found = dates_mod.date_from_text(line)
        if found is not None and dates_mod.plausible(found):
            return found
    return None


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


def _date_candidates(
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
            add(tag.get("datetime") or tag.get("content") or tag.get_text(" "), "microdata", 3)
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
            add(tag.get("datetime") or tag.get("content") or tag.get_text(" "), "microdata", 3)
        return out
    for tag in [t for t in meta.times[:12] if not _in_teaser(t)][:5]:
        value = tag.get("datetime")
        if value:
            add(value, "dom", 4)
    if hint is not None:
        add(hint, "feed", 5)
    url_date = dates_mod.date_from_url(url)
    if url_date is not None:
        out.append(dates_mod.DateCandidate(url_date, "url", 6))
    if any(dates_mod.plausible(c.value) for c in out):
        return out  # the text date ranks last: look for it only when nothing else dates the page
    text_date = _text_date(body) if body is not None else None
    if text_date is not None:
        out.append(dates_mod.DateCandidate(text_date, "text", 7))
    return out


def _pick_language(meta: PageMeta) -> tuple[str | None, str | None]:
    for value, prov in (
        (meta.html_lang, "dom"),
        ((meta.first_meta("content-language", "language", "dc.language") or (None, None))[1], "meta"),
        ((meta.first_meta("og:locale") or (None, None))[1], "opengraph"),
        (ld_text((meta.ld_article or {}).get("inLanguage")), "json-ld"),
    ):
        if value:
            value = value.split(",")[0].strip()
            if _LANG.match(value):
                return value.replace("_", "-").split("-")[0].lower(), prov
    return None, None


def _pick_section(meta: PageMeta, url: str) -> tuple[str | None, str | None]:
    value = ld_text((meta.ld_article or {}).get("articleSection"))
    if value:
        return value, "json-ld"
    found = meta.first_meta("article:section", "section", "parsely-section", "category", "sailthru.section")
    if found:
        return found[1], "meta" if found[0] != "article:section" else "opengraph"
    path = [p for p in urlsplit(url).path.split("/") if p]
    if (
        len(path) >= 2
        and re.fullmatch(r"[a-z][a-z-]{2,24}", path[0])
        and path[0] not in ("article", "news", "story", "amp")
    ):
        return path[0], "url"
    return None, None


def _pick_tags(meta: PageMeta) -> tuple[list[str], str | None]:
    value = (meta.ld_article or {}).get("keywords")
    items: list[str] = []
    if isinstance(value, str):
        items = [x for x in re.split(r"[,;]", value)]
    elif isinstance(value, list):
        items = [x for x in value if isinstance(x, str)]
    items = [clean_text(x) for x in items if clean_text(x)]
    if items:
        return _dedupe(items)[:50], "json-ld"
    tags = meta.all_meta("article:tag")
    if tags:
        return _dedupe(tags)[:50], "opengraph"
    found = meta.first_meta("news_keywords", "keywords", "parsely-tags", "sailthru.tags")
    if found:
        return _dedupe([clean_text(x) for x in re.split(r"[,;]", found[1]) if clean_text(x)])[:50], "meta"
    return [], None


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out


def _pick_image(meta: PageMeta, url: str) -> tuple[str | None, str | None]:
    image = (meta.ld_article or {}).get("image")
    og = meta.first_meta("og:image", "og:image:url", "og:image:secure_url") or (None, None)
    other = meta.first_meta("twitter:image", "twitter:image:src", "thumbnail") or (None, None)
    candidates = (
        (og[1], "opengraph"),
        (ld_text(image.get("url") if isinstance(image, dict) else image), "json-ld"),
        (other[1], "meta"),
    )
    for value, prov in candidates:
        absolute = join_url(url, value) if value else None
        if absolute:
            return absolute, prov
    return None, None


def _pick_subtitle(meta: PageMeta, body: BodyResult, page_text: str) -> tuple[str | None, str | None]:
    if body.standfirst:
        return body.standfirst, "dom"
    micro = meta.microdata.get("description") or meta.microdata.get("alternativeheadline")
    if micro and micro[0].name != "meta":
        text = clean_text(micro[0].get_text(" "))
        if 20 <= len(text) <= 800:
            return text, "microdata"
    for value, prov in (
        (ld_text((meta.ld_article or {}).get("description")), "json-ld"),
        ((meta.first_meta("og:description") or (None, None))[1], "opengraph"),
        ((meta.first_meta("description") or (None, None))[1], "meta"),
    ):
        # A description counts as the subtitle only when the page shows it (a visible standfirst).
        if value and len(value) >= 20 and value.rstrip(".… ") in page_text:
            first = body.paragraphs[0] if body.paragraphs else ""
            if value.rstrip(".… ") not in first:
                return value, prov
    return None, None


# --------------------------------------------------------------------------- entry points


def _analyse(
    html: str | bytes,
    url: str,
    *,
    published_hint: datetime | None,
    title_hint: str | None,
    source: str | None,
    min_chars: int,
) -> tuple[CleanedArticle, str | None, dict[str, str | int | float | bool]]:
    """Extract an article; return it with the reason to drop it (None when it is a keeper) and the
    article evidence seen on the page (``article_evidence``)."""
    empty = CleanedArticle(
        url=url, canonical_url=canonicalize_url(url), source=source, page_type="unknown", access="unknown"
    )
    try:
        text = decode_html(html)
    except UndecodableInput:
        return empty, "binary", {}
    if not text or not text.strip():
        return empty, "empty", {}
    if text_looks_binary(text):
        return empty, "binary", {}
    prepared = prestrip(text)
    soup = BeautifulSoup(prepared.html, "lxml", multi_valued_attributes=None)
    meta = read_metadata(soup, prepared.ld_json)
    prov: dict[str, str] = {}

    title, prov["title"] = _pick_title(meta, soup, url, title_hint)
    sites = _site_names(meta, url) + _host_names(url)
    people, agencies, author_prov = _pick_authors(meta, sites)

    root = soup.body if isinstance(soup.body, Tag) else soup
    ld_raw = (meta.ld_article or {}).get("articleBody")
    ld_body = html_mod.unescape(ld_raw) if isinstance(ld_raw, str) else ""
    if "<" in ld_body and re.search(r"</?(?:p|br|div|span|a|strong|em)\b", ld_body):
        ld_body = BeautifulSoup(ld_body, "lxml").get_text("\n")  # some CMSs put HTML in articleBody
    description = (meta.first_meta("og:description", "description") or (None, ""))[1] or ""
    body = extract_body(
        root,
        title=title,
        authors=people,
        guide_text=ld_body or None,
        description=description,
        min_chars=min_chars,
    )
    paragraphs = body.paragraphs
    body_prov = "dom"
    dom_chars = sum(len(p) for p in paragraphs)
    ld_chars = len(clean_text(ld_body))
    if ld_chars > max(400, dom_chars * 3) or (
        # the DOM gave too little, or only furniture: the publisher's own article text is better
        (dom_chars < min_chars or body.implausible) and ld_chars > dom_chars and ld_chars >= 80
    ):
        paragraphs = [p for p in (clean_text(x) for x in re.split(r"\n", ld_body)) if p]
        body_prov = "json-ld"
    elif dom_chars < min_chars or body.last_resort:  # a shell: the story may ship as data for JavaScript
        shipped = script_paragraphs(text, f"{title or ''} {description}", min_chars=min_chars)
        if shipped and sum(len(p) for p in shipped) > dom_chars:
            paragraphs, body_prov = shipped, "script"
    prov["body"] = body_prov
    # A byline in the text beats metadata that credits only the publisher (or nobody).
    is_publisher = _publisher_filter(sites)
    if not agencies and all(is_publisher(p) for p in people):
        named, line = _text_byline(body.top_lines + paragraphs[:2], title)
        if named and not any(is_publisher(n) for n in named):
            people, author_prov = named, "text"
            paragraphs = [p for p in paragraphs if p != line]
    if author_prov:
        prov["authors"] = author_prov

    # Agencies named in a dateline ("LONDON (Reuters) -") when no byline credits one.
    if not agencies and paragraphs:
        m = re.match(r"^[^()]{0,60}\(([A-Za-z .]{2,30})\)\s*[-—–]", paragraphs[0])
        if m and agency_name(m.group(1)):
            agencies = [agency_name(m.group(1))]  # type: ignore[list-item]
            prov.setdefault("agency", "text")
    if agencies:
        prov.setdefault("agency", author_prov or "text")

    page_text = " ".join(b for b in body.page_text)
    subtitle, sub_prov = _pick_subtitle(meta, body, page_text)
    if sub_prov:
        prov["subtitle"] = sub_prov

    published_c = dates_mod.best_date(_date_candidates(meta, url, "published", published_hint, body))
    modified_c = dates_mod.best_date(_date_candidates(meta, url, "modified", None, None))
    if published_c:
        prov["published"] = published_c.provenance
    if modified_c:
        prov["modified"] = modified_c.provenance

    canonical = None
    for value, cprov in (
        (meta.canonical, "dom"),
        ((meta.first_meta("og:url") or (None, None))[1], "opengraph"),
    ):
        if value:
            absolute = join_url(url, value)
            if (
                absolute
                and urlsplit(absolute).scheme in ("http", "https")
                and (urlsplit(absolute).path not in ("", "/") or urlsplit(url).path in ("", "/"))
            ):
                canonical, prov["canonical_url"] = absolute, cprov
                break
    if canonical is None:
        canonical, prov["canonical_url"] = url, "url"

    language, lang_prov = _pick_language(meta)
    if lang_prov:
        prov["language"] = lang_prov
    section, sec_prov = _pick_section(meta, url)
    if sec_prov:
        prov["section"] = sec_prov
    tags, tag_prov = _pick_tags(meta)
    if tag_prov:
        prov["tags"] = tag_prov
    image, img_prov = _pick_image(meta, url)
    if img_prov:
        prov["lead_image"] = img_prov

    body_text = "\n\n".join(paragraphs)
    og_type = (meta.first_meta("og:type") or ("", ""))[1].lower()
    signals = PageSignals(
        title=title or meta.title_tag or "",
        body_chars=len(body_text),
        body_paragraphs=len(paragraphs),
        page_text_chars=body.page_chars,
        page_link_chars=body.page_link_chars,
        figures=len(body.captions),  # captioned images in the main content, not teaser thumbnails
        headline_links=body.headline_links,
        page_text_sample=page_text[:6000],
        paywall_marker=meta.paywall_marker,
        live_marker=meta.live_marker,
        article_markers=bool(meta.ld_article) or og_type == "article" or "articlebody" in meta.microdata,
        url=url,
    )
    page_type, access, type_prov = classify(meta, signals, min_chars=min_chars)
    prov["page_type"] = type_prov
    prov["access"] = type_prov if access != "free" else "detected"

    article = CleanedArticle(
        url=url,
        canonical_url=canonicalize_url(canonical),
        source=source,
        title=title,
        subtitle=subtitle,
        body=body_text,
        paragraphs=paragraphs,
        captions=body.captions,
        lead_image=image,
        authors=people,
        agency=agencies,
        published=published_c.value if published_c else None,
        modified=modified_c.value if modified_c else None,
        language=language,
        section=section,
        tags=tags,
        page_type=page_type,  # type: ignore[arg-type]
        access=access,  # type: ignore[arg-type]
        provenance=prov,
        truncated=prepared.truncated,
        original_chars=prepared.original_chars if prepared.truncated else None,
    )
    hook = _OVERRIDES.get(source or "")
    if hook is not None:
        article = hook(article, soup)
    kept_chars = len(article.body)
    if article.page_type == "gallery":  # a gallery's text is mostly its captions
        kept_chars += sum(len(c) for c in article.captions)
    doubtful = article.page_type in NON_ARTICLE or kept_chars < min_chars or bool(body.implausible)
    if not doubtful:
        return article, None, {}  # a plain keeper: no evidence needed
    evidence = article_evidence(meta, soup, url, article, body)
    strong = sum(1 for key in _STRONG_EVIDENCE if key in evidence)
    # One strong sign and one more (strong or not) make a page an article.
    plainly_article = strong >= 1 and len(evidence) >= 2
    if article.page_type == "index" and plainly_article:
        # An article page that looked like a list (many links around a short story): keep it.
        article.page_type = "article"
        article.provenance["page_type"] = "detected"
    evidence["body_chars"] = kept_chars
    if body.implausible and body_prov == "dom":
        evidence["implausible_body"] = body.implausible
    if article.page_type in NON_ARTICLE:
        return article, f"page_type:{article.page_type}", evidence
    if body.implausible and body_prov == "dom":
        return article, "furniture_only", evidence  # no candidate read as a story: index nothing
    # A short story on a page that is plainly an article (a news brief) is kept.
    short_ok = plainly_article and kept_chars >= _MIN_BRIEF_CHARS and not body.implausible
    if kept_chars < min_chars and not short_ok:
        return article, "too_short", evidence
    return article, None, evidence


# Evidence that a page is an article, whatever its body scored (recorded on a drop).
_STRONG_EVIDENCE = (
    "json_ld_article",
    "og_type_article",
    "dated_url",
    "dominant_text",
    "byline",
    "story_text",
)
_SENTENCE_END = re.compile(r"[.!?…\"'”’)。！？]$")
_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "blogposting",
        "report",
        "scholarlyarticle",
        "techarticle",
    }
)
_MIN_BRIEF_CHARS = 60


def article_evidence(
    meta: PageMeta, soup: BeautifulSoup, url: str, article: CleanedArticle, body: BodyResult
) -> dict[str, str | int | float | bool]:
    """What on the page says it is an article: JSON-LD article type, ``og:type=article``, a date in the
    URL, one dominant text cluster, a byline naming a person (not the publisher), at least two paragraphs
    of running prose (400 characters or more), a headline equal to the title, a publication date in the
    page's metadata. Only present items appear."""
    found: dict[str, str | int | float | bool] = {}
    node_type = _node_types(meta.ld_article or {}) & _ARTICLE_TYPES
    if node_type:
        found["json_ld_article"] = sorted(node_type)[0]
    if (meta.first_meta("og:type") or ("", ""))[1].strip().lower() == "article":
        found["og_type_article"] = True
    url_date = dates_mod.date_from_url(url)
    if url_date is not None:
        found["dated_url"] = url_date.date().isoformat()
    if body.main_share >= 0.6:
        found["dominant_text"] = round(body.main_share, 2)
    is_publisher = _publisher_filter(_site_names(meta, url) + _host_names(url))
    persons = [a for a in article.authors if _looks_like_person(a) and not is_publisher(a)]
    if persons:
        found["byline"] = ", ".join(persons[:3])
    prose = [p for p in article.paragraphs if len(p) >= 80 and _SENTENCE_END.search(p)]
    if sum(len(p) for p in prose) >= 400:
        found["story_text"] = sum(len(p) for p in prose)
    if article.title:
        wanted = article.title.lower()
        for tag in soup.find_all(("h1", "h2"), limit=6):
            heading = clean_text(tag.get_text(" ")).lower()
            if len(heading) >= 15 and (heading == wanted or heading in wanted or wanted in heading):
                found["headline_matches_title"] = True
                break
    if article.published is not None and article.provenance.get("published") in (
        "json-ld",
        "meta",
        "microdata",
    ):
        found["dated"] = article.provenance["published"]
    return found


def extract(
    html: str | bytes,
    url: str,
    *,
    published_hint: datetime | None = None,
    title_hint: str | None = None,
    source: str | None = None,
) -> CleanedArticle:
    """Extract the article fields of one page (whatever its page type) with per-field provenance."""
    article, _, _ = _analyse(
        html,
        url,
        published_hint=published_hint,
        title_hint=title_hint,
        source=source,
        min_chars=MIN_BODY_CHARS,
    )
    return article


class CleanOptions(TypedDict, total=False):
    """Keyword options of ``clean_page`` and ``extract_with_verdict``."""

    published_hint: datetime | None  # a date the feed or sitemap gave
    title_hint: str | None  # a title the feed gave
    source: str | None
    min_chars: int  # shortest body kept (MIN_BODY_CHARS)


def extract_with_verdict(
    html: str | bytes, url: str, **options: Unpack[CleanOptions]
) -> tuple[CleanedArticle | None, DroppedPage | None]:
    """The extracted article (None when the page could not be read) and the drop record ``clean_page``
    returns for it (None when the page is kept). Never raises for page content."""
    source = options.get("source")
    min_chars = options.get("min_chars", MIN_BODY_CHARS)
    try:
        article, reason, evidence = _analyse(
            html,
            url,
            published_hint=options.get("published_hint"),
            title_hint=options.get("title_hint"),
            source=source,
            min_chars=min_chars,
        )
    except RecursionError:
        return None, DroppedPage(
            url=url,
            source=source,
            stage="clean",
            reason="too_deep",
            detail="markup nesting too deep to parse",
        )
    except Exception as exc:
        return None, DroppedPage(
            url=url,
            source=source,
            stage="clean",
            reason="extract_error",
            detail=f"{type(exc).__name__}: {exc}"[:500],
        )
    if reason is None:
        return article, None
    detail = None
    if reason == "too_short":
        detail = f"body has {len(article.body)} characters (minimum {min_chars})"
    elif reason.startswith("page_type:"):
        detail = f"title: {article.title!r}" if article.title else None
    elif reason == "furniture_only":
        detail = f"every candidate body reads as page furniture ({len(article.body)} characters)"
    dropped = DroppedPage(
        url=url, source=source, stage="clean", reason=reason, detail=detail, evidence=evidence
    )
    return article, dropped


def clean_page(html: str | bytes, url: str, **options: Unpack[CleanOptions]) -> CleanedArticle | DroppedPage:
    """Extract one page; non-articles, unreadable input and too-short bodies become a DroppedPage.

    Never raises for page content: unexpected internal errors are reported as ``extract_error``.
    """
    article, dropped = extract_with_verdict(html, url, **options)
    if dropped is not None:
        return dropped
    assert article is not None
    return article
