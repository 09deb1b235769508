"""What counts as page furniture: element classification and junk lines.

No per-site rules: element names, ARIA roles, and class/id *tokens* common across CMSs, plus short
boilerplate phrases in several languages.
"""

from __future__ import annotations

import re

from bs4 import Tag

# Page chrome by element name: furniture, but judged like strong class hints (see scoring) because
# broken markup sometimes leaves the story nested inside an unclosed <aside> or <footer>.
CHROME_TAGS = frozenset({"nav", "aside", "footer"})
# Element names that never hold body text.
HARD_TAGS = frozenset(
    {
        "input",
        "label",
        "select",
        "option",
        "button",
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "svg",
        "canvas",
        "dialog",
        "menu",
        "object",
        "embed",
        "video",
        "audio",
        "map",
        "head",
        "meta",
        "link",
        "textarea",
    }
)
# ARIA roles that mean site chrome or a widget, never the story: dropped with their contents.
HARD_ROLES = frozenset(
    {
        "navigation",
        "banner",
        "contentinfo",
        "search",
        "dialog",
        "alertdialog",
        "menu",
        "menubar",
        "alert",
        "status",
        "tooltip",
    }
)
# ARIA roles of widgets that are usually furniture but are judged like <nav>/<aside> (weighed against
# the text they hold): real pages wrap whole stories in role="tablist" or "complementary".
SOFT_ROLES = frozenset({"complementary", "toolbar", "tablist"})


# Weak furniture hints (sidebar, byline, widget ...): a container named so is furniture unless it holds
# much of the text. Strong hints (_STRONG below) are checked first.
_WEAK = frozenset(
    [
        "adv",
        "affiliate",
        "author",
        "authors",
        "banner",
        "byline",
        "bylines",
        "carousel",
        "commerce",
        "contributor",
        "contributors",
        "correction",
        "corrections",
        "crumbs",
        "dateline",
        "disclaimer",
        "donate",
        "donation",
        "follow",
        "footer",
        "gallery",
        "keywords",
        "login",
        "masthead",
        "menu",
        "modal",
        "nav",
        "navbar",
        "navigation",
        "offer",
        "offers",
        "outbrainwidget",
        "overlay",
        "pager",
        "pagination",
        "playlist",
        "podcast",
        "popup",
        "previous",
        "promoted",
        "recommend",
        "register",
        "shares",
        "shopping",
        "sidebar",
        "skip",
        "slider",
        "socials",
        "sponsors",
        "submenu",
        "subscription",
        "subscriptions",
        "support",
        "table-of-contents",
        "tagcloud",
        "taglist",
        "tags",
        "teaser",
        "teasers",
        "thumbnails",
        "timestamp",
        "toc",
        "toolbar",
        "widget",
        "widgets",
        "writer",
        "writers",
    ]
)
_NEG_PREFIX = (
    "advert",
    "adslot",
    "adunit",
    "adcontainer",
    "adwrap",
    "ad_",
    "sponsor",
    "newsletter",
    "social",
    "share",
    "comment",
    "related",
    "recommend",
    "promo",
    "cookie",
    "consent",
    "outbrain",
    "taboola",
    "breadcrumb",
    "sidebar",
    "footer",
    "navbar",
    "subscri",
    "popular",
    "trending",
    "mostread",
    "most_read",
    "readmore",
    "read_more",
    "moreon",
    "moreabout",
    "byline",
    "author",
)
# Content hints are whole tokens: "article-body" is content, "list-articles" (a teaser list) is not.
_POS_TOKENS = frozenset(
    {
        "article",
        "articlebody",
        "articletext",
        "articlecontent",
        "body",
        "content",
        "entry",
        "story",
        "storybody",
        "post",
        "postbody",
        "text",
        "main",
        "prose",
        "richtext",
        "paragraph",
        "blog",
        "column",
        "detail",
        "details",
    }
)
_TOKEN_SPLIT = re.compile(r"[\s_\-:./]+")
_CAMEL = re.compile(r"([a-z])([A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

STANDFIRST_TOKENS = frozenset(
    [
        "standfirst",
        "subtitle",
        "subheadline",
        "subhead",
        "subheading",
        "dek",
        "deck",
        "summary",
        "lede",
        "leadin",
        "intro",
        "description",
        "excerpt",
        "strapline",
        "strap",
        "teaser-text",
        "abstract",
        "kicker-text",
        "article-summary",
    ]
)


_TAXONOMY_CLASS = re.compile(r"\s(?:tag|category)-\S+")
# An id made of six or more plain words joined by hyphens is an anchor slugged from a heading's text
# ("zendaya-promoted-dune-part-two-in-london-1" on a slide): it names the content, not a role.
_SLUG_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){5,}")
_POST_WRAPPER = re.compile(r"(?:^|\s)(?:hentry|post-\d+)(?:\s|$)")


