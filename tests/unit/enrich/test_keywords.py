"""Keyphrases: concepts, not names or lone words the story does not keep using."""

from __future__ import annotations

from newsingest.enrich.keywords import _recurring, extract_keywords

TEXT = (
    "Hamas names Yahya Sinwar as its new leader after Haniyeh killing.\n"
    "Hamas named Yahya Sinwar as its new political leader on Tuesday, hours after the group accused Israel "
    "of killing Ismail Haniyeh in Tehran. Residents of Gaza wondered what the ceasefire talks would bring."
)
NAMES = ["Hamas", "Yahya Sinwar", "Ismail Haniyeh", "Tehran", "Gaza", "Israel"]


def test_no_half_name_phrases_and_no_lone_common_words():
    found = [k.casefold() for k in extract_keywords(TEXT, entity_names=NAMES, person_names=NAMES[1:3])]
    assert "ceasefire talks" in found
    assert not any(w in k.split() for k in found for w in ("gaza", "hamas", "israel"))  # names are facets
    assert all(len(k.split()) > 1 for k in found)  # "named", "hours": used once, not keyphrases


def test_a_recurring_word_may_stand_alone():
    text = "tariffs rise again. tariffs on steel and tariffs on cars hit exporters."
    assert _recurring("tariffs", text)
    assert not _recurring("steel", text)
    assert not _recurring("tax", "tax tax tax")  # too short to stand alone
