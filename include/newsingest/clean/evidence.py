"""Article evidence: what on a page says it is an article, whatever its body scored (kept on a drop)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from newsingest.clean import boilerplate
from newsingest.clean import dates as dates_mod
from newsingest.clean.blocks import BODY_CLASS
from newsingest.clean.fields.bylines import publisher_filter
from newsingest.clean.fields.published import text_date
from newsingest.clean.fields.titles import host_names, node_types, site_names
from newsingest.clean.metadata import PageMeta
from newsingest.clean.scoring import BodyResult
from newsingest.clean.text import clean_text
from newsingest.models import CleanedArticle
from newsingest.names import looks_like_person_name

# Evidence that a page is an article, whatever its body scored (recorded on a drop).
STRONG_EVIDENCE = (
    "json_ld_article",
    "og_type_article",
    "dated_url",
    "dominant_text",
    "byline",
    "story_text",
    "sole_story",
    "marked_body",
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


def article_evidence(
    meta: PageMeta, soup: BeautifulSoup, url: str, article: CleanedArticle, body: BodyResult
) -> dict[str, str | int | float | bool]:
    """What on the page says it is an article: JSON-LD article type, ``og:type=article``, a date in the
    URL, one dominant text cluster, a byline naming a person (not the publisher), at least two paragraphs
    of running prose (400 characters or more), a short story that is the page's only running prose (no
    teaser snippets beside it), the page's one marked article body (``marked_body``), a headline equal to
    the title, a publication date in the page's metadata (or a machine-readable ``<time>``/hAtom stamp
    outside teasers) or else in a visible date line. Only present items appear."""
    found: dict[str, str | int | float | bool] = {}
    node_type = node_types(meta.ld_article or {}) & _ARTICLE_TYPES
    if node_type:
        found["json_ld_article"] = sorted(node_type)[0]
    if (meta.first_meta("og:type") or ("", ""))[1].strip().lower() == "article":
        found["og_type_article"] = True
    url_date = dates_mod.date_from_url(url)
    if url_date is not None:
        found["dated_url"] = url_date.date().isoformat()
    if body.main_share >= 0.6:
        found["dominant_text"] = round(body.main_share, 2)
    is_publisher = publisher_filter(site_names(meta, url) + host_names(url))
    persons = [a for a in article.authors if looks_like_person_name(a) and not is_publisher(a)]
    if persons:
        found["byline"] = ", ".join(persons[:3])
    prose = [p for p in article.paragraphs if len(p) >= 80 and _SENTENCE_END.search(p)]
    if sum(len(p) for p in prose) >= 400:
        found["story_text"] = sum(len(p) for p in prose)
    else:
        # A short post or brief on a link-heavy page: its text is the only prose there, where an index
        # page shows several teaser snippets of the same kind.
        sentences = [p for p in article.paragraphs if len(p) >= 60 and _SENTENCE_END.search(p)]
        longest = max((len(p) for p in article.paragraphs), default=0)
        if sentences and not body.implausible and body.rival_prose(longest) == 0:
            found["sole_story"] = sum(len(p) for p in sentences)
    if body.sole_marked_body:
        found["marked_body"] = True
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
        "dom",
    ):
        found["dated"] = article.provenance["published"]
    else:
        shown = text_date(body)  # a visible date line near the headline (not a caption or a teaser's)
        if shown is not None:
            found["date_line"] = shown.date().isoformat()
    return found


# A post's headline: an <h1>-<h3>, or an element the hAtom microformat marks as an entry's title.
_HEADLINE_TAGS = ("h1", "h2", "h3")
_ENTRY_TITLE = re.compile(r"(?:^|\s)entry-title(?:\s|$)")
_PLAYER_TAGS = ("video", "iframe", "embed")
_MIN_MEDIA_SIDE = 250  # pixels: a photo or a player, not an icon, a button or a like box


def _side(tag: Tag, name: str) -> int | None:
    value = str(tag.get(name) or "").strip().removesuffix("px")
    return int(value) if value.isdigit() else None


def _is_media(tag: Tag) -> bool:
    """A photo or a player: an ``<img>``/``<video>``/``<iframe>``/``<embed>`` at least 250 pixels on a side
    by its attributes; an ``<img>`` or ``<video>`` without sizes only inside a marked article body; never
    inside a furniture-hinted element (share bar, avatar, widget)."""
    width, height = _side(tag, "width"), _side(tag, "height")
    if width is not None or height is not None:
        if max(width or 0, height or 0) < _MIN_MEDIA_SIDE or min(width or 9999, height or 9999) < 100:
            return False
    elif tag.name in ("iframe", "embed"):
        return False
    marked = False
    for el in tag.parents:
        at = boilerplate.attr_text(el) if el.attrs else ""
        if at and boilerplate.negative_weight(at) >= 1:
            return False
        if at and (BODY_CLASS.search(at) or el.get("itemprop") == "articleBody"):
            marked = True
            break
    return marked or width is not None or height is not None


def _is_headline(tag: Tag, names: tuple[str, ...]) -> bool:
    return tag.name in names or bool(_ENTRY_TITLE.search(str(tag.get("class") or "")))


def media_post(soup: BeautifulSoup, title: str | None) -> tuple[str, bool] | None:
    """The media of a post made of a photo or a video under its headline: the tag name (``img``,
    ``video``, ``iframe``) of the first photo or player in the headline's post, and whether the headline
    is the post's own by its markup (an ``<h1>`` or an hAtom ``entry-title``); None when there is none.

    The headline is the first ``<h1>``-``<h3>`` or hAtom ``entry-title`` whose text is the title (or holds
    it, or is held by it) and the only one styled so on the page; its post is the nearest of its three
    closest ancestors that holds a photo or player and no other headline (on an index page every teaser
    has one).
    """
    wanted = (title or "").strip().lower()
    if len(wanted) < 3:
        return None
    headline = None
    for tag in soup.find_all(lambda t: _is_headline(t, _HEADLINE_TAGS)):
        text = clean_text(tag.get_text(" ")).lower()
        if len(text) >= 3 and (text == wanted or text in wanted or wanted in text):
            headline = tag
            break
    if headline is None:
        return None
    # An index page lists posts under headlines styled alike: one post's media is not the page's.
    style = (headline.name, str(headline.get("class") or ""))
    if sum(1 for tag in soup.find_all(headline.name) if str(tag.get("class") or "") == style[1]) > 1:
        return None
    post = headline.parent
    for _ in range(3):
        if not isinstance(post, Tag) or post.name in ("body", "html"):
            return None
        heads = post.find_all(lambda t: _is_headline(t, ("h1", "h2")))
        if any(h is not headline and h not in headline.parents and headline not in h.parents for h in heads):
            return None
        for media in post.find_all(("img", *_PLAYER_TAGS)):
            if _is_media(media):
                own = headline.name == "h1" or bool(_ENTRY_TITLE.search(str(headline.get("class") or "")))
                return str(media.name), own
        post = post.parent
    return None
