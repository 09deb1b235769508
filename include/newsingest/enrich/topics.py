"""IPTC Media Topics classification with weighted lexicons (offline, English).

Each top-level topic and each subtopic we assign has a weighted lexicon
(``data/topic_lexicons_en.json``: single words, word-prefix stems ``invest*`` and multi-word phrases,
including organisation and office names as entity cues). A text's score for a topic sums
``weight * (1 + ln(count))`` over the matched terms, where a match in the title counts 3 times and
in the lead (first 60 words) 1.5 times: titles and leads carry the topic in news, which also keeps
the top label robust for short items (a headline and one sentence). Publisher tags and section names
are matched like the title, at weight 2: evidence, not the answer.

Scores are shares of the total (they sum to 1 over the 17 top-level topics). Topics are ranked;
secondary topics are kept when their share is at least half the top one's; subtopics are added under
a kept topic when their own lexicon fires clearly.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from newsingest.config import DATA_DIR
from newsingest.models import Topic

TITLE_WEIGHT = 3.0
TAG_WEIGHT = 2.0
LEAD_WEIGHT = 1.5
LEAD_WORDS = 60
MAX_WORDS = 1500  # a story's topic is set long before its 1,500th word
MIN_TOP_SCORE = 3.0  # raw lexicon score below which classify() assigns no topic
SECONDARY_RATIO = 0.5
MAX_TOPICS = 3
MIN_SUBTOPIC_SCORE = 4.0
SUBTOPIC_RATIO = 0.6
MAX_SUBTOPICS = 2
MAX_NGRAM = 4

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'’&.+][a-z0-9]+)*\+?|[$£€]")

# Mappings from IPTC top-level topics to the classes of common evaluation schemes:
# class -> {IPTC code: weight}. The class with the largest weighted score wins.
SCHEMES: dict[str, dict[str, dict[str, float]]] = {
    "bbc": {
        "business": {"medtop:04000000": 1.0, "medtop:09000000": 0.5},
        "entertainment": {"medtop:01000000": 1.0, "medtop:10000000": 0.3, "medtop:08000000": 0.3},
        "politics": {"medtop:11000000": 1.0, "medtop:16000000": 0.3, "medtop:02000000": 0.3},
        "sport": {"medtop:15000000": 1.0},
        "tech": {"medtop:13000000": 1.0},
    },
    "agnews": {
        "World": {
            "medtop:11000000": 1.0, "medtop:16000000": 1.0, "medtop:02000000": 0.8, "medtop:03000000": 1.0,
            "medtop:14000000": 0.8, "medtop:12000000": 0.8, "medtop:17000000": 0.6, "medtop:05000000": 0.5,
            "medtop:01000000": 0.3, "medtop:08000000": 0.3,
        },
        "Sports": {"medtop:15000000": 1.0},
        "Business": {"medtop:04000000": 1.0, "medtop:09000000": 0.8},
        "Sci/Tech": {"medtop:13000000": 1.0, "medtop:06000000": 0.6, "medtop:07000000": 0.6},
    },
}  # fmt: skip
SCHEME_DEFAULT = {"bbc": "politics", "agnews": "World"}


def tokenize(text: str) -> list[str]:
    tokens = _TOKEN.findall(text.casefold())
    return [t[:-2] if t.endswith(("'s", "’s")) else t for t in tokens]


@dataclass(frozen=True)
class TopicInfo:
    code: str
    label: str
    parent: str | None
    level: int


def load_taxonomy(path: Path | None = None) -> dict[str, TopicInfo]:
    path = path or DATA_DIR / "iptc_mediatopics.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        t["code"]: TopicInfo(t["code"], t["label"], t.get("parent"), int(t["level"])) for t in data["topics"]
    }


class Lexicon:
    """Term -> [(topic code, weight)] tables for words, stems and phrases."""

    def __init__(self, lexicons: Mapping[str, Mapping[str, Sequence[str]]]) -> None:
        self.words: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self.stems: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self.phrases: dict[tuple[str, ...], list[tuple[str, float]]] = defaultdict(list)
        for code, groups in lexicons.items():
            for weight_text, terms in groups.items():
                weight = float(weight_text)
                for term in terms:
                    self._add(code, weight, term)
        self.min_stem = min((len(s) for s in self.stems), default=3)

    def _add(self, code: str, weight: float, term: str) -> None:
        term = term.casefold().strip()
        star = term.endswith("*")
        toks = tokenize(term.rstrip("*")) or ([term.rstrip("*")] if term.rstrip("*") else [])
        if not toks:
            return
        if len(toks) == 1:
            (self.stems if star else self.words)[toks[0]].append((code, weight))
            return
        variants = [toks]
        if star:
            variants = [[*toks[:-1], toks[-1] + suffix] for suffix in ("", "s", "es", "ed", "ing")]
        for v in variants:
            self.phrases[tuple(v)].append((code, weight))

    def matches(self, tokens: Sequence[str]) -> Iterable[tuple[str, int]]:
        """(term key, token position) for every lexicon hit."""
        for i, tok in enumerate(tokens):
            if tok in self.words:
                yield tok, i
            for k in range(self.min_stem, len(tok) + 1):
                stem = tok[:k]
                if stem in self.stems:
                    yield "*" + stem, i
            for n in range(2, MAX_NGRAM + 1):
                gram = tuple(tokens[i : i + n])
                if len(gram) == n and gram in self.phrases:
                    yield " ".join(gram), i

    def entries(self, key: str) -> list[tuple[str, float]]:
        if key.startswith("*"):
            return self.stems[key[1:]]
        if " " in key:
            return self.phrases[tuple(key.split(" "))]
        return self.words[key]


@cache
def default_lexicon() -> Lexicon:
    data = json.loads((DATA_DIR / "topic_lexicons_en.json").read_text(encoding="utf-8"))
    return Lexicon(data["lexicons"])


class TopicClassifier:
    """Multi-label IPTC topic scores for English news text."""

    def __init__(self, lexicon: Lexicon | None = None, taxonomy: dict[str, TopicInfo] | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()
        self.taxonomy = taxonomy or load_taxonomy()
        self.top_codes = [c for c, t in self.taxonomy.items() if t.level == 1]

    def raw_scores(self, title: str, body: str, *, tags: Iterable[str] = ()) -> dict[str, float]:
        """Raw lexicon score per topic code (top levels and subtopics)."""
        weighted: dict[str, float] = defaultdict(float)
        parts = [(tokenize(title or ""), TITLE_WEIGHT), (tokenize(" ; ".join(tags)), TAG_WEIGHT)]
        body_tokens = tokenize((body or "")[: MAX_WORDS * 8])[:MAX_WORDS]
        parts += [(body_tokens[:LEAD_WORDS], LEAD_WEIGHT), (body_tokens[LEAD_WORDS:], 1.0)]
        for tokens, pos_weight in parts:
            for key, _pos in self.lexicon.matches(tokens):
                weighted[key] += pos_weight
        scores: dict[str, float] = defaultdict(float)
        for key, count in weighted.items():
            damp = 1.0 + math.log(count) if count >= 1 else count
            for code, weight in self.lexicon.entries(key):
                scores[code] += weight * damp
        return dict(scores)

    def scores(self, title: str, body: str, *, tags: Iterable[str] = ()) -> dict[str, float]:
        """Top-level topic shares (sum to 1; empty when nothing matched), without the confidence floor
        of :meth:`classify`: single-label schemes always want the best guess."""
        raw = self.raw_scores(title, body, tags=tags)
        top = {c: raw.get(c, 0.0) for c in self.top_codes}
        total = sum(top.values())
        if total <= 0:
            return {}
        return {c: v / total for c, v in top.items() if v > 0}

    def classify(self, title: str, body: str, *, tags: Iterable[str] = ()) -> list[Topic]:
        """Ranked topics: top-level topics (share >= half the best one's) and confident subtopics."""
        raw = self.raw_scores(title, body, tags=tags)
        top = {c: raw.get(c, 0.0) for c in self.top_codes}
        total = sum(top.values())
        if total <= 0 or max(top.values()) < MIN_TOP_SCORE:
            return []
        ranked = sorted(((v / total, c) for c, v in top.items() if v > 0), reverse=True)
        best = ranked[0][0]
        chosen = [(s, c) for s, c in ranked if s >= SECONDARY_RATIO * best][:MAX_TOPICS]
        out: list[Topic] = []
        for share, code in chosen:
            out.append(Topic(code=code, label=self.taxonomy[code].label, score=round(share, 4)))
            subs = sorted(
                (
                    (raw[c], c)
                    for c in raw
                    if c not in top and self._under(c, code) and raw[c] >= MIN_SUBTOPIC_SCORE
                ),
                reverse=True,
            )
            if subs:
                sub_total = sum(v for v, _ in subs)
                for value, sub in subs[:MAX_SUBTOPICS]:
                    if value >= SUBTOPIC_RATIO * subs[0][0]:
                        label = self.taxonomy[sub].label
                        out.append(Topic(code=sub, label=label, score=round(share * value / sub_total, 4)))
        return out

    def _under(self, code: str, ancestor: str) -> bool:
        info = self.taxonomy.get(code)
        while info is not None and info.parent:
            if info.parent == ancestor:
                return True
            info = self.taxonomy.get(info.parent)
        return False


def top_label(scores: Mapping[str, float], scheme: str = "iptc") -> str:
    """The winning class of ``scheme`` ('iptc' = best top-level code, 'bbc', 'agnews') for topic shares."""
    if scheme == "iptc":
        return max(scores, key=scores.__getitem__) if scores else ""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown topic scheme {scheme!r}; expected one of iptc, {', '.join(SCHEMES)}")
    mapping = SCHEMES[scheme]
    totals = {
        cls: sum(scores.get(code, 0.0) * w for code, w in codes.items()) for cls, codes in mapping.items()
    }
    best = max(totals, key=totals.__getitem__)
    return best if totals[best] > 0 else SCHEME_DEFAULT[scheme]