def attr_text(tag: Tag) -> str:
    """``class`` and ``id`` of an element as one string ('' when none).

    A blog post's wrapper (``hentry``, ``post-157141``) lists the post's tags and categories as classes
    (``tag-tax-credits``, ``category-comments``): they name the story's topics, not the element's role,
    and are left out, as is an id slugged from a heading's text (six or more plain words).
    """
    attrs = tag.attrs
    cls = attrs.get("class")
    if isinstance(cls, list):
        cls = " ".join(cls)
    if cls and ("tag-" in cls or "category-" in cls) and _POST_WRAPPER.search(cls):
        cls = _TAXONOMY_CLASS.sub("", f" {cls}").strip()
    ident = attrs.get("id")
    if ident and isinstance(ident, str) and _SLUG_ID.fullmatch(ident):
        ident = None
    if cls and ident:
        return f"{cls} {ident}"
    return str(cls or ident or "")


def tokens(text: str) -> list[str]:
    """Lower-case tokens of a class/id string (``article-body__text`` -> article, body, text)."""
    return [t for t in _TOKEN_SPLIT.split(_CAMEL.sub(r"\1 \2", text).lower()) if t]


_ARIA_HIDEABLE = frozenset(
    {"div", "section", "aside", "ul", "ol", "nav", "dialog", "form", "header", "footer"}
)
_HIDDEN_CLASSES = frozenset(
    {
        "hidden",
        "is-hidden",
        "d-none",
        "display-none",
        "visually-hidden",
        "sr-only",
        "screen-reader-text",
        "screen-reader-only",
        "visuallyhidden",
        "u-hidden",
    }
)


def has_soft_role(tag: Tag) -> bool:
    """True when the element's ARIA role marks a region that is usually furniture (``SOFT_ROLES``)."""
    role = tag.attrs.get("role")
    return bool(role) and str(role).lower() in SOFT_ROLES


def is_hard_junk(tag: Tag) -> bool:
    """Elements that never hold article text: forms, hidden elements, navigation roles."""
    if tag.name in HARD_TAGS:
        return True
    attrs = tag.attrs
    if not attrs:
        return False
    if "hidden" in attrs and not str(attrs.get("id", "")).startswith("S:"):
        return True  # (React streaming parks resolved content in <div hidden id="S:n">: that is kept)
    cls = attrs.get("class")
    if cls:
        words = cls if isinstance(cls, list) else str(cls).split()
        # "hidden md:block" (utility CSS) is hidden on small screens only: not hidden.
        if any(w in _HIDDEN_CLASSES for w in words) and not any(":" in w for w in words):
            return True
    if attrs.get("aria-hidden") == "true" and tag.name in _ARIA_HIDEABLE:
        return True  # hidden containers (closed modals); inline aria-hidden (drop caps, icons) stays
    role = attrs.get("role")
    if role and str(role).lower() in HARD_ROLES:
        return True
    style = attrs.get("style")
    return bool(style and _HIDDEN_STYLE.search(str(style)))


