"""Layouts of publishers the cleaner was not developed on (issue 16), as hand-written pages.

No real article drops, no furniture as the story, dates not from captions, site names cut only when
confirmed, bylines from the text, hover cards kept out of sentences.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from bs4 import BeautifulSoup
from newsingest.clean.boilerplate import attr_text
from newsingest.clean.extract import clean_page, extract
from newsingest.clean.fields.titles import strip_site_suffix
from newsingest.clean.scoring import extract_body, implausible_body
from newsingest.models import CleanedArticle, DroppedPage

STORY = [
    "The provincial water board said on Monday that the dam had reached its lowest level in a decade, "
    "and that restrictions on garden use would begin at the end of the month.",
    "Engineers have warned for years that the pipeline serving the eastern suburbs was losing almost a "
    "third of its water to leaks, a figure the board disputes.",
    "Residents of the affected districts will be asked to cut their use by a fifth, according to the "
    "plan, which the council is expected to approve on Thursday.",
    "Farmers downstream said the restrictions came too late for the current season, and asked for a "
    "meeting with the minister before the next planting.",
]


def _paragraphs(items: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in items)


def _ld(node: dict) -> str:
    data = json.dumps({"@context": "https://schema.org", **node})
    return f'<script type="application/ld+json">{data}</script>'


def test_a_story_wrapped_in_a_tablist_is_not_replaced_by_furniture():
    html = f"""<html><head><title>Dam at lowest level in a decade</title>
    <meta property="og:type" content="article"></head><body>
    <nav><a href="/">Home</a><a href="/news">News</a><a href="/opinion">Opinion</a></nav>
    <div class="section-label"><span>MIDDLE EAST CRISIS</span></div>
    <div class="tab-content" role="tablist"><div class="article-wrap">
      <h1>Dam at lowest level in a decade</h1>{_paragraphs(STORY)}</div></div>
    <div class="top-reads"><h3>Top Reads This Hour</h3><ul><li><a href="/a">One story</a></li>
      <li><a href="/b">Two story</a></li></ul><h3>TOP READS IN SECTION</h3></div>
    <div class="cookie-notice"><p>We use cookies on our website to give you the best experience.</p></div>
    </body></html>"""
    result = clean_page(html, "https://news.example/article/2025-06-02-dam-lowest-level/")
    assert isinstance(result, CleanedArticle)
    assert result.paragraphs == STORY
    for furniture in ("Top Reads", "We use cookies", "MIDDLE EAST CRISIS"):
        assert furniture not in result.body


def test_a_furniture_box_that_outscores_the_story_is_rejected_for_the_next_candidate():
    consent = [
        "We use cookies and similar technologies, and our partners process personal data, to run this "
        "site, to measure traffic and to show personalised advertising. See our privacy policy.",
        "You can accept all cookies, reject all, or manage your consent in the privacy settings at any "
        "time; your choice applies to this site and its newsletters.",
        "Sign up for our newsletter, subscribe for unlimited access, or log in to your account, and follow "
        "us on social media. Terms of use apply.",
    ] * 2
    html = f"""<html><head><title>Dam at lowest level in a decade</title>
    <meta name="description" content="The dam is at its lowest level in a decade."></head>
    <body><div class="layout"><div class="box">{_paragraphs(consent)}</div></div>
    <div class="layout"><div class="story"><h1>Dam at lowest level in a decade</h1>
    {_paragraphs(STORY[:3])}</div></div></body></html>"""
    result = extract(html, "https://news.example/2025/06/02/dam")
    assert "lowest level in a decade, and that restrictions" in result.body
    assert "cookies" not in result.body


def test_implausible_body_reads_the_text_not_the_markup():
    assert implausible_body(STORY, "Dam at lowest level", None) is None
    furniture = ["Top Reads This Hour", "MIDDLE EAST CRISIS", "4", "TOP READS IN SECTION", "Newsletters"]
    assert implausible_body(furniture, "Dam at lowest level", None) is not None
    cookie = ["We use cookies on our website. Accept all cookies or manage your consent in privacy settings."]
    assert implausible_body(cookie, "Dam at lowest level", None) == "furniture language"
    # A story about cookies, on topic with its headline, is a story.
    about = [
        "The regulator fined the retailer for setting advertising cookies before visitors gave consent, "
        "the first such penalty under the new privacy rules.",
        "The retailer said it would appeal and that it had changed the banner within days of the complaint.",
    ]
    assert (
        implausible_body(about, "Retailer fined over advertising cookies set without consent", None) is None
    )


def test_hover_cards_are_not_glued_into_sentences():
    html = f"""<html><head><title>Governor signs water bill</title></head><body><article>
    <h1>Governor signs water bill</h1>
    <p>Gov. <a href="/people/noem">Kristi Noem</a><span class="rollover-people-block">
      <span class="rollover-people-name">Kristi Lynn Noem</span>
      <span class="rollover-people-title">South Dakota governor</span></span> signed the bill on
      Tuesday, ending a dispute that had lasted for two sessions of the legislature.</p>
    <p>The law takes effect in July<span role="tooltip">Footnote: fiscal year start</span>, officials said,
      and will be reviewed after three years by a committee of both chambers.</p>
    {_paragraphs(STORY[:2])}</article></body></html>"""
    body = extract(html, "https://news.example/2025/06/02/water-bill").body
    assert "Gov. Kristi Noem signed the bill on Tuesday" in body
    assert "Kristi Lynn Noem" not in body and "South Dakota governor" not in body
    assert "takes effect in July, officials said" in body


def test_the_date_line_beats_a_date_in_a_photo_caption():
    caption = (
        "In this pool photograph, Russia's President Vladimir Putin shakes hands with his Syrian "
        "counterpart during their meeting at the Kremlin in Moscow on July 24, 2024. (Pool/AFP)"
    )
    html = f"""<html><head><title>Syrian FM meets Putin</title></head><body>
    <div class="masthead">THE AMERICA ONE NEWS</div><div class="topbar">Aug 1, 2025 | 0 | Remer,MN</div>
    <div class="sponsor">Sponsor: QWIKET</div><div>back</div><div>topic</div>
    <h1>Syrian FM meets Putin and Lavrov, in first Russia visit since fall of Assad regime</h1>
    <div class="text">{_paragraphs(STORY[:2])}<p>{caption}</p>{_paragraphs(STORY[2:])}</div>
    <ul class="list"><li><a href="/x">Older story</a> March 3, 2023</li></ul></body></html>"""
    article = extract(html, "https://americaone.example/news/syrian-fm-meets-putin")
    assert article.published is not None and article.published.date() == date(2025, 8, 1)
    assert article.provenance["published"] == "text"


def test_a_date_in_a_caption_alone_does_not_date_the_page():
    html = f"""<html><head><title>Harbour works</title></head><body><article><h1>Harbour works resume</h1>
    <figure><img src="a.jpg"><figcaption>The harbour on March 3, 2021.</figcaption></figure>
    {_paragraphs(STORY)}</article></body></html>"""
    assert extract(html, "https://news.example/harbour-works").published is None


def test_site_names_are_cut_only_when_they_name_the_site():
    guardian = "The Guardian view on Hong Kong: a city on the brink | Editorial"
    assert strip_site_suffix(guardian, ["The Guardian", "theguardian"]) == guardian
    assert strip_site_suffix("Flood warning for the coast | CBC News", ["CBC", "cbc"]) == (
        "Flood warning for the coast"
    )
    assert strip_site_suffix("Budget passed - Sueddeutsche.de", ["sueddeutsche"]) == "Budget passed"
    assert (
        strip_site_suffix("Opinion | Why the budget fails", ["The Post"]) == "Opinion | Why the budget fails"
    )


def test_a_byline_in_the_text_beats_the_publisher_in_metadata():
    ld = _ld(
        {
            "@type": "NewsArticle",
            "headline": "Dam at lowest level in a decade",
            "author": {"@type": "Organization", "name": "Lesotho Times"},
            "publisher": {"@type": "Organization", "name": "Lesotho Times"},
        }
    )
    html = f"""<html><head><title>Dam at lowest level in a decade - Lesotho Times</title>
    <meta property="og:site_name" content="Lesotho Times">{ld}</head><body><article>
    <h1>Dam at lowest level in a decade</h1><p>Mathatisi Sebusi/Mohalenyane Phakela</p>
    {_paragraphs(STORY)}</article></body></html>"""
    article = extract(html, "https://lestimes.example/dam-at-lowest-level/")
    assert article.authors == ["Mathatisi Sebusi", "Mohalenyane Phakela"]
    assert article.provenance["authors"] == "text"
    assert "Mathatisi" not in article.body
    # With a person credited in metadata, the metadata stays.
    person = _ld(
        {"@type": "NewsArticle", "headline": "Dam", "author": {"@type": "Person", "name": "Jane Moe"}}
    )
    assert extract(html.replace(ld, person), "https://lestimes.example/dam/").authors == ["Jane Moe"]


def test_an_article_among_many_links_is_not_dropped_as_an_index():
    teasers = "".join(
        f'<h3><a href="/2024/05/{i:02d}/story-{i}">Teaser headline number {i} here</a></h3>'
        for i in range(12)
    )
    html = f"""<html><head><title>Dam at lowest level in a decade</title></head><body>
    <div class="rail">{teasers}</div>
    <div class="main"><h1>Dam at lowest level in a decade</h1><p class="byline">By Jane Moe</p>
    {_paragraphs(STORY[:2])}</div></body></html>"""
    result = clean_page(html, "https://news.example/2025/06/02/dam-lowest-level")
    assert isinstance(result, CleanedArticle), result
    assert result.page_type == "article"


def test_a_real_index_page_is_still_dropped(page):
    result = clean_page(page("index_page"), "https://www.northernledger.example/news/")
    assert isinstance(result, DroppedPage) and result.reason == "page_type:index"
    assert result.evidence.get("body_chars") is not None


def test_json_ld_article_body_stands_in_when_the_page_shows_no_text():
    text = " ".join(STORY[:2])
    ld = _ld({"@type": "NewsArticle", "headline": "Dam at lowest level", "articleBody": text})
    html = f"""<html><head><title>Dam at lowest level</title>{ld}</head><body><div id="app"></div>
    <p>Menu</p></body></html>"""
    result = clean_page(html, "https://news.example/2025/06/02/dam")
    assert isinstance(result, CleanedArticle)
    assert result.body == text and result.provenance["body"] == "json-ld"


def test_a_drop_records_the_article_evidence_it_saw():
    html = """<html><head><title>Dam at lowest level</title><meta property="og:type" content="article">
    </head><body><div id="app"></div></body></html>"""
    result = clean_page(html, "https://news.example/2025/06/02/dam-lowest-level")
    assert isinstance(result, DroppedPage) and result.reason == "too_short"
    assert result.evidence == {"og_type_article": True, "dated_url": "2025-06-02", "body_chars": 0}
    assert DroppedPage.from_json(result.to_json()) == result


def test_a_short_brief_on_a_plain_article_page_is_kept():
    ld = _ld({"@type": "NewsArticle", "headline": "Dam at lowest level"})
    html = f"""<html><head><title>Dam at lowest level</title>{ld}</head><body><article>
    <h1>Dam at lowest level</h1><p>{STORY[0]}</p></article></body></html>"""
    result = clean_page(html, "https://news.example/2025/06/02/dam")
    assert isinstance(result, CleanedArticle) and result.body == STORY[0]
    # The page's headline matching its title, with the brief as the page's only prose, is enough.
    bare = html.replace(ld, "")
    assert isinstance(clean_page(bare, "https://news.example/dam"), CleanedArticle)
    # The same text on a page with no other sign of being an article is too short to index.
    bare = bare.replace("<h1>Dam at lowest level</h1>", "")
    dropped = clean_page(bare, "https://news.example/dam")
    assert isinstance(dropped, DroppedPage) and dropped.reason == "too_short"
    assert set(dropped.evidence) == {"sole_story", "body_chars"}


def test_text_after_an_inline_byline_is_not_furniture():
    # Old blog templates open the post body with a byline <span>, then write the post as bare text.
    post = "<br/><br/>".join(STORY)
    html = f"""<html><head><title>Storage news</title></head><body><div class="widget Blog">
    <h3 class="post-title"><a href="/2011/03/storage.html">More storage, more photos</a></h3>
    <div class="post-body"><span class="byline-author">Posted by Jane Moe, Engineering Lead</span><br/>
    <br/>{post}</div></div></body></html>"""
    result = clean_page(html, "https://photos.example/2011/03/storage.html")
    assert isinstance(result, CleanedArticle)
    assert result.paragraphs == STORY


def test_a_short_post_that_is_the_pages_only_prose_is_kept(page):
    # An old blog layout: a two-sentence post among dozens of menu and archive links (link-heavy and
    # under the length floor, so it read as an index page before).
    result = clean_page(page("short_post_link_heavy"), "https://allotment.example/notes/first-frost")
    assert isinstance(result, CleanedArticle), result
    assert result.page_type == "article"
    assert result.paragraphs[0].startswith("The first frost came early this year")
    assert "Older post" not in result.body and "Topic number" not in result.body


def test_a_short_body_beside_other_prose_blocks_is_not_a_sole_story(page):
    # The same page with two prose blurbs elsewhere (teaser snippets, promos): the short text is one of
    # several, so the page is still dropped as an index, with the evidence it had.
    blurb = (
        "<p>Residents of the valley met on Tuesday evening to discuss item {} on the agenda, and the hall "
        "was full.</p>"
    )
    html = (
        page("short_post_link_heavy")
        .decode()
        .replace('<ul class="menu">', f'<div class="promo">{blurb.format(1)}</div><ul class="menu">')
        .replace("<h3>Archives</h3>", f'<h3>Archives</h3><div class="promo2">{blurb.format(2)}</div>')
    )
    result = clean_page(html, "https://allotment.example/notes/first-frost")
    assert isinstance(result, DroppedPage) and result.reason == "page_type:index"
    assert "sole_story" not in result.evidence


def test_a_byline_span_left_open_around_the_post_is_not_furniture():
    # An editor's byline <span> that never closes before the post: the whole story sits inside an
    # inline element named like furniture. Its text is measured, and the story is the body.
    post = "<br/><br/>".join(STORY)
    html = f"""<html><head><title>Coverage update</title></head><body><div class="widget Blog">
    <h3 class="post-title"><a href="/2012/05/update.html">Coverage update</a></h3>
    <div class="post-body"><span class="byline-author">Posted by Jane Moe, Product Manager<br/><br/>
    <span style="font-size: 15px">{post}</span></span></div></div>
    <div class="sidebar"><h2>Archives</h2><ul><li><a href="/a">May</a></li>
    <li><a href="/b">April</a></li></ul>
    </div></body></html>"""
    result = clean_page(html, "https://blog.example/2012/05/update.html")
    assert isinstance(result, CleanedArticle), result
    assert result.paragraphs[-len(STORY) :] == STORY


def test_a_long_reader_comment_does_not_become_the_story():
    # One reader wrote more than the author: the comment thread is never the story's layout wrapper.
    html = f"""<html><head><title>Birthday present</title></head><body>
    <div class="post"><h1>Birthday present</h1>{_paragraphs(STORY[:3])}</div>
    <ul id="comment_list"><li class="comment" id="comment-42"><div id="div-comment-42">
    <div class="comment_entry">{_paragraphs(STORY * 2)}</div></div></li></ul></body></html>"""
    result = clean_page(html, "https://blog.example/birthday-present")
    assert isinstance(result, CleanedArticle), result
    assert result.paragraphs == STORY[:3]


@pytest.mark.parametrize("wrapper", ["commentary-body", "story-commentary"])
def test_a_wrapper_merely_mentioning_comments_is_still_the_story(wrapper):
    # An opinion section ("commentary") is not a comment thread.
    html = f"""<html><head><title>Why the dam matters</title></head><body>
    <div class="{wrapper}"><h1>Why the dam matters</h1>{_paragraphs(STORY)}</div>
    <div class="footer-links"><a href="/a">About</a> <a href="/b">Contact</a></div></body></html>"""
    result = clean_page(html, "https://news.example/opinion/why-the-dam-matters")
    assert isinstance(result, CleanedArticle) and result.paragraphs == STORY


def test_one_widget_line_repeated_under_every_photo_is_not_the_body():
    photos = "".join(
        f'<div class="photo"><img src="/p{i}.jpg"><p>Mouseover photo to load notes or add comment</p></div>'
        for i in range(12)
    )
    labels = ["Mouseover photo to load notes or add comment"] * 12
    assert implausible_body(labels, "Expo preview", None) == "repeated lines"
    # A plan or a table repeats several short lines, none of which is most of the text.
    plan = ["Breakfast", "1 cup oats with berries", "Lunch", "Green salad with chickpeas", "Snack"] * 6
    assert implausible_body(plan, "Seven-day meal plan", None) is None
    html = f"""<html><head><title>Expo preview</title></head><body><h1>Expo preview</h1>
    <div class="gallery-box">{photos}</div>
    <div class="entry">{_paragraphs(STORY[:2])}</div></body></html>"""
    result = clean_page(html, "https://blog.example/expo-preview")
    assert isinstance(result, CleanedArticle), result
    assert result.paragraphs == STORY[:2]


def test_a_visible_date_line_is_the_second_sign_a_sole_story_needs(page):
    html = (
        page("short_post_link_heavy")
        .decode()
        .replace('<h1><a href="/">Allotment notes</a></h1>', '<div><a href="/">Allotment notes</a></div>')
        .replace('<h2><a href="/2012/11/first-frost">First frost on the plots</a></h2>', "<h1>Frost</h1>")
        .replace("<title>Allotment notes</title>", '<meta property="og:title" content="Valley diary">')
        .replace('<p class="meta">By Marta Kowalczyk</p>', "{line}")
    )
    url = "https://allotment.example/notes/first-frost"
    undated = clean_page(html.format(line=""), url)
    assert isinstance(undated, DroppedPage) and set(undated.evidence) == {"sole_story", "body_chars"}
    dated = clean_page(html.format(line="<p>12 November 2012</p>"), url)
    assert isinstance(dated, CleanedArticle), dated
    assert dated.published is not None and dated.published.date() == date(2012, 11, 12)
    assert dated.provenance["published"] == "text"


_BIO = (
    "Thank you for visiting my notebook. By day, I am a structural engineer, a part-time teacher, a "
    "volunteer firefighter and, on weekends, a gardener, a cyclist, a baker and a reader of old maps, "
    "railway timetables, seed catalogues, and ship logs."
)
_SHORT_POST = (
    "Our allotment society meets at the church hall this Saturday at ten to share out the spring seed "
    "order, and everyone is welcome to bring cuttings."
)


def test_a_sidebar_about_me_does_not_outrank_the_marked_post_body():
    # The first vote (furniture hints ignored) prefers the longer bio in the sidebar; the page marks its
    # post body, which holds text outside the sidebar: the marked body wins, the sidebar is furniture.
    html = f"""<html><head><title>Seed swap</title></head><body>
    <div class="main"><div class="post"><h3 class="post-title">Seed swap</h3>
    <div class="post-body">{_SHORT_POST}</div></div></div>
    <div class="sidebar"><div class="widget Profile"><h2>About me</h2>
    <dd class="profile-text">{_BIO}</dd></div></div></body></html>"""
    result = extract(html, "https://notes.example/2012/10/seed-swap.html")
    assert result.paragraphs == [_SHORT_POST]


def test_a_hinted_region_outside_the_marked_body_is_furniture_whatever_it_holds():
    # The first pick (reader comments make it win) holds the page's marked post body; once the comments
    # are furniture, a sidebar bio holding more text than the short post is still furniture, not a
    # chunk of the story.
    html = f"""<html><head><title>Seed swap</title></head><body><div class="page">
    <div class="post hentry"><h1>Seed swap</h1><div class="entry-content"><p>{_SHORT_POST}</p></div>
    <div class="comments">{_paragraphs(STORY)}</div></div>
    <div class="sidebar"><div class="widget"><h3>About</h3><p>{_BIO}</p></div></div>
    </div></body></html>"""
    result = extract(html, "https://notes.example/2012/10/seed-swap.html")
    assert result.paragraphs == [_SHORT_POST]


def test_when_only_furniture_votes_the_first_pick_stands():
    # The post's one paragraph is a third link text (it does not vote); the sidebar bio and a reader
    # comment are furniture. The post, the first pick, stays the body instead of nothing.
    html = f"""<html><head><title>Book event</title>
    <meta property="og:type" content="article"></head><body>
    <div class="blog-posts"><div class="post-outer"><h3 class="post-title">Book event</h3>
    <div class="post-body entry-content">Dear all,<br/><br/>I would like to invite you to
    <a href="/event">the reading and signing of our new picture book</a> at the corner bookshop
    this Saturday at eleven.<br/><br/>Hope to see you there.</div>
    <div class="comments"><p>{STORY[0]}</p></div></div></div>
    <div class="sidebar"><div class="widget Profile"><p>{_BIO}</p></div></div></body></html>"""
    result = clean_page(html, "https://notes.example/2012/10/book-event.html")
    assert isinstance(result, CleanedArticle), result
    assert result.paragraphs[0] == "Dear all,"
    assert "Hope to see you there." in result.paragraphs
    assert _BIO not in result.body and STORY[0] not in result.body


def test_a_microdata_date_is_read_from_the_abbr_title_not_a_bare_clock_time():
    # Blogger: <abbr itemprop="datePublished" title="ISO">9:22 AM</abbr>. The text alone has no date (a
    # parser would put it on today).
    html = f"""<html><head><title>Book event</title></head><body><div class="post">
    <h1>Book event</h1>{_paragraphs(STORY)}<span class="post-timestamp">at
    <abbr class="published" itemprop="datePublished" title="2012-10-22T09:22:00-07:00">9:22 AM</abbr>
    </span></div></body></html>"""
    result = extract(html, "https://notes.example/book-event")
    assert result.published is not None and result.published.date() == date(2012, 10, 22)
    bare = html.replace(' title="2012-10-22T09:22:00-07:00"', "")
    assert extract(bare, "https://notes.example/book-event").published is None


def test_an_hatom_published_stamp_dates_the_page_and_is_article_evidence():
    # <abbr class="published" title="ISO"> (hAtom) is a machine-readable stamp like <time datetime>; a
    # short post on a link-heavy page with it (and nothing else but its sole story) is kept.
    links = "".join(f'<li><a href="/2012/{m:02d}/">Archive {m}</a></li>' for m in range(1, 13))
    html = f"""<html><head><title>Yard sign fenders - Bike notes</title></head><body>
    <div id="header"><h1><a href="/">Bike notes</a></h1></div>
    <div class="entry"><h2 class="entry-title"><a href="/post/fenders">Yard sign fenders</a></h2>
    <abbr class="published" title="2012-11-06T06:11:36-08:00">November 6, 2012</abbr>
    <div class="entry-content"><p>From an old blog post, how to turn a yard sign into panniers and a
    pair of fenders for the winter.</p><p>The more ironic the sign the better. I have seen these
    ridden through a whole wet season and they work.</p></div></div>
    <div class="sidebar"><ul>{links}</ul><ul>{links}</ul></div></body></html>"""
    result = clean_page(html, "https://bikes.example/post/fenders")
    assert isinstance(result, CleanedArticle), result
    assert result.published is not None and result.published.date() == date(2012, 11, 6)
    assert result.provenance["published"] == "dom"


def _short_post_page(posts: int) -> str:
    """A blog page with ``posts`` short posts (each in a marked ``entry-body``), a trackback box and a
    sidebar of links."""
    entries = "".join(
        f"""<div class="entry"><h3 class="entry-header">Yesterday's news {i}</h3>
        <div class="entry-content"><div class="entry-body">
        <p>This is bad news for the market leaders and the incumbents, and good news for everyone else.</p>
        <p>And it happens again, fresh, every single day.</p></div></div>
        <div class="entry-footer"><p>Posted by <a rel="author" href="/p">Jane Moe</a></p></div></div>"""
        for i in range(posts)
    )
    links = "".join(f'<li><a href="/2012/{m:02d}/">Archive for month {m}</a></li>' for m in range(1, 13))
    return f"""<html><head><title>Jane's Blog</title></head><body><div id="banner"><h1>Jane's Blog</h1></div>
    <div class="beta">{entries}
    <div class="trackbacks"><h3>TrackBack</h3><div class="trackbacks-info">
    <p>TrackBack URL for this entry: http://www.blog-host.example/services/trackback/6a00d83451b3156</p>
    <p>Listed below are links to weblogs that reference <a href="/post">Yesterday's news</a>:</p></div></div>
    </div><div class="sidebar"><ul>{links}</ul><ul>{links}</ul></div></body></html>"""


def test_a_short_post_is_not_replaced_by_a_longer_but_still_short_box():
    # The post (marked entry-body) is under min_chars; the next candidate, a trackback box, is a little
    # longer but short too: the vote's first choice stands. The page's one marked body is the second
    # article sign beside the byline, so the post is kept.
    post = [
        "This is bad news for the market leaders and the incumbents, and good news for everyone else.",
        "And it happens again, fresh, every single day.",
    ]
    url = "https://blog.example/2012/07/yesterdays-news.html"
    assert extract(_short_post_page(1), url).paragraphs == post
    result = clean_page(_short_post_page(1), url)
    assert isinstance(result, CleanedArticle), result
    assert result.paragraphs == post
    # A blog's front page marks every post: no one marked body, no article sign from it.
    for posts, sole in ((1, True), (3, False)):
        soup = BeautifulSoup(_short_post_page(posts), "lxml", multi_valued_attributes=None)
        assert extract_body(soup.body).sole_marked_body is sole


def test_a_short_post_in_the_marked_body_stays_the_story_beside_longer_prose():
    # The first vote lands in the comment form's help text; the marked post body displaces it. A blog
    # disclaimer is the longest prose block on the page, yet the marked post of short lines stays the
    # body (no last resort), and it is an article: its one marked body (a strong sign) and its date line.
    help_text = (
        "Comments are moderated, and they will not appear on this weblog until the author has approved "
        "them. Please type the characters you see in the picture, so we know that you are a person, not "
        "a script, and then press post, once, and wait."
    )
    disclaimer = (
        "The opinions expressed here are my personal opinions. Content published here is not read or "
        "approved in advance by my employer, and it does not necessarily reflect the views and opinions "
        "of my employer, its partners, or its customers."
    )
    post = [
        "Download the app today, and take part in a global experiment through the second of October.",
        "Learn.",
        "Compare.",
        "Will be very cool to see how this turns out.",
    ]
    html = f"""<html><head><title>Virtual notes</title></head><body><div class="alpha">
    <h2 class="date-header">September 26, 2012</h2><div class="entry">
    <h3 class="entry-header">Are you in?</h3><div class="entry-content"><div class="entry-body">
    {_paragraphs(post)}</div></div></div>
    <div id="atp-comments"><div class="comment-captcha"><div class="captcha-text">{help_text}</div></div>
    </div></div><div class="beta"><div class="module"><p>{disclaimer}</p></div>
    <ul>{"".join(f'<li><a href="/{i}">Archive {i}</a></li>' for i in range(30))}</ul></div></body></html>"""
    result = clean_page(html, "https://notes.example/are-you-in.html")
    assert isinstance(result, CleanedArticle), result
    assert result.paragraphs == post


def test_a_post_inside_an_aside_with_the_headline_is_the_story():
    # An old theme wraps every post in <aside class="blogPost">: an <aside> holding an <h1> is kept for
    # the parser (not stripped with the page chrome), and holding the story it is judged the story's
    # wrapper. A real sidebar <aside> stays furniture.
    teasers = "".join(f"<li><a href='/{i}'>Celebrity teaser {i} of the week</a></li>" for i in range(20))
    html = f"""<html><head><title>Dam at lowest level « Valley Blog</title></head><body>
    <nav><ul>{teasers}</ul></nav><section id="contentWrap"><section id="leftColumn">
    <aside class="blogPost"><h1>Dam at lowest level in a decade</h1><h4>Posted August 9th, 2012</h4>
    <div class="blogContent">{_paragraphs(STORY)}</div></aside>
    <div class="commentHeading">LEAVE A COMMENT</div></section>
    <aside class="sidebar"><p>{_BIO}</p><ul>{teasers}</ul></aside></section></body></html>"""
    result = clean_page(html, "https://valley.example/2012/08/dam-lowest-level/")
    assert isinstance(result, CleanedArticle), result
    assert result.paragraphs == STORY
    assert result.title == "Dam at lowest level in a decade"


def test_a_posts_tag_and_category_classes_do_not_name_its_role():
    # WordPress lists a post's tags and categories as classes of its wrapper: "tag-tax-credits" is not an
    # image credit, "category-comments" not a comment thread.
    html = f"""<html><head><title>The flawed case</title></head><body>
    <div class="post-157141 post type-post hentry category-comments tag-tax-credits tag-sidebar entry">
    <h1>The flawed case</h1><div class="entry-content">{_paragraphs(STORY)}</div></div>
    <div class="widget"><p>{_BIO}</p></div></body></html>"""
    result = clean_page(html, "https://economy.example/2012/10/24/the-flawed-case/")
    assert isinstance(result, CleanedArticle), result
    assert result.paragraphs == STORY and result.captions == []
    # Without the post wrapper's signature (hentry, post-<id>), such words keep their meaning.
    assert boilerplate_attr('<div class="photo-box tag-credits">') == "photo-box tag-credits"
    assert boilerplate_attr('<div class="post-42 hentry tag-credits" id="p">') == "post-42 hentry p"


def boilerplate_attr(markup: str) -> str:
    tag = BeautifulSoup(markup, "lxml", multi_valued_attributes=None).div
    assert tag is not None
    return attr_text(tag)


def test_a_browser_upgrade_notice_is_furniture_language():
    notice = (
        "This page is best viewed in an up-to-date web browser with style sheets (CSS) enabled. While you "
        "will be able to view the content of this page in your current browser, you will not be able to "
        "get the full visual experience. Please consider upgrading your browser software or enabling "
        "style sheets (CSS) if you are able to do so."
    )
    verdict = implausible_body(["Site links", notice], "Visitors come for the games", None)
    assert verdict == "furniture language"
    # A story that mentions a browser once is prose.
    story = [f"{STORY[0]} The board's new web browser tool shows the level of every reservoir each day."]
    assert implausible_body(story, "Dam at lowest level", None) is None
    html = f"""<html><head><title>Visitors come for the games</title></head><body>
    <div id="blq-container"><div class="blq-notice"><h2>Site links</h2><p>{notice}</p></div></div>
    <div id="main"><div class="layout"><div class="story"><h1>Visitors come for the games</h1>
    <p>People from all over the world are coming to the city to see the games this summer.</p>
    <p>A couple from the mountains are among the thousands who are making the trip by train.</p>
    <p>They made a home-made film about their preparations for the visit.</p></div></div></div>
    </body></html>"""
    result = extract(html, "https://news.example/2012/07/visitors")
    assert notice not in result.body and result.paragraphs[0].startswith("People from all over")


COMMENTS = [
    "Great write-up, thanks. We saw the same thing happen in our town last summer, and nobody listened.",
    "I disagree: the board has been warning about this for years, and people simply ignored it.",
]


@pytest.mark.parametrize(
    "opener", ["Leave a Reply", "Post a comment", "2 Responses to “Dam at lowest level”"]
)
def test_a_comment_section_without_comment_markup_ends_the_story(opener):
    # An old theme writes the comment section into the post's own container, with no comment class.
    html = f"""<html><head><title>Dam at lowest level</title></head><body><div class="post">
    <h1>Dam at lowest level</h1>{_paragraphs(STORY)}<h3>{opener}</h3>{_paragraphs(COMMENTS)}
    <p>You may use these HTML tags and attributes: &lt;a href=""&gt; &lt;b&gt; &lt;em&gt;</p>
    <p>Remember Me?</p><h4>Archives by Date</h4><p>2012 J F M A M J J A S O N</p>
    </div></body></html>"""
    result = clean_page(html, "https://blog.example/2012/11/dam-lowest-level")
    assert isinstance(result, CleanedArticle), result
    assert result.paragraphs == STORY


def test_a_comment_counter_above_the_story_does_not_end_it():
    html = f"""<html><head><title>Dam at lowest level</title></head><body><div class="post">
    <h1>Dam at lowest level</h1><p>199 comments</p>{_paragraphs(STORY)}</div></body></html>"""
    result = clean_page(html, "https://blog.example/2012/11/dam-lowest-level")
    assert isinstance(result, CleanedArticle) and result.paragraphs == STORY


def test_a_comment_form_line_is_furniture_wherever_it_sits():
    html = f"""<html><head><title>Dam at lowest level</title></head><body><div class="post">
    <h1>Dam at lowest level</h1>{_paragraphs(STORY[:1])}
    <p>Your email address will not be published. Required fields are marked *</p>
    {_paragraphs(STORY[1:])}</div></body></html>"""
    result = clean_page(html, "https://blog.example/2012/11/dam-lowest-level")
    assert isinstance(result, CleanedArticle) and result.paragraphs == STORY


STANDFIRST = (
    "Photographers followed the water board's inspectors along the dry riverbed as the dam reached its "
    "lowest level in a decade."
)


def _photo_post(description: str) -> str:
    ld = _ld({"@type": "NewsArticle", "headline": "The dry riverbed in pictures", "description": description})
    return f"""<html><head><title>The dry riverbed in pictures</title>{ld}
    <meta property="og:type" content="article"></head><body><article>
    <h1>The dry riverbed in pictures</h1><img src="/a.jpg"><img src="/b.jpg"></article></body></html>"""


def test_an_article_page_with_only_a_standfirst_is_indexed_with_it_as_the_body():
    result = clean_page(_photo_post(STANDFIRST), "https://news.example/2025/06/02/riverbed-pictures")
    assert isinstance(result, CleanedArticle), result
    assert result.body == STANDFIRST and result.paragraphs == [STANDFIRST]
    assert result.provenance["body"] == "description"


@pytest.mark.parametrize(
    "description",
    [
        "The dry riverbed in pictures",  # the headline again
        "Photos of the dam",  # too short to tell a reader anything
        "Sign up for our newsletter. Subscribe to our newsletter and accept cookies to read more stories.",
    ],
)
def test_a_headline_without_a_readable_standfirst_is_still_dropped(description):
    result = clean_page(_photo_post(description), "https://news.example/2025/06/02/riverbed-pictures")
    assert isinstance(result, DroppedPage) and result.reason == "too_short"


def test_a_standfirst_does_not_rescue_a_page_with_no_sign_of_being_an_article():
    html = f"""<html><head><title>Riverbed</title><meta name="description" content="{STANDFIRST}">
    </head><body><div><img src="/a.jpg"></div></body></html>"""
    result = clean_page(html, "https://news.example/riverbed")
    assert isinstance(result, DroppedPage) and result.reason == "too_short"


def test_bylines_of_the_teasers_below_the_story_are_not_its_authors():
    teasers = "".join(
        f"""<article class="storyCard"><h3><a href="/s{i}">Other story {i}</a></h3>
        <ul class="storyCard__authorList"><li class="storyCard__authorListItem">{name}</li></ul></article>"""
        for i, name in enumerate(["Emil Albrecht", "Gabriela Núñez"])
    )
    html = f"""<html><head><title>Dam at lowest level</title></head><body><main><article>
    <header><h1>Dam at lowest level</h1><ul class="metaAuthorList"><li>Nora Lindqvist</li></ul></header>
    {_paragraphs(STORY)}</article><section class="teaserSection">{teasers}</section></main></body></html>"""
    result = clean_page(html, "https://news.example/2025/06/02/dam-lowest-level")
    assert isinstance(result, CleanedArticle) and result.authors == ["Nora Lindqvist"]


def test_a_signature_line_closing_the_story_names_its_author():
    ld = _ld({"@type": "NewsArticle", "headline": "Dam at lowest level", "author": {"name": "Tin Nhanh"}})
    html = f"""<html><head><title>Dam at lowest level</title>{ld}
    <meta property="og:site_name" content="Tin Nhanh"></head><body><article><h1>Dam at lowest level</h1>
    {_paragraphs(STORY)}<p style="text-align:right"><strong>Lê Phương</strong></p></article></body></html>"""
    result = clean_page(html, "https://tinnhanh.example/dam-lowest-level-4954454.html")
    assert isinstance(result, CleanedArticle)
    assert result.authors == ["Lê Phương"] and result.provenance["authors"] == "text"
    assert result.paragraphs == STORY  # the signature leaves the body
    # A person credited in metadata stands; the closing line is then left as it is.
    credited = html.replace('"Tin Nhanh"}', '"Mai Anh"}')
    result = clean_page(credited, "https://tinnhanh.example/dam-lowest-level-4954454.html")
    assert isinstance(result, CleanedArticle) and result.authors == ["Mai Anh"]


@pytest.mark.parametrize(
    "closing",
    [
        '<p><a href="/updater">Download Nokia Software Updater</a></p>',  # a link, not a signature
        "<p>FREE Domain Reseller Account</p>",
        "<p>Thanks Junior!</p>",
        "<p>関連記事</p>",
    ],
)
def test_a_closing_line_that_is_no_signature_names_nobody(closing):
    html = f"""<html><head><title>Dam at lowest level</title></head><body><article>
    <h1>Dam at lowest level</h1>{_paragraphs(STORY)}{closing}</article></body></html>"""
    result = clean_page(html, "https://blog.example/dam-lowest-level")
    assert isinstance(result, CleanedArticle) and result.authors == []
