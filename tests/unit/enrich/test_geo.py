"""Offline gazetteer lookups."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("name", "kind", "country"),
    [
        ("France", "country", "FR"),
        ("U.S.", "country", "US"),
        ("Britain", "country", "GB"),
        ("Russian Federation", "country", "RU"),
        ("Czech Republic", "country", "CZ"),
        ("Côte d'Ivoire", "country", "CI"),
        ("Texas", "admin1", "US"),
        ("Lagos", "city", "NG"),
        ("São Paulo", "city", "BR"),
        ("Sao Paulo", "city", "BR"),
        ("England", "region", "GB"),
        ("Europe", "continent", None),
    ],
)
def test_lookup(gazetteer, name, kind, country):
    place = gazetteer.lookup(name)
    assert place is not None and place.kind == kind and place.country == country


def test_countries_have_capital_coordinates(gazetteer):
    us = gazetteer.lookup("United States")
    assert us.lat == pytest.approx(38.9, abs=0.2) and us.lon == pytest.approx(-77.0, abs=0.2)


def test_same_name_prefers_document_countries(gazetteer):
    assert gazetteer.lookup("Georgia").country == "GE"
    assert gazetteer.lookup("Georgia", prefer_countries={"US"}).country == "US"
    assert gazetteer.lookup("Paris").country == "FR"
    assert gazetteer.lookup("Paris", prefer_countries={"US"}).country == "US"


def test_unknown_and_demonyms(gazetteer):
    assert gazetteer.lookup("Xyzzyville") is None
    assert gazetteer.demonym("Russian") == (True, "RU")
    assert gazetteer.demonym("Americans") == (True, "US")
    assert gazetteer.demonym("London") == (False, None)
