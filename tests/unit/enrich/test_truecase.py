"""Truecasing of ALL-CAPS lines before NER (fixture sentences written for these tests)."""

from __future__ import annotations

import pytest
from newsingest.enrich.truecase import known_name, truecase

STORY = (
    "FERRY STRIKE IN GDANSK STRANDS HOLIDAYMAKERS\n"
    "Ferry crews walked out in Gdansk on Tuesday, and the port authority said sailings to Ystad were "
    "cancelled. Marta Wolny, who speaks for the union, said the strike would last two days."
)


def test_caps_line_takes_the_casing_the_text_uses():
    out = truecase(STORY, known_name=known_name)
    headline = out.split("\n", 1)[0]
    # "Gdansk" as the body writes it, common words lower case ("strike" is lower case in the body;
    # "FERRY" is only seen at a sentence start: capitalised), length and the body unchanged.
    assert headline == "Ferry strike in Gdansk strands holidaymakers"
    assert len(out) == len(STORY)
    assert out.split("\n", 1)[1] == STORY.split("\n", 1)[1]


def test_known_places_of_several_words_and_abbreviations():
    text = "TALKS IN CAPE TOWN AS U.S. ENVOY ARRIVES\nThe envoy landed on Monday and met ministers."
    assert truecase(text, known_name=known_name).split("\n")[0] == "Talks in Cape Town as U.S. envoy arrives"


@pytest.mark.parametrize(
    "text",
    [
        "The market rose on Monday.\nShares in Lumora gained 3 percent.",  # no caps line
        "ALL OF THIS TEXT IS SHOUTED\nAND SO IS THIS LINE\nsmall",  # mostly capitals: nothing to learn
        "UK\nThe pound fell.",  # too short to be a caps line
    ],
)
def test_left_alone(text):
    assert truecase(text, known_name=known_name) == text


def test_model_finds_names_in_a_caps_headline():
    """With the headline truecased the model finds the place it shouts; mention text and offsets are
    those of the original."""
    from newsingest.enrich.entities import SpacyNer

    text = (
        "HEATWAVE GRIPS MADRID AS HOSPITALS FILL\n"
        "Doctors in Madrid said on Friday that admissions had doubled since the weekend."
    )
    found = SpacyNer(truecase=True).extract([text])[0]
    head = [m for m in found if m.end <= text.index("\n")]
    assert [(m.text, m.label) for m in head] == [("MADRID", "GPE")]
    assert all(text[m.start : m.end] == m.text for m in found)
