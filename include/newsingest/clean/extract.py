"""The cleaner's entry points: ``extract`` (page -> CleanedArticle) and ``clean_page`` (drops non-articles).

Pipeline per page: decode bytes -> pre-strip scripts/styles/chrome -> BeautifulSoup (lxml) ->
metadata (JSON-LD, OpenGraph, meta, microdata) -> main text by content scoring -> fields with
provenance -> page type and access. Never raises on bad input: see ``clean_page``.
"""

from __future__ import annotations

import html as html_mod
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict, TypeVar, Unpack

from bs4 import BeautifulSoup, Tag

from newsingest.clean import dates as dates_mod
from newsingest.clean.authors import agency_name
from newsingest.clean.evidence import STRONG_EVIDENCE, article_evidence, media_post
from newsingest.clean.fields.bylines import pick_authors, publisher_filter, signature_byline, text_byline
from newsingest.clean.fields.descriptive import (
    pick_canonical,
    pick_image,
    pick_language,
    pick_section,
    pick_subtitle,
    pick_tags,
)
from newsingest.clean.fields.published import date_candidates
from newsingest.clean.fields.titles import host_names, pick_title, site_names
from newsingest.clean.hydration import script_paragraphs
from newsingest.clean.metadata import PageMeta, ld_text, read_metadata
from newsingest.clean.pagetype import NON_ARTICLE, PageSignals, classify
from newsingest.clean.scoring import BodyResult, extract_body, implausible_body
from newsingest.clean.soup import gc_paused, parse_html
from newsingest.clean.text import Prepared, clean_text, prestrip, text_looks_binary
from newsingest.models import Access, CleanedArticle, DroppedPage, PageType
from newsingest.web.charset import UndecodableInput, decode_html
from newsingest.web.urls import canonicalize

MIN_BODY_CHARS = 250
_T = TypeVar("_T")

# Optional per-source post-processing hooks (not used by the core; for publishers that need help).
SourceOverride = Callable[[CleanedArticle, BeautifulSoup], CleanedArticle]
_OVERRIDES: dict[str, SourceOverride] = {}


def register_override(source: str, hook: SourceOverride) -> None:
    """Register a post-processing hook for one source (called with the article and the parse tree)."""
    _OVERRIDES[source] = hook


def has_override(source: str | None) -> bool:
    """Whether a post-processing hook is registered for ``source``."""
    return (source or "") in _OVERRIDES


def canonicalize_url(url: str) -> str:
    """Canonical form of a URL (the shared ``canonicalize``); a URL it refuses (not http(s), no host) is
    kept as given, stripped: the cleaner never raises for a page's URL."""
    try:
        return canonicalize(url)
    except ValueError:  # URLError
        return url.strip()


# --------------------------------------------------------------------------- entry points


@dataclass
class _Page:
    """One page decoded and parsed: the text, its prepared markup, the parse tree and the metadata."""

    text: str
    prepared: Prepared
    soup: BeautifulSoup
    meta: PageMeta


@dataclass
class _Body:
    """The chosen body: the scorer's result, the paragraphs kept and where they came from."""

    found: BodyResult
    paragraphs: list[str]
    provenance: str  # dom, json-ld or script


def _read_page(html: str | bytes) -> _Page | str:
    """Decode, pre-strip and parse a page; a drop reason (``binary``, ``empty``) when it is not text."""
    try:
        text = decode_html(html)
    except UndecodableInput:
        return "binary"
    if not text or not text.strip():
        return "empty"
    if text_looks_binary(text):
        return "binary"
    prepared = prestrip(text)
    soup = parse_html(prepared.html)
    return _Page(text, prepared, soup, read_metadata(soup, prepared.ld_json))


def _ld_article_body(meta: PageMeta) -> str:
    """The JSON-LD ``articleBody`` as plain text ("" when there is none)."""
    ld_raw = (meta.ld_article or {}).get("articleBody")
    ld_body = html_mod.unescape(ld_raw) if isinstance(ld_raw, str) else ""
    if "<" in ld_body and re.search(r"</?(?:p|br|div|span|a|strong|em)\b", ld_body):
        ld_body = BeautifulSoup(ld_body, "lxml").get_text("\n")  # some CMSs put HTML in articleBody
    return ld_body


