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
