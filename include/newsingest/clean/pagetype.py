"""Page type (article, liveblog, gallery, video, index, consent, paywall, challenge, error) and access."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsingest.clean.metadata import PageMeta
from newsingest.models import Access, PageType

# Pages that are never articles (clean_page drops them with reason ``page_type:<type>``).
NON_ARTICLE = frozenset({"index", "consent", "paywall", "challenge", "error"})

_CHALLENGE = re.compile(
    r"just a moment\.\.\.|checking (?:if the site connection is secure|your browser)|attention required|"
    r"verify (?:you are|you're) (?:a )?human|are you a robot|captcha|ddos protection|access denied|"
    r"request unsuccessful|enable javascript and cookies to continue|please enable js|bot verification|"
    r"security check|unusual traffic",
    re.I,
)
_ERROR = re.compile(
    r"\b(?:404|410|500|503)\b.*(?:not found|error|gone|unavailable)|page not found|page (?:could not|cannot|"
    r"can't) be found|(?:this|the) page (?:does not|doesn't) exist|seite nicht gefunden|page introuvable|"
    r"página no encontrada|pagina non trovata|internal server error|service unavailable|no longer available",
    re.I,
)
_CONSENT = re.compile(
    r"cookies?|consent|privacy (?:settings|preferences|choices)|we value your privacy|accept all|"
    r"reject all|manage (?:options|preferences)|partners? (?:store|process)|before you continue|"
    r"datenschutz|zustimm|einwilligung|akzeptieren|consentement|accepter|aceptar|consenso|toestemming",
    re.I,
)
_PAYWALL = re.compile(
    r"subscribe to (?:continue|read)|subscribers? only|for subscribers|already a subscriber|"
    r"this (?:article|story|content) is (?:for|only available to) (?:subscribers|members)|"
    r"to continue reading|unlock (?:this|full) (?:article|story|access)|become a (?:member|subscriber)|"
    r"start your (?:free )?trial|sign in to (?:continue|read)|premium (?:content|article)|"
    r"jetzt abonnieren|abonnez-vous|suscríbete|paywall",
    re.I,
)
_LIVE_URL = re.compile(r"(?:^|[/_-])live(?:[/_-]|$)|liveblog|live-?updates|ticker")


@dataclass
class PageSignals:
    """What the classifier looks at, gathered by ``extract``."""

    title: str
    body_chars: int
    body_paragraphs: int
    page_text_chars: int
    page_link_chars: int
    figures: int  # captioned images in the main content
    headline_links: int  # h2/h3 headings that are links (teaser lists)
    page_text_sample: str  # visible text of the page, first few thousand characters
    paywall_marker: bool  # an element with paywall/subscriber class tokens was seen
    live_marker: bool
    article_markers: bool  # JSON-LD article, og:type article, itemprop articleBody
    url: str


def ld_access(meta: PageMeta) -> bool | None:
    """JSON-LD ``isAccessibleForFree`` of the article node (None when absent)."""
    node = meta.ld_article or {}
    value = node.get("isAccessibleForFree")
    if value is None:
        parts = node.get("hasPart")
        parts = [parts] if isinstance(parts, dict) else parts if isinstance(parts, list) else []
        for part in parts:
            if isinstance(part, dict) and "isAccessibleForFree" in part:
                value = part["isAccessibleForFree"]
                break
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "0")
    return bool(value)


def classify(meta: PageMeta, s: PageSignals, *, min_chars: int) -> tuple[PageType, Access, str]:
    """Return (page_type, access, provenance of the decision)."""
    ld_types = meta.ld_types
    og_type = (meta.first_meta("og:type") or ("", ""))[1].lower()
    free = ld_access(meta)
    sample = s.page_text_sample
    short = s.body_chars < min_chars

    if short and s.page_text_chars < 3000 and _CHALLENGE.search(s.title + " " + sample[:1500]):
        return "challenge", "unknown", "detected"
    if short and _ERROR.search(s.title + " " + sample[:600]):
        return "error", "unknown", "detected"
    if short and len(_CONSENT.findall(sample[:4000])) >= 3:
        return "consent", "unknown", "detected"

    access: Access = "free"
    access_prov = "detected"
    if free is False:
        access, access_prov = ("teaser" if short or s.paywall_marker else "paywalled"), "json-ld"
    elif short and (s.paywall_marker or _PAYWALL.search(sample)):  # the text is read only when it matters
        access = "teaser"
    if short and access == "teaser":
        return "paywall", access, access_prov

    if "liveblogposting" in ld_types:
        return "liveblog", access, "json-ld"
    # A "live" widget class alone is common on ordinary articles (live-ticker teasers): the page's
    # own URL must say live too.
    if s.live_marker and s.body_paragraphs >= 5 and _LIVE_URL.search(urlsplit(s.url).path.lower()):
        return "liveblog", access, "dom"
    main_type = set()
    if meta.ld_article is not None:
        value = meta.ld_article.get("@type")
        main_type = {value.lower()} if isinstance(value, str) else {str(v).lower() for v in value or []}
    if main_type & {"imagegallery", "mediagallery"} or og_type.endswith("gallery"):
        return "gallery", access, "json-ld" if main_type else "opengraph"
    if main_type & {"videoobject"} or (og_type.startswith("video") and short):
        return "video", access, "json-ld" if main_type else "opengraph"
    if s.figures >= 6 and s.body_chars < s.figures * 150 and not short:
        return "gallery", access, "dom"
    link_heavy = s.page_link_chars > s.page_text_chars * 0.4
    if (
        not s.article_markers
        and link_heavy
        and (s.headline_links >= 8 or (short and s.page_text_chars > 500))
    ):
        return "index", access, "detected"
    if og_type in ("website",) and not meta.ld_article and s.headline_links >= 8:
        return "index", access, "opengraph"
    if ld_types & {"collectionpage", "searchresultspage"} and not meta.ld_article and short:
        return "index", access, "json-ld"
    return "article", access, access_prov if access != "free" else "detected"
