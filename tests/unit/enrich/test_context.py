"""Context cues that tell platforms, products, units and titles from persons and organisations."""

from __future__ import annotations

import pytest
from newsingest.enrich.context import (
    camel_case_brand,
    currency_units,
    descriptor_before,
    label_line,
    list_runs,
    locative_before,
    model_designation,
    period_and_brand_words,
    product_cue,
    settlement_cue,
    spread_over_lists,
)
from newsingest.enrich.entities import Mention


def cue(text: str, name: str, *, person: bool = True) -> bool:
    start = text.index(name)
    return product_cue(text, start, start + len(name), name, person=person)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The ferry company said on Zwitter that sailings were cancelled.", "Zwitter"),
        ("Her three Zwitter accounts were fake, the inquiry found.", "Zwitter"),
        ("The mayor took to Zwitter last night to complain.", "Zwitter"),
        ("Follow the museum on Facebook, Zwitter and Instagram.", "Zwitter"),
        ("Stream it on any Orbix device you own.", "Orbix"),
        ("The speaker ships with support for Vocalia, Siri and other assistants.", "Vocalia"),
        ("You can still use Vocalia to dim the lights.", "Vocalia"),
        ("The band closed with “Rollin’ Down the Valley Road” to cheers.", "Rollin"),
        ("Tickets cost 19.50 Krona at the door.", "Krona"),
        ("Probes have landed on the Moon and on Mars.", "Moon"),
        ("Install it today and set a reminder.", "Install"),
        ("The Harriers spent Monday trying to explain the loss.", "Harriers"),
        ("It is rated to 40 degrees Kelvar in the tests.", "Kelvar"),
    ],
)
def test_product_platform_title_and_unit_cues(text: str, name: str) -> None:
    assert cue(text, name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Critics kept up the pressure on Halvorsen to resign.", "Halvorsen"),
        ("Halvorsen said on Tuesday that she would stay.", "Halvorsen"),
        ("Aides recalled the Halvorsen administration fondly.", "Halvorsen"),
        ("“We will beat Halvorsen,” the challenger said.", "Halvorsen"),
        ("Ingrid Halvorsen told reporters she was confident.", "Ingrid Halvorsen"),
    ],
)
def test_people_keep_their_type(text: str, name: str) -> None:
    assert not cue(text, name)


def test_organisation_only_loses_on_the_strong_cues() -> None:
    text = "Fans of the Fed and the Treasury watched as Lakeside 2 Rovers 1 ended."
    assert not cue(text, "Fed", person=False)  # "the X and" is normal before an organisation
    assert not cue(text, "Rovers", person=False)  # a score is normal before a team
    assert cue("Update the Orbix app now.", "Orbix", person=False)


def test_a_cue_spreads_along_a_list() -> None:
    text = "Share it via Glimmr, Zwitter or Pixo today; Ingrid Halvorsen did."
    names = ["Glimmr", "Zwitter", "Pixo", "Ingrid Halvorsen"]
    ms = [Mention(n, "PERSON", text.index(n), text.index(n) + len(n)) for n in names]
    assert spread_over_lists(text, ms, {0}) == {0, 1, 2}


@pytest.mark.parametrize(
    ("word", "brand"),
    [("OpenAI", True), ("SpaceX", True), ("iPhone", True), ("McDonald", False), ("DeSantis", False),
     ("LeBron", False), ("Halvorsen", False), ("O'Brien", False)],
)  # fmt: skip
def test_camel_case_words_are_brands_not_people(word: str, brand: bool) -> None:
    assert camel_case_brand(word) is brand


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Engineers lost contact with the Tolvar satellite on Friday.", "Tolvar"),
        ("The space agency said the probe Kestrel had reached orbit.", "Kestrel"),
        ("Crowds watched the launch of Kestrel from the beach.", "Kestrel"),
        ("The agency flew Tolvar 2, the second weather satellite, in May.", "Tolvar"),
        ("Fans moved to Vexa, a rival streaming service.", "Vexa"),
    ],
)
def test_vehicles_are_not_people(text: str, name: str) -> None:
    assert cue(text, name)
    assert not cue(text, name, person=False)  # an organisation may build satellites ("Tolvar satellite")


def test_a_person_beside_a_vehicle_word_keeps_the_type() -> None:
    assert not cue("Crowds cheered the launch of Halvorsen's memoir.", "Halvorsen")
    assert not cue("Ingrid Halvorsen said the rocket was ready.", "Ingrid Halvorsen")
    assert not cue("Halvorsen, a former game show host, said so.", "Halvorsen")
    assert not cue("Halvorsen, the film's director, said so.", "Halvorsen")


