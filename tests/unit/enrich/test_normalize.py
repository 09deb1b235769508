"""Entity normalisation on hand-built mention lists (no model needed)."""

from __future__ import annotations

import pytest
from newsingest.enrich.entities import Mention
from newsingest.enrich.normalize import acronym, clean_surface, is_junk, split_mention


def mentions(text: str, spans: list[tuple[str, str]]) -> list[Mention]:
    """Mentions for each (surface, label), located at successive occurrences in ``text``."""
    out, pos = [], {}
    for surface, label in spans:
        start = text.index(surface, pos.get(surface, 0))
        pos[surface] = start + 1
        out.append(Mention(surface, label, start, start + len(surface)))
    return out


def entities_by_name(normalizer, text: str, spans: list[tuple[str, str]], at: dict[str, str] = {}) -> dict:  # noqa: B006
    """Normalised entities of ``text`` by name: the model's spans as in :func:`mentions`, plus ``at``
    (phrase -> label: the phrase's last word, where the phrase first occurs)."""
    ms = mentions(text, spans)
    for phrase, label in at.items():
        surface = phrase.split()[-1]
        start = text.index(phrase) + len(phrase) - len(surface)
        ms.append(Mention(surface, label, start, start + len(surface)))
    return {e.name: e for e in normalizer.normalize(ms, text_length=len(text), text=text)}


@pytest.mark.parametrize(
    ("raw", "clean", "person"),
    [
        ("President Vladimir Putin", "Vladimir Putin", True),
        ("Foreign Minister Asaad al-Shaibani", "Asaad al-Shaibani", True),
        ("Mr. Smith", "Smith", True),
        ("Putin's", "Putin", False),
        ("the European Union", "European Union", False),
        ("“Biden”", "Biden", False),
        ("U.S.", "U.S.", False),
        ("Microsoft Corp.", "Microsoft Corp", False),
        ("Presidents Obama", "Obama", True),  # "Presidents Obama and George W. Bush"
        ("Sens. Tilda Marsh", "Tilda Marsh", True),
    ],
)
def test_clean_surface(raw, clean, person):
    assert clean_surface(raw) == (clean, person)


@pytest.mark.parametrize(
    "text", ["12", "A", "he", "It", "Getty Images", "Monday", "2024", "iphone-ish", "More than", "Bank of"]
)
def test_junk(text):
    assert is_junk(text)


@pytest.mark.parametrize("text", ["IT", "Apple", "Ho Chi Minh City", "U.N."])
def test_not_junk(text):
    assert not is_junk(text)


def test_split_mention_at_scores_dashes_and_brackets():
    assert [p.strip() for _, p in split_mention("Lithuania - Danius Gleveckas")] == [
        "Lithuania",
        "Danius Gleveckas",
    ]
    assert [p.strip() for _, p in split_mention("Scott Draper ( Australia")] == ["Scott Draper", "Australia"]
    assert [p.strip() for _, p in split_mention("Atlanta 5 Pittsburgh 1")] == ["Atlanta", "Pittsburgh"]
    assert [p.strip() for _, p in split_mention("Boeing 747", numbers=False)] == ["Boeing 747"]


def test_acronym():
    assert acronym("International Monetary Fund") == "IMF"
    assert acronym("Organisation for Economic Co-operation and Development") == "OECD"


def test_short_forms_merge_into_full_name_and_titles_strip(normalizer):
    text = (
        "Syrian Foreign Minister Asaad al-Shaibani met Vladimir Putin in Moscow. "
        "Shaibani said the talks went well. Putin agreed. Mr Shaibani then left for Damascus."
    )
    ms = mentions(
        text,
        [
            ("Syrian", "NORP"), ("Foreign Minister Asaad al-Shaibani", "PERSON"),
            ("Vladimir Putin", "PERSON"), ("Moscow", "GPE"), ("Shaibani", "ORG"), ("Putin", "PERSON"),
            ("Mr Shaibani", "PERSON"),
            ("Damascus", "GPE"),
        ],
    )  # fmt: skip
    ents = {e.name: e for e in normalizer.normalize(ms, text_length=len(text), title_end=0, lead_end=80)}
    assert ents["Asaad al-Shaibani"].type == "person"
    assert ents["Asaad al-Shaibani"].count == 3
    assert ents["Vladimir Putin"].count == 2
    assert "Shaibani" not in ents and "Putin" not in ents
    assert ents["Syrian"].type == "other"
    assert ents["Moscow"].country == "RU" and ents["Damascus"].country == "SY"
    assert ents["Moscow"].lat == pytest.approx(55.75, abs=0.1)


def test_ambiguous_last_name_is_not_merged(normalizer):
    text = "Bill Clinton and Hillary Clinton spoke. Clinton said no."
    ms = mentions(text, [("Bill Clinton", "PERSON"), ("Hillary Clinton", "PERSON"), ("Clinton", "PERSON")])
    names = {e.name for e in normalizer.normalize(ms, text_length=len(text))}
    assert names == {"Bill Clinton", "Hillary Clinton", "Clinton"}


