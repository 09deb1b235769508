"""Office titles before persons' forms: the registry's evidence of whom a bare last name means."""

from __future__ import annotations

from newsingest.load.entity_evidence import person_offices


def test_offices_before_every_form_of_every_person() -> None:
    source = {
        "title": "President Obama meets Chancellor Scholz",
        "body": "First Lady Michelle Obama spoke. Obama's aide and the Obamas left; Mr Scholz stayed.\n"
        "Senator Warren, not Warrenton, and Senator Michelle Obama-Smith.",
    }
    entities = {
        "person|Barack Obama": ["Barack Obama", "Obama"],
        "person|Michelle Obama": ["Michelle Obama", "Obama"],  # a form two persons share
        "person|Olaf Scholz": ["Scholz"],
        "person|Elizabeth Warren": ["Warren"],
        "organisation|Senate": ["Senate"],
    }
    assert person_offices(source, entities) == {
        # "President Obama"; "First Lady Michelle Obama" is a form of Michelle's only, and the bare form
        # inside it follows "Michelle", no title; "Obama-Smith" is another name.
        "person|Barack Obama": ["president"],
        "person|Michelle Obama": ["first lady", "president"],
        "person|Olaf Scholz": ["chancellor"],  # "Mr" is no office
        "person|Elizabeth Warren": ["senator"],
    }


def test_no_text_or_no_person_gives_nothing() -> None:
    assert person_offices({"title": None, "body": ""}, {"person|A B": ["B"]}) == {}
    assert person_offices({"body": "President Smith"}, {"organisation|Smith": ["Smith"]}) == {}