# Class/id tokens of a list of other stories (related, most read, read next, promos): strong furniture
# hints, and with ``teaser`` a sign that a byline or date inside belongs to another story.
_STORY_LIST_TOKENS = frozenset(
    {
        "related",
        "relatedposts",
        "recommended",
        "recommendations",
        "mostread",
        "trending",
        "popular",
        "readmore",
        "readnext",
        "seealso",
        "alsoread",
        "promo",
        "promos",
    }
)
_STRONG = (
    frozenset(
        [
            "share",
            "sharing",
            "sharebar",
            "social",
            "newsletter",
            "newsletters",
            "subscribe",
            "signup",
            "promotion",
            "outbrain",
            "taboola",
            "ad",
            "ads",
            "advert",
            "adverts",
            "advertisement",
            "advertisements",
            "advertising",
            "adslot",
            "adunit",
            "dfp",
            "gpt",
            "sponsor",
            "sponsored",
            "cookie",
            "cookies",
            "consent",
            "gdpr",
            "cmp",
            "comment",
            "comments",
            "commenting",
            "disqus",
            "breadcrumb",
            "breadcrumbs",
            "cta",
        ]
    )
    | _STORY_LIST_TOKENS
)


_STRONG_PHRASES = re.compile(
    r"more[-_]?(?:from|stories|news|on|articles)|editors?[-_]?picks?|you[-_]?may[-_]?(?:also[-_]?)?like|"
    r"read[-_]?next|up[-_]?next|also[-_]?like|must[-_]?reads?|top[-_]?stories|latest[-_]?(?:news|stories)"
)


_TEASER_TOKENS = _STORY_LIST_TOKENS | {"teaser", "teasers", "recommend"}


def in_teaser_list(tag: Tag) -> bool:
    """Whether ``tag`` sits in a list of other stories (an ancestor named ``teaser``, ``related``, ``most
    read``, ``read next`` …)."""
    for anc in tag.parents:
        if anc.name in (None, "body", "html", "[document]"):
            break
        at = attr_text(anc)
        if at and (any(t in _TEASER_TOKENS for t in tokens(at)) or _STRONG_PHRASES.search(at.lower())):
            return True
    return False


_COMMENT_TOKENS = frozenset({"comment", "comments", "commentlist", "commentslist", "disqus", "replies"})


def in_comment_thread(tag: Tag) -> bool:
    """Whether ``tag`` is or sits in a reader-comment thread (``comment-author``, ``comments-block``,
    ``commentlist``, ``disqus_thread``): the names there are readers', not the story's authors. A post
    wrapper's category or tag class (``category-comments``) names a topic, not a thread."""
    for el in (tag, *tag.parents):
        if el.name in (None, "body", "html", "[document]"):
            break
        at = attr_text(el)
        if at and any(t in _COMMENT_TOKENS for t in tokens(_TAXONOMY_CLASS.sub(" ", f" {at}"))):
            return True
    return False


# Inline fly-outs glued into running text when CSS is not applied: hover cards on names ("Kristi Noem"
# + "Kristi Lynn Noem / South Dakota governor"), tooltips, footnote pop-overs.
_FLYOUT_TOKENS = frozenset(
    {"tooltip", "tooltips", "tooltiptext", "hovercard", "popover", "flyout", "rollover", "tippy"}
)


def is_inline_flyout(text: str) -> bool:
    """True when a class/id string names a hover card, tooltip or pop-over ("rollover-people-block")."""
    low = text.lower()
    if not text or not any(k in low for k in ("tool", "hover", "pop", "fly", "roll", "tippy")):
        return False
    toks = tokens(text)
    return any(t in _FLYOUT_TOKENS for t in toks) or ("hover" in toks and "card" in toks)


def classify_attrs(text: str) -> tuple[int, bool, bool]:
    """(negative_weight, is_standfirst, is_caption) of a class/id string, tokenising once."""
    if not text:
        return 0, False, False
    toks = tokens(text)
    low = text.lower()
    return _negative_weight(toks, low), _is_standfirst(toks, low), _is_caption(toks)


def _negative_weight(toks: list[str], low: str) -> int:
    if any(t in _STRONG for t in toks) or _STRONG_PHRASES.search(low):
        return 2
    if any(t in _WEAK or t.startswith(_NEG_PREFIX) for t in toks):
        return 1
    return -1 if any(t in _POS_TOKENS for t in toks) else 0


def _is_standfirst(toks: list[str], low: str) -> bool:
    return bool(set(toks) & STANDFIRST_TOKENS) or any(
        k in low for k in ("standfirst", "subheadline", "subtitle")
    )