def test_aliases_give_one_canonical_form(normalizer):
    text = "The U.S. and Britain met the EU. US officials and UK ministers flew to the United States."
    ms = mentions(
        text,
        [
            ("U.S.", "GPE"),
            ("Britain", "GPE"),
            ("EU", "ORG"),
            ("US", "GPE"),
            ("UK", "GPE"),
            ("United States", "GPE"),
        ],
    )
    ents = {e.name: e for e in normalizer.normalize(ms, text_length=len(text))}
    assert set(ents) == {"United States", "United Kingdom", "European Union"}
    assert ents["United States"].count == 3 and ents["United States"].country == "US"
    assert ents["United Kingdom"].country == "GB"
    assert ents["European Union"].type == "organisation"


def test_acronym_merges_into_expansion(normalizer):
    text = (
        "The Organisation for Economic Co-operation and Development "
        "(OECD) said growth slowed. The OECD added."
    )
    ms = mentions(
        text,
        [
            ("The Organisation for Economic Co-operation and Development", "ORG"),
            ("OECD", "ORG"),
            ("OECD", "ORG"),
        ],
    )
    ents = normalizer.normalize(ms, text_length=len(text))
    assert [(e.name, e.count) for e in ents] == [
        ("Organisation for Economic Co-operation and Development", 3)
    ]


def test_type_conflicts_fixed_by_gazetteer_and_majority(normalizer):
    text = "Germany beat France. Germany were better. Jane Doe of Germany scored. Paris reacted. Doe smiled."
    ms = mentions(
        text,
        [
            ("Germany", "ORG"), ("France", "GPE"), ("Germany", "PERSON"), ("Jane Doe", "PERSON"),
            ("Germany", "GPE"), ("Paris", "PERSON"), ("Doe", "ORG"),
        ],
    )  # fmt: skip
    ents = {e.name: e for e in normalizer.normalize(ms, text_length=len(text))}
    assert ents["Germany"].type == "location" and ents["Germany"].count == 3
    assert ents["Paris"].type == "location"
    assert ents["Jane Doe"].type == "person" and ents["Jane Doe"].count == 2


def test_junk_and_numeric_labels_dropped(normalizer):
    text = "He met them on Monday at 5pm; 2024 was big. It said 40%."
    ms = mentions(
        text, [("He", "PERSON"), ("Monday", "DATE"), ("2024", "DATE"), ("It", "ORG"), ("40%", "PERCENT")]
    )
    assert normalizer.normalize(ms, text_length=len(text)) == []


def test_salience_prefers_frequent_early_title_entities(normalizer):
    text = "Apple sues Samsung\n\nApple filed suit. Apple said more. Late in the story, Nokia was named."
    ms = mentions(
        text, [("Apple", "ORG"), ("Samsung", "ORG"), ("Apple", "ORG"), ("Apple", "ORG"), ("Nokia", "ORG")]
    )
    ents = normalizer.normalize(ms, text_length=len(text), title_end=18, lead_end=40)
    assert [e.name for e in ents] == ["Apple", "Samsung", "Nokia"]
    assert 0 < ents[-1].salience < ents[0].salience <= 1


def test_gazetteer_recall_and_datelines(normalizer):
    text = "BELGRADE 1996-08-22\nTalks with Hungary resumed, officials in Budapest said."
    ents = {e.name: e for e in normalizer.normalize([], text_length=len(text), text=text)}
    assert {"Belgrade", "Hungary", "Budapest"} <= set(ents)
    assert ents["Belgrade"].country == "RS"


def test_possessive_inside_a_span(normalizer):
    text = "Ange Postecoglou's Champions League hopes faded."
    ms = [Mention("Ange Postecoglou's Champions League", "ORG", 0, 35)]
    assert [(e.name, e.type) for e in normalizer.normalize(ms, text_length=len(text))] == [
        ("Champions League", "organisation")
    ]


def test_given_names_fix_spans_and_types(normalizer):
    text = "Sandrine Testud beat Guy Forget in Paris."
    ms = [
        Mention("Testud", "PERSON", 9, 15),
        Mention("Guy Forget", "ORG", 21, 31),
        Mention("Paris", "GPE", 35, 40),
    ]
    ents = {e.name: e.type for e in normalizer.normalize(ms, text_length=len(text), text=text)}
    assert ents == {"Sandrine Testud": "person", "Guy Forget": "person", "Paris": "location"}


def test_towns_next_to_scores_are_teams_in_sport_stories(normalizer):
    text = "Results on Saturday:\nLeeds 2 Bristol 1\nEngland 3 Wales 0\n"
    ms = mentions(text, [("Leeds", "GPE"), ("Bristol", "GPE"), ("England", "GPE"), ("Wales", "GPE")])
    sport = {e.name: e.type for e in normalizer.normalize(ms, text_length=len(text), text=text, sport=True)}
    assert sport == {
        "Leeds": "organisation",
        "Bristol": "organisation",
        "England": "location",
        "Wales": "location",
    }
    news = {e.name: e.type for e in normalizer.normalize(ms, text_length=len(text), text=text, sport=False)}
    assert set(news.values()) == {"location"}