def _pick_body(page: _Page, title: str | None, people: list[str], min_chars: int) -> _Body:
    """The story text: the DOM scorer's pick, or the JSON-LD ``articleBody`` when the DOM gave too little
    (or only furniture), or the story a JavaScript shell ships as data."""
    meta = page.meta
    root = page.soup.body if isinstance(page.soup.body, Tag) else page.soup
    ld_body = _ld_article_body(meta)
    description = (meta.first_meta("og:description", "description") or (None, ""))[1] or ""
    found = extract_body(
        root,
        title=title,
        authors=people,
        guide_text=ld_body or None,
        description=description,
        min_chars=min_chars,
    )
    paragraphs = found.paragraphs
    body_prov = "dom"
    dom_chars = sum(len(p) for p in paragraphs)
    ld_chars = len(clean_text(ld_body))
    if ld_chars > max(400, dom_chars * 3) or (
        # the DOM gave too little, or only furniture: the publisher's own article text is better
        (dom_chars < min_chars or found.implausible) and ld_chars > dom_chars and ld_chars >= 80
    ):
        paragraphs = [p for p in (clean_text(x) for x in re.split(r"\n", ld_body)) if p]
        body_prov = "json-ld"
    elif dom_chars < min_chars or found.last_resort:  # a shell: the story may ship as data for JavaScript
        shipped = script_paragraphs(page.text, f"{title or ''} {description}", min_chars=min_chars)
        if shipped and sum(len(p) for p in shipped) > dom_chars:
            paragraphs, body_prov = shipped, "script"
    return _Body(found, paragraphs, body_prov)


def _credit(
    byline: tuple[list[str], list[str], str | None],
    sites: list[str],
    title: str | None,
    body: _Body,
    prov: dict[str, str],
) -> tuple[list[str], list[str]]:
    """People and agencies credited: the metadata ``byline`` (``pick_authors``), or a byline in the text
    when metadata credits only the publisher (its line then leaves the body); an agency named in the
    dateline when no byline names one."""
    people, agencies, author_prov = byline
    # A byline in the text beats metadata that credits only the publisher (or nobody).
    is_publisher = publisher_filter(sites)
    if not agencies and all(is_publisher(p) for p in people):
        named, line = text_byline(body.found.top_lines + body.paragraphs[:2], title)
        if not named:
            linked = {b.text for b in body.found.blocks if b.link_chars}
            named, line = signature_byline(body.paragraphs, linked)
        if named and not any(is_publisher(n) for n in named):
            people, author_prov = named, "text"
            body.paragraphs = [p for p in body.paragraphs if p != line]
    if author_prov:
        prov["authors"] = author_prov
    # Agencies named in a dateline ("LONDON (Reuters) -") when no byline credits one.
    if not agencies and body.paragraphs:
        m = re.match(r"^[^()]{0,60}\(([A-Za-z .]{2,30})\)\s*[-—–]", body.paragraphs[0])
        if m and (agency := agency_name(m.group(1))):
            agencies = [agency]
            prov.setdefault("agency", "text")
    if agencies:
        prov.setdefault("agency", author_prov or "text")
    return people, agencies


def _page_type(
    meta: PageMeta, url: str, title: str | None, body: _Body, body_text: str, page_text: str, min_chars: int
) -> tuple[PageType, Access, str]:
    """Page type, access and their provenance, from the page's shape around the chosen body."""
    found, paragraphs = body.found, body.paragraphs
    og_type = (meta.first_meta("og:type") or ("", ""))[1].lower()
    signals = PageSignals(
        title=title or meta.title_tag or "",
        body_chars=len(body_text),
        body_paragraphs=len(paragraphs),
        page_text_chars=found.page_chars,
        page_link_chars=found.page_link_chars,
        figures=len(found.captions),  # captioned images in the main content, not teaser thumbnails
        headline_links=found.headline_links,
        page_text_sample=page_text[:6000],
        paywall_marker=meta.paywall_marker,
        live_marker=meta.live_marker,
        article_markers=bool(meta.ld_article) or og_type == "article" or "articlebody" in meta.microdata,
        url=url,
    )
    return classify(meta, signals, min_chars=min_chars)


