"""newsingest.bench.realsites: a small hand-written corpus served as sites over real HTTP, discovered by the
real crawler for the one day the feeds give, then scored; facet figures on hand-made documents."""

from __future__ import annotations

import dataclasses
import gzip
import json
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from newsingest.bench.realsites import (
    SitesServer,
    build_sites,
    facet_figures,
    field_quality,
    same_url,
    write_sources,
)
from newsingest.config import load_settings
from newsingest.crawl.discover import discover
from newsingest.sources import load_sources

DAY = date(2026, 3, 14)
PAGES = [
    (
        "wire_1",
        "https://www.wire.example/world/2021/05/02/harbour-strike",
        "Dock workers strike in the harbour",
    ),
    ("wire_2", "https://www.wire.example/world/2021/05/03/ferry-delays", "Ferries delayed by the strike"),
    ("gazette_1", "https://gazette.example/local/library-reopens", "The town library reopens"),
    ("gazette_2", "https://gazette.example/local/market-day", "Market day returns"),
    ("herald_1", "https://herald.example/sport/final,1234.html", "Rovers win the final"),
]


def _html(title: str) -> str:
    body = " ".join(
        f"<p>{title}, paragraph {n}: the reporters wrote several sentences here.</p>" for n in range(4)
    )
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><article><h1>{title}</h1>{body}</article></body></html>"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A Fundus-layout corpus of five pages from three hosts (written here, not copied from anywhere)."""
    root = tmp_path / "mini-corpus"
    root.mkdir()
    lines = []
    for pid, url, title in PAGES:
        with gzip.open(root / f"{pid}.html.gz", "wt", encoding="utf-8") as fh:
            fh.write(_html(title))
        lines.append(json.dumps({"id": pid, "file": f"{pid}.html.gz", "url": url, "title": title,
                                 "authors": [], "published": "2021-05-02T10:00:00+00:00",
                                 "body": f"{title} body"}))  # fmt: skip
    (root / "ground-truth.jsonl").write_text("\n".join(lines) + "\n")
    return root


def test_sites_serve_feeds_and_sitemaps_dated_on_the_day(corpus: Path, tmp_path: Path) -> None:
    sites = build_sites([corpus], DAY, sites_per_corpus=2)
    assert len(sites) == 2 and sum(len(s.pages) for s in sites) == len(PAGES)
    for site in sites:  # one original host never spans two sites
        hosts = {p.page.url.split("/")[2] for p in site.pages}
        assert all(
            h not in {q.page.url.split("/")[2] for s in sites if s is not site for q in s.pages}
            for h in hosts
        )
    with SitesServer(sites) as server, httpx.Client() as http:
        site = sites[0]
        feed = http.get(f"{server.base_url}/{site.slug}/feed.xml")
        assert feed.status_code == 200 and "rss" in feed.headers["content-type"]
        assert feed.text.count("<item>") == len(site.pages) and "Mar 2026" in feed.text
        assert http.get(f"{server.base_url}/{site.slug}/sitemap.xml").text.count("<loc>") == len(site.pages)
        page = http.get(server.url(site.pages[0]))
        assert page.status_code == 200 and site.pages[0].page.title in page.text
        assert http.get(f"{server.base_url}/nope").status_code == 404

        # the real crawler finds every page of every site for that day, and none the day after
        settings = dataclasses.replace(load_settings(), storage_root=str(tmp_path / "storage"))
        sources = load_sources(write_sources(sites, server.base_url, tmp_path / "sources.yaml"))
        start = datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC)
        found = {u.url for s in sources for u in discover(s, start, start.replace(day=15), settings=settings)}
        assert {same_url(u) for u in found} == {same_url(server.url(p)) for s in sites for p in s.pages}
        for url in found:  # as the crawler spells them (percent-escapes normalised), every page answers
            assert http.get(url).status_code == 200, url
        later = start.replace(day=16)
        assert not [u for s in sources for u in discover(s, later, later.replace(day=17), settings=settings)]


def test_field_quality_matches_documents_by_fetched_url(corpus: Path) -> None:
    sites = build_sites([corpus], DAY)
    served = {f"http://x{p.path}": p for s in sites for p in s.pages}
    (url_ok, good), (url_bad, _) = list(served.items())[:2]
    docs = [
        {
            "url": url_ok,
            "title": good.page.title,
            "body": good.page.body,
            "published": "2021-05-02T09:00:00Z",
        },
        {"url": url_bad, "title": "Wrong", "body": "something else entirely here", "published": None},
        {"url": "http://x/not-served", "title": "t", "body": "b"},
    ]
    q = field_quality(served, docs)
    assert q.pages == 2 and q.title_exact == 0.5 and q.published_day == 0.5
    assert 0.4 < q.body_f1 < 0.7 and q.authors_f1 == 1.0  # both pages annotate no author


def test_facet_figures() -> None:
    docs = [
        {"persons": ["Donald Trump", "Trump", "Joe Biden"], "organisations": ["Reuters"],
         "locations": ["Georgia"], "topics": [{"label": "politics"}]},
        {"persons": ["Biden", "Georgia"], "organisations": ["Reuters", "Trump"], "locations": [],
         "topics": [{"label": "politics"}, {"label": "economy"}]},
        {"persons": ["Madonna"], "organisations": [], "locations": ["Paris"], "topics": []},
    ]  # fmt: skip
    f = facet_figures(docs, top_n=2)
    assert f.one_token_fragments == ["Biden", "Trump"] and f.distinct_persons == 6
    assert f.fragment_share == pytest.approx(2 / 6)
    assert f.names_under_two_types == ["georgia", "trump"]
    assert f.top["organisations"] == [("Reuters", 2), ("Trump", 1)] and f.top["topics"][0] == ("politics", 2)