def test_place_forms(normalizer):
    text = (
        "Talks at The Hague; fighting in Jiangsu province; a match at the Oval, London; LA CROSSE, Wis. news."
    )
    ms = mentions(
        text,
        [("The Hague", "GPE"), ("Jiangsu province", "GPE"), ("Oval, London", "FAC"), ("Wis.", "GPE")],
    )
    ents = {e.name: e for e in normalizer.normalize(ms, text_length=len(text))}
    assert {"The Hague", "Jiangsu", "Oval", "London", "Wisconsin"} <= set(ents)
    assert ents["The Hague"].country == "NL" and ents["Wisconsin"].country == "US"
    assert ents["London"].country == "GB"


def test_time_zone_abbreviations_are_not_entities():
    from newsingest.enrich.normalize import is_junk

    assert is_junk("GMT") and is_junk("UTC") and is_junk("ET")
    assert not is_junk("NATO")


def test_photo_credits_are_not_organisations():
    from newsingest.enrich.normalize import is_junk

    assert is_junk("AP Photo/Leo Correa")
    assert is_junk("Buzz/Dana Ruiz")
    assert is_junk("Valery Sharifulin/Pool/AFP")
    assert not is_junk("AC/DC")
    assert not is_junk("Reuters")


@pytest.mark.parametrize(
    "text", ["pic.twitter.com/AbC123", "@NewsDesk", "https://example.org/x", "www.example.org", "President"]
)
def test_urls_handles_and_role_words_alone_are_junk(text):
    assert is_junk(text)


def test_persons_with_digits_and_lone_given_names_are_not_facet_values(normalizer):
    text = "John and 802.11ax Wi-Fi were discussed by M. Ford. Mr John later spoke to Amira Hass."
    found = normalizer.normalize(
        mentions(text, [("John", "PERSON"), ("802.11ax Wi-Fi", "PERSON"), ("M. Ford", "PERSON"),
                        ("Mr John", "PERSON"), ("Amira Hass", "PERSON")]),
        text_length=len(text), text=text,
    )  # fmt: skip
    persons = {e.name for e in found if e.type == "person"}
    assert "802.11ax Wi-Fi" not in persons
    assert {"M. Ford", "Amira Hass"} <= persons
    assert "John" in persons  # "Mr John": a title vouches for the lone given name

    bare = "John said the plan for Leeds would work, according to Amira Hass."
    found = normalizer.normalize(
        mentions(bare, [("John", "PERSON"), ("Amira Hass", "PERSON")]), text_length=len(bare), text=bare
    )
    assert [e.name for e in found if e.type == "person"] == ["Amira Hass"]


def test_platforms_products_and_titles_are_not_persons(normalizer):
    text = (
        "Ingrid Halvorsen posted on Zwitter that the vote was rigged. Halvorsen said Zwitter removed it. "
        "Her rival praised NovaLink, and the band played “Rollin’ Down the Valley Road” for Halvorsen."
    )
    ms = mentions(
        text,
        [("Ingrid Halvorsen", "PERSON"), ("Zwitter", "PERSON"), ("Halvorsen", "PERSON"),
         ("Zwitter", "ORG"), ("NovaLink", "PERSON"), ("Rollin", "PERSON"), ("Halvorsen", "PERSON")],
    )  # fmt: skip
    found = normalizer.normalize(ms, text_length=len(text), text=text)
    persons = [e.name for e in found if e.type == "person"]
    assert persons == ["Ingrid Halvorsen"]
    assert {e.name: e.type for e in found}["Zwitter"] == "other"


def test_article_context_settles_a_shared_last_name(normalizer):
    text = (
        "Magnus Tollefsen gave the museum a painting. Magnus Tollefsen and his son Erik Tollefsen "
        "attended. Josh Brannagh and Joshua Brannagh are one critic. DL Rhys Okonjo-Smith 12 tackles. "
        "Prince Halvard and Queen Sonje came. hunt Magnus Tollefsen. Later Tollefsen said he was proud; "
        "so Brannagh liked it."
    )
    ms = mentions(
        text,
        [("Magnus Tollefsen", "PERSON"), ("Magnus Tollefsen", "PERSON"), ("Erik Tollefsen", "PERSON"),
         ("Josh Brannagh", "PERSON"), ("Joshua Brannagh", "PERSON"), ("DL Rhys Okonjo-Smith", "PERSON"),
         ("Prince Halvard", "PERSON"), ("Queen Sonje", "PERSON"), ("hunt Magnus Tollefsen", "PERSON")],
    )  # fmt: skip
    for bare in ("Tollefsen", "Brannagh"):  # the bare last names, after every full name
        start = text.rindex(bare)
        ms.append(Mention(bare, "PERSON", start, start + len(bare)))
    found = normalizer.normalize(ms, text_length=len(text), text=text)
    persons = {e.name: e for e in found if e.type == "person"}
    assert set(persons) == {
        "Magnus Tollefsen", "Erik Tollefsen", "Joshua Brannagh", "Rhys Okonjo-Smith", "Prince Halvard",
        "Queen Sonje",
    }  # fmt: skip
    assert persons["Magnus Tollefsen"].count == 4  # twice in full, after "hunt", and the bare last name
    assert persons["Joshua Brannagh"].count == 3  # one critic spelt two ways, and the bare last name