def _build_article(
    page: _Page, url: str, source: str | None, hints: tuple[datetime | None, str | None], min_chars: int
) -> tuple[CleanedArticle, _Body]:
    """Every field of the article with its provenance, and the body it was built from."""
    meta, soup = page.meta, page.soup
    published_hint, title_hint = hints
    prov: dict[str, str] = {}
    title, prov["title"] = pick_title(meta, soup, url, title_hint)
    sites = site_names(meta, url) + host_names(url)
    byline = pick_authors(meta, sites)
    body = _pick_body(page, title, byline[0], min_chars)
    prov["body"] = body.provenance
    people, agencies = _credit(byline, sites, title, body, prov)
    page_text = " ".join(b for b in body.found.page_text)
    subtitle = _with_prov(prov, "subtitle", pick_subtitle(meta, body.found, page_text))
    published_c = dates_mod.best_date(date_candidates(meta, url, "published", published_hint, body.found))
    modified_c = dates_mod.best_date(date_candidates(meta, url, "modified", None, None))
    if published_c:
        prov["published"] = published_c.provenance
    if modified_c:
        prov["modified"] = modified_c.provenance
    canonical, prov["canonical_url"] = pick_canonical(meta, url)
    language = _with_prov(prov, "language", pick_language(meta))
    section = _with_prov(prov, "section", pick_section(meta, url))
    tags = _with_prov(prov, "tags", pick_tags(meta))
    image = _with_prov(prov, "lead_image", pick_image(meta, url))
    body_text = "\n\n".join(body.paragraphs)
    page_type, access, type_prov = _page_type(meta, url, title, body, body_text, page_text, min_chars)
    prov["page_type"] = type_prov
    prov["access"] = type_prov if access != "free" else "detected"
    article = CleanedArticle(
        url=url,
        canonical_url=canonicalize_url(canonical),
        source=source,
        title=title,
        subtitle=subtitle,
        body=body_text,
        paragraphs=body.paragraphs,
        captions=body.found.captions,
        lead_image=image,
        authors=people,
        agency=agencies,
        published=published_c.value if published_c else None,
        modified=modified_c.value if modified_c else None,
        language=language,
        section=section,
        tags=tags,
        page_type=page_type,
        access=access,
        provenance=prov,
        truncated=page.prepared.truncated,
        original_chars=page.prepared.original_chars if page.prepared.truncated else None,
    )
    return article, body


def _with_prov(prov: dict[str, str], name: str, picked: tuple[_T, str | None]) -> _T:
    """The value of a ``(value, provenance)`` pick, its provenance recorded under ``name`` when set."""
    value, source = picked
    if source:
        prov[name] = source
    return value


