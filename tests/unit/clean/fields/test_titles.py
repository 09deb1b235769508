"""Which headline wins when a page's title sources disagree, and how suffixes are cut."""

from __future__ import annotations

import json

import pytest
from newsingest.clean.extract import extract
from newsingest.clean.fields.titles import strip_site_suffix

BODY = "".join(
    f"<p>Paragraph {i} of the story says what happened at the harbour and why the council voted.</p>"
    for i in range(8)
)


def page(*, og: str | None = None, ld: str | None = None, h1: str | None = None, title: str = "x") -> str:
    head = [f"<title>{title}</title>"]
    if og:
        head.append(f'<meta property="og:title" content="{og}">')
    if ld:
        node = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": ld}
        head.append(f'<script type="application/ld+json">{json.dumps(node)}</script>')
    heading = f"<h1>{h1}</h1>" if h1 else ""
    return f"<html><head>{''.join(head)}</head><body><article>{heading}{BODY}</article></body></html>"


URL = "https://www.northernledger.example/news/2024/03/12/barrier"


def test_og_title_wins_over_a_different_json_ld_headline():
    html = page(og="Council backs flood barrier", ld="Flood barrier: council vote 2024 explained", h1="x")
    article = extract(html, URL)
    assert (article.title, article.provenance["title"]) == ("Council backs flood barrier", "opengraph")


def test_json_ld_headline_wins_when_og_title_only_copies_the_title_tag():
    seo = "Flood barrier: council vote explained"
    html = page(
        og=seo, ld="Council backs the flood barrier after a long night", title=f"{seo} | Northern Ledger"
    )
    article = extract(html, URL)
    assert article.title == "Council backs the flood barrier after a long night"
    assert article.provenance["title"] == "json-ld"


def test_og_title_stays_when_the_json_ld_headline_differs_from_it_only_by_quote_marks():
    og = "Mayor calls the plan 'a start' for the harbour"
    html = page(og=og, ld="Mayor calls the plan ‘a start’ for the harbour", title=f"{og} | Northern Ledger")
    assert extract(html, URL).title == og


def test_json_ld_headline_is_used_without_og_title():
    article = extract(page(ld="Council backs flood barrier"), URL)
    assert (article.title, article.provenance["title"]) == ("Council backs flood barrier", "json-ld")


def test_a_section_suffix_confirmed_by_another_source_is_cut():
    # "| Sport" is not a known site name; the <title> without it confirms the cut.
    html = page(og="Keeper signs new contract | Sport", title="Keeper signs new contract")
    article = extract(html, URL)
    assert (article.title, article.provenance["title"]) == ("Keeper signs new contract", "opengraph")


def test_a_kicker_only_h1_does_not_shorten_the_headline():
    html = page(og="Veterans day: medals for the few", h1="Veterans day")
    assert extract(html, URL).title == "Veterans day: medals for the few"


def test_a_colon_clause_is_content_even_when_another_source_stops_before_it():
    html = page(og="Technology in class: AI in schools", ld="Technology in class")
    assert extract(html, URL).title == "Technology in class: AI in schools"


@pytest.mark.parametrize(
    ("title", "sites", "expected"),
    [
        ("General may go | The Gateway Pundit | by Paul Serran", ["thegatewaypundit"], "General may go"),
        ("General may go * The Gateway Pundit * by Paul Serran", ["thegatewaypundit"], "General may go"),
        ("US-Zinsen setzen Dax zu | Börsen-Zeitung", ["boersen-zeitung"], "US-Zinsen setzen Dax zu"),
        ("津波注意報 気象庁：朝日新聞デジタル", ["朝日新聞デジタル"], "津波注意報 気象庁"),
        # Korean titles separate the site with the letter "ㅣ" (U+3163) as a bar.
        ("국회 예산안 통과ㅣ서울신문", ["서울신문"], "국회 예산안 통과"),
        ("Budget vote | Politics | The Ledger", ["The Ledger"], "Budget vote | Politics"),
    ],
)
def test_site_segments_and_what_follows_them_are_cut(title, sites, expected):
    assert strip_site_suffix(title, sites) == expected


def test_a_long_website_name_is_not_taken_for_the_site_name():
    # Some pages give their WebSite node the page's headline as its name.
    website = {
        "@type": "WebSite",
        "name": "AI in schools - pupils get faster",
        "@context": "https://schema.org",
    }
    html = page(og="Technology in class: AI in schools - pupils get faster").replace(
        "</head>", f'<script type="application/ld+json">{json.dumps(website)}</script></head>'
    )
    assert extract(html, URL).title == "Technology in class: AI in schools - pupils get faster"


@pytest.mark.parametrize(
    ("title", "sites", "expected"),
    [
        ("Flood barrier approved | The Northern Ledger", ["The Northern Ledger"], "Flood barrier approved"),
        ("Flood barrier approved - BBC News", ["BBC News"], "Flood barrier approved"),
        ("Northern Ledger: Flood barrier approved", ["northernledger"], "Flood barrier approved"),
        ("BUDGET 3.0 | Sars gets R4bn", ["TimesLIVE"], "BUDGET 3.0 | Sars gets R4bn"),
        (
            "Tony Blair: Why there has to be compromise",
            ["Evening Standard"],
            "Tony Blair: Why there has to be compromise",
        ),
    ],
)
def test_strip_site_suffix(title, sites, expected):
    assert strip_site_suffix(title, sites) == expected


def test_an_h1_that_is_the_sites_name_is_not_the_headline():
    # A blog's <h1> is often its own name; the <title> then holds the post's headline beside it (not a
    # title-styled widget heading, the fallback of pages without any <h1>).
    html = """<html><head><title>Yard sign fenders - Bike Notes</title></head><body>
    <div id="header"><h1><a href="/">Bike Notes</a></h1></div>
    <div class="share-title">Share this post on every network:</div>
    <div class="entry"><h2>Yard sign fenders</h2><p>How to turn a yard sign into a pair of fenders.</p></div>
    </body></html>"""
    assert extract(html, "https://bikenotes.example/post/fenders").title == "Yard sign fenders"