def test_label_lines_periods_and_brands_are_not_persons(normalizer):
    text = (
        "Tents for the Season\n\nGearz:\nWeight 2 lb, rated to 20 degrees.\n\nHurdles\nThe cold is hard.\n"
        "Voters backed Quexit in the referendum. Few said Quexit would fail, but the post-Quexit years "
        "were hard. Old sites (think Zoomly! Answers) faded; Zoomly!’s founder Pia Arndt left.\n"
        "Tamsin Roe: We will win.\nRoe said so again. Later Roe left."
    )
    names = ["Gearz", "Hurdles", "Quexit", "Quexit", "Zoomly", "Zoomly", "Pia Arndt", "Tamsin Roe"]
    spans = [(n, "PERSON") for n in names]
    found = {n: e.type for n, e in entities_by_name(normalizer, text, spans, {"\nRoe": "PERSON"}).items()}
    assert {n for n, t in found.items() if t == "person"} == {"Pia Arndt", "Tamsin Roe"}
    assert found["Quexit"] == found["Zoomly"] == found["Gearz"] == found["Hurdles"] == "other"


def test_a_person_named_after_an_organisation_is_its_product(normalizer):
    text = (
        "The smaller Zentendo Flip gives up the dock. Zentendo said sales rose. Apple Loop sold out. "
        "Ingrid Halvorsen welcomed it."
    )
    spans = [("Zentendo Flip", "PERSON"), ("Apple Loop", "PERSON"), ("Ingrid Halvorsen", "PERSON")]
    found = entities_by_name(normalizer, text, spans, {". Zentendo": "ORG"})
    found = {n: e.type for n, e in found.items()}
    assert found["Zentendo Flip"] == found["Apple Loop"] == "other"
    assert found["Zentendo"] == "organisation"
    assert found["Ingrid Halvorsen"] == "person"


def test_acronyms_defined_in_brackets_and_descriptive_tails_of_organisations(normalizer):
    text = (
        "Ola Brenn of the Velmar Democratic Union ( VDU ) said the VDU had won. Tass-Nord news agency "
        "reported it. The London Tin and Lead Exchange (LTLE) opened; LTLE prices rose. The CEO (Chief "
        "Executive Officer) left."
    )
    spans = [("Ola Brenn", "PERSON"), ("the Velmar Democratic Union", "ORG"),
             ("Tass-Nord news agency", "ORG"), ("The London Tin and Lead Exchange", "ORG")]  # fmt: skip
    found = entities_by_name(normalizer, text, spans)
    assert found["Velmar Democratic Union"].forms == {"Velmar Democratic Union", "VDU"}
    assert found["Velmar Democratic Union"].count == 3  # the name, its definition and "the VDU"
    assert found["Tass-Nord"].type == "organisation" and "Tass-Nord news agency" not in found
    ltle = {f for e in found.values() for f in e.forms if "LTLE" in f}
    assert ltle == {"LTLE"} and "CEO" not in found  # letters of the name's initials, in order


def test_a_short_form_with_another_office_is_not_merged_into_the_full_name(normalizer):
    text = (
        "First Lady Marisol Tavener met the envoy. Later President Tavener and First Lady Marisol Tavener "
        "issued a statement. Governor Tavener was not there. Sen. Odile Prask spoke; Senator Prask said "
        "no. Mr. Prask left."
    )
    full = [("Marisol Tavener", "PERSON"), ("Marisol Tavener", "PERSON"), ("Odile Prask", "PERSON")]
    bare = dict.fromkeys(("President Tavener", "Governor Tavener", "Senator Prask", "Mr. Prask"), "PERSON")
    persons = entities_by_name(normalizer, text, full, bare)
    # "President Tavener" and "Governor Tavener" hold offices the First Lady never does: not her name.
    assert persons["Marisol Tavener"].forms == {"Marisol Tavener"}
    assert persons["Tavener"].count == 2
    # The same office however written ("Sen.", "Senator"), or a courtesy title, is no conflict.
    assert persons["Odile Prask"].forms == {"Odile Prask", "Prask"} and persons["Odile Prask"].count == 3


def test_model_designations_currencies_and_vehicles_are_not_persons_or_organisations(normalizer):
    text = (
        "Ingrid Halvorsen said the Corvane tablet now charges over USB Micro-B and streams the Nimbus "
        "Cloud Pass catalogue. The Euro slipped against the dollar. Engineers said the Tolvar satellite "
        "was stable. Magnus Sterling scored twice and Sterling thanked the fans. The dock has two USB-C "
        "ports."
    )
    ms = mentions(
        text,
        [("Ingrid Halvorsen", "PERSON"), ("USB Micro-B", "ORG"), ("Nimbus Cloud Pass", "ORG"),
         ("Euro", "PERSON"), ("Tolvar", "PERSON"), ("Magnus Sterling", "PERSON")],
    )  # fmt: skip
    for bare, label in (("Sterling", "PERSON"), ("USB", "ORG")):  # the last occurrences
        start = text.rindex(bare)
        ms.append(Mention(bare, label, start, start + len(bare)))
    found = {e.name: e.type for e in normalizer.normalize(ms, text_length=len(text), text=text)}
    assert found["USB Micro-B"] == found["Nimbus Cloud Pass"] == found["Euro"] == found["Tolvar"] == "other"
    assert found["USB"] == "other"  # cut from "USB-C": the word it came from is a designation
    assert found["Magnus Sterling"] == "person"  # a currency word that is a person's name in the article
    assert found["Ingrid Halvorsen"] == "person" and "Sterling" not in found