def _verdict(
    page: _Page, url: str, article: CleanedArticle, body: _Body, min_chars: int
) -> tuple[str | None, dict[str, str | int | float | bool]]:
    """Why to drop the article (None: keep it) and the article evidence behind a doubtful case.

    A non-article page type, a body under ``min_chars`` or a body that reads as furniture is doubtful;
    article evidence then can turn an ``index`` verdict into an article or keep a short brief.
    """
    found = body.found
    kept_chars = len(article.body)
    if article.page_type == "gallery":  # a gallery's text is mostly its captions
        kept_chars += sum(len(c) for c in article.captions)
    doubtful = article.page_type in NON_ARTICLE or kept_chars < min_chars or bool(found.implausible)
    if not doubtful:
        return None, {}  # a plain keeper: no evidence needed
    evidence = article_evidence(page.meta, page.soup, url, article, found)
    strong = sum(1 for key in STRONG_EVIDENCE if key in evidence)
    # One strong sign and one more (strong or not) make a page an article.
    plainly_article = strong >= 1 and len(evidence) >= 2
    if article.page_type == "index" and plainly_article:
        # An article page that looked like a list (many links around a short story): keep it.
        article.page_type = "article"
        article.provenance["page_type"] = "detected"
    evidence["body_chars"] = kept_chars
    furniture = found.implausible if body.provenance == "dom" else None
    if furniture:
        evidence["implausible_body"] = furniture
    if article.page_type in NON_ARTICLE:
        return f"page_type:{article.page_type}", evidence
    if furniture:
        return "furniture_only", evidence  # no candidate read as a story: index nothing
    # A short story on a page that is plainly an article (a news brief) is kept.
    short_ok = plainly_article and kept_chars >= _MIN_BRIEF_CHARS and not found.implausible
    if kept_chars < min_chars and not short_ok:
        if plainly_article and not found.implausible and _standfirst_as_body(page.meta, article):
            evidence["body_from"] = article.provenance["body"]
            return None, evidence  # a headline and its standfirst (a photo or video post): findable
        if not found.implausible and _headline_as_body(page.soup, article, evidence, plainly_article):
            return None, evidence  # a photo or video under its headline, no text: findable by its headline
        return "too_short", evidence
    return None, evidence


def _standfirst_as_body(meta: PageMeta, article: CleanedArticle) -> bool:
    """Make the page's standfirst the body of an article page with (next to) no text of its own: the
    visible subtitle, else the JSON-LD / OpenGraph / meta description, when it reads as a sentence or two
    (``_MIN_BRIEF_CHARS`` or more, eight words, not the headline, not furniture). Provenance
    ``description``. False (nothing changed) when there is none."""
    candidates = [
        article.subtitle,
        ld_text((meta.ld_article or {}).get("description")),
        (meta.first_meta("og:description") or (None, None))[1],
        (meta.first_meta("description") or (None, None))[1],
    ]
    title = (article.title or "").strip().lower()
    for raw in candidates:
        text = clean_text(raw or "")
        if len(text) < _MIN_BRIEF_CHARS or len(text.split()) < 8 or text.lower() == title:
            continue
        if implausible_body([text], article.title, None) is not None:
            continue
        article.body = text
        article.paragraphs = [text]
        article.provenance["body"] = "description"
        return True
    return False


def _headline_as_body(
    soup: BeautifulSoup, article: CleanedArticle, evidence: dict[str, str | int | float | bool], plainly: bool
) -> bool:
    """Make the headline the body of a photo or video post: a page whose post under its headline is a
    photo or a player with (next to) no text and no standfirst (``evidence.media_post``). Kept when the
    page is plainly an article, or when the headline is an ``<h1>`` or an hAtom ``entry-title`` (the
    post's own headline, equal to the title, over its media). Provenance ``headline``; the evidence
    records ``media_post`` and ``body_from``. False (nothing changed) otherwise."""
    title = clean_text(article.title or "")
    found = media_post(soup, title) if title else None
    if found is None:
        return False
    media, own_headline = found
    if not plainly and not own_headline:
        return False
    article.body = title
    article.paragraphs = [title]
    article.provenance["body"] = "headline"
    evidence["media_post"] = media
    evidence["body_from"] = "headline"
    return True


@gc_paused()  # the collector is off for the whole page (each call enters afresh)
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
    page = _read_page(html)
    if isinstance(page, str):
        empty = CleanedArticle(
            url=url, canonical_url=canonicalize_url(url), source=source, page_type="unknown", access="unknown"
        )
        return empty, page, {}
    article, body = _build_article(page, url, source, (published_hint, title_hint), min_chars)
    hook = _OVERRIDES.get(source or "")
    if hook is not None:
        article = hook(article, page.soup)
    reason, evidence = _verdict(page, url, article, body, min_chars)
    return article, reason, evidence


_MIN_BRIEF_CHARS = 60


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
