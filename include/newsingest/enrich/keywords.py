"""Keyphrases, deduplicated against the document's entity names.

English candidates are noun phrases from spaCy's parse of the headline and lead
(:mod:`newsingest.enrich.noun_phrases`); other languages, or a run without a parser, use YAKE (n=2).
A single word is kept only when the whole story uses it at least three times, so verbs and common
words picked from the lead ("named", "Hours") do not become keyphrases.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from itertools import islice
from typing import Any

from newsingest.enrich.geo import fold
from newsingest.enrich.noun_phrases import NounPhraser

# Languages YAKE ships stopword lists for (ISO 639-1); others fall back to its language-neutral list.
YAKE_LANGUAGES = {
    "ar", "bg", "br", "cz", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "hi", "hr", "hu", "hy",
    "id", "it", "ja", "lt", "lv", "nl", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sv", "tr", "uk", "zh",
}  # fmt: skip
# Headline + lead only: YAKE costs more per word than NER itself. NEWSINGEST_KEYWORDS_CHARS (the settings'
# enrich.keywords_chars, passed as ``max_chars``) trades keyphrase depth for speed (0 turns keyphrases off).
MAX_CHARS = 300
# YAKE trigrams are mostly fragments across names ("met Chinese leader"); bigrams read better.
NGRAM = 2

_SHOUTED = re.compile(r"\b[A-Z]{2,}\b\W+\b[A-Z]{2,}\b|\b[A-Z]{6,}\b")
_FILLER = frozenset(
    re.findall(
        r"\w+",
        "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
        "july august september october november december year years week weeks month months day days "
        "today yesterday time times said says told people thing things lot high low top black white new old",
    )
)
_lock = threading.Lock()
_extractors: dict[tuple[str, int], object] = {}


def _extractor(lang: str, top: int):
    key = (lang, top)
    with _lock:
        if key not in _extractors:
            import yake

            _extractors[key] = yake.KeywordExtractor(
                lan=lang, n=NGRAM, dedupLim=1.0, top=top * 4
            )  # we dedup below
        return _extractors[key]


MIN_SINGLE_WORD_USES = 3
MIN_PHRASES = 3  # single words fill up to this many keyphrases, never more


def _recurring(word: str, folded_text: str) -> bool:
    """True when ``word`` occurs at least :data:`MIN_SINGLE_WORD_USES` times in ``folded_text``."""
    if len(word) < 4:
        return False
    uses = re.finditer(r"\b" + re.escape(word) + r"\b", folded_text)
    return sum(1 for _ in islice(uses, MIN_SINGLE_WORD_USES)) >= MIN_SINGLE_WORD_USES


def keyphrase_sample(text: str, max_chars: int = MAX_CHARS) -> str:
    """The part of ``text`` keyphrases are taken from: its first ``max_chars``, never half a word."""
    if max_chars <= 0:
        return ""
    sample = (text or "")[:max_chars]
    if len(text or "") > max_chars and " " in sample:
        sample = sample.rsplit(" ", 1)[0]
    return sample


def extract_keywords(
    text: str,
    *,
    language: str | None = "en",
    entity_names: Iterable[str] = (),
    person_names: Iterable[str] = (),
    top: int = 10,
    phraser: NounPhraser | None = None,
    title_end: int = 0,
    max_chars: int = MAX_CHARS,
    parsed: Any = None,
) -> list[str]:
    """Top keyphrases (best first), without phrases that are (part of) an entity name, mostly names,
    or contain a person's name (keyphrases name concepts; people are in the person facet).

    With a ``phraser`` English candidates are noun phrases of the parse; ``title_end`` marks the
    headline in ``text``; ``max_chars`` of ``text`` are read (the settings' enrich.keywords_chars);
    ``parsed`` is the phraser's parse of :func:`keyphrase_sample` when the caller parsed a batch at once."""
    sample = keyphrase_sample(text, max_chars)
    if not sample.strip():
        return []
    lang = language if language in YAKE_LANGUAGES else ("cz" if language == "cs" else "noLang")
    names = {fold(n) for n in entity_names if n}
    name_tokens = [set(n.split()) for n in names]
    all_name_tokens = {t for n in name_tokens for t in n}
    person_tokens = {t for n in person_names for t in fold(n).split() if len(t) > 2}
    out: list[str] = []
    singles: list[str] = []
    seen: set[str] = set()
    used: Counter[str] = Counter()
    folded_text = ""  # folded on first need
    candidates = None
    if phraser is not None and language == "en":
        folded_text = fold(text)
        candidates = phraser.candidates(sample, title_end=title_end, folded_text=folded_text, doc=parsed)
    if candidates is None:
        candidates = [phrase for phrase, _score in _extractor(lang, top).extract_keywords(sample)]
    for phrase in candidates:
        key = fold(phrase)
        if not key or key in names or not any(ch.isalpha() for ch in key):
            continue
        toks = set(key.split())
        if any(toks <= nt for nt in name_tokens):
            continue  # "Putin" when "Vladimir Putin" is an entity
        if len(toks) > 1 and sum(1 for t in toks if t in all_name_tokens) * 2 >= len(toks):
            continue  # "Roma Jayne told", "Gaza wondered": half a name or more (names are facets)
        if toks & person_tokens:
            continue  # "Foreign Minister Sergei"
        if _SHOUTED.search(phrase):
            continue  # datelines and shouted labels ("MEXICO CITY", "CROSSE")
        if any(key in s or s in key or toks <= set(s.split()) or set(s.split()) <= toks for s in seen):
            continue  # "West End" after "West End performance"; "new leader" after "new political leader"
        if toks <= _FILLER or any(used[t] >= 2 for t in toks):
            continue  # "Tuesday"; a third "OBR ..." phrase
        if len(toks) == 1:
            # A lone word ("named", "Hours") only when the story keeps using it, and only to fill up
            # when the story has few phrases ("president" is no keyphrase beside "impeachment inquiry").
            if _recurring(key, folded_text or (folded_text := fold(text))):
                singles.append(phrase)
            continue
        used.update(toks)
        seen.add(key)
        out.append(phrase)
        if len(out) >= top:
            break
    for phrase in singles:
        if len(out) >= MIN_PHRASES:
            break
        if not any(fold(phrase) in k.split() for k in seen):
            out.append(phrase)
    return out
