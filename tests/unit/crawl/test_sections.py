"""newsingest.crawl.sections: article links on a section page."""

from __future__ import annotations

from newsingest.crawl.sections import extract_links


def test_section_links_match_pattern_and_resolve() -> None:
    html = b"""<html><head><base href="https://ex.com/news/"></head><body>
      <a href="2026/11/03/story-one">one</a> <a href="/news/2026/11/03/story-one#c">dup</a>
      <a href="https://ex.com/about">about</a> <a href="javascript:void(0)">js</a>
      <a href="https://ex.com/news/2026/11/04/two">two</a></body></html>"""
    links = extract_links(
        html, page_url="https://ex.com/news/world/", pattern=r"/news/\d{4}/\d{2}/\d{2}/", source="s"
    )
    assert [link.url for link in links] == [
        "https://ex.com/news/2026/11/03/story-one",
        "https://ex.com/news/2026/11/04/two",
    ]
    assert all(link.channels == ["section"] for link in links)
    assert extract_links(b"", page_url="https://ex.com/", pattern="x", source="s") == []
