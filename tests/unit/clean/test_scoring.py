"""The headline repeated behind a widget label ("NextImg:<title>") is not part of the body."""

from __future__ import annotations

from pathlib import Path

from newsingest.clean.extract import extract
from newsingest.clean.scoring import _is_labelled_title

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