def test_platform_locations_production_companies_and_underscores(normalizer):
    text = (
        "We streamed the series on Strimvex last week. A Strimvex documentary about Lakeport opens soon, "
        "made by Halvard Berg Productions. Credits: Art Director_Ingrid Halvorsen. Rain fell in Lakeport. "
        "Tour: July 3, Brookhaven Falls, OH; July 5, Marrowby, Wis."
    )
    ms = mentions(
        text,
        [("Strimvex", "GPE"), ("Strimvex", "GPE"), ("Lakeport", "GPE"),
         ("Halvard Berg Productions", "PERSON"),
         ("Art Director_Ingrid Halvorsen", "PERSON"), ("Lakeport", "GPE"), ("Brookhaven Falls", "PERSON"),
         ("Marrowby", "ORG")],
    )  # fmt: skip
    found = {e.name: e.type for e in normalizer.normalize(ms, text_length=len(text), text=text)}
    assert found["Strimvex"] == "other"  # streamed on, makes documentaries: a platform, not a place
    assert found["Lakeport"] == "location"  # unknown to the gazetteer, but nothing says it is no place
    assert found["Halvard Berg Productions"] == "organisation"
    assert found["Ingrid Halvorsen"] == "person"
    assert found["Brookhaven Falls"] == found["Marrowby"] == "location"  # a town and its state


def test_a_generic_institution_word_alone_is_no_organisation_value(normalizer):
    text = "The Army said the Court would rule. The Senate agreed, and the Tollefsen Court Trust paid."
    spans = [("Army", "ORG"), ("Court", "ORG"), ("Senate", "ORG"), ("Tollefsen Court Trust", "ORG")]
    found = normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    orgs = {e.name for e in found if e.type == "organisation"}
    assert orgs == {"U.S. Senate", "Tollefsen Court Trust"}  # the alias table knows "Senate"


def test_the_display_name_follows_the_voted_type_not_the_first_mention(normalizer):
    text = "Ferrand and Oller lead the field. Tomas Ferrand arrives in form. Ferrand, the favourite, won."
    spans = [("Ferrand", "ORG"), ("Tomas Ferrand", "PERSON"), ("Ferrand", "ORG")]
    found = normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    assert [(e.name, e.type) for e in found if "Ferrand" in e.name] == [("Tomas Ferrand", "person")]


def test_a_known_place_after_a_locative_preposition_is_a_location(normalizer):
    text = (
        "Buildings shook in Sendai on Friday. The sea wall at Aberystwyth was overtopped. Engineers at "
        "Toyota were unhurt, and a fund bought a stake in Nokia. Officials in Corvane Halbrook said so. A "
        "moped sped towards Marrowfield, near the Halbrook Trust."
    )
    spans = [("Sendai", "ORG"), ("Aberystwyth", "ORG"), ("Toyota", "ORG"), ("Nokia", "ORG"),
             ("Corvane Halbrook", "ORG"), ("Marrowfield", "ORG"), ("Halbrook Trust", "ORG")]  # fmt: skip
    found = {
        e.name: e.type for e in normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    }
    assert found["Sendai"] == found["Aberystwyth"] == "location"
    # "at" a large city's name is often its employer; a stake in a firm; a name no gazetteer knows
    assert found["Toyota"] == found["Nokia"] == found["Corvane Halbrook"] == "organisation"
    assert found["Marrowfield"] == "location"  # "towards" a name no gazetteer knows: still a direction
    assert found["Halbrook Trust"] == "organisation"  # but not a name with an organisation word


def test_a_list_member_takes_the_type_its_neighbours_agree_on(normalizer):
    text = (
        "New clinics open in Leeds, Bristol and Norwich. Homes in Devon and Cornwall lost power. Investors "
        "include Corvane and Halbrook Vantreys. Pharmacies such as Medvale and Pillory said so. Apple and "
        "Tim Cook were sued. Tim Cook, Apple's chief, spoke."
    )
    spans = [("Leeds", "GPE"), ("Bristol", "ORG"), ("Norwich", "GPE"), ("Devon", "PERSON"),
             ("Cornwall", "GPE"), ("Corvane", "ORG"), ("Halbrook Vantreys", "PERSON"), ("Medvale", "ORG"),
             ("Pillory", "PERSON"), ("Apple", "ORG"), ("Tim Cook", "PERSON"), ("Tim Cook", "PERSON"),
             ("Apple", "ORG")]  # fmt: skip
    found = {
        e.name: e.type for e in normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    }
    assert found["Bristol"] == found["Devon"] == "location"  # places the gazetteer / ISO 3166-2 know
    assert found["Halbrook Vantreys"] == found["Pillory"] == "organisation"  # no known given name first
    assert found["Tim Cook"] == "person" and found["Apple"] == "organisation"  # a given name vouches


