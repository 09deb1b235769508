"""newsingest.clean.authors: bylines split into people and wire agencies."""

from __future__ import annotations

import pytest
from newsingest.clean.authors import split_authors


@pytest.mark.parametrize(
    ("raw", "people", "agencies"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"], []),
        ("By Jane Doe, Senior Political Correspondent", ["Jane Doe"], []),
        ("Jane Doe for The Guardian", ["Jane Doe"], []),
        ("By Jane Doe | Updated March 3, 2024 10:15 am", ["Jane Doe"], []),
        ("Jane Doe Email the author", ["Jane Doe"], []),
        ("Associated Press", [], ["Associated Press"]),
        ("By Maya Gebeily and Reuters", ["Maya Gebeily"], ["Reuters"]),
        ("AFP", [], ["AFP"]),
        ("Von Lena Hoffmann und Jörg Weber", ["Lena Hoffmann", "Jörg Weber"], []),
        (["Jane Doe", "jane doe", "https://site.example/authors/jane"], ["Jane Doe"], []),
        ("(Image: Getty Images/iStockphoto)", [], []),
        ("jane-doe", [], []),
        ("dpa", [], ["dpa"]),
        ("Elena Oberholzer (obe), Oliver Maksan (oma)", ["Elena Oberholzer", "Oliver Maksan"], []),
        ("신현주 기자", ["신현주"], []),
    ],
)
def test_split_authors(raw, people, agencies):
    assert split_authors(raw) == (people, agencies)