@pytest.mark.parametrize(
    ("name", "designation"),
    [("USB Micro-B", True), ("802.11ax Wi-Fi", True), ("Aerolux A470", True), ("Corvane X-9", True),
     ("Nimbus Cloud Pass", True), ("Vexa Arcade Pro", True), ("Strimly+", True),
     ("Jay-Z", False), ("G20", False), ("MI6", False), ("3M", False), ("21st Century Pictures", False),
     ("T-Mobile", False), ("Wi-Fi Alliance", False), ("Kim Jong-un", False), ("Channel 4", False),
     ("Max", False), ("Ingrid Halvorsen", False)],
)  # fmt: skip
def test_model_designations_and_editions(name: str, designation: bool) -> None:
    assert model_designation(name, frozenset({"jay"})) is designation


def test_currency_units_come_from_the_iso_list() -> None:
    units = currency_units()
    assert {"euro", "euros", "dollar", "yen", "rupee", "zloty"} <= units
    assert not {"silver", "platinum", "palladium"} & units  # metals and funds (X codes) are no currencies


@pytest.mark.parametrize(
    ("text", "name", "prep"),
    [
        ("Buildings shook in Marrowby on Friday.", "Marrowby", "in"),
        ("A moped sped towards Marrowby.", "Marrowby", "towards"),
        ("The wall at Marrowby broke.", "Marrowby", "at"),
        ("Fans cheered in Marrowby's win.", "Marrowby", None),  # a possessive: the team's, not the town's
        ("The fund bought a stake in Marrowby.", "Marrowby", None),  # a holding in a firm
        ("Shares in Marrowby fell.", "Marrowby", None),
        ("Marrowby said so.", "Marrowby", None),
        ("Within Marrowby it rained.", "Marrowby", None),  # "in" only as a word of its own
        ("A warning for parts of Marrowby holds.", "Marrowby", "of"),
        ("It lies north of Marrowby.", "Marrowby", "of"),
        ("The mayor of Marrowby spoke.", "Marrowby", None),  # "of" alone: whose mayor, not where
    ],
)
def test_locative_before(text, name, prep):
    start = text.index(name)
    assert locative_before(text, start, start + len(name)) == prep


def test_list_runs_need_a_conjunction_for_two_and_break_at_other_words():
    text = (
        "Leeds, Bristol and Norwich voted. Vexa, the app, and Orla met. Tim Cook, Apple's chief. Ama or Kofi."
    )
    names = ["Leeds", "Bristol", "Norwich", "Vexa", "Orla", "Tim Cook", "Apple", "Ama", "Kofi"]
    ms = []
    for n in names:
        start = text.index(n)
        ms.append(Mention(n, "X", start, start + len(n)))
    runs = [[names[i] for i in run] for run in list_runs(text, ms)]
    assert runs == [["Leeds", "Bristol", "Norwich"], ["Ama", "Kofi"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("financed by the vaccine alliance Halvex", "organisation"),
        ("said the retailer Halvex", "organisation"),
        ("a survey of the Ghanaian-born artist Halvex", "person"),
        ("said Halvex", None),
        ("the alliance said that Halvex", None),  # the noun must end right before the name
        ("the ministry spokesman Halvex", "person"),
        ("State Ministry spokesman Halvex", "person"),  # a role noun in apposition needs no article
        ("Rovers striker Halvex", "person"),
        ("Spokesman Halvex", None),  # a capitalised title is the title detector's business
    ],
)
def test_descriptor_before(text, expected):
    assert descriptor_before(text, text.index("Halvex")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I tried the 16-inch Vexa and liked it.", True),
        ("a 64GB Vexa costs more", True),
        ("the 12 Vexa staff", False),
        ("Vexa said 16 inches of rain fell", False),
    ],
)
def test_a_size_before_a_name_is_a_device(text, expected):
    assert cue(text, "Vexa", person=False) is expected


def test_label_lines_and_words_written_as_periods_or_brands():
    text = "Specs:\nWeight 2 lb\nSmith: we will win\n  Challenges  \nMore"
    assert label_line(text, 0, 5)
    assert not label_line(text, text.index("Smith"), text.index("Smith") + 5)  # a speaker, text follows
    assert label_line(text, text.index("Challenges"), text.index("Challenges") + 10)
    assert not label_line("He met Smith\nthen", 7, 12)
    assert label_line("Crowd : 2,000\n", 0, 5)  # the label of a figure
    assert not label_line("He said Crowd : 2,000\n", 8, 13)
    assert period_and_brand_words("people thought post-Quexit they fell apart") == {"Quexit"}
    assert period_and_brand_words("Like Zoomly!. Cutting edge; Zoomly!’s founder") == {"Zoomly"}
    assert period_and_brand_words("Go Smith! Then we left. The anti-Smith camp") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("police in the southern town of Halvex said", True),
        ("farmers in Halvex county were arrested", True),
        ("the port of Halvex reopened", True),
        ("the City of Halvex council", False),  # capitalised: part of a name
        ("the mayor of Halvex said", False),
        ("Halvex County Council", False),
    ],
)
def test_a_settlement_or_division_noun_names_a_place(text, expected):
    start = text.index("Halvex")
    assert settlement_cue(text, start, start + 6) is expected