def test_a_lone_person_surname_vouches_for_the_full_name_typed_organisation(normalizer):
    text = (
        "A survey of the painter Quilla Marrowby fills the hall. Quilla Marrowby built it around light. "
        "Marrowby, who was born in Kumasi, said so. Storm Orla closed the roads."
    )
    spans = [("Quilla Marrowby", "ORG"), ("Quilla Marrowby", "ORG"), ("Marrowby", "PERSON"),
             ("Kumasi", "GPE"), ("Storm Orla", "PERSON")]  # fmt: skip
    found = normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    assert [(e.name, e.type, e.count) for e in found if "Marrowby" in e.name] == [
        ("Quilla Marrowby", "person", 3)
    ]
    assert {e.name: e.type for e in found}["Storm Orla"] == "other"  # a named storm is an event


def test_a_role_or_credit_line_is_no_person(normalizer):
    text = "Credits: Art Director_Ingrid Halvorsen, Lighting Designer_Tomas Oller. Ingrid Halvorsen spoke."
    spans = [("Art Director_Ingrid Halvorsen", "PERSON"), ("Lighting Designer_Tomas Oller", "PERSON"),
             ("Ingrid Halvorsen", "PERSON")]  # fmt: skip
    found = {e.name for e in normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)}
    assert found == {"Ingrid Halvorsen", "Tomas Oller"}


def test_bare_last_names_vote_less_than_the_full_name_they_were_merged_into(normalizer):
    text = (
        "Brekke bought buildings. Brekke leased them. A spokeswoman for Brekke declined to comment on "
        "Brekke. The founder, Halvard Brekke, resigned."
    )
    spans = [("Halvard Brekke", "PERSON")] + [("Brekke", "ORG")] * 4
    found = normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    assert [(e.name, e.type, e.count) for e in found] == [("Halvard Brekke", "person", 5)]


def test_events_descriptors_and_place_ties(normalizer):
    text = (
        "Tomas Oller leads the field at the Vexa Finals. Runners filled the Lakeport City Marathon. "
        "Doses are financed by the vaccine alliance Halvex. Halvex support matters, said the "
        "Ghanaian-born artist Quilla Marrowby. Beloved Astoria bakery closes: queues formed in Astoria, "
        "Queens. Shares of Brekke Energy rose."
    )
    spans = [("Tomas Oller", "PERSON"), ("Vexa Finals", "ORG"), ("Lakeport City Marathon", "GPE"),
             ("Halvex", "PERSON"), ("Halvex", "PERSON"), ("Quilla Marrowby", "ORG"), ("Astoria", "ORG"),
             ("Astoria", "GPE"), ("Queens", "GPE"), ("Brekke Energy", "PERSON")]  # fmt: skip
    found = normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    types = {e.name: e.type for e in found}
    assert types["Vexa Finals"] == types["Lakeport City Marathon"] == "other"  # events
    assert types["Halvex"] == "organisation"  # described by "the vaccine alliance", outvoting a bare tag
    assert types["Quilla Marrowby"] == "person"  # "the ... artist"
    assert types["Astoria"] == "location"  # a tie between ORG and GPE: the gazetteer knows the place
    assert types["Brekke Energy"] == "organisation"


def test_a_product_line_listed_with_its_products_is_a_product(normalizer):
    text = "The keyboard comes to all Corvane Pro and Corvane Air models, said Halbrook and Oller Vantreys."
    spans = [("Corvane Pro", "ORG"), ("Corvane Air", "ORG"), ("Halbrook", "ORG"), ("Oller Vantreys", "ORG")]
    found = {
        e.name: e.type for e in normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    }
    assert found["Corvane Pro"] == found["Corvane Air"] == "other"  # an edition word, then its line
    assert found["Halbrook"] == found["Oller Vantreys"] == "organisation"  # no shared first word


def test_a_known_place_the_model_took_for_a_group_is_a_place_after_a_locative(normalizer):
    text = "A red warning covers parts of Cornwall. Gales hit Cornwall again. Kenyan runners won."
    spans = [("Cornwall", "NORP"), ("Cornwall", "NORP"), ("Kenyan", "NORP")]
    found = {
        e.name: e.type for e in normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    }
    assert found["Cornwall"] == "location"  # "parts of"; the tie goes to the place the gazetteer knows
    assert found["Kenyan"] == "other"  # a demonym stays a nationality


# -- table rows (fixture tables written for these tests) --------------------------------------------

LEAGUE = (
    "Regional hockey league standings after Sunday's games:\n"
    "Hartwell 4 3 1 0 9 4 10\n"
    "Brackley Rovers 4 2 1 1 7 5 7\n"
    "Oakmoor 4 2 0 2 6 6 6\n"
    "Dunmere Athletic 4 1 0 3 3 8 3\n"
)


def _types(ents) -> dict[str, str]:
    return {e.name: e.type for e in ents}


def test_table_rows_share_their_column_type():
    """Two heads typed ORG decide the column: "Oakmoor" (read as a person) becomes a team and
    "Hartwell" (missed by the model) is added as one."""
    from newsingest.enrich.normalize import Normalizer

    found = mentions(LEAGUE, [("Brackley Rovers", "ORG"), ("Oakmoor", "PERSON"), ("Dunmere Athletic", "ORG")])
    ents = Normalizer().normalize(found, text_length=len(LEAGUE), text=LEAGUE)
    assert _types(ents) == {
        "Hartwell": "organisation",
        "Brackley Rovers": "organisation",
        "Oakmoor": "organisation",
        "Dunmere Athletic": "organisation",
    }