def _is_caption(toks: list[str]) -> bool:
    return any(t in _CAPTION_TOKENS or t.endswith("caption") for t in toks)


def hint_tokens(text: str) -> set[str]:
    """The tokens of a class/id string that make it a furniture hint ("footer-widget2" -> {"footer"})."""
    if not text:
        return set()
    return {t for t in tokens(text) if t in _STRONG or t in _WEAK or t.startswith(_NEG_PREFIX)}


def negative_weight(text: str) -> int:
    """How strongly a class/id string marks furniture.

    2: strong (share, related, comments, ads), 1: weak (sidebar, author, widget...), -1: positive only
    (article-body, content), 0: neither.
    """
    return _negative_weight(tokens(text), text.lower()) if text else 0


def is_positive(text: str) -> bool:
    """True when a class/id string names article content (``article-body``, ``entry-content``)."""
    return bool(text) and any(t in _POS_TOKENS for t in tokens(text))


_CAPTION_TOKENS = frozenset(
    {
        "caption",
        "captions",
        "figcaption",
        "credit",
        "credits",
        "photocredit",
        "imagecredit",
        "image-credit",
        "photo-credit",
        "copyright",
    }
)


def is_caption(text: str) -> bool:
    """True when a class/id string names an image caption or credit."""
    return bool(text) and _is_caption(tokens(text))


def is_standfirst(text: str) -> bool:
    """True when a class/id string names a standfirst/dek/summary element."""
    return bool(text) and _is_standfirst(tokens(text), text.lower())


_JUNK_LINE = re.compile(
    r"^(?:advertisement|advertising|anzeige|publicité|publicidad|pubblicità|reklama|annons|mainos|iklan|"
    r"reklame|mainos|werbung|פרסומת|إعلان|реклама|廣告|广告|광고|広告|filed under:.*|tags?:.*|"
    r"\S+@\S+\.\w+|(?:twitter|x|facebook|instagram)\.com/\S+|"
    r"sponsored(?: content)?|story continues below(?: advertisement)?|article continues below|"
    r"continue reading(?: below)?|read more|read next|read also|see also|also read|"
    r"related(?: articles?| stories| coverage| content| links)?|"
    r"more on this(?: story)?|recommended|share(?: this)?(?: article| story)?|share on \w+|tweet|email|print|"
    r"copy link|link copied|sign up|subscribe(?: now)?|click here.*|follow us.*|watch|listen|"
    r"(?:listen to|watch) (?:this|the) (?:article|story|video).*|"
    r"(?:\d+ )?comments?|skip (?:to )?(?:content|advert).*|scroll to continue.*|image|video|photo|"
    r"getty images|shutterstock|loading\.*|please wait\.*|close|menu|back to top|top|"
    r"lesen sie auch|mehr zum thema(?: [\w-]+){0,3}|weiterlesen|zum anhören|"
    r"(?:ende der )?weitere[nr]? informationen|"
    r"lire aussi|à lire aussi|leer más|lee también|leggi anche|"
    r"learn more|find out more|join the conversation|open in app|article content|advert|video loading|"
    r"don'?t miss|must read|most (?:read|popular|viewed|shared)\b.*|trending now|popular now|"
    r"table of contents|contents|in this article|jump to|story saved|invalid email.*|something went wrong.*|"
    r"this (?:slideshow|video|content) requires javascript|"
    # the labels of a collapsible box's toggle ("Box aufklappen Box zuklappen", "Show more Show less")
    r"(?:[\w-]+ )?aufklappen (?:[\w-]+ )?zuklappen|(?:show|read|see) more (?:show|read|see) less|"
    r"expand collapse|"
    # a related-posts plugin's line: "If you liked this Design post by X, you'll probably like reading …"
    r"if you (?:liked|enjoyed) this .{0,80}\byou(?:'|’)?(?:ll| will| may| might)(?: probably| also)* like.*|"
    r"if you (?:liked|enjoyed) this (?:post|article|story)\b.{0,120}\b(?:subscrib|rss|feed|share)\w*.*|"
    r"\d+ min(?:ute)?s? read|author of the article|last updated.*|updated.*ago|published.*ago)[\s:.!…]*$",
    re.I,
)
_NEWSLETTER_LINE = re.compile(
    r"(sign up (?:for|to) (?:our|the)|subscribe to (?:our|the)|newsletter|get (?:our|the) .* in your inbox|"
    r"(?:enable|allow) (?:javascript|cookies)|by (?:clicking|signing up)|terms of (?:use|service)|"
    r"privacy (?:policy|notice)|all rights reserved|©|copyright \d{4}|this (?:article|story) (?:was|is) "
    r"(?:originally )?(?:published|updated)|have a (?:news )?tip|contact us at|send us a tip|"
    r"we may earn (?:a )?commission|affiliate links?|follow (?:us|@)|subscribe to (?:continue|read)|"
    r"already a (?:subscriber|member)|sign in to (?:continue|read)|to continue reading|"
    r"(?:this|the) (?:rest of this )?(?:article|story) is (?:for|available to|exclusive to) "
    r"(?:subscribers|members)|you can find this story in|get email updates|we use your sign-?up|"
    r"do you have a story|got a story\?|get in touch at|for more stories like this|"
    r"requires javascript|enable javascript|share it with a friend|"
    r"like this (?:story|article)\?|join us on (?:whatsapp|telegram)|news email|in your inbox|"
    r"external content|third[- ]party content|externen? inhalt|bin damit einverstanden|datenschutzerklärung|"
    r"personenbezogene daten|contenu externe|contenido externo|contenuto esterno|"
    r"follow .{0,60} on (?:facebook|twitter|x|instagram|linkedin|threads|bluesky)|"
    r"ad ?block(?:er)? users?\b|(?:disable|turn off|whitelist) (?:your )?ad ?blocker|"
    r"(?:you(?:'re| are)|you seem to be) using an ad ?blocker|"
    # an appeal to the reader for money: "Dann unterstützen Sie uns bitte mit einer Spende", "support us
    # with a donation or a membership"
    r"(?:support us|unterstützen sie uns|soutenez-nous|apóyanos)\b.{0,80}\b(?:donat\w*|spende\w*|don\b|"
    r"donación|membership|mitglied\w*|abonn\w*|subscri\w*)|"
    r"\[(?P<sc>[a-z_]+)\b[^\]]*\].*\[/(?P=sc)\])",  # leaked CMS shortcodes ([button ..]..[/button])
    re.I,
)


