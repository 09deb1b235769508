"""The registry's resolution rules on hand-built evidence (the node-backed flow is in
tests/integration/load/test_consolidate.py)."""

from __future__ import annotations

from newsingest.load.entity_registry import DOMINANCE, Entry, resolve


def entry(name: str, etype: str = "person", docs: int = 1, **forms: int) -> Entry:
    return Entry(
        name=name,
        type=etype,
        docs=docs,
        forms={name: docs, **{k.replace("_", " "): v for k, v in forms.items()}},
    )


def test_type_by_weight_of_evidence():
    mapping = resolve(
        [
            entry("Jordan Vale", "organisation", 1),
            entry("Jordan Vale", "person", 1),
            entry("Jordan Vale", "location", 0),
        ]
    )
    assert mapping == {
        ("Jordan Vale", "organisation"): ("Jordan Vale", "person"),
        ("Jordan Vale", "location"): ("Jordan Vale", "person"),
    }
    mapping = resolve([entry("Yahya Sinwar", "organisation", 1), entry("Yahya Sinwar", "person", 3)])
    assert mapping == {("Yahya Sinwar", "organisation"): ("Yahya Sinwar", "person")}


def test_short_form_follows_merge_evidence_unless_shared():
    trump = [entry("Donald Trump", docs=4, Trump=4), entry("Melania Trump", docs=1), entry("Trump", docs=2)]
    assert resolve(trump)[("Trump", "person")] == ("Donald Trump", "person")
    biden = [entry("Joe Biden", docs=3, Biden=3), entry("Hunter Biden", docs=1, Biden=1), entry("Biden")]
    assert ("Biden", "person") not in resolve(biden)
    dominant = [
        entry("Joe Biden", docs=DOMINANCE, Biden=DOMINANCE),
        entry("Hunter Biden", Biden=1),
        entry("Biden"),
    ]
    assert resolve(dominant)[("Biden", "person")] == ("Joe Biden", "person")


def test_last_name_of_one_known_person_and_chains():
    assert resolve([entry("Kristi Noem"), entry("Noem")]) == {("Noem", "person"): ("Kristi Noem", "person")}
    assert resolve([entry("Kristi Noem"), entry("Tom Noem"), entry("Noem")]) == {}
    # A type conflict and a short form compose: (Noem, organisation) ends at Kristi Noem too.
    mapping = resolve([entry("Kristi Noem"), entry("Noem", docs=2), entry("Noem", "organisation")])
    assert mapping[("Noem", "organisation")] == ("Kristi Noem", "person")


def test_other_types_and_places_are_left_alone():
    assert resolve([entry("Paris", "location", 5), entry("Paris Hilton"), entry("Brexit", "other")]) == {}


def test_a_name_most_articles_file_as_a_product_leaves_the_facets():
    zwitter = [
        entry("Zwitter", "other", 6),
        entry("Zwitter", "person", 2),
        entry("Zwitter", "organisation", 1),
    ]
    assert resolve(zwitter) == {
        ("Zwitter", "person"): ("Zwitter", "other"),
        ("Zwitter", "organisation"): ("Zwitter", "other"),
    }
    # A tie, or more articles as a facet type, keeps the facet type; "other" alone is never mapped.
    assert resolve([entry("Orbix", "other", 2), entry("Orbix", "organisation", 2)]) == {}
    assert resolve([entry("Nordic", "other", 5)]) == {}


def test_a_major_place_stays_a_place_unless_another_type_dominates():
    places = {"Lakeport"}.__contains__
    group = [entry("Lakeport", "organisation", 4), entry("Lakeport", "location", 3)]
    assert resolve(group, major_place=places) == {("Lakeport", "organisation"): ("Lakeport", "location")}
    assert resolve(group) == {("Lakeport", "location"): ("Lakeport", "organisation")}  # no gazetteer
    dominant = [entry("Lakeport", "organisation", 10 * DOMINANCE), entry("Lakeport", "location", 1)]
    assert resolve(dominant, major_place=places) == {("Lakeport", "location"): ("Lakeport", "organisation")}
    small = [entry("Brookvale", "organisation", 4), entry("Brookvale", "location", 3)]  # no major place
    assert resolve(small, major_place=places) == {("Brookvale", "location"): ("Brookvale", "organisation")}


def test_a_known_place_wins_a_tie_of_articles():
    known = {"Brookvale"}.__contains__
    tie = [entry("Brookvale", "organisation", 2), entry("Brookvale", "location", 2)]
    assert resolve(tie, known_place=known) == {("Brookvale", "organisation"): ("Brookvale", "location")}
    assert resolve(tie) == {("Brookvale", "location"): ("Brookvale", "organisation")}  # no gazetteer
    more = [entry("Brookvale", "organisation", 3), entry("Brookvale", "location", 2)]  # no tie
    assert resolve(more, known_place=known) == {("Brookvale", "location"): ("Brookvale", "organisation")}