def test_results_list_keeps_persons_and_their_countries():
    from newsingest.enrich.normalize import Normalizer

    text = (
        "Women's 1,500 metres\n"
        "1. Anna Berglind ( Norway ) 4:02.11\n"
        "2. Lena Osei-Mensah ( Ghana ) 4:03.50\n"
        "3. Mira Tallis ( Canada ) 4:04.00\n"
    )
    found = mentions(
        text,
        [("Anna Berglind", "PERSON"), ("Norway", "GPE"), ("Lena Osei-Mensah", "ORG"), ("Ghana", "GPE"),
         ("Mira Tallis", "PERSON"), ("Canada", "GPE")],
    )  # fmt: skip
    types = _types(Normalizer().normalize(found, text_length=len(text), text=text))
    assert types["Lena Osei-Mensah"] == "person"
    assert types["Anna Berglind"] == types["Mira Tallis"] == "person"
    assert types["Norway"] == types["Ghana"] == types["Canada"] == "location"


def test_prose_and_label_lines_are_no_table():
    from newsingest.enrich.normalize import Normalizer

    text = (
        "Hartwell said on Monday 3 players were injured.\n"
        "Attendance : 15,150\n"
        "Brackley Rovers won 2-1 and Oakmoor lost.\n"
        "Referee : Dan Cole\n"
    )
    found = mentions(text, [("Brackley Rovers", "ORG"), ("Oakmoor", "PERSON")])
    types = _types(Normalizer().normalize(found, text_length=len(text), text=text))
    assert types == {"Brackley Rovers": "organisation", "Oakmoor": "person", "Dan Cole": "person"}


def test_dateline_place_behind_a_date_span():
    """ "CARDIFF 2026-03-02" read as one DATE span still gives the dateline's place."""
    from newsingest.enrich.normalize import Normalizer

    text = "Ferry crews vote to strike\nCARDIFF 2026-03-02\nCrews voted on Monday to walk out.\n"
    found = mentions(text, [("CARDIFF 2026-03-02", "DATE"), ("Monday", "DATE")])
    assert _types(Normalizer().normalize(found, text_length=len(text), text=text)) == {"Cardiff": "location"}


def test_result_lines_type_both_columns():
    """ "Home 2 Away 1": the names after a score form a second column, voted on its own; a missed team
    split off a number-run span ("Oakmoor 1 Linwell 0" read as one PERSON) is found by its position."""
    from newsingest.enrich.normalize import Normalizer

    text = (
        "Results of Sunday's regional league matches:\n"
        "Hartwell 2 Brackley Rovers 1\n"
        "Oakmoor 1 Linwell Town 0\n"
        "Dunmere Athletic 3 Castlebay United 3\n"
        "Fenwick 0 Marlow Vale 2\n"
    )
    found = mentions(
        text,
        [("Hartwell", "ORG"), ("Brackley Rovers", "ORG"), ("Oakmoor 1 Linwell Town", "PERSON"),
         ("Dunmere Athletic", "ORG"), ("Castlebay United", "ORG")],
    )  # fmt: skip
    types = _types(Normalizer().normalize(found, text_length=len(text), text=text))
    teams = ("Hartwell", "Brackley Rovers", "Oakmoor", "Linwell Town", "Dunmere Athletic", "Castlebay United")
    assert types == dict.fromkeys((*teams, "Fenwick", "Marlow Vale"), "organisation")


def test_missed_persons_from_given_names():
    """A two-word run starting with a known given name that the model left out is a person; a street,
    a place, an organisation word, a longer run and a model span are not."""
    from newsingest.enrich.normalize import Normalizer

    text = (
        "Maria Brisket won the race on Grace Road ahead of Peter Quill.\n"
        "Officials at Kevin Marsh Holdings and the Royal Grand Victoria Brass Band cheered in Paris Texas."
    )
    found = mentions(text, [("Peter Quill", "ORG")])
    names = {(m.text, m.label) for m in Normalizer().missed_persons(text, found)}
    assert names == {("Maria Brisket", "PERSON")}


def test_a_role_noun_in_apposition_makes_a_person(normalizer):
    text = "The ministry refused to comment , Lakeport ministry spokesman Quillan Marrowby said ."
    found = normalizer.normalize(
        mentions(text, [("Quillan Marrowby", "ORG")]), text_length=len(text), text=text
    )
    assert [(e.name, e.type) for e in found] == [("Quillan Marrowby", "person")]


def test_towns_named_as_sides_of_a_match_are_teams_in_sport_stories(normalizer):
    text = (
        "Leicester beat Norwich by an innings on Friday .\n"
        "Rivals Leeds , Bristol and Derby all closed in on victory , while Wales drew with Scotland .\n"
        "Coventry made up for lost time in their match against Reading at home in Oxford .\n"
        "Derby lost heavily last week ."
    )
    spans = [(n, "GPE") for n in ("Leicester", "Norwich", "Leeds", "Bristol", "Derby", "Wales", "Scotland",
                                  "Coventry", "Reading", "Oxford", "Derby")]  # fmt: skip
    sport = {
        e.name: e.type
        for e in normalizer.normalize(mentions(text, spans), text_length=len(text), text=text, sport=True)
    }
    teams = {n for n, t in sport.items() if t == "organisation"}
    # Leeds and Bristol are listed with Derby; Coventry has no cue of its own
    assert teams == {"Leicester", "Norwich", "Leeds", "Bristol", "Derby", "Reading"}
    assert sport["Wales"] == sport["Scotland"] == sport["Oxford"] == "location"
    news = normalizer.normalize(mentions(text, spans), text_length=len(text), text=text, sport=False)
    assert {e.type for e in news} == {"location"}


