"""The page's descriptive fields: canonical URL, language, section, tags, lead image and subtitle."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from newsingest.clean.metadata import PageMeta, ld_text
from newsingest.clean.scoring import BodyResult
from newsingest.clean.text import clean_text
from newsingest.web.urls import join_url

_LANG = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$")


def pick_language(meta: PageMeta) -> tuple[str | None, str | None]:
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


def pick_section(meta: PageMeta, url: str) -> tuple[str | None, str | None]:
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


def pick_tags(meta: PageMeta) -> tuple[list[str], str | None]:
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


def pick_image(meta: PageMeta, url: str) -> tuple[str | None, str | None]:
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


def pick_subtitle(meta: PageMeta, body: BodyResult, page_text: str) -> tuple[str | None, str | None]:
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


def pick_canonical(meta: PageMeta, url: str) -> tuple[str, str]:
    """The page's declared canonical URL (``rel=canonical``, then ``og:url``) made absolute, or the page
    URL itself. A declared site root for an article page is ignored (a common CMS default)."""
    for value, prov in (
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
                return absolute, prov
    return url, "url"
