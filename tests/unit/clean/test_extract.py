"""Field-level extraction on hand-written publisher layouts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from newsingest.clean.extract import canonicalize_url, clean_page, extract
from newsingest.models import CleanedArticle, DroppedPage

LEDGER_URL = "https://www.northernledger.example/news/2024/03/12/harbour-flood-barrier?utm_source=x"


@pytest.fixture
def broadsheet(page) -> CleanedArticle:
    return extract(page("broadsheet_article"), LEDGER_URL)


def test_broadsheet_title_and_subtitle(broadsheet):
    assert broadsheet.title == "Harbour council approves flood barrier after decade of delays"
    assert broadsheet.provenance["title"] == "opengraph"
    assert broadsheet.subtitle == "The £40m scheme will protect 3,000 homes on the estuary, councillors say."
    assert broadsheet.provenance["subtitle"] == "dom"


def test_broadsheet_body_keeps_paragraphs_and_drops_furniture(broadsheet):
    body = broadsheet.body
    # The standfirst sits inside <article>, so it is the subtitle and also opens the body.
    assert broadsheet.paragraphs[0] == broadsheet.subtitle
    assert broadsheet.paragraphs[1].startswith("Councillors in Harbourside voted on Tuesday")
    assert body.endswith("new developments along the waterfront.")
    assert "Years of delay" in broadsheet.paragraphs  # subheading kept as its own paragraph
    assert broadsheet.body == "\n\n".join(broadsheet.paragraphs)
    assert len(broadsheet.paragraphs) == 8
    for furniture in (
        "Advertisement",
        "Sign up",
        "Related stories",
        "Storm surge floods",
        "Share on",
        "We use cookies",
        "Most read",
        "All rights reserved",
        "Read more",
        "Comments (12)",
        "Finally! We have waited",
        "local government reporter",
        "Skip to content",
        "By Priya",
    ):
        assert furniture not in body, furniture


def test_broadsheet_captions_separated_from_body(broadsheet):
    assert any(c.startswith("The estuary at high tide last winter.") for c in broadsheet.captions)
    assert "Photograph: Jane Smith" not in broadsheet.body
    assert "high tide last winter" not in broadsheet.body


def test_broadsheet_people_and_roles(broadsheet):
    assert broadsheet.authors == ["Priya Natarajan", "Tom O'Hare"]
    assert broadsheet.agency == []
    assert broadsheet.provenance["authors"] == "json-ld"


def test_broadsheet_dates_keep_offset_and_ignore_script_dates(broadsheet):
    assert broadsheet.published == datetime(2024, 3, 12, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert broadsheet.published.utcoffset() == timedelta(hours=1)
    assert broadsheet.modified == datetime(2024, 3, 12, 14, 5, tzinfo=UTC)
    assert broadsheet.provenance["published"] == "json-ld"
    assert broadsheet.published.year == 2024  # the 2031 date inside <script> is never used


def test_broadsheet_metadata_fields(broadsheet):
    assert (
        broadsheet.canonical_url == "https://www.northernledger.example/news/2024/03/12/harbour-flood-barrier"
    )
    assert broadsheet.provenance["canonical_url"] == "dom"
    assert broadsheet.language == "en"
    assert broadsheet.section == "Local news"
    assert broadsheet.tags == ["Flooding", "Harbourside Council", "Climate"]
    assert broadsheet.lead_image == "https://cdn.northernledger.example/img/barrier.jpg"
    assert broadsheet.provenance["lead_image"] == "opengraph"
    assert (broadsheet.page_type, broadsheet.access) == ("article", "free")


def test_tabloid_microdata_meta_and_title_suffix(page):
    article = extract(page("tabloid_microdata"), "https://bugle.example/news/lottery-winner")
    assert article.title == "Lottery winner gives away entire jackpot to neighbours"
    assert article.authors == ["Jane Roe"]  # "By" and "Chief Reporter" stripped
    assert article.published == datetime(2023, 11, 5, 18, 20, tzinfo=timezone(timedelta(hours=-5)))
    assert article.provenance["published"] == "microdata"
    assert article.modified is not None and article.provenance["modified"] == "microdata"
    assert article.tags == ["lottery", "jackpot", "charity"]
    assert len(article.paragraphs) == 4
    assert "WIN a luxury holiday" not in article.body
    assert "Celebrity spotted" not in article.body
    assert "Terms of use" not in article.body


def test_wire_story_agency_and_url_date(page):
    article = extract(page("wire_story"), "https://wire.example/2024/05/15/quake-shakes-coast")
    assert article.authors == []
    assert article.agency == ["Associated Press"]
    assert article.published == datetime(2024, 5, 15, tzinfo=UTC)
    assert article.provenance["published"] == "url"
    assert article.body.startswith("LIMA, Peru (AP) — A magnitude 5.8 earthquake")
    assert "By THE ASSOCIATED PRESS" not in article.body


def test_published_hint_from_feed_used_when_page_has_no_date(page):
    hint = datetime(2024, 5, 14, 22, 0, tzinfo=UTC)
    article = extract(page("wire_story"), "https://wire.example/quake-shakes-coast", published_hint=hint)
    assert article.published == hint
    assert article.provenance["published"] == "feed"


def test_future_published_hint_is_rejected(page):
    future = datetime.now(UTC) + timedelta(days=30)
    article = extract(page("wire_story"), "https://wire.example/quake-shakes-coast", published_hint=future)
    assert article.published is None


def test_seed_like_aggregator_page(page):
    article = extract(page("aggregator_seed"), "https://aggregator.example/item/12345")
    assert (
        article.title == "Syrian FM meets Putin and Lavrov, in first Russia visit since fall of Assad regime"
    )
    assert article.body.startswith("Syria’s top diplomat met with Russian officials on Thursday")
    assert article.body.endswith("mass killing of Druze by government forces.")
    for noise in ("Sponsor", "QWIKET", "THE AMERICA ONE NEWS", "Remer,MN", "back", "topic", "NextImg"):
        assert noise not in article.body, noise
    assert len(article.captions) == 2
    assert article.captions[1].endswith("(AP Photo/Leo Correa)")
    assert "AP Photo" not in article.body


def test_non_english_page(page):
    article = extract(page("nonenglish_de"), "https://rundschau.example/lokales/radwege")
    assert article.language == "de"
    assert article.title == "Stadtrat beschließt neues Radwegenetz"
    assert article.authors == ["Lena Hoffmann", "Jörg Weber"]  # "Von" and "und" handled
    assert article.published == datetime(2024, 9, 18, 14, 45, tzinfo=timezone(timedelta(hours=2)))
    assert len(article.paragraphs) == 3
    assert "Anzeige" not in article.body
    assert "Lesen Sie auch" not in article.body


def test_broken_encoding_declared_latin1(page):
    raw = page("broken_encoding_latin1")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    article = extract(raw, "https://village.example/cafe")
    assert article.title == "Le café du village rouvre après deux ans de travaux"
    assert "« C’est le cœur du village qui bat de nouveau »" in article.body
    assert "\ufffd" not in article.body
    assert article.language == "fr"


def test_utf8_bytes_win_over_wrong_meta_charset():
    html = (
        '<html><head><meta charset="iso-8859-1"><title>Zürich öffnet Bäder</title></head><body>'
        "<article><p>"
        + "Die Stadt Zürich öffnet ihre Freibäder früher als geplant, sagte die Stadträtin. " * 6
        + "</p></article></body></html>"
    ).encode("utf-8")
    article = extract(html, "https://zh.example/baeder")
    assert article.title == "Zürich öffnet Bäder"
    assert "Zürich öffnet ihre Freibäder früher" in article.body


def test_clean_page_returns_article_for_keepers(page):
    result = clean_page(page("broadsheet_article"), LEDGER_URL, source="northern-ledger")
    assert isinstance(result, CleanedArticle)
    assert result.source == "northern-ledger"


def test_too_short_body_is_dropped_with_reason():
    html = (
        "<html><head><title>Brief</title></head><body><article><p>Only one line.</p></article></body></html>"
    )
    result = clean_page(html, "https://x.example/brief")
    assert isinstance(result, DroppedPage)
    assert result.reason == "too_short"
    assert result.stage == "clean"
    assert "minimum" in (result.detail or "")


def test_json_ld_article_body_used_when_dom_is_thin():
    text = "The full story text lives only in structured data on this page, as some sites do. " * 12
    html = (
        '<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Only in JSON",'
        f'"articleBody":"{text.strip()}","datePublished":"2024-01-02T03:04:05Z"}}</script></head>'
        "<body><div><p>Teaser line only.</p></div></body></html>"
    )
    article = extract(html, "https://x.example/json")
    assert article.provenance["body"] == "json-ld"
    assert article.body.startswith("The full story text lives only in structured data")


def test_override_hook_is_per_source(page):
    from newsingest.clean import extract as extract_mod

    def shout(article, soup):
        return article.model_copy(update={"title": (article.title or "").upper()})

    extract_mod.register_override("shouty", shout)
    try:
        shouted = extract(page("wire_story"), "https://wire.example/q", source="shouty")
        plain = extract(page("wire_story"), "https://wire.example/q", source="other")
    finally:
        extract_mod._OVERRIDES.pop("shouty", None)
    assert shouted.title == "QUAKE SHAKES COASTAL TOWNS, NO DAMAGE REPORTED"
    assert plain.title == "Quake shakes coastal towns, no damage reported"


def test_fact_box_does_not_win_over_the_story():
    story = [
        f"<p>Story paragraph {i} explains the decision, with details, names, and places, as news does.</p>"
        for i in range(8)
    ]
    box = (
        "<div class='factbox'><div class='factbox-content'>"
        + "".join(
            f"<p>Quoted line {i}, with commas, clauses, lists, and more commas, to look dense.</p>"
            for i in range(14)
        )
        + "</div></div>"
    )
    body = "".join(story[:3]) + box + "".join(story[3:])
    html = f"<html><body><div class='article-body'>{body}</div></body></html>"
    article = extract(html, "https://x.example/story")
    assert "Story paragraph 0 explains" in article.body
    assert "Story paragraph 7 explains" in article.body


def test_teaser_cards_next_to_story_are_not_body():
    story = "".join(
        f"<p>Paragraph {i} of the real story, which goes on for a while with sentences and detail.</p>"
        for i in range(6)
    )
    cards = (
        "<ul class='list-articles'>"
        + "".join(
            f"<li><div class='card'><h3><a href='/s{i}'>Other headline {i}</a></h3>"
            f"<p>Summary of other story {i}, long enough to look like a paragraph, with commas.</p>"
            "</div></li>"
            for i in range(10)
        )
        + "</ul>"
    )
    html = f"<html><body><main><article><div class='story-text'>{story}</div></article>{cards}</main></body>"
    article = extract(html, "https://x.example/story")
    assert "Paragraph 5 of the real story" in article.body
    assert "Summary of other story" not in article.body


def test_json_ld_article_body_with_html_markup_becomes_plain_paragraphs():
    paras = "".join(
        f"<p>Paragraph {i} of the structured body, long enough to count as text.</p>" for i in range(12)
    )
    html = (
        '<html><head><script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "headline": "H", "articleBody": paras})
        + "</script></head><body><div><p>Teaser only.</p></div></body></html>"
    )
    article = extract(html, "https://x.example/html-in-json")
    assert article.provenance["body"] == "json-ld"
    assert article.paragraphs[0] == "Paragraph 0 of the structured body, long enough to count as text."
    assert "<p>" not in article.body


def test_text_written_straight_into_a_div_is_the_body(page):
    # Old municipal CMS: the story is bare text and <br>s inside a layout <div>, beside a tag cloud
    # and above an address footer.
    article = extract(page("municipal_bare_text"), "https://valeverde.example/noticia.php?id=7")
    assert article.page_type == "article"
    assert article.body.startswith("12/03/2024") or article.body.startswith("A Biblioteca")
    assert "aos sábados, das 8h às 13h" in article.body
    assert "Segundo a Secretaria de Cultura" in article.body
    assert "CNPJ" not in article.body and "Voltar" not in article.body


def test_round_up_items_with_linked_leads_stay_and_link_lists_go():
    items = "".join(
        f'<li><a href="/s/{i}">The mayor of district {i} confirmed the new flood barrier will be built '
        f"along the river</a>. Officials said the plan for district {i} would go ahead "
        "next spring, after talks.</li>"
        for i in range(6)
    )
    related = "".join(
        f'<li><a href="/r/{i}">Related headline number {i} about the council</a></li>' for i in range(6)
    )
    html = (
        '<html><head><meta property="og:title" content="Ten things you need to know today"></head><body>'
        '<div class="post-content"><p>Good morning! This is the news you need to know this Tuesday.</p>'
        f"<ol>{items}</ol><p>That is all for today, and thanks for reading the briefing.</p>"
        f'<ul class="related">{related}</ul></div></body></html>'
    )
    article = extract(html, "https://briefing.example/2024/03/12/ten-things")
    assert article.body.count("Officials said the plan for district") == 6
    assert "Related headline number" not in article.body


def test_the_next_story_appended_below_is_not_part_of_the_body():
    def story(headline: str, topic: str, n: int) -> str:
        paras = "".join(
            f"<p>Paragraph {i} about {topic}, with the detail, the names and the numbers a reader wants.</p>"
            for i in range(n)
        )
        body = f'<div class="bodytext">{paras}</div>'
        return f'<article class="article-entity"><h1>{headline}</h1>{body}</article>'

    html = (
        '<html><head><meta property="og:title" content="Harbour barrier approved"></head><body><main>'
        + story("Harbour barrier approved", "the harbour barrier", 5)
        + '<div class="under-article">'
        + story("Coach returns to old club", "the football coach", 9)
        + "</div></main></body></html>"
    )
    article = extract(html, "https://ledger.example/2024/03/12/harbour-barrier")
    assert "the harbour barrier" in article.body
    assert "the football coach" not in article.body


def test_story_chunks_in_classless_divs_are_joined_by_their_wrapper_style():
    def chunk(start: int, n: int) -> str:
        paras = "".join(
            f"<p>Paragraph {i} of the interview, in which the chef talks about her kitchen, her city, "
            "her parents, who cooked every night, and the small bistro in Paris where, one morning, "
            "an old waiter first said no, then yes, and changed what she wanted to do with her life.</p>"
            for i in range(start, start + n)
        )
        return f'<div class="text-width paywalled"><div class="text-container"><div>{paras}</div></div></div>'

    figure = '<figure><img src="a.jpg"><figcaption>The chef in her kitchen.</figcaption></figure>'
    html = (
        '<html><head><meta property="og:title" content="The chef who serves the world"></head><body>'
        '<div class="page"><div class="grid"><h1>The chef who serves the world</h1>'
        f"{chunk(0, 4)}{figure}{chunk(4, 9)}</div></div>"
        "</body></html>"
    )
    body = extract(html, "https://daily.example/2025/02/02/chef").body
    assert all(f"Paragraph {i} of the interview" in body for i in range(13))


def test_chunks_sharing_a_component_class_are_joined_and_reading_time_is_dropped():
    def paras(start: int, n: int) -> str:
        return "".join(
            f"<p>The central bank said in part {i} that its supervisors had failed to act on warnings, that "
            "rules had been weakened, and that the collapse of the lender, which grew fast, showed gaps.</p>"
            for i in range(start, start + n)
        )

    teaser = '<div class="RichText teaser"><h3><a href="/x">Highlights</a></h3></div>'
    html = (
        '<html><head><meta property="og:title" content="Fed admits supervision failures"></head><body>'
        '<div class="page"><div class="wrap"><h1>Fed admits supervision failures</h1>'
        "<p>15.04.2025, 17:59 Lesezeit: 5 Min.</p>"
        f'<div><div class="RichText lg:w-8/12 md:mx-auto">{paras(0, 2)}</div></div>'
        '<figure><img src="a.jpg"><figcaption>The report, 100 pages long.</figcaption></figure>'
        f"{teaser}"
        f'<div><div class="RichText RichText--last lg:w-8/12 md:mx-auto">{paras(2, 5)}</div></div>'
        "</div></div></body></html>"
    )
    body = extract(html, "https://news.example/2023/04/28/fed").body
    assert body.count("The central bank said in part") == 7
    assert "Lesezeit" not in body and "Highlights" not in body


def _byline_page(ld_author: str, meta_author: str | None) -> str:
    node = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Kritik verpufft",
        "author": {"@type": "Organization", "name": ld_author},
    }
    meta = f'<meta name="author" content="{meta_author}">' if meta_author else ""
    paras = "".join(
        f"<p>Absatz {i}: Die Kritik am Kandidaten verpufft, sagen Forscher, und sie erklären warum.</p>"
        for i in range(6)
    )
    return (
        f'<html><head><script type="application/ld+json">{json.dumps(node)}</script>{meta}'
        '<meta property="og:site_name" content="STERN.de"></head>'
        f"<body><article>{paras}</article></body></html>"
    )


def test_a_person_named_elsewhere_replaces_a_publisher_byline():
    article = extract(
        _byline_page("STERN.de", "Jemima Kelly"), "https://www.stern.de/politik/kritik-123.html"
    )
    assert article.authors == ["Jemima Kelly"]
    assert article.provenance["authors"] == "meta"


def test_a_publisher_byline_stays_when_no_person_is_named():
    article = extract(_byline_page("STERN.de", None), "https://www.stern.de/politik/kritik-123.html")
    assert article.authors == ["STERN.de"]


def _paragraphs(label: str, sentence: str, count: int = 6) -> str:
    """``count`` numbered paragraphs of one sentence: the running text of a hand-written article page."""
    return "".join(f"<p>{label} {i}: {sentence}</p>" for i in range(count))


def test_the_publisher_beside_a_person_in_one_byline_is_left_out():
    node = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Kodėl jis išdavė",
        "author": [
            {"@type": "Person", "name": "Rasa Petraitytė"},
            {"@type": "Organization", "name": "Zinios.lt"},
        ],
    }
    paras = _paragraphs("Pastraipa", "komentatorė aiškina, kodėl istorija vis dar svarbi šiandien.")
    html = (
        f'<html><head><script type="application/ld+json">{json.dumps(node)}</script>'
        '<meta property="og:site_name" content="zinios.lt"></head>'
        f"<body><article>{paras}</article></body></html>"
    )
    article = extract(html, "https://www.zinios.lt/nuomones/2235273/kodel")
    assert article.authors == ["Rasa Petraitytė"]


def test_a_markup_byline_keeps_its_people_not_its_labels_and_places():
    paras = _paragraphs(
        "Absatz", "Der Handel testet das neue Bezahlverfahren, und die Banken sind zufrieden."
    )
    html = (
        '<html><head><meta property="og:site_name" content="Finanzblatt"></head><body><article>'
        '<p class="meta"><span class="author-name">Lena Hoffmann</span> | '
        '<span class="author-place">Frankfurt</span> | <span class="author-label">Name</span></p>'
        f"{paras}</article></body></html>"
    )
    article = extract(html, "https://www.finanzblatt.example/banken/bezahlverfahren-besteht-test")
    assert article.authors == ["Lena Hoffmann"]
    assert article.provenance["authors"] == "dom"


def test_a_markup_byline_of_no_person_like_name_stays_as_written():
    paras = _paragraphs("Paragraph", "the council met again and the vote was close, members said.")
    html = (
        '<html><head></head><body><article><span class="byline">Heryadi</span>'
        f"{paras}</article></body></html>"
    )
    assert extract(html, "https://daily.example/news/851796/council-vote").authors == ["Heryadi"]


def test_a_date_published_on_a_non_article_json_ld_node_is_used():
    node = {"@context": "https://schema.org", "@type": "ClaimReview", "datePublished": "2026-05-13 15:44"}
    paras = "".join(
        f"<p>Claim {i}: the post says the virus was made in a lab, which experts reject.</p>"
        for i in range(6)
    )
    html = (
        f'<html><head><script type="application/ld+json">{json.dumps(node)}</script>'
        '<meta property="og:title" content="Fact check: no lab virus"></head>'
        f"<body><article>{paras}</article></body></html>"
    )
    article = extract(html, "https://factcheck.example/doc/B2LA2G3")
    assert article.published is not None and article.published.date().isoformat() == "2026-05-13"
    assert article.provenance["published"] == "json-ld"


def test_a_story_shipped_only_as_script_data_becomes_the_body(page):
    # An empty Next.js shell: the story is an escaped HTML string in an RSC payload, next to a
    # recipe teaser in __NEXT_DATA__ that has nothing to do with the headline.
    article = extract(page("nextjs_shell"), "https://www.northernledger.example/news/harbour-barrier")
    assert article.provenance["body"] == "script"
    assert article.body.count("the harbour council voted to build the flood barrier") == 5
    assert "apple cake" not in article.body
    assert "photographed from the pier" not in article.body  # a caption, not a paragraph


def test_a_page_without_story_data_stays_empty():
    html = (
        '<html><head><meta property="og:title" content="Council approves barrier"></head>'
        '<body><div id="app"></div><script>window.__STATE__ = {"user": null, "flags": ["a", "b"]}</script>'
        "</body></html>"
    )
    article = extract(html, "https://spa.example/a/1")
    assert article.body == ""
    assert article.provenance["body"] == "dom"


def test_malformed_image_and_canonical_urls_do_not_lose_the_article():
    paras = "".join(
        f"<p>Paragraph {i} of a story with a broken image address in its metadata, sadly.</p>"
        for i in range(6)
    )
    html = (
        '<html><head><meta property="og:title" content="Broken addresses">'
        '<meta property="og:image" content="http://[broken/img.jpg">'
        '<meta name="twitter:image" content="/img/lead.jpg">'
        '<meta property="og:url" content="http://[broken/">'
        f"</head><body><article>{paras}</article></body></html>"
    )
    result = clean_page(html, "https://ledger.example/2024/03/12/broken")
    assert isinstance(result, CleanedArticle), result
    assert result.lead_image == "https://ledger.example/img/lead.jpg"
    assert result.canonical_url == "https://ledger.example/2024/03/12/broken"


def test_canonicalize_url_drops_tracking_and_fragment():
    url = canonicalize_url("HTTPS://WWW.Example.COM:443/a/b?utm_source=x&id=3#frag")
    assert url == "https://www.example.com/a/b?id=3"


@pytest.mark.parametrize("url", ["", "file:///tmp/page.html", "page.html", "http://[x/"])
def test_canonicalize_url_keeps_a_url_it_cannot_canonicalise(url):
    assert canonicalize_url(f" {url} ") == url
