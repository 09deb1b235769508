"""newsingest.clean.soup: the lean tree builder gives Beautiful Soup's own tree, element for element."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from bs4.builder._lxml import LXMLTreeBuilderForXML
from newsingest.clean import extract as extract_mod
from newsingest.clean.soup import gc_paused, parse_html

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"  # as conftest.py's `page` fixture reads

_LINKS = ("parent", "next_element", "previous_element", "next_sibling", "previous_sibling")

# Hand-written markup covering what the builder has to mirror: a doctype and processing instruction,
# comments (also whitespace-only and empty ones), whitespace-only strings in and out of <pre>, ruby text
# and style/script strings (their own string classes), a <meta charset> (a substituted value), void
# elements, stray and unclosed end tags, entities, a colon in attribute names, a BOM.
SNIPPETS = [
    "<!DOCTYPE html><html><head><title>T</title></head><body><p>a</p></body></html>",
    '<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"><p>x</p>',
    "<p>one <!-- c --> two<!----><!--   --></p>\n\n<div>  \n </div>",
    "<pre>  \n  </pre><textarea>   </textarea><div> <pre><b> </b>\n</pre> </div>",
    "<p>尹錫悦<ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp></ruby>字</p>",
    "<style>p{}</style><p>x<script>var a = '<b>';</script>y</p><template><p>t</p></template>",
    '<head><meta charset="iso-8859-1"><meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
    "<p>a<br>b<img src=x alt=y><hr></p><input value=v>",
    "<div><p>unclosed<div>in</span></b></div></p></table>after",
    "<table><tr><td>1<td>2</tr></table><ul><li>a<li>b</ul>",
    '<p class="c" data-x="&amp;&lt;" xml:lang="de" fb:like="1" title>&eacute;&#8212;&nbsp;x</p>',
    "\ufeff<p>bom</p>",
    "plain text, no tags at all",
    "<p>x</p><!-- trailing comment -->\n",
    "<p>a\x00b\x01</p><<<>>>",  # control characters and stray brackets
    "<html><html><body><body><p>x",  # repeated document elements
    "<p>" * 300 + "deep",  # deep nesting (the builder keeps its own stack)
]


def _tree(soup: BeautifulSoup) -> list[Any]:
    nodes = [soup, *soup.descendants]
    index = {id(node): i for i, node in enumerate(nodes)}
    out: list[Any] = []
    for node in nodes:
        fields = vars(node) if node is not soup else {}
        out.append(
            (
                type(node).__name__,
                str(node) if not hasattr(node, "attrs") else node.name,
                [(k, v, type(v).__name__) for k, v in getattr(node, "attrs", {}).items()],
                [index.get(id(getattr(node, link))) for link in _LINKS],
                sorted((k, repr(v)) for k, v in fields.items() if k not in (*_LINKS, "contents", "attrs")),
            )
        )
    return out


def _reference(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "lxml", multi_valued_attributes=None)


@pytest.mark.parametrize("markup", SNIPPETS)
def test_same_tree_as_beautiful_soup(markup):
    ours, reference = parse_html(markup), _reference(markup)
    assert _tree(ours) == _tree(reference)
    assert ours.decode() == reference.decode()
    assert ours.get_text("|") == reference.get_text("|")


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.html")), ids=lambda p: p.stem)
def test_same_tree_on_fixture_pages(path):
    markup = path.read_bytes().decode("utf-8", "replace")
    assert _tree(parse_html(markup)) == _tree(_reference(markup))


def test_does_not_go_through_beautiful_soups_builder(monkeypatch):
    """The speed comes from not calling Beautiful Soup's per-tag handlers; a page must not fall back."""

    def refuse(*args, **kwargs):
        raise AssertionError("Beautiful Soup's builder was used")

    monkeypatch.setattr(LXMLTreeBuilderForXML, "start", refuse)
    soup = parse_html("<html><body><div class='story'><p>Text &amp; more.</p></div></body></html>")
    assert soup.find("p").get_text() == "Text & more."


def test_the_tree_can_be_edited_like_beautiful_soups():
    markup = "<div><p>a <b>bold</b> word</p><aside>side</aside><p>c</p></div>"
    ours, reference = parse_html(markup), _reference(markup)
    for soup in (ours, reference):
        soup.find("aside").decompose()
        soup.find("b").unwrap()
    assert _tree(ours) == _tree(reference)
    assert [s for s in ours.strings] == ["a ", "bold", " word", "c"]


def test_collector_paused_while_a_page_is_cleaned_and_restored_after(monkeypatch, page):
    """The cyclic collector is off during a clean (the tree is all cycles) and back as it was after."""
    seen: list[bool] = []

    def hook(article, soup):
        seen.append(gc.isenabled())
        return article

    monkeypatch.setitem(extract_mod._OVERRIDES, "probe", hook)
    html = page("wire_story")
    assert gc.isenabled()
    extract_mod.extract_with_verdict(html, "https://news.example/2025/06/02/story", source="probe")
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        extract_mod.extract_with_verdict(html, "https://news.example/2025/06/02/story", source="probe")
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("a failing clean")
    assert gc.isenabled()
