"""Rendered publisher pages, feeds and sitemaps (no network: the resource map for one base URL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import feedparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from newsingest.sample_site.catalog import catalog
from newsingest.sample_site.site import build_site

BASE = "http://sample.test:4321"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture(scope="module")
def site():
    return build_site(BASE)


@pytest.fixture(scope="module")
def cat():
    return catalog()


def _article(cat, article_id):
    return next(a for a in cat.articles if a.id == article_id)


def _text(site, path, encoding="utf-8"):
    return BeautifulSoup(site[path].body.decode(encoding), "lxml").get_text(" ")


def test_every_article_has_a_page_showing_its_visible_paragraphs(site, cat):
    for art in cat.articles:
        assert art.path in site, art.id
        if art.encoding != "utf-8":
            continue
        text = " ".join(_text(site, art.path).split())
        assert art.title in text or art.kind == "consent", art.id
        for para in art.visible_paragraphs:
            assert para in text, (art.id, para[:40])


def test_hidden_paragraphs_do_not_leak(site, cat):
    paywall = next(a for a in cat.articles if a.kind == "paywall")
    text = " ".join(_text(site, paywall.path).split())
    assert paywall.paragraphs[-1] not in text
    assert "subscribers" in text
    consent = next(a for a in cat.articles if a.kind == "consent")
    text = " ".join(_text(site, consent.path).split())
    assert all(p not in text for p in consent.paragraphs)
    assert "privacy" in text.lower()


def test_broadsheet_has_json_ld_and_opengraph_matching_the_catalog(site, cat):
    art = _article(cat, "ledger-boe-holds-rates")
    soup = BeautifulSoup(site[art.path].body, "lxml")
    blocks = [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]
    news = next(b for b in blocks if b["@type"] == "NewsArticle")
    assert datetime.fromisoformat(news["datePublished"]) == art.published
    assert [a["name"] for a in news["author"]] == list(art.authors)
    assert news["headline"] == art.title
    og = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
    assert og["og:url"] == BASE + art.path
    assert soup.find("article") is not None


def test_liveblog_and_paywall_are_marked_up_as_such(site, cat):
    live = next(a for a in cat.articles if a.kind == "liveblog")
    soup = BeautifulSoup(site[live.path].body, "lxml")
    ld = json.loads(soup.find("script", type="application/ld+json").string)
    assert ld["@type"] == "LiveBlogPosting" and len(ld["liveBlogUpdate"]) == len(live.updates)
    paywall = next(a for a in cat.articles if a.kind == "paywall")
    ld = json.loads(
        BeautifulSoup(site[paywall.path].body, "lxml").find("script", type="application/ld+json").string
    )
    assert ld["isAccessibleForFree"] is False


def test_tabloid_has_no_machine_readable_date(site, cat):
    art = _article(cat, "buzz-knicks-celtics")
    html = site[art.path].body.decode()
    assert "application/ld+json" not in html
    assert "published_time" not in html and "datetime=" not in html
    assert "Nov. 5, 2026, 10:40 p.m. ET" in html  # the only date on the page
    for noise in ("cookie-banner", "share-bar", "nl-box", "more-stories", "ADVERTISEMENT"):
        assert noise in html


def test_aggregator_repost_mixes_captions_and_sponsors_into_the_story(site, cat):
    art = _article(cat, "pulse-syria-repost")
    text = _text(site, art.path)
    assert text.count("Sponsor:") >= 4 and "NextImg:" in text
    first, last = text.index(art.paragraphs[0][:50]), text.index(art.paragraphs[-1][:50])
    cap = text.index("Valery Sharifulin/Pool/AFP")
    assert first < cap < last


def test_encoding_faults_are_in_the_bytes(site, cat):
    wrong = _article(cat, "wire-lyon-farmers-cp1252")
    res = site[wrong.path]
    assert res.content_type == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        res.body.decode("utf-8")
    assert "European Union’s" in res.body.decode("cp1252")
    bare = _article(cat, "pulse-dia-de-muertos")
    res = site[bare.path]
    assert res.content_type == "text/html" and b"charset" not in res.body.lower()
    assert "Día de Muertos" in res.body.decode("cp1252")


def test_german_article_declares_its_language(site, cat):
    art = _article(cat, "wire-bahnstreik-de")
    assert b'<html lang="de">' in site[art.path].body


def test_feeds_parse_and_list_the_feed_articles_with_their_dates(site, cat):
    for pub in cat.publishers:
        parsed = feedparser.parse(site[pub.feed_path].body)
        assert not parsed.bozo, (pub.id, parsed.get("bozo_exception"))
        assert parsed.version.startswith(pub.feed_format)
        expected = {BASE + a.path: a for a in cat.articles if a.publisher == pub.id and a.in_feed}
        links = {e.link: e for e in parsed.entries}
        assert set(links) == set(expected), pub.id
        for link, entry in links.items():
            when = entry.get("published_parsed")
            got = datetime(*when[:6], tzinfo=UTC)
            assert got == expected[link].published_utc, link


def test_sitemaps_parse_and_the_index_points_at_a_news_sitemap(site, cat):
    ledger = cat.publisher("ledger")
    index = etree.fromstring(site[ledger.sitemap_path].body)
    children = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
    assert len(children) == 2 and all(c.startswith(BASE) for c in children)
    news = etree.fromstring(site[children[1].removeprefix(BASE)].body)
    urls = news.findall("sm:url", NS)
    assert urls
    for url in urls:
        for field in ("publication_date", "title", "keywords"):
            assert url.find(f"news:news/news:{field}", NS).text, field
    for pub in cat.publishers:
        if pub.sitemap_format == "urlset":
            tree = etree.fromstring(site[pub.sitemap_path].body)
            locs = [loc.text for loc in tree.findall("sm:url/sm:loc", NS)]
            mapped = {BASE + a.path for a in cat.articles if a.publisher == pub.id and a.in_sitemap}
            assert mapped <= set(locs)


def test_section_pages_link_their_articles(site, cat):
    for pub in cat.publishers:
        linked: set[str] = set()
        for path, res in site.items():
            if (
                path.startswith(pub.base_path)
                and res.content_type.startswith("text/html")
                and path.endswith("/")
            ):
                soup = BeautifulSoup(res.body, "lxml")
                linked |= {a["href"] for a in soup.find_all("a", href=True)}
        for art in cat.articles:
            if art.publisher == pub.id and art.in_section and cat.in_window(art):
                assert art.path in linked, art.id


def test_absolute_urls_follow_the_base(cat):
    other = build_site("http://localhost:9")
    assert b"http://localhost:9/ledger/" in other["/ledger/feed.xml"].body
    assert b"sample.test" not in other["/ledger/feed.xml"].body
