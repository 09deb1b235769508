"""A drop cap set apart from the rest of its word joins it again ("N a endlich" reads "Na endlich")."""

from __future__ import annotations

from bs4 import BeautifulSoup
from newsingest.clean.blocks import build_blocks


def _text(html: str) -> str:
    (block,) = build_blocks(BeautifulSoup(html, "lxml").body)
    return block.text


def test_a_drop_cap_joins_the_rest_of_its_word():
    html = (
        '<p class="first"><span class="initial-letter-outer"><span class="initial-letter">W</span></span> '
        "<span>hen the river rose, the town moved its market to the hill.</span></p>"
    )
    assert _text(html) == "When the river rose, the town moved its market to the hill."


def test_a_one_letter_word_outside_a_drop_cap_keeps_its_space():
    html = "<p><span>I</span> <span>think the market will stay on the hill.</span></p>"
    assert _text(html) == "I think the market will stay on the hill."
