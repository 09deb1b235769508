"""A synthetic bulk site for benchmarks and soak tests: deterministic article pages from a seed.

``/bulk/sitemap.xml?n=2000&seed=7`` lists ``n`` article URLs; ``/bulk/article/<i>.html`` (seed 0) and
``/bulk/s<seed>/article/<i>.html`` render article ``i`` of that seed: 600-1200 words of news-like prose
with varied person, organisation and place names, a JSON-LD NewsArticle block, and a date spread over
the sample window. The same (seed, i) always gives the same bytes.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from html import escape

MAX_N = 50_000
WINDOW_START = datetime(2026, 11, 2, tzinfo=UTC)

# Name pools (space- or bar-separated so they stay readable).
FIRST = (  # noqa: SIM905
    "Amelia Oliver Sofia Mateo Hannah Lukas Chloe Arjun Fatima Kenji Ingrid Tomasz Aisha Diego Mei Pierre "
    "Olga Samuel Leila Jonas Nadia Rafael Grace Viktor Yara Daniel Ana Malik Freya Hugo Priya Emeka"
).split()
LAST = (  # noqa: SIM905
    "Hartley Moreno Lindqvist Okafor Tanaka Novak Fischer Castillo Whitaker Haddad Kowalski Brennan Suzuki "
    "Adeyemi Rossi Petrov Johansson Mbeki Dubois Gallagher Nakamura Ferreira Ahmadi Larsen Kapoor Schmidt "
    "Oyelaran Vasquez Bergstrom Mensah"
).split()
ORGS = (  # noqa: SIM905
    "the European Commission|the World Bank|the International Monetary Fund|Siemens|Toyota|Unilever|"
    "the World Health Organization|Oxfam|the Bank of Japan|Airbus|Maersk|Nestle|the African Union|"
    "the University of Toronto|Samsung|the Red Cross|Shell|the OECD|the Federal Reserve|Volkswagen|"
    "Deutsche Bank|the Kenya Ports Authority|Petrobras|the Australian Bureau of Statistics|Nokia|UNICEF"
).split("|")
PLACES = (  # noqa: SIM905
    "Nairobi|Lisbon|Osaka|Rotterdam|Sao Paulo|Krakow|Vancouver|Lagos|Melbourne|Hamburg|Seville|Jakarta|"
    "Manchester|Dublin|Marseille|Chennai|Cape Town|Montreal|Gdansk|Busan|Lima|Tunis|Auckland|Leipzig|"
    "Valencia|Accra|Bergen|Hanoi|Porto|Denver"
).split("|")
TOPICS = (  # noqa: SIM905
    "port expansion|water tariffs|battery factory|rail electrification|hospital funding|coastal defences|"
    "grain exports|housing permits|broadband rollout|teacher pay|wind farm auction|bus fares|"
    "pension reform|copper mine|airport noise|vaccine trial|steel tariffs|data centre|river clean-up|"
    "tourist tax"
).split("|")
SECTIONS = ("world", "business", "politics", "science", "health", "environment", "sport", "culture")
HEADLINE_ENDINGS = ("talks resume", "plan approved", "critics push back", "costs rise", "decision delayed")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

SENTENCES = (
    "{person} of {org} said on {day} that the {topic} in {place} would go ahead despite objections.",
    "Officials in {place} confirmed that talks with {org} over the {topic} had resumed after a pause.",
    '"We have waited long enough for a decision," said {person}, who has campaigned on the issue for years.',
    "The {topic} is expected to cost about {num} million euros over the next {small} years.",
    "Critics, including {person}, argue that the plan does little for residents of {place}.",
    "{org} published figures showing a {pct} per cent rise in demand since last spring.",
    "A spokesperson for {org} declined to comment on the timetable.",
    "In {place}, hundreds of people attended a public meeting on {day} evening to discuss the {topic}.",
    "Analysts at {org} said the outcome would depend on interest rates and the price of energy.",
    "{person}, a local councillor, said the {topic} had divided opinion in {place} like nothing before.",
    "The decision follows months of negotiations between the city of {place} and {org}.",
    "According to {person}, at least {small} other cities are watching the experiment closely.",
    "Union representatives warned that {num} jobs could be at risk if the {topic} is delayed again.",
    '"This is not the end of the story," {person} told reporters outside the town hall in {place}.',
    "Residents of {place} have until the end of the month to submit comments on the {topic}.",
    "{org} said it would review the proposal and respond within {small} weeks.",
    "The last comparable project, in {place2}, took almost a decade to complete.",
    "Opposition politicians called for an independent inquiry into how the {topic} was approved.",
    "{person} of {org} described the figures as encouraging but warned against complacency.",
    "Traffic in central {place} was disrupted on {day} as protesters gathered outside parliament.",
    "Supporters say the {topic} will make {place} more attractive to young families and investors.",
    "A report commissioned by {org} found that similar schemes had cut costs by {pct} per cent.",
    "{person} and {person2} are expected to meet in {place2} next week to discuss the next steps.",
    "Engineers said the first phase of the {topic} could begin as early as next summer.",
)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _sentence(rng: random.Random, place: str, topic: str) -> str:
    template = rng.choice(SENTENCES)
    text = template.format(
        person=_person(rng),
        person2=_person(rng),
        org=rng.choice(ORGS),
        place=place,
        place2=rng.choice(PLACES),
        topic=topic,
        day=rng.choice(DAYS),
        num=rng.randint(12, 950),
        small=rng.randint(2, 9),
        pct=rng.randint(3, 48),
    )
    return text[0].upper() + text[1:]


def news_paragraphs(rng: random.Random, words: int, place: str, topic: str) -> list[str]:
    """Paragraphs of 2-5 news-like sentences about ``topic`` in ``place``, at least ``words`` words."""
    paragraphs: list[str] = []
    total = 0
    while total < words:
        para = " ".join(_sentence(rng, place, topic) for _ in range(rng.randint(2, 5)))
        paragraphs.append(para)
        total += len(para.split())
    return paragraphs


def published_at(seed: int, index: int) -> datetime:
    """Publication time of bulk article ``index``: spread over the 7 window days, in varied offsets."""
    rng = random.Random(f"newsingest-bulk-date:{seed}:{index}")
    when = WINDOW_START + timedelta(days=rng.randrange(7), minutes=rng.randrange(24 * 60))
    return when.astimezone(timezone(timedelta(hours=rng.choice((-5, 0, 1, 2, 9)))))


def bulk_article(seed: int, index: int) -> dict:
    """The content of bulk article ``index`` for ``seed`` (title, paragraphs, date, author ...)."""
    rng = random.Random(f"newsingest-bulk:{seed}:{index}")
    place, topic = rng.choice(PLACES), rng.choice(TOPICS)
    paragraphs = news_paragraphs(rng, rng.randint(600, 1200), place, topic)
    return {
        "title": f"{place} {topic}: {rng.choice(HEADLINE_ENDINGS)}",
        "author": _person(rng),
        "section": rng.choice(SECTIONS),
        "published": published_at(seed, index),
        "paragraphs": paragraphs,
        "place": place,
    }


def article_path(seed: int, index: int) -> str:
    return f"/bulk/article/{index}.html" if seed == 0 else f"/bulk/s{seed}/article/{index}.html"


def render_article(base: str, seed: int, index: int) -> tuple[str, datetime]:
    art = bulk_article(seed, index)
    title = escape(art["title"])
    url = f"{base}{article_path(seed, index)}"
    published = art["published"].isoformat()
    body = "\n".join(f"<p>{escape(p)}</p>" for p in art["paragraphs"])
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": art["title"],
            "datePublished": published,
            "author": [{"@type": "Person", "name": art["author"]}],
            "articleSection": art["section"],
            "publisher": {"@type": "Organization", "name": "Bulk Herald"},
        }
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - Bulk Herald</title>
<link rel="canonical" href="{escape(url)}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}">
<script type="application/ld+json">{ld}</script></head>
<body><header><a href="/bulk/">Bulk Herald</a> <nav><a href="/bulk/">Home</a> <a href="/bulk/">World</a> <a href="/bulk/">Business</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By {escape(art["author"])} in {escape(art["place"])}</p>
<time datetime="{published}">{art["published"]:%d %B %Y %H:%M}</time>
{body}
</article><aside><h2>Most read</h2><ul><li><a href="{article_path(seed, index + 1)}">More news</a></li></ul></aside></main>
<footer>&copy; 2026 Bulk Herald (synthetic test site)</footer></body></html>"""  # noqa: E501
    return page, art["published"]


def render_sitemap(base: str, n: int, seed: int) -> str:
    if not 1 <= n <= MAX_N:
        raise ValueError(f"query parameter 'n' must be in [1, {MAX_N}], got {n}")
    rows = []
    for i in range(n):
        lastmod = published_at(seed, i).isoformat()
        rows.append(f"<url><loc>{base}{article_path(seed, i)}</loc><lastmod>{lastmod}</lastmod></url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
    )