# "15.04.2025, 17:59 Lesezeit: 5 Min.", "Reading time: 4 minutes", "3 min read" (a date stamp may lead).
_READING_TIME = re.compile(
    r"^[\d\s.,:/-]*(?:(?:lesezeit|reading time|read time|temps de lecture|tiempo de lectura|"
    r"tempo di lettura|leestijd|lästid|lesetid|læsetid|czas czytania)\s*:?\s*(?:ca\.?\s*)?\d+\s*"
    r"(?:min\w*|minutes?|minuten)\.?|\d+\s*min(?:ute)?s?\.?\s*(?:read|lesezeit|de lecture|lesen))$",
    re.I,
)


# Media furniture: "02:57 Min. Verfügbar bis 06.05.2024", embed placeholders ("Empfohlener redaktioneller
# Inhalt ... mit einem Klick anzeigen").
_MEDIA_LINE = re.compile(
    r"^(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:min\.?|minuten|mins?)?\s*(?:(?:verfügbar bis|available until|"
    r"disponible jusqu'au|disponible hasta)\b.{0,30})?|empfohlener (?:redaktioneller )?inhalt|"
    r"recommended (?:editorial )?content|ein klick für den datenschutz|"
    # an embedded post's attribution line: "— Jane Doe (@jdoe) July 18, 2026"
    r"[—–-]\s*.{1,80}\(@\w{1,15}\)\s+\w+\.? \d{1,2},? \d{4}|"
    # a short source credit: "Quelle: AFP", "Source: Reuters"
    r"(?:quelle|quellen|source|sources|fuente|fonte|bron|källa|kilde|źródło)\s*:\s*[^.!?]{0,40}|"
    # a picture credit on a line of its own: "Bildrechte: MDR/David Straub", "Foto: dpa", "imago images/X"
    r"(?:bildrechte|bildquelle|fotos?|photos?|credits?|crédits?)\s*:\s*(?=[^.!?]{1,60}$)[^\s.!?]+(?:\s+[^\s.!?]+){0,4}|"
    r"(?:imago(?: images)?|getty images|ap photo|picture alliance)\s*/\s*[^.!?]{1,40}|"
    # publication and update stamps with a clock time only: "Uppdaterad 15.59 | Publicerad 14.14"
    r"(?:(?:uppdaterad|publicerad|oppdatert|publisert|opdateret|publiceret|updated|published|aktualisiert|"
    r"veröffentlicht)\s*:?\s*\d{1,2}[:.]\d{2}\s*(?:\||$)\s*)+|"
    r".{0,80}mit einem klick anzeigen (?:lassen )?und wieder ausblenden.{0,20})$",
    re.I,
)


