"""Keyphrase candidates as real noun phrases: spaCy's dependency parse (``doc.noun_chunks``).

The parse runs over the headline and lead only (the sample :mod:`newsingest.enrich.keywords` hands
over), with the NER model's own package but its tagger and parser instead of its NER, so it costs a
fraction of the article's NER. Each chunk is trimmed to its content words (no determiners, pronouns,
numbers or stop words at its edges) and ranked by how often the story repeats it and its head noun,
with a bonus for the headline. Names are not keyphrases: a chunk made only of proper nouns is left to
the entity facets.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from newsingest.enrich.geo import fold

log = logging.getLogger(__name__)

# Components a noun-chunk parse never needs.
NOT_FOR_CHUNKS = ("ner", "lemmatizer", "textcat", "textcat_multilabel", "entity_linker", "span_finder")
EDGE_POS = {"DET", "PRON", "NUM", "PART", "ADP", "CCONJ", "SCONJ", "PUNCT", "SYM", "X", "SPACE", "AUX"}
MAX_WORDS = 3  # "flood barrier plan", not "the town's new flood barrier plan"


class NounPhraser:
    """Noun-phrase keyphrase candidates from a spaCy pipeline with a parser (loaded on first use)."""

    def __init__(self, model: str) -> None:
        self.model = model

    @property
    def nlp(self) -> Any:
        """The parsing pipeline, or None when the model has no parser (keyphrases then use YAKE)."""
        return _load(self.model)

    def pipe(self, samples: list[str]) -> Iterator[Any] | None:
        """Lazy parses of ``samples`` through one ``nlp.pipe`` in small batches (about half the cost of
        one call per text), or None without a parser."""
        if self.nlp is None:
            return None
        return iter(self.nlp.pipe(samples, batch_size=16))

    def candidates(
        self, sample: str, *, title_end: int = 0, folded_text: str = "", doc: Any = None
    ) -> list[str] | None:
        """Noun phrases of ``sample``, best first. ``folded_text`` (the whole story, folded) counts
        repetitions; offsets below ``title_end`` are the headline; ``doc`` is a parse of ``sample`` made
        beforehand (:meth:`pipe`). None without a parser."""
        if doc is None:
            if self.nlp is None:
                return None
            doc = self.nlp(sample)
        scored: dict[str, tuple[float, str]] = {}
        for chunk in doc.noun_chunks:
            tokens = list(chunk)
            owner = [i for i, t in enumerate(tokens) if t.tag_ == "POS"]
            if owner:
                tokens = tokens[owner[-1] + 1 :]  # "Mexico's economy" -> "economy": the owner is a name
            tokens = _trim(_trim(tokens)[-MAX_WORDS:])
            if len(tokens) == MAX_WORDS and tokens[0].pos_ == "ADJ":
                tokens = tokens[1:]  # "long public consultation" -> "public consultation"
            if not tokens or tokens[-1].pos_ not in ("NOUN", "PROPN"):
                continue
            if all(t.pos_ == "PROPN" for t in tokens):
                continue  # a name: the entity facets carry it
            if any(not any(ch.isalpha() for ch in t.text) for t in tokens):
                continue
            phrase = _display(tokens)
            key = fold(phrase)
            head = fold(tokens[-1].text)
            score = (
                2.0 * (tokens[0].idx < title_end)
                + min(3, _count(key, folded_text))
                + 0.5 * min(3, _count(head, folded_text))
                + 0.5 * (len(tokens) > 1)
                - tokens[0].idx / max(1, len(sample))
            )
            if key not in scored or scored[key][0] < score:
                scored[key] = (score, phrase)
        return [phrase for _score, phrase in sorted(scored.values(), key=lambda sp: -sp[0])]


@cache
def _load(model: str) -> Any:
    """One parsing pipeline per model and process (a rare double load in a race is harmless)."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=list(NOT_FOR_CHUNKS))
    except OSError as exc:
        log.warning("keyphrases: spaCy model %r cannot be loaded (%s); using YAKE", model, exc)
        return None
    if "parser" not in nlp.pipe_names:
        log.warning("keyphrases: spaCy model %r has no parser; using YAKE", model)
        return None
    return nlp


def _trim(tokens: list) -> list:
    """Drop determiners, pronouns, numbers, particles and stop words from both edges."""
    while tokens and (tokens[0].pos_ in EDGE_POS or tokens[0].is_stop):
        tokens.pop(0)
    while tokens and (tokens[-1].pos_ in EDGE_POS or tokens[-1].is_stop):
        tokens.pop()
    return tokens


def _display(tokens: list) -> str:
    """The phrase as written, with a sentence-initial or headline capital dropped from common words."""
    words = []
    for t in tokens:
        text = t.text
        if t.pos_ != "PROPN" and text[:1].isupper() and not text.isupper():
            text = text[0].lower() + text[1:]
        words.append(text + t.whitespace_)
    return "".join(words).strip()


def _count(key: str, folded_text: str) -> int:
    if not key or not folded_text:
        return 0
    return len(re.findall(r"\b" + re.escape(key) + r"\b", folded_text))
