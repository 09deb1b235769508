"""Slide anchors slugged from headings, summary bullets as the standfirst, embedded social posts,
writer-profile boxes."""

from __future__ import annotations

from bs4 import BeautifulSoup
from newsingest.clean.boilerplate import attr_text, negative_weight
from newsingest.clean.extract import extract

URL = "https://harbour.example/news/2026/03/ferries-ranked"

SLIDES = [
    (
        "the-mayor-bought-radio-ads-for-a-ferry-plan-1",
        "The mayor bought radio ads for a ferry plan.",
        "She told the council that two new boats would shorten the crossing by a quarter of an hour, and "
        "that the old quay would be rebuilt before the summer season began.",
    ),
    (
        "the-council-asked-for-a-second-opinion-2",
        "The council asked for a second opinion.",
        "An engineering firm from the mainland was hired to look at the tides, the harbour wall and the "
        "cost of dredging the channel that the larger boats would need.",
    ),
    (
        "islanders-voted-on-the-timetable-3",
        "Islanders voted on the timetable.",
        "Nearly eight hundred residents took part in the vote, which chose an hourly service in summer and "
        "a crossing every two hours in the winter months, with extra boats on school days.",
    ),
]


def _slideshow() -> str:
    slides = "".join(
        f'<div class="slide keyline" id="{slug}"><h2 class="slide-title">{heading}</h2><p>{text}</p></div>'
        for slug, heading, text in SLIDES
    )
    return (
        "<html><head><title>Every ferry plan, ranked</title></head><body><article>"
        '<h1>Every ferry plan, ranked</h1><section class="slideshow-intro"><ul class="summary-list">'
        "<li>The harbour town has argued about its ferries for a decade.</li>"
        "<li>Three plans reached a vote between 2021 and 2026.</li>"
        "<li>Here is how they compare, from the least to the most ambitious.</li></ul></section>"
        f'<section class="slideshow-container">{slides}</section></article></body></html>'
    )


def test_an_id_slugged_from_a_heading_is_not_read_as_a_hint():
    soup = BeautifulSoup(f'<div class="slide" id="{SLIDES[0][0]}"></div>', "lxml")
    div = soup.find("div")
    assert div is not None
    assert attr_text(div) == "slide"
    assert negative_weight("promoted-stories") > 0  # a short id still names its role


def test_a_slide_whose_anchor_names_a_furniture_word_stays_in_the_body():
    article = extract(_slideshow(), URL)
    for _, heading, text in SLIDES:
        assert heading in article.paragraphs
        assert text in article.paragraphs


def test_a_summary_list_above_the_story_is_the_whole_standfirst():
    article = extract(_slideshow(), URL)
    assert article.subtitle == (
        "The harbour town has argued about its ferries for a decade.\n"
        "Three plans reached a vote between 2021 and 2026.\n"
        "Here is how they compare, from the least to the most ambitious."
    )


STORY = [
    "The harbour master closed the outer channel on Tuesday after a cargo ship lost part of its load of "
    "timber in the storm, and asked all small boats to stay in port until the logs were cleared.",
    "Crews from two towns worked through the night to tow the largest logs to the beach, where the "
    "owner of the cargo will collect them once the weather settles later this week.",
    "The channel is expected to reopen on Thursday morning, the harbour office said in a statement.",
]
TWEET = (
    "Logs everywhere in the outer channel this morning, stay safe out there everyone, the harbour is a "
    "mess and the wind is still rising"
)


def _story_with(extra: str) -> str:
    """The story in a marked article body, ``extra`` between its second and third paragraph."""
    before = "".join(f"<p>{p}</p>" for p in STORY[:2])
    after = "".join(f"<p>{p}</p>" for p in STORY[2:])
    head = "<html><head><title>Storm closes the outer channel</title></head><body><article>"
    body = f'<div class="article-body">{before}{extra}{after}</div>'
    return f"{head}<h1>Storm closes the outer channel</h1>{body}</article></body></html>"


def test_an_embedded_social_post_stays_as_quoted_text_without_its_attribution_line():
    """Labels disagree (Fundus leaves embedded posts out; the article-extraction benchmark and most
    dragnet pages keep them): a quoted post's words are the news a search should find, so they stay."""
    tweet = (
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{TWEET}</p>&mdash; Harbour Watch '
        '(@harbourwatch) <a href="https://twitter.com/x/status/1">March 3, 2026</a></blockquote>'
    )
    article = extract(_story_with(tweet), URL)
    assert article.paragraphs == [*STORY[:2], TWEET, STORY[2]]


def test_a_quotation_in_a_plain_blockquote_stays():
    quote = f"<blockquote><p>{TWEET}.</p></blockquote>"
    article = extract(_story_with(quote), URL)
    assert f"{TWEET}." in article.paragraphs


def test_a_writer_profile_box_after_the_story_is_furniture():
    profile = (
        '<div id="writerProfile"><div>About the writer</div><dl><dt>Ana Lind</dt><dd>Harbour desk</dd></dl>'
        "<p>Ana Lind has covered the harbour, the ferries and the island's fishing fleet since 2015."
        "</p></div>"
    )
    html = _story_with("").replace("</div></article>", f"</div>{profile}</article>")
    article = extract(html, URL)
    assert article.paragraphs == STORY
    assert "Ana Lind" not in article.body
