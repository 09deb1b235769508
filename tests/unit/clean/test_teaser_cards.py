"""Teaser cards (another story's linked headline and its blurb) after a short story are furniture."""

from __future__ import annotations

from newsingest.clean.extract import extract

URL = "https://radio.example/news/region/students-reading-100.html"

STORY = [
    "Students at the region's universities read fewer books from cover to cover than ten years ago, a "
    "researcher from the local university found in a survey of more than two thousand students.",
    "Many of them now read summaries or ask a chatbot for the main points of a text, he said, and lose "
    "the patience that long arguments need.",
    "He asked the universities to set aside time for reading in every course.",
]
CARDS = [
    (
        "/news/ai-at-universities-102.html",
        "AI at universities: a challenge for exams",
        "More than eighty percent of the students want clear rules on when they may use AI tools in exams.",
    ),
    (
        "/news/translators-103.html",
        "Do language models replace translators?",
        "Language models seem to make professional translators redundant. Or do they have their limits?",
    ),
    (
        "/news/farming-ai-104.html",
        "A farmer sprays less with the help of AI",
        "Thanks to a camera and a model, a farmer near the river sprays far less on his fields this year.",
    ),
    (
        "/news/library-105.html",
        "The city library opens on Sundays",
        "From next month the central library opens on Sunday afternoons, after a vote in the city council.",
    ),
]


def _page(card_class: str, linked: bool) -> str:
    story = "".join(f"<p>{p}</p>" for p in STORY)
    cards = "".join(
        f'<div class="{card_class}"><div class="teaserpadding"><h2>'
        + (f'<a href="{href}">{headline}</a>' if linked else headline)
        + f'</h2><div class="teasertext"><p>{blurb}</p></div></div></div>'
        for href, headline, blurb in CARDS
    )
    return (
        "<html><head><title>Researcher warns: students unlearn reading</title></head><body>"
        '<article class="articlepage"><h1>Researcher warns: students unlearn reading</h1>'
        f'<div class="paragraphs">{story}</div><h2>More on this topic</h2>{cards}</article></body></html>'
    )


def test_teaser_cards_with_linked_headlines_after_a_short_story_are_left_out():
    article = extract(_page("teaser", linked=True), URL)
    assert article.paragraphs == STORY


def test_a_weakly_hinted_box_without_a_linked_headline_is_still_judged_with_its_kind():
    # the same boxes with plain headings: a box named like furniture that holds much of the page's text
    # (together with its like) is read as part of the story, as before
    article = extract(_page("teaser", linked=False), URL)
    assert CARDS[0][2] in article.paragraphs


def _with_collection(cards: str) -> str:
    story = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        "<html><head><title>Researcher warns: students unlearn reading</title></head><body><article>"
        f"<h1>Researcher warns: students unlearn reading</h1>{story}"
        f'<section class="collections"><h2>More from the Radio</h2><div class="row">{cards}</div></section>'
        "</article></body></html>"
    )


def test_a_list_of_story_cards_without_furniture_names_is_left_out():
    cards = "".join(
        f'<div class="card"><h3><a href="{href}">{headline}</a></h3><p class="knockout">{blurb}</p>'
        f'<p><a href="/authors/ana-lind">Ana Lind</a></p></div>'
        for href, headline, blurb in CARDS
    )
    article = extract(_with_collection(cards), URL)
    assert article.paragraphs == STORY


def test_linked_headings_over_paragraphs_of_their_own_stay_in_the_story():
    # a buying guide: each product heading links to a shop, and the review under it is the story
    review = (
        "We slept in it for three nights on the coast and once in the hills; it packs down small, the "
        "zip never caught, and the hood kept the wind out even when the temperature fell below freezing. "
    )
    cards = "".join(
        f'<div class="card"><h3><a href="{href}">{headline}</a></h3>'
        f"<p>{blurb} {review}</p><p>{review}</p></div>"
        for href, headline, blurb in CARDS
    )
    article = extract(_with_collection(cards), URL)
    for _, _, blurb in CARDS:
        assert f"{blurb} {review.strip()}" in article.paragraphs
    assert article.paragraphs[: len(STORY)] == STORY


POST = [
    "The chair is upholstered in felt that absorbs sound, so that two people can talk in an open office "
    "without being overheard and without the noise of the room reaching them.",
    "The studio tested six fabrics in a reverberation chamber before choosing a wool felt from a mill in the "
    "north; the frame is ash, steam-bent in three pieces and joined without metal fixings.",
    "It will be shown at the furniture fair in April and goes on sale in the autumn, in four colours and two "
    "heights, the taller one for waiting rooms and libraries.",
]
PICKS = [
    "A house on a vineyard hillside was completed this month. The setting is rural and suburban at once, "
    "with stepped terraces on one side and the city on the other, and the rooms turn around a central stair.",
    "Ten award-winning designs were selected this year, from a folding bicycle to a lamp made of recycled "
    "paper, and they will travel to three cities for an exhibition of the competition's best work.",
    "A hotel suite was designed in black alone: the designers used seven textures of the one colour, from "
    "lacquer to velvet, so that the rooms read as calm and deep rather than dark.",
]


def test_post_styled_entries_in_a_footer_widget_do_not_join_the_post():
    post = "".join(f"<p>{p}</p>" for p in POST)
    picks = "".join(
        f'<div class="post"><div class="entry clearfix"><p class="post-title"><a href="/p/{i}">Pick {i}</a>'
        f"</p><p>{text}</p></div></div>"
        for i, text in enumerate(PICKS)
    )
    html = (
        '<html><head><title>Felt chair by a small studio</title></head><body><div id="main">'
        '<div class="post"><h1>Felt chair by a small studio</h1>'
        f'<div class="entry clearfix">{post}</div></div></div>'
        '<div class="footer-widget2"><div class="widget catposts">'
        f"<h3>Editor's picks</h3>{picks}</div></div>"
        "</body></html>"
    )
    article = extract(html, "https://design.example/2012/11/felt-chair/")
    assert article.paragraphs == POST


def test_story_chunks_each_in_a_widget_wrapper_of_the_same_kind_stay_together():
    chunk = (
        '<div class="article-widget article-widget-text w{n}"><div class="wrap"><div class="text">{text}'
        "</div></div></div>"
    )
    first = "".join(f"<p>{p}</p>" for p in POST[:2])
    second = "".join(f"<p>{p}</p>" for p in POST[2:] + PICKS)
    html = (
        "<html><head><title>Felt chair by a small studio</title></head><body><article>"
        '<h1>Felt chair by a small studio</h1><div class="article-widgets">'
        + chunk.format(n=1, text=first)
        + '<div class="article-widget article-widget-image"><img src="/chair.jpg" alt=""></div>'
        + chunk.format(n=2, text=second)
        + "</div></article></body></html>"
    )
    article = extract(html, "https://design.example/2012/11/felt-chair/")
    assert article.paragraphs == POST + PICKS