def test_club_and_newspaper_words_make_a_person_span_an_organisation(normalizer):
    text = (
        "Castlebay United signed Quillan Marrowby , the Lakeport Zeitung reported ; Marrowby Rangers lost ."
    )
    spans = [("Castlebay United", "PERSON"), ("Quillan Marrowby", "PERSON"), ("Lakeport Zeitung", "PERSON"),
             ("Marrowby Rangers", "PERSON")]  # fmt: skip
    found = normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    assert {e.name: e.type for e in found} == {
        "Castlebay United": "organisation",
        "Quillan Marrowby": "person",
        "Lakeport Zeitung": "organisation",
        "Marrowby Rangers": "organisation",
    }


def test_names_listed_with_a_bracketed_country_like_the_models_persons_are_persons():
    """A run of name words followed by "( Country )" in a list whose other such entries the model typed
    as persons is a person; without two such persons, or for a known place, nothing is added."""
    from newsingest.enrich.normalize import Normalizer

    text = (
        "Results on Friday :\n1 - Quillan Marrowby ( Pakistan ) beat Tomas Oller ( England ) 15-10\n"
        "Brekke Halvard ( Australia ) beat Vexo Lind ( Norway ) 15-9\nHong Kong ( China ) hosted it ."
    )
    model = mentions(text, [("Tomas Oller", "PERSON"), ("Brekke Halvard", "PERSON"), ("Vexo Lind", "ORG")])
    added = {(m.text, m.label) for m in Normalizer().bracketed_persons(text, model)}
    assert added == {("Quillan Marrowby", "PERSON")}
    assert Normalizer().bracketed_persons(text, model[:1]) == []  # one model person is no pattern


def test_a_website_section_or_series_is_no_organisation_or_person(normalizer):
    text = "Read the Lakeport Council Blog and the Blog , or hear Quillan Marrowby on the Lakeport Podcast ."
    spans = [("Lakeport Council Blog", "ORG"), ("Blog", "ORG"), ("Quillan Marrowby", "PERSON"),
             ("Lakeport Podcast", "PERSON")]  # fmt: skip
    found = normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    assert {e.name: e.type for e in found if e.type != "other"} == {"Quillan Marrowby": "person"}


def test_a_dateline_town_and_a_town_named_as_such_are_places(normalizer):
    text = (
        "Floods close roads .\nQUILLANBURG , Norway 2026-08-30\n"
        "Police in the northern town of Vexholm said the river rose near Brekkefjord county ."
    )
    spans = [("QUILLANBURG", "ORG"), ("Vexholm", "ORG"), ("Brekkefjord", "PERSON")]
    found = normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    types = {e.name: e.type for e in found}
    assert types["Vexholm"] == types["Brekkefjord"] == "location"
    assert {t for n, t in types.items() if n.casefold() == "quillanburg"} == {"location"}


def test_a_role_noun_opening_a_person_span_is_dropped_and_brothers_make_a_firm(normalizer):
    from newsingest.enrich.normalize import trim_person

    assert trim_person("Fullback Quillan Marrowby") == "Quillan Marrowby"
    assert trim_person("Singer Marrowby") == "Singer Marrowby"  # a surname that is also a role noun
    text = "Brokers at Marrowby Bros said ."
    found = normalizer.normalize(
        mentions(text, [("Marrowby Bros", "PERSON")]), text_length=len(text), text=text
    )
    assert [(e.name, e.type) for e in found] == [("Marrowby Bros", "organisation")]


def test_a_one_word_person_the_article_also_writes_in_lower_case_is_a_common_word(normalizer):
    text = (
        "Quillan Marrowby praised the flash storage . Flash makes it fast , Marrowby said , unlike Vexholt ."
    )
    spans = [
        ("Quillan Marrowby", "PERSON"),
        ("Flash", "PERSON"),
        ("Marrowby", "PERSON"),
        ("Vexholt", "PERSON"),
    ]
    found = normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    assert {e.name for e in found if e.type == "person"} == {"Quillan Marrowby", "Vexholt"}


def test_a_person_beginning_a_products_name_is_the_product_line(normalizer):
    text = "The Vexo Station Lite is cheaper , but the Vexo Station docks to a TV . Tomas Oller Edition fans"
    spans = [("Vexo Station Lite", "PRODUCT"), ("Vexo Station", "PERSON"), ("Tomas Oller", "PERSON"),
             ("Tomas Oller Edition", "PRODUCT")]  # fmt: skip
    found = normalizer.normalize(mentions(text, spans), text_length=len(text), text=text)
    assert {e.name for e in found if e.type == "person"} == {"Tomas Oller"}  # a given name first stays
