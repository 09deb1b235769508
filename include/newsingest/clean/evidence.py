"""Article evidence: what on a page says it is an article, whatever its body scored (kept on a drop)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from newsingest.clean import dates as dates_mod
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
