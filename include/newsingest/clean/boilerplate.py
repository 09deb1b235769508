"""What counts as page furniture: element classification and junk lines.

No per-site rules: element names, ARIA roles, and class/id *tokens* common across CMSs, plus short
boilerplate phrases in several languages.
"""

from __future__ import annotations

import re

from bs4 import Tag

# Element names that are never body text (nav/aside/footer are also pre-stripped from the markup).
HARD_TAGS = frozenset({
    "nav", "aside", "footer", "form", "input", "label", "select", "option", "button", "script", "style",
    "noscript", "template", "iframe", "svg", "canvas", "dialog", "menu", "object", "embed", "video", "audio",
    "map", "head", "meta", "link", "textarea",
})
HARD_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "menu",
    "menubar", "toolbar", "tablist", "alert", "status", "form",
})

_NEG_EXACT = frozenset("""
share shares sharing sharebar social socials newsletter newsletters subscribe subscription subscriptions
signup sign promo promos promotion promoted related relatedposts recommended recommendations recommend
outbrain taboola ad ads adv advert adverts advertisement advertisements advertising adslot adunit dfp gpt
sponsor sponsored sponsors cookie cookies consent gdpr cmp comment comments commenting disqus breadcrumb
breadcrumbs crumbs tags tagcloud taglist keywords byline bylines author authors contributor contributors
footer sidebar popup modal overlay nav navbar navigation menu submenu toolbar caption captions credit credits
disclaimer skip print visually sr screen hidden hide invisible mostread trending popular more next prev
previous pagination pager widget widgets banner masthead header meta timestamp dateline date dates rating
login register follow donate donation support paywall piano offer offers teaser teasers outbrainwidget
affiliate shopping commerce embed playlist player podcast carousel slider gallery thumbnails jump toc
table-of-contents topics topic readmore readnext seealso alsoread bio profile corrections correction
""".split())
_NEG_PREFIX = ("advert", "adslot", "adunit", "adcontainer", "adwrap", "ad_", "sponsor", "newsletter",
               "social", "share", "comment", "related", "recommend", "promo", "cookie", "consent", "outbrain",
               "taboola", "breadcrumb", "sidebar", "footer", "navbar", "subscri", "popular", "trending",
               "mostread", "most_read", "readmore", "read_more", "moreon", "moreabout", "byline", "author")
_POS = re.compile(
    r"article|body|content|entry|story|post|text|main|prose|richtext|paragraph|blog|news|column|detail",
)
_TOKEN_SPLIT = re.compile(r"[\s_\-:./]+")
_CAMEL = re.compile(r"([a-z])([A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

STANDFIRST_TOKENS = frozenset("""
standfirst subtitle subheadline subhead subheading dek deck summary lede leadin intro
description excerpt strapline strap teaser-text abstract kicker-text article-summary
""".split())


def attr_text(tag: Tag) -> str:
    """``class`` and ``id`` of an element as one string ('' when none)."""
    attrs = tag.attrs
    cls = attrs.get("class")
    if isinstance(cls, list):
        cls = " ".join(cls)
    ident = attrs.get("id")
    if cls and ident:
        return f"{cls} {ident}"
    return str(cls or ident or "")


def tokens(text: str) -> list[str]:
    """Lower-case tokens of a class/id string (``article-body__text`` -> article, body, text)."""
    return [t for t in _TOKEN_SPLIT.split(_CAMEL.sub(r"\1 \2", text).lower()) if t]


def is_hard_junk(tag: Tag) -> bool:
    """Elements that never hold article text: forms, hidden elements, navigation roles."""
    if tag.name in HARD_TAGS:
        return True
    attrs = tag.attrs
    if not attrs:
        return False
    if "hidden" in attrs:
        return True
    role = attrs.get("role")
    if role and str(role).lower() in HARD_ROLES:
        return True
    style = attrs.get("style")
    return bool(style and _HIDDEN_STYLE.search(str(style)))


def negative_weight(text: str) -> int:
    """How strongly a class/id string marks furniture (0 none, 1 negative, -1 positive only)."""
    if not text:
        return 0
    toks = tokens(text)
    neg = any(t in _NEG_EXACT or t.startswith(_NEG_PREFIX) for t in toks)
    if neg:
        return 1
    return -1 if _POS.search(text.lower()) else 0


def is_positive(text: str) -> bool:
    """True when a class/id string names article content (``article-body``, ``entry-content``)."""
    return bool(text) and bool(_POS.search(text.lower()))


def is_standfirst(text: str) -> bool:
    """True when a class/id string names a standfirst/dek/summary element."""
    if not text:
        return False
    low = text.lower()
    toks = set(tokens(low))
    return bool(toks & STANDFIRST_TOKENS) or any(k in low for k in ("standfirst", "subheadline", "subtitle"))


_JUNK_LINE = re.compile(
    r"^(?:advertisement|advertising|anzeige|publicité|publicidad|pubblicità|reklama|annons|mainos|"
    r"sponsored(?: content)?|story continues below(?: advertisement)?|article continues below|"
    r"continue reading(?: below)?|read more|read next|read also|see also|also read|related(?: articles?| stories)?|"
    r"more on this(?: story)?|recommended|share(?: this)?(?: article| story)?|share on \w+|tweet|email|print|"
    r"copy link|link copied|sign up|subscribe(?: now)?|click here.*|follow us.*|watch|listen|"
    r"(?:listen to|watch) (?:this|the) (?:article|story|video).*|"
    r"(?:\d+ )?comments?|skip (?:to )?(?:content|advert).*|scroll to continue.*|image|video|photo|"
    r"getty images|shutterstock|loading\.*|please wait\.*|close|menu|back to top|top|"
    r"lesen sie auch|mehr zum thema|weiterlesen|lire aussi|à lire aussi|leer más|lee también|leggi anche|"
    r"learn more|find out more|join the conversation|open in app)[\s:.!…]*$",
    re.I,
)
_NEWSLETTER_LINE = re.compile(
    r"(sign up (?:for|to) (?:our|the)|subscribe to (?:our|the)|newsletter|get (?:our|the) .* in your inbox|"
    r"(?:enable|allow) (?:javascript|cookies)|by (?:clicking|signing up)|terms of (?:use|service)|"
    r"privacy (?:policy|notice)|all rights reserved|©|copyright \d{4}|this (?:article|story) (?:was|is) "
    r"(?:originally )?(?:published|updated)|have a (?:news )?tip|contact us at|send us a tip|"
    r"we may earn (?:a )?commission|affiliate links?|follow (?:us|@))",
    re.I,
)


def is_junk_line(text: str) -> bool:
    """Short stock phrases of page furniture ("Advertisement", "Read more", newsletter prompts)."""
    if len(text) > 220:
        return False
    if _JUNK_LINE.match(text):
        return True
    return len(text) < 160 and bool(_NEWSLETTER_LINE.search(text))
