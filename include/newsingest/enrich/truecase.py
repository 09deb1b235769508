"""Truecasing of ALL-CAPS lines before NER.

Headlines, kickers and table headers set in capitals ("PARIS TALKS STALL AS UNIONS WALK OUT") give a
cased NER model nothing to go on: it tags shouting words at random and misses the names. Each word of
such a line takes the casing the same text uses for it elsewhere (outside sentence starts, the
majority form), else "Capitalised" when the gazetteer knows it as a major place or the alias table
knows it, else lower case. A word that appears nowhere else and names nothing known is lower-cased:
a missed name there costs less than the noise of capitalising every word.

The result has the same length as the input (offsets of the model's mentions stay valid for the
original text); words whose case mapping changes their length are left as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cache

_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"[^\W\d_](?:[\w'’.-]*\w)?")
# A word at the start of a line or a sentence (after ". ", "! ", "? ", ": ", an opening quote):
# its capital says nothing about the word.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"“‘(\[]\s*|\s[-–—]\s+)$")
MIN_LETTERS = 4  # a line of fewer letters ("AP", "UK") is left as it is
CAPS_SHARE = 0.9  # share of a line's letters in upper case that makes it an ALL-CAPS line
MAX_CAPS_SHARE_OF_TEXT = 0.5  # a text mostly in capitals gives no casing to learn from: left alone


def _caps_line(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    if len(letters) < MIN_LETTERS:
        return False
    return sum(ch.isupper() for ch in letters) >= CAPS_SHARE * len(letters)


def _casing_votes(text: str, caps_spans: list[tuple[int, int]]) -> tuple[dict[str, Counter[str]], set[str]]:
    """Forms of each word (folded key) outside ALL-CAPS lines and sentence starts, and the folded words
    seen capitalised at a sentence start."""
    votes: dict[str, Counter[str]] = {}
    starts: set[str] = set()
    pos = 0
    segments = []
    for start, end in caps_spans:
        segments.append((pos, start))
        pos = end
    segments.append((pos, len(text)))
    for lo, hi in segments:
        for match in _WORD.finditer(text, lo, hi):
            word = match.group(0)
            if word.isupper() and len(word) > 1:
                votes.setdefault(word.casefold(), Counter())[word] += 1  # an acronym: "NATO"
                continue
            if match.start() == lo or _SENTENCE_START.search(text[max(0, match.start() - 4) : match.start()]):
                if word[:1].isupper():
                    starts.add(word.casefold())
                continue
            votes.setdefault(word.casefold(), Counter())[word] += 1
    return votes, starts


def truecase(
    text: str,
    *,
    known_name: Callable[[str], bool] | None = None,
) -> str:
    """``text`` with its ALL-CAPS lines in their likely casing (same length; see the module doc).

    ``known_name(word)`` says a word unseen elsewhere in the text is a name (capitalised) rather than
    a common word (lower-cased)."""
    caps = [(m.start(), m.end()) for m in _LINE.finditer(text) if _caps_line(m.group(0))]
    if not caps:
        return text
    caps_letters = sum(1 for s, e in caps for ch in text[s:e] if ch.isalpha())
    all_letters = sum(1 for ch in text if ch.isalpha())
    if caps_letters > MAX_CAPS_SHARE_OF_TEXT * all_letters:
        return text
    votes, starts = _casing_votes(text, caps)
    out = list(text)
    for start, end in caps:
        words = list(_WORD.finditer(text, start, end))
        i = 0
        while i < len(words):
            # A known name of two or three words first ("CAPE TOWN" -> "Cape Town", not "Cape town").
            for j in range(min(len(words), i + 3), i + 1, -1):
                lo, hi = words[i].start(), words[j - 1].end()
                phrase = _title(text[lo:hi])
                if known_name is not None and len(phrase) == hi - lo and known_name(phrase):
                    out[lo:hi] = phrase
                    i = j
                    break
            else:
                word = words[i].group(0)
                cased = _cased(word, votes.get(word.casefold()), word.casefold() in starts, known_name)
                if i == 0 and cased.islower():
                    cased = cased[:1].upper() + cased[1:]  # a line starts with a capital
                if len(cased) == len(word):
                    out[words[i].start() : words[i].end()] = cased
                i += 1
    return "".join(out)


def _title(text: str) -> str:
    """ "CAPE TOWN" -> "Cape Town", "AL-AIN" -> "Al-Ain"."""
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), text)


def _cased(
    word: str, seen: Counter[str] | None, at_start: bool, known_name: Callable[[str], bool] | None
) -> str:
    if seen:
        return seen.most_common(1)[0][0]
    if "." in word.strip("."):
        return word  # "U.S.", "N.Y.": abbreviations keep their capitals
    title = _title(word)
    if known_name is not None and known_name(title):
        return title
    if at_start and word.casefold() not in _stop_words():
        return title  # only ever seen capitalised, at sentence starts ("Wales beat ...")
    return word.lower()


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def known_name(word: str) -> bool:
    """A word the shipped gazetteers name: a major place ("Paris", "Texas") or an alias-table entry."""
    from newsingest.enrich.aliases import default_aliases
    from newsingest.enrich.geo import default_gazetteer

    return default_aliases().lookup(word) is not None or default_gazetteer().is_major_place(word)
