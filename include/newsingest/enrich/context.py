"""In-article context that tells a product, platform or work apart from a person or organisation.

The small NER model tags "Twitter", "the Moon", "Alexa" or a song title as a person or organisation.
What it misses is visible around the mention, whatever the name: a platform is posted *on* and has
*accounts*; a device has *apps*; a title sits in quotation marks; a unit follows a number; a person
is not "the X and ..." . :func:`product_cue` reads one mention's surroundings; :func:`spread_over_lists`
carries a cue along a coordinated list ("on Facebook, Twitter and Instagram"). These are votes: the
entity's type is still decided by all its mentions in the article and then by the registry across
articles (:mod:`newsingest.load.entity_registry`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from itertools import pairwise
from typing import Protocol

# Nouns that follow a platform, service or device name ("Twitter account", "Alexa device"); nouns an
# organisation often precedes too ("a Reuters story", "the Chelsea game") are left out.
_PRODUCT_NOUNS = (
    "app|apps|account|accounts|handle|handles|feed|feeds|page|pages|post|posts|user|users|platform|"
    "platforms|device|devices|console|consoles|browser|subscription|subscriptions|subscribers|headset|"
    "headsets|smartphone|smartphones|phone|phones|tablet|tablets|laptop|laptops|lander|profile|profiles|"
    "thread|threads|livestream|built-in|compatible|integration|outage|algorithm|servers"
)
_FOLLOWED_BY_PRODUCT_NOUN = re.compile(r"^[ \t]+(?:" + _PRODUCT_NOUNS + r")\b")
# Verbs that put something *on* a platform, or use, install or stream it ("posted on X", "took to X",
# "support for X", "use X to ...").
_PLATFORM_BEFORE = re.compile(
    r"\b(?:(?:said|says|wrote)\s+on|(?:post\w*|wr[io]te|writ\w+|shar\w+|announc\w+|tweet\w*|publish\w*|stream\w*|available|"
    r"follow\w*|visit\w*|trending|viral)\s+(?:\w+\s+){0,2}(?:on|via)|(?:turn\w*|took|tak\w+)\s+to|"
    r"version\s+of|download\w*|install\w*|users\s+of|subscri\w+\s+to|support\s+for|compatible\s+with|"
    r"works\s+with|us(?:e|es|ed|ing))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# A comma/and list of capitalised names just before the mention ("Facebook, " in "on Facebook, Twitter").
_LIST_TAIL = re.compile(r"(?:[A-Z][\w'’.-]*,?[ \t]+(?:(?:and|or|&)[ \t]+)?){1,4}$")
# Vehicles and instruments that carry a name ("the Sputnik satellite", "the probe Voyager"): never persons.
_VEHICLES = (
    "satellite|satellites|probe|probes|rover|rovers|spacecraft|telescope|telescopes|rocket|rockets|"
    "capsule|capsules|orbiter|orbiters|space\\s+station"
)
_FOLLOWED_BY_VEHICLE = re.compile(r"^[ \t]+(?:" + _VEHICLES + r")\b", re.IGNORECASE)
_VEHICLE_BEFORE = re.compile(
    r"(?:\b(?:" + _VEHICLES + r")|\blaunch(?:ed|es|ing)?\s+of(?:\s+the)?)[ \t]+$", re.IGNORECASE
)
_POSSESSIVE_AFTER = re.compile(r"^['’]s?\b")
# An apposition that says what the name is: "Sputnik 1, the first artificial satellite," / "Vexa, a
# streaming service." (the head noun ends the apposition: "Vale, a game show host" is a person).
_APPOSITION_THING = re.compile(
    r"^(?:[ \t]+\d+[A-Za-z]?)?,[ \t]+(?:the|a|an)[ \t]+(?:[\w'’-]+[ \t]+){0,3}(?:"
    + _VEHICLES
    + r"|app|platform|service|console|device|browser|chatbot|game|film|movie|album|song|novel|series|"
    r"vaccine|drug|brand)(?=[ \t]*[,.;:)]|[ \t]*$)",
    re.IGNORECASE,
)
# A size or capacity before the name ("the 16-inch MacBook Pro", "a 64GB Vexa"): a device or model.
_MEASURE_BEFORE = re.compile(
    r"\b\d+(?:\.\d+)?[ -]?(?:inch|in\.|mm|cm|GB|TB|MB|MP|megapixel|mAh|Hz|GHz|W|watt)\b[ \t]+$", re.IGNORECASE
)
_NUMBER_BEFORE = re.compile(r"\d[\d.,]*\s*(?:degrees?\s+)?$")  # "49.95 Euro", "55 degrees Fahrenheit"
_THE_BEFORE = re.compile(r"(?:^|[^\w])the\s+$", re.IGNORECASE)
_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "and or but nor of in on at to for with from by as is was are were be been has had have will would "
        "can could may might that which who whom where when while than then so if into onto over under "
        "after before since until about against between through during",
    )
)
_NEXT_WORD = re.compile(r"^[ \t]+([A-Za-z][\w'’-]*)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*)$")
_IMPERATIVE_OBJECT = frozenset(re.findall(r"\w+", "it the a an this that these those your our them now here"))
_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+|&\s+)?|and\s+|or\s+|&\s+)$")


class Located(Protocol):
    text: str
    start: int
    end: int


def product_cue(text: str, start: int, end: int, surface: str, *, person: bool) -> bool:
    """True when the text around ``text[start:end]`` (cleaned to ``surface``) says product, platform,
    unit or title rather than a person or organisation. The cues that are normal before an
    organisation ("the Fed and ...", "2 Chelsea") count only against a ``person``."""
    before = text[max(0, start - 60) : start]
    after = text[end : end + 40]
    if _FOLLOWED_BY_PRODUCT_NOUN.match(after) or _PLATFORM_BEFORE.search(before):
        return True
    if _LIST_TAIL.search(before) and _PLATFORM_BEFORE.search(_LIST_TAIL.sub("", before)):
        return True  # "on Facebook, Twitter and Instagram": the cue before the list covers it
    if _in_quoted_title(text, start, end):
        return True  # “Takin’ It to the Streets”: a title, not the person "Takin"
    if _MEASURE_BEFORE.search(before):
        return True  # "the 16-inch MacBook": a device
    if person and " " not in surface:
        if text[start : start + 4].casefold() == "the ":
            before += "the "
        if _NUMBER_BEFORE.search(before):
            return True  # "49.95 Euro"
        nxt = _NEXT_WORD.match(after)
        next_word = nxt.group(1) if nxt else ""
        plural = surface.endswith("s") and not surface.endswith(("ss", "'s", "’s"))
        if _THE_BEFORE.search(before) and plural:
            return True  # "The Steelers spent Monday ...": a team or group, not one person
        if _THE_BEFORE.search(before) and (not next_word or not next_word[0].islower() or
                                           next_word in _FUNCTION_WORDS):  # fmt: skip
            return True  # "the Moon and Mars" (but "the Obama administration" is a person's)
        if _SENTENCE_START.search(before) and next_word in _IMPERATIVE_OBJECT:
            return True  # "Download it here": an imperative verb at the start of a sentence
    # "the Sputnik satellite", "Sputnik 1, the first satellite", "the launch of Sputnik" (not "the
    # launch of Vale's book")
    return person and bool(
        _FOLLOWED_BY_VEHICLE.match(after)
        or _APPOSITION_THING.match(text[end : end + 100])
        or (_VEHICLE_BEFORE.search(before) and not _POSSESSIVE_AFTER.match(after))
    )


_QUOTES = {"“": "”", "«": "»", '"': '"'}
_PERIOD_WORD = re.compile(r"[^\W\d_][\w'’]*(?![\w-])")
_BRAND_AFTER = re.compile(r"[’'.,;:)]|[ \t]+[a-z]")
_BRAND_WORD = re.compile(r"(?<![\w-])([^\W\d_][\w'’-]*)$")
_LABEL_LINE_AFTER = re.compile(r"^[ \t]*(?::[ \t]*\d|:?[ \t]*(?:\n|$))")


def label_line(text: str, start: int, end: int) -> bool:
    """The name is a whole line by itself, maybe with a colon, or the label of a figure at the start of
    a line ("Specs:", "Challenges", "Attendance: 2,000"), not a person in a sentence."""
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and bool(_LABEL_LINE_AFTER.match(text[end : end + 40]))


def period_and_brand_words(text: str) -> set[str]:
    """Words the article writes glued to a prefix of time ("post-Brexit", "pre-Covid": an event or
    period), or with an exclamation mark inside a name ("Yahoo!’s", "Yahoo!."): a brand, not a person.
    (``str.find`` for the rare cue characters first: a regex over every position costs a millisecond.)"""
    out: set[str] = set()
    for prefix in ("post-", "Post-", "pre-", "Pre-"):
        i = text.find(prefix)
        while i != -1:
            if i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_-"):
                word = _PERIOD_WORD.match(text, i + len(prefix))
                if word:
                    out.add(word.group(0))
            i = text.find(prefix, i + 1)
    i = text.find("!")
    while i != -1:
        if _BRAND_AFTER.match(text, i + 1):
            word = _BRAND_WORD.search(text, max(0, i - 40), i)
            if word:
                out.add(word.group(1))
        i = text.find("!", i + 1)
    return out


def _in_quoted_title(text: str, start: int, end: int) -> bool:
    """The mention sits inside a short quotation in title case with other capitalised words beside it
    (a song, book or film title), not inside a quoted sentence ("We will fight Trump")."""
    window = text[max(0, start - 80) : start]
    open_at = max(window.rfind(q) for q in _QUOTES)
    if open_at < 0:
        return False
    opener = window[open_at]
    if any(c in window[open_at + 1 :] for c in _QUOTES.values()) or (
        opener == '"' and open_at > 0 and not window[open_at - 1].isspace()
    ):
        return False  # that quotation closed before the mention, or a straight quote that closes one
    close_at = text.find(_QUOTES[opener], end, end + 80)
    if close_at < 0:
        return False
    words = re.findall(r"[^\W\d_][\w'’-]*", text[max(0, start - 80) + open_at + 1 : close_at])
    content = [w for w in words if w.casefold() not in _FUNCTION_WORDS and w.casefold() != "the"]
    outside = len(re.findall(r"[^\W\d_][\w'’-]*", text[start:end]))
    return 3 <= len(words) <= 12 and len(content) > outside and all(w[0].isupper() for w in content)


def spread_over_lists(text: str, mentions: Sequence[Located], flagged: set[int]) -> set[int]:
    """Indexes of ``mentions`` flagged, extended to neighbours joined by a comma/and/or list to a flagged
    one ("on Facebook, Twitter, and Instagram": the cue before Facebook covers all three)."""
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    out = set(flagged)
    changed = True
    while changed:
        changed = False
        for a, b in pairwise(order):
            if (a in out) == (b in out):
                continue
            gap = text[mentions[a].end : mentions[b].start]
            if _LIST_GAP.match(gap):
                out |= {a, b}
                changed = True
    return out


_NAME_PREFIXES = frozenset(re.findall(r"\w+", "Mc Mac De Di Da Du Le La Van Von Fitz"))


def camel_case_brand(surface: str) -> bool:
    """One word with a capital inside after lower-case letters ("OpenAI", "SpaceX", "iPhone", "WeWork"):
    a brand, never a person's name (name prefixes such as Mc, De, Le, O' excepted: "McDonald",
    "DeSantis", "LeBron")."""
    if " " in surface or "-" in surface or not surface[:1].isalpha():
        return False
    if surface[0].islower() and any(ch.isupper() for ch in surface[1:]):
        return True  # "iPhone", "eBay"
    inner = re.search(r"[a-z][A-Z]", surface)
    return inner is not None and surface[: inner.start() + 1] not in _NAME_PREFIXES


# A word fusing letters and digits ("802.11ax", "A380", "RTX4090"; four characters or more, so "G20",
# "MI6" and "3M" stay names), other than an ordinal or a decade ("21st", "1990s").
_FUSED = re.compile(r"^(?=[\w.]*[^\W\d_])(?=[\w.]*\d)[\w.]{4,}$")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th|s)$", re.IGNORECASE)
# A word ending in a hyphen and one capital or a number: a connector, model or variant ("Micro-B",
# "USB-C", "F-35", "Covid-19").
_HYPHEN_CODE = re.compile(r"^([^\W\d_]+)-(?:[A-Z]|\d+[A-Za-z]?)$")
# Last words that make a name a product line, edition or subscription ("Game Pass", "Vista Pro").
_EDITION_WORDS = frozenset(["Pass", "Pro", "Max", "Plus", "Ultra", "Mini", "Lite", "Premium", "Edition"])


def model_designation(surface: str, given_names: frozenset[str] = frozenset()) -> bool:
    """A product's model or version designation, not a person's or organisation's name: a word that
    fuses letters and digits ("802.11ax Wi-Fi", "Airbus A380"), a word ending in a hyphen and a code
    ("USB Micro-B", "F-35"; "Jay-Z" stays: ``given_names`` (folded) vouch for the part before the
    hyphen), a name of two words or more ending in an edition word ("Xbox Game Pass"), or one in "+"."""
    words = [w.strip(".,;:!?()'’\"") for w in surface.split()]
    for w in words:
        if _FUSED.match(w) and not _ORDINAL.match(w):
            return True
        code = _HYPHEN_CODE.match(w)
        if code and code.group(1).casefold() not in given_names:
            return True
    return surface.endswith("+") or (len(words) >= 2 and words[-1] in _EDITION_WORDS)


@cache
def currency_units() -> frozenset[str]:
    """Folded currency unit words from pycountry's ISO 4217 names ("euro", "dollar", "yen", "rupee"),
    with their plurals; funds and precious metals (codes starting with X) are left out."""
    import pycountry

    units = set()
    for c in pycountry.currencies:
        word = c.name.split()[-1]
        if not c.alpha_3.startswith("X") and re.fullmatch(r"[A-Z][a-z’']+", word):
            units |= {word.casefold(), word.casefold() + "s"}
    return frozenset(units)


# Works a producer or platform makes ("a Netflix documentary", "her Vexa special"): never after a place.
_MEDIA_WORK_AFTER = re.compile(
    r"^[ \t]+(?:original|originals|documentary|documentaries|special|series|subscribers?|streaming)\b"
)


def media_work_after(text: str, end: int) -> bool:
    """The mention ending at ``end`` is followed by a work or service noun ("Netflix documentary")."""
    return _MEDIA_WORK_AFTER.match(text[end : end + 30]) is not None


# A locative preposition just before a name ("shaking buildings in Sendai", "towards Clerkenwell"); "at"
# counts separately (it precedes employers as often as places: "engineers at Nokia"). Not after a noun
# of holding or taking part ("a stake in", "shares in", "invested in", "a role in").
_LOCATIVE_BEFORE = re.compile(
    r"(?<![\w-])(?:(?P<prep>in|near|outside|towards?|across|throughout|around|inside|at)|(?:parts|areas|coasts?|"
    r"north|south|east|west|north-?east|north-?west|south-?east|south-?west|outskirts|centre|center|rest)"
    r"[ \t]+(?P<of>of))[ \t]+$",
    re.IGNORECASE,
)
_HOLDING_BEFORE = re.compile(
    r"\b(?:stakes?|shares?|invest\w*|interests?|roles?|jobs?|careers?|positions?|faith|belie\w+|trust)[ \t]+"
    r"(?:\w+[ \t]+)?$",
    re.IGNORECASE,
)


def locative_before(text: str, start: int, end: int) -> str | None:
    """The locative preposition right before ``text[start:end]`` ("in", "near", "at", ...; folded; "of"
    after a part or side: "parts of", "north of"), or None. A possessive after the name ("in Chelsea's
    win") or a holding before the preposition ("a stake in Nokia") is no place reading."""
    match = _LOCATIVE_BEFORE.search(text[max(0, start - 24) : start])
    if match is None or _POSSESSIVE_AFTER.match(text[end : end + 3]):
        return None
    if _HOLDING_BEFORE.search(text[max(0, start - 40) : start - len(match.group(0))]):
        return None
    return (match.group("prep") or match.group("of")).casefold()


_SETTLEMENT_BEFORE = re.compile(
    r"(?<![\w-])(?:town|city|village|port|capital|district|province|region|county|suburb|island|hamlet|"
    r"enclave|township|municipality)[ \t]+of[ \t]+$"
)
_DIVISION_AFTER = re.compile(
    r"^[ \t]+(?:county|province|district|region|prefecture|oblast|governorate|township|municipality)(?![\w-])"
)


def settlement_cue(text: str, start: int, end: int) -> bool:
    """A lower-case settlement or division noun names ``text[start:end]`` as a place, known or not: "the
    town of Chatelet", "the port of Umm Qasr", "Huize county" ("City of London", capitalised, is a name)."""
    return bool(
        _SETTLEMENT_BEFORE.search(text[max(0, start - 24) : start])
        or _DIVISION_AFTER.match(text[end : end + 20])
    )


def list_runs(text: str, mentions: Sequence[Located]) -> list[list[int]]:
    """Indexes of ``mentions`` joined into coordinated lists ("Leeds, Bristol and Norwich", "SoftBank and
    Andreessen Horowitz"), each run in text order. A run of two needs a conjunction ("Tim Cook, Apple's
    chief" is an apposition, not a list)."""
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    runs: list[list[int]] = []
    current: list[int] = []
    conjunction = False

    def close() -> None:
        if len(current) >= 3 or (len(current) == 2 and conjunction):
            runs.append(list(current))

    for i in order:
        gap = text[mentions[current[-1]].end : mentions[i].start] if current else ""
        if current and _LIST_GAP.match(gap):
            current.append(i)
            conjunction = conjunction or bool(re.search(r"\b(?:and|or)\b|&", gap))
            continue
        close()
        current, conjunction = [i], False
    close()
    return runs


# A common noun that says what the following name is: "the vaccine alliance Gavi", "the retailer
# Walgreens", "the Ghanaian-born artist Akosua Mensah" (up to two modifier words between article and noun).
_ORG_NOUNS = (
    "alliance|firm|company|companies|charity|group|agency|broadcaster|retailer|carmaker|automaker|airline|"
    "bank|lender|insurer|network|startup|start-up|chain|brand|label|manufacturer|maker|operator|"
    "organisation|organization|foundation|party|union|regulator|publisher|newspaper|outlet|club|team|band|"
    "utility|supermarket|conglomerate|fund|watchdog|ngo|non-profit|nonprofit|think-tank|broker|developer"
)
_PERSON_NOUNS = (
    "artist|singer|painter|sculptor|writer|novelist|poet|actor|actress|player|striker|midfielder|defender|"
    "goalkeeper|designer|photographer|chef|lawyer|attorney|doctor|nurse|teacher|councillor|councilman|"
    "councilwoman|activist|author|journalist|rapper|comedian|musician|entrepreneur|investor|billionaire|"
    "politician|economist|scientist|researcher|professor|paediatrician|pediatrician|surgeon|footballer|"
    "cricketer|tennis\\s+player|golfer|boxer|sprinter|athlete|coach|filmmaker|film-maker|businessman|"
    "businesswoman|lawmaker|congressman|congresswoman|senator|diplomat|official|spokesman|spokeswoman"
)
_DESCRIPTOR_BEFORE = re.compile(
    r"\b(?:the|a|an|its|their|fellow)[ \t]+(?:[\w'’-]+[ \t]+){0,2}?"
    rf"(?:(?P<org>{_ORG_NOUNS})|(?P<person>{_PERSON_NOUNS}))[ \t]+$",
    re.IGNORECASE,
)


# A role noun written in apposition without an article ("State Department spokesman Glyn Davies",
# "striker Cosmin Contra", "Reds manager Ray Knight"): the noun alone, lower-case, right before the name.
# Fewer nouns than with an article: "official" and "player" also precede organisations and products
# ("the official Xinhua agency", "media player Vexa").
_ROLE_NOUNS = (
    "spokesman|spokeswoman|spokesperson|striker|midfielder|defender|goalkeeper|winger|fullback|footballer|"
    "cricketer|batsman|bowler|pitcher|quarterback|golfer|boxer|sprinter|cyclist|jockey|coach|manager|"
    "captain|skipper|novelist|poet|singer|actor|actress|lawyer|attorney|economist|senator|congressman|"
    "congresswoman|lawmaker|diplomat|businessman|businesswoman|billionaire|journalist|photographer"
)
_ROLE_BEFORE = re.compile(rf"(?<![\w'’-])(?:{_ROLE_NOUNS})[ \t]+$")
ROLE_NOUNS = frozenset(_ROLE_NOUNS.split("|"))


def descriptor_before(text: str, start: int) -> str | None:
    """ "organisation" or "person" when a describing noun phrase ends right before ``start`` ("the vaccine
    alliance Gavi", "the Ghanaian-born artist Akosua Mensah"), or a lower-case role noun in apposition
    ("spokesman Glyn Davies": a person), else None."""
    window = text[max(0, start - 70) : start]
    match = _DESCRIPTOR_BEFORE.search(window)
    if match is None:
        return "person" if _ROLE_BEFORE.search(window) else None
    return "organisation" if match.group("org") else "person"
