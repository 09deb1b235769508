"""newsingest.clean.scoring: a headline behind a widget label is not body text; dateline and stamp lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from newsingest.clean.extract import extract
from newsingest.clean.scoring import _DATELINE_ONLY, _STAMP, _is_labelled_title

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"


def test_labelled_title_lines_are_recognised():
    title = "syrian fm meets putin and lavrov"
    assert _is_labelled_title(f"nextimg:{title}", title)
    assert _is_labelled_title(f"gallery: {title}", title)
    assert not _is_labelled_title(title, title)
    assert not _is_labelled_title(f"officials said on thursday that {title}", title)


def test_seed_like_page_drops_the_nextimg_line():
    html = (PAGES / "aggregator_seed.html").read_bytes()
    assert b"NextImg" in html
    article = extract(html, "https://aggregator.example/p/1/syrian-fm")
    assert article.body and "NextImg" not in article.body


@pytest.mark.parametrize(
    "line",
    ["Stand: 22.04.2024, 06:00 Uhr", "Veröffentlicht am 22.04.2024", "Mis à jour le 3 mars 2024"],
)
def test_update_stamps_in_other_languages_are_datelines(line):
    assert _DATELINE_ONLY.match(line)


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        ("23. 12. 2024 13:31", True),
        ("22.04.2024 | 15:54", True),
        ("On 22.04.2024 at 15:54 the police arrived. Then they left.", False),
    ],
)
def test_date_and_time_stamps(line, stamp):
    assert bool(_STAMP.match(line)) is stamp


@pytest.mark.parametrize(
    ("line", "dateline"),
    [
        ("Geschrieben am 15. April 2025", True),  # day-first with a dotted day and a month name
        ("Veröffentlicht am 15. April 2025, 17:59 Uhr", True),
        ("15. April 2025", True),
        ("Publicerad 23 okt 2025 kl 10.23Uppdaterad kl 12.17", True),  # clock word, glued update stamp
        ("Published: June 2, 2025 at 9:30 AM", True),
        ("Am 15. April 2025 wurde die Brücke eröffnet.", False),
        ("Der 15. April 2025 war ein guter Tag", False),
    ],
)
def test_date_lines_with_month_names_and_clock_words(line, dateline):
    assert bool(_DATELINE_ONLY.match(line)) is dateline


def test_a_date_line_with_a_dotted_day_leaves_the_body():
    story = "".join(
        f"<p>Satz {i}: Der Gemeinderat hat am Dienstag über den Bau der neuen Brücke beraten, und die "
        f"Mehrheit stimmte nach langer Debatte für den Plan der Verwaltung.</p>"
        for i in range(4)
    )
    html = (
        "<html><head><title>Brücke kommt</title></head><body><article><h1>Brücke kommt</h1>"
        f"<p>Geschrieben am 15. April 2025</p>{story}</article></body></html>"
    )
    article = extract(html, "https://zeitung.example/lokal/bruecke")
    assert article.body.startswith("Satz 0:") and "Geschrieben" not in article.body
