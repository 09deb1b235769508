"""Deterministic synthetic enriched articles with realistic shape and size (for ``newsingest bench load``).

Documents look like what the pipeline produces: 400-900 word bodies in paragraphs, a few persons,
organisations and places with coordinates, IPTC topics, keywords, MinHash bands, some shared clusters
and about one in ten articles in German or French.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from newsingest.models import EnrichedArticle, Entity, Topic

_FIRST = "Anna Ben Carla David Elena Farid Grace Hiro Ines Jonas Kemi Luca Maya Nils Olga Pablo Rosa Tara"
_LAST = "Adams Becker Costa Dubois Evans Fischer Garcia Haddad Ito Jensen Kowalski Lopez Moreau Novak Okafor"
_ORGS = [
    "European Central Bank", "World Health Organization", "United Nations", "Ministry of Finance", "Siemens",
    "Reuters", "Bank of England", "NATO", "European Commission", "Red Cross", "Toyota", "OPEC", "IMF",
    "Supreme Court", "Labour Party", "Greenpeace", "FIFA", "NASA", "Airbus", "Deutsche Bahn",
]  # fmt: skip
_PLACES = [
    ("London", "GB", 51.51, -0.13), ("Paris", "FR", 48.86, 2.35), ("Berlin", "DE", 52.52, 13.40),
    ("Madrid", "ES", 40.42, -3.70), ("Rome", "IT", 41.90, 12.50), ("Warsaw", "PL", 52.23, 21.01),
    ("Nairobi", "KE", -1.29, 36.82), ("Tokyo", "JP", 35.68, 139.69), ("New York", "US", 40.71, -74.01),
    ("Sydney", "AU", -33.87, 151.21), ("Delhi", "IN", 28.61, 77.21), ("Cairo", "EG", 30.04, 31.24),
    ("Sao Paulo", "BR", -23.55, -46.63), ("Toronto", "CA", 43.65, -79.38), ("Istanbul", "TR", 41.01, 28.98),
]  # fmt: skip
_TOPICS = [
    ("medtop:04000000", "economy, business and finance"), ("medtop:11000000", "politics"),
    ("medtop:07000000", "health"), ("medtop:15000000", "sport"),
    ("medtop:13000000", "science and technology"), ("medtop:06000000", "environment"),
    ("medtop:03000000", "disaster, accident and emergency incident"),
    ("medtop:01000000", "arts, culture, entertainment and media"), ("medtop:09000000", "labour"),
    ("medtop:16000000", "conflict, war and peace"),
]  # fmt: skip
_SOURCES = ["daily-ledger", "harbour-times", "rhein-kurier", "le-quotidien", "metro-wire", "coastal-post"]
_TEXT = {
    "en": """government minister said on tuesday that the plan would cut costs for families and businesses
        across the country while critics warned prices could rise again next year officials expect talks to
        resume after the summit where leaders discussed energy security trade climate targets and public
        spending analysts noted that growth slowed in the third quarter as demand weakened and interest rates
        stayed high residents described long queues at hospitals schools and stations after the storm damaged
        roads the company reported higher profits but announced job cuts at two factories union leaders called
        strike action police opened an investigation into the incident and appealed for witnesses""",
    "de": """die regierung kündigte am dienstag an dass der plan die kosten für familien und unternehmen
        senken soll kritiker warnten dass die preise im nächsten jahr wieder steigen könnten die gespräche
        sollen nach dem gipfel fortgesetzt werden wo über energie handel klimaziele und öffentliche ausgaben
        beraten wurde""",
    "fr": """le gouvernement a annoncé mardi que le plan réduirait les coûts pour les familles et les
        entreprises les critiques ont averti que les prix pourraient augmenter de nouveau l'année prochaine
        les discussions doivent reprendre après le sommet consacré à l'énergie au commerce au climat et aux
        dépenses publiques""",
}
_WORDS = {language: text.split() for language, text in _TEXT.items()}


def _sentence(rng: random.Random, words: list[str], names: list[str]) -> str:
    picked = rng.choices(words, k=rng.randint(12, 26))
    if names and rng.random() < 0.4:
        picked.insert(rng.randrange(len(picked)), rng.choice(names))
    text = " ".join(picked)
    return text[0].upper() + text[1:] + "."


def synthetic_articles(n: int, *, seed: int = 7, start: datetime | None = None) -> Iterator[EnrichedArticle]:
    """``n`` distinct articles (distinct ``doc_id``), the same for the same ``seed``."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = random.Random(seed)
    start = start or datetime(2026, 1, 1, tzinfo=UTC)
    people = [f"{f} {last}" for f in _FIRST.split() for last in _LAST.split()]
    for i in range(n):
        language = rng.choices(["en", "de", "fr"], weights=[90, 5, 5])[0]
        source = rng.choice(_SOURCES)
        persons = rng.sample(people, rng.randint(1, 5))
        orgs = rng.sample(_ORGS, rng.randint(1, 4))
        places = rng.sample(_PLACES, rng.randint(1, 3))
        names = persons + orgs + [p[0] for p in places]
        words = _WORDS[language]
        paragraphs = [
            " ".join(_sentence(rng, words, names) for _ in range(rng.randint(2, 4)))
            for _ in range(rng.randint(6, 12))
        ]
        title = _sentence(rng, words, names)[:110].rstrip(".")
        slug = hashlib.md5(title.encode()).hexdigest()[:8]
        url = f"https://www.{source}.example/2026/{i // 1000:02d}/{i:07d}-{slug}"
        published = start + timedelta(minutes=7 * i + rng.randint(0, 6))
        topics = rng.sample(_TOPICS, rng.randint(1, 3))
        cluster = f"c{i // 3:07d}" if rng.random() < 0.1 else None
        entities = [Entity(name=p, type="person", label="PERSON", count=rng.randint(1, 6),
                           salience=round(rng.random(), 3)) for p in persons]  # fmt: skip
        entities += [Entity(name=o, type="organisation", label="ORG", count=rng.randint(1, 4),
                            salience=round(rng.random(), 3)) for o in orgs]  # fmt: skip
        entities += [Entity(name=p[0], type="location", label="GPE", country=p[1], lat=p[2], lon=p[3],
                            salience=round(rng.random(), 3)) for p in places]  # fmt: skip
        yield EnrichedArticle(
            url=url + "?utm_source=feed",
            canonical_url=url,
            source=source,
            title=title,
            subtitle=_sentence(rng, words, names) if rng.random() < 0.6 else None,
            body="\n\n".join(paragraphs),
            paragraphs=paragraphs,
            captions=[_sentence(rng, words, names)] if rng.random() < 0.5 else [],
            lead_image=f"{url}/lead.jpg",
            authors=rng.sample(people, rng.randint(0, 2)),
            agency=["AFP"] if rng.random() < 0.2 else [],
            published=published,
            modified=published + timedelta(hours=1) if rng.random() < 0.3 else None,
            language=language,
            section=rng.choice(["World", "Business", "Politics", "Sport", "Science", "Culture"]),
            tags=rng.sample(words, 3),
            provenance={"title": "json-ld", "published": "json-ld", "authors": "meta", "body": "dom"},
            fetched_at=published + timedelta(hours=2),
            channels=["feed", "news-sitemap"],
            doc_id=hashlib.sha256(url.encode()).hexdigest(),
            entities=entities,
            persons=persons,
            organisations=orgs,
            locations=[p[0] for p in places],
            countries=sorted({p[1] for p in places}),
            places=[{"lat": p[2], "lon": p[3]} for p in places],
            topics=[Topic(code=c, label=label, score=round(rng.uniform(0.3, 1), 3)) for c, label in topics],
            keywords=rng.sample(words, 5),
            detected_language=language,
            language_confidence=round(rng.uniform(0.8, 1.0), 3),
            content_hash=hashlib.sha1(paragraphs[0].encode()).hexdigest(),
            minhash_bands=[f"{b:02d}:{rng.getrandbits(64):016x}" for b in range(16)],
            cluster_id=cluster,
            enrichment_version="bench",
        )