def test_a_merge_into_the_lesser_known_namesake_is_not_made():
    # One article merged "Obama" into Michelle Obama; more articles name Barack Obama, never as "Obama".
    obama = [entry("Michelle Obama", Obama=1), entry("Barack Obama", docs=3), entry("Obama", docs=4)]
    assert ("Obama", "person") not in resolve(obama)
    # The articles still decide when one namesake dominates them.
    obama[1] = entry("Barack Obama", docs=DOMINANCE)
    assert resolve(obama)[("Obama", "person")] == ("Barack Obama", "person")
    # A namesake named in fewer articles does not block the merge the evidence makes.
    trump = [entry("Donald Trump", docs=4, Trump=4), entry("Melania Trump", docs=2), entry("Trump")]
    assert resolve(trump)[("Trump", "person")] == ("Donald Trump", "person")


def test_the_office_title_decides_between_namesakes():
    def with_offices(e: Entry, **offices: int) -> Entry:
        e.offices = {k.replace("_", " "): v for k, v in offices.items()}
        return e

    obama = [
        with_offices(entry("Barack Obama", docs=3), president=2),
        with_offices(entry("Michelle Obama"), first_lady=1),
        with_offices(entry("Obama", docs=4), president=3),
    ]
    assert resolve(obama)[("Obama", "person")] == ("Barack Obama", "person")
    obama[1] = with_offices(entry("Michelle Obama"), president=1)  # both "President": still open
    assert ("Obama", "person") not in resolve(obama)
    obama[1] = with_offices(entry("Michelle Obama"))
    obama[2] = entry("Obama", docs=4)  # the bare name never had a title: open
    assert ("Obama", "person") not in resolve(obama)


def test_a_person_named_after_an_organisation_is_its_product():
    mapping = resolve(
        [
            entry("Zentendo", "organisation", 3),
            entry("Zentendo Flip", docs=2),
            entry("Zentendo Flip", "organisation"),
        ]
    )
    assert mapping == {
        ("Zentendo Flip", "person"): ("Zentendo Flip", "other"),
        ("Zentendo Flip", "organisation"): ("Zentendo Flip", "other"),
    }
    # A known given name first is a person's ("Grace Vale" beside the organisation "Grace").
    assert resolve([entry("Grace", "organisation", 3), entry("Grace Vale")]) == {}


def test_a_bare_one_word_person_counts_half_against_another_type():
    chelsea = [entry("Chelsea", "organisation", 1), entry("Chelsea", "person", 1)]
    assert resolve(chelsea) == {("Chelsea", "person"): ("Chelsea", "organisation")}
    # The last name of a known person keeps its full weight (a tie goes to the person, as before) ...
    assert resolve([*chelsea, entry("Ada Chelsea")])[("Chelsea", "organisation")] == ("Ada Chelsea", "person")
    # ... and a bare name most articles call a person stays one.
    assert resolve([entry("Quellan", "organisation", 1), entry("Quellan", "person", 3)]) == {
        ("Quellan", "organisation"): ("Quellan", "person")
    }


def test_spellings_of_one_person_one_letter_apart_map_to_the_more_frequent():
    variants = [entry("Ostap Kovalenkyy", docs=3), entry("Ostap Kovalenky", docs=1), entry("Kovalenky")]
    assert resolve(variants) == {
        ("Ostap Kovalenky", "person"): ("Ostap Kovalenkyy", "person"),
        ("Kovalenky", "person"): ("Ostap Kovalenkyy", "person"),  # its last name, then the spelling
    }
    # another first name, a plural "s", a short name, a letter changed rather than added: two people
    assert resolve([entry("Ostap Kovalenkyy", docs=3), entry("Ivan Kovalenky")]) == {}
    assert resolve([entry("Mara Andrews", docs=3), entry("Mara Andrew")]) == {}
    assert resolve([entry("Mara Kovac", docs=3), entry("Mara Kovacs")]) == {}
    assert resolve([entry("Mara Kovalenko", docs=3), entry("Mara Kovalenka")]) == {}


def test_spellings_with_disjoint_office_titles_stay_apart():
    senator = Entry(name="Ostap Kovalenkyy", type="person", docs=3, forms={}, offices={"Senator": 3})
    judge = Entry(name="Ostap Kovalenky", type="person", docs=1, forms={}, offices={"Judge": 1})
    assert resolve([senator, judge]) == {}
