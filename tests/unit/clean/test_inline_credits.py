"""A photo credit set inline after its caption's text: the line is a caption, with a separator kept."""

from __future__ import annotations

from bs4 import BeautifulSoup
from newsingest.clean.blocks import build_blocks
from newsingest.clean.extract import extract

STORY = [
    "The last ferry of the season left the harbour on Sunday evening, carrying fewer than forty passengers "
    "and a crew that has worked the crossing for more than twenty years.",
    "The operator said rising fuel costs and a shrinking number of summer visitors had made the winter "
    "timetable impossible to keep, and that the route would be reviewed in the spring.",
    "Islanders have asked the regional council to guarantee at least one crossing a week for the school "
    "run and for deliveries to the island's only shop.",
]


def _page(photo: str) -> str:
    paragraphs = [f"<p>{p}</p>" for p in STORY]
    paragraphs.insert(1, photo)
    return (
        "<html><head><title>Last ferry of the season leaves the harbour</title></head><body><article>"
        "<h1>Last ferry of the season leaves the harbour</h1>"
        + "".join(paragraphs)
        + "</article></body></html>"
    )


PHOTO = (
    '<div class="pic"><img src="/ferry.jpg" alt=""><div class="pic-cap">The ferry leaves the quay on '
    'Sunday.<span class="pic-credit">Harbour Gazette/Ana Lind</span></div></div>'
)


def test_an_inline_credit_makes_its_line_a_caption_and_keeps_a_separator():
    article = extract(_page(PHOTO), "https://gazette.example/news/last-ferry")
    assert article.paragraphs == STORY
    assert article.captions == ["The ferry leaves the quay on Sunday. Harbour Gazette/Ana Lind"]
    assert "Sunday.Harbour" not in article.body


def test_a_credit_at_the_end_of_a_long_story_paragraph_leaves_the_paragraph_text():
    long_text = STORY[0] + " " + STORY[1] + " " + STORY[2]
    soup = BeautifulSoup(
        f'<div><p>{long_text}<span class="copyright">Harbour Gazette</span></p></div>', "lxml"
    )
    (block,) = build_blocks(soup.body)
    assert block.kind == "text"
    assert block.text.endswith("shop. Harbour Gazette")
