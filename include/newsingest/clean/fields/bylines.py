"""Authors and agencies: metadata bylines (JSON-LD, meta, microdata, DOM) and bylines in the text,
with the publisher's own name told apart from people."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from bs4 import Tag

from newsingest.clean.authors import split_authors
from newsingest.clean.boilerplate import in_comment_thread, in_teaser_list
from newsingest.clean.fields.titles import squash
from newsingest.clean.metadata import PageMeta, ld_names
from newsingest.clean.text import clean_text
from newsingest.names import looks_like_person_name


def publisher_filter(sites: list[str]) -> Callable[[str], bool]:
    """A predicate telling whether a byline name is the publisher itself ("STERN.de", "n-tv NACHRICHTEN")."""
    squashed = {squash(n) for n in sites if n}
    squashed.discard("")

    def is_publisher(name: str) -> bool:
        sq = squash(name)
        if not sq:
            return False
        for site in squashed:
            if sq == site or (len(site) >= 4 and site in sq) or (len(sq) >= 4 and sq in site):
                return True
            if len(site) >= 3 and sq.startswith(site) and len(name.split()) <= 2:
                return True
        return False

    return is_publisher


def pick_authors(meta: PageMeta, sites: list[str]) -> tuple[list[str], list[str], str | None]:
    """People (and wire agencies) credited with the article.

    JSON-LD author/creator > meta author tags > microdata > DOM byline. A source that names only the
    publisher itself ("STERN.de") gives way to a later one naming a person; with none, the publisher's
    byline stays (it is what the page credits). (Preferring people from any source over a JSON-LD
    Organization was measured and lost: DOM bylines are noisier.)
    """
    is_publisher = publisher_filter(sites)
    fallback: tuple[list[str], list[str], str | None] = ([], [], None)
    for people, agencies, prov in _author_sources(meta):
        if not (people or agencies):
            continue
        if agencies or not all(is_publisher(p) for p in people):
            if fallback[2] is None:
                return _credited_people(people, is_publisher, strict=prov == "dom"), agencies, prov
            persons = [p for p in people if looks_like_person_name(p) and not is_publisher(p)]
            if persons:
                return persons, agencies, prov
            continue
        if fallback[2] is None:
            fallback = (people, agencies, prov)
    return fallback


def _credited_people(people: list[str], is_publisher: Callable[[str], bool], *, strict: bool) -> list[str]:
    """The names of one byline source minus the publisher's own name when a person is credited beside it
    ("Jane Doe, Lrt.lt"). ``strict`` (bylines read from the page's markup, which sweep up labels and
    places: "Name", "Frankfurt"): only person-like names stay when there is one."""
    persons = [p for p in people if looks_like_person_name(p) and not is_publisher(p)]
    if not persons:
        return people
    if strict:
        return persons
    return [p for p in people if not is_publisher(p)]


_BYLINE_PREFIX = re.compile(
    r"^(?:by|von|par|por|di|door|av|af|text|words|written by|reporting by)\s*:?\s+", re.I
)
_BYLINE_SPLIT = re.compile(r"\s*(?:/|,|&|;|\band\b|\bund\b|\bet\b|\bog\b|\boch\b)\s*")


def text_byline(lines: list[str], title: str | None) -> tuple[list[str], str | None]:
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
        if not 1 <= len(names) <= 4 or not all(looks_like_person_name(n) for n in names):
            continue
        if bare != stripped or len(names) >= 2:
            return names, line
    return [], None


_SIGNATURE_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*\.?$")


def signature_byline(paragraphs: list[str], linked: set[str]) -> tuple[list[str], str | None]:
    """The author named in a signature line closing the story (a last paragraph that is only a person's
    name, as many papers sign: "… xạ trị." / "Lê Phương"), with the line. Needs three paragraphs or more
    (a one-line brief is not its own signature), two to four words of letters, none in capitals beyond
    its initial ("FREE Domain Account"), and no link (``linked``: texts of blocks holding links; "Download
    Nokia Updater" is a link)."""
    if len(paragraphs) < 3:
        return [], None
    line = paragraphs[-1]
    name = _BYLINE_PREFIX.sub("", line.strip(" |·•-–—")).strip()
    words = name.split()
    if (
        len(name) > 40
        or line in linked
        or not 2 <= len(words) <= 4
        or not all(_SIGNATURE_WORD.match(w) and not (len(w) > 1 and w.isupper()) for w in words)
        or not looks_like_person_name(name)
    ):
        return [], None
    return [name], line


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
        for tag in [t for t in micro[:10] if not in_comment_thread(t)]:
            inner = tag.find(itemprop="name")
            target = inner if isinstance(inner, Tag) else tag
            text = target.get("content") if target.name == "meta" else target.get_text(" ")
            if text:
                names.append(clean_text(str(text)))
        yield (*split_authors(names), "microdata")
    for tags in (meta.author_links, meta.byline_tags):
        texts = []
        # Bylines of the teasers around the story ("More from us: … by Jane Doe") are not its authors, nor
        # are the names over reader comments.
        for tag in [t for t in tags[:30] if not in_teaser_list(t) and not in_comment_thread(t)][:6]:
            text = clean_text(tag.get_text(" "))
            if 2 < len(text) < 120:
                texts.append(text)
        if texts:
            people, agencies = split_authors(texts)
            yield people[:6], agencies, "dom"