# CJK furniture: a date stamp after the author's name ("渡辺洋介2025年1月13日 21時37分", "2025.01.13 21:37"),
# bracketed section labels ("【関連記事】") and subscription promotions.
_CJK_LINE = re.compile(
    r"^\D{0,12}\d{4}\s*[年.]\s*\d{1,2}\s*[月.]\s*\d{1,2}\s*日?\s*(?:\d{1,2}\s*時\s*\d{1,2}\s*分|\d{1,2}:\d{2})?"
    r"\s*(?:更新|公開|配信|発行|입력|수정|发布|更新)?$|^【[^】]{1,20}】$|.{0,60}(?:有料会員|読み放題|会員限定).{0,60}$"
)


# The stock lines of a reader-comment form ("You may use these HTML tags …", "Remember Me?").
_COMMENT_FORM_LINE = re.compile(
    r"you may use these html tags|allowed html\b|e-?mail (?:address )?is optional|"
    r"your e-?mail(?: address)? will (?:not|never) be (?:published|displayed|shared)|remember me\??$|"
    r"you can follow any responses to this entry|comments may be no longer than|"
    r"notify me of (?:follow-up|new) (?:comments|posts)|required fields are marked|"
    r"ihre e-mail-adresse wird nicht veröffentlicht|votre adresse (?:e-)?mail ne sera pas publiée|"
    r"tu dirección de correo electrónico no será publicada|il tuo indirizzo email non sarà pubblicato",
    re.I,
)
# A line that opens the reader-comment section ("Leave a Reply", "Post a comment", "12 Responses to …").
_COMMENTS_OPENER = re.compile(
    r"^(?:leave a (?:reply|comment|response)|post a comment|add (?:a|your) comment|write a comment|"
    r"submit (?:a |your )?comment|"
    r"(?:\d+|one|no) (?:comments?|responses?|replies)(?: (?:to|on|for) .{0,150})?|"
    r"comments? \(\d+\)|(?:reader |\d+ )?comments?|join the discussion|kommentare?(?: \(\d+\))?|"
    r"kommentar schreiben|laisser un commentaire|(?:\d+ )?commentaires?|deja (?:un|tu) comentario|"
    r"(?:\d+ )?comentarios|lascia un commento|(?:\d+ )?commenti)[\s:.!]*$",
    re.I,
)


_ADBLOCK_NOTICE = re.compile(
    r"^ad ?block(?:er)? users?\b|\b(?:disable|turn off|whitelist) (?:your )?ad ?blocker", re.I
)


def is_junk_line(text: str) -> bool:
    """Short stock phrases of page furniture ("Advertisement", "Read more", newsletter prompts, the lines
    of a comment form)."""
    if len(text) > 220:
        # A notice to ad-blocker users runs longer than other stock lines.
        return len(text) < 400 and _ADBLOCK_NOTICE.search(text) is not None
    if any(rx.match(text) for rx in (_JUNK_LINE, _READING_TIME, _MEDIA_LINE, _CJK_LINE)):
        return True
    if _COMMENT_FORM_LINE.search(text):
        return True
    return len(text) < 300 and bool(_NEWSLETTER_LINE.search(text))


def opens_comments(text: str) -> bool:
    """A short line that opens a reader-comment section ("Leave a Reply", "Post a comment", "3 Comments",
    "12 Responses to “…”")."""
    return len(text) <= 200 and _COMMENTS_OPENER.match(text) is not None
