"""Story text that a page ships only as data for its JavaScript (Next.js, Nuxt and similar payloads).

Some sites send an empty article shell and the story as an HTML string inside a ``<script>`` (a JSON
string in ``__NEXT_DATA__``, an RSC ``self.__next_f.push([1, "..."])`` chunk). When the visible page
has no body, the longest such fragment that talks about the same thing as the page's headline and
description becomes the body. No JavaScript is run.
"""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup, Tag

from newsingest.clean.boilerplate import attr_text, is_caption, is_junk_line
from newsingest.clean.text import clean_text

_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)
# A JSON string literal of some length that holds paragraph markup (raw or \u003c-escaped).
_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.){300,})"', re.S)
_PARAGRAPH_MARK = re.compile(r"<p[\s>]|\\u003cp[\s\\]", re.I)
_MAX_SCRIPT_CHARS = 3_000_000
_MIN_PARAGRAPH_CHARS = 30


def _fragments(html: str) -> list[str]:
    """Decoded JSON strings in inline scripts that contain at least two ``<p>`` elements."""
    found: list[str] = []
    for script in _SCRIPT.finditer(html):
        code = script.group(1)
        if len(code) > _MAX_SCRIPT_CHARS or len(_PARAGRAPH_MARK.findall(code)) < 2:
            continue
        for literal in _JSON_STRING.finditer(code):
            raw = literal.group(1)
            if len(_PARAGRAPH_MARK.findall(raw)) < 2:
                continue
            try:
                text = json.loads(f'"{raw}"')
            except ValueError:
                continue
            found.append(text)
    return found


def _in_caption(tag: Tag) -> bool:
    """True for a paragraph inside a figure or an element styled as a caption or photo credit."""
    return any(
        parent.name in ("figure", "figcaption") or is_caption(attr_text(parent)) for parent in tag.parents
    )


def _overlap(text: str, hint: str) -> float:
    """Share of the hint's words (two characters or more) found in ``text``."""
    words = {w for w in re.findall(r"\w{2,}", hint.lower())}
    if not words:
        return 0.0
    low = text.lower()
    return sum(1 for w in words if w in low) / len(words)


def script_paragraphs(html: str, hint: str, *, min_chars: int) -> list[str]:
    """Paragraphs of the best story fragment in the page's scripts ([] when none qualifies).

    ``hint`` is the page's headline and description: a fragment must contain at least 40% of their
    words, so that a teaser or a footer shipped the same way does not stand in for the story.
    """
    best: list[str] = []
    best_chars = 0
    for fragment in _fragments(html):
        soup = BeautifulSoup(fragment, "lxml")
        paragraphs = [clean_text(p.get_text(" ")) for p in soup.find_all("p") if not _in_caption(p)]
        paragraphs = [p for p in paragraphs if len(p) >= _MIN_PARAGRAPH_CHARS and not is_junk_line(p)]
        chars = sum(len(p) for p in paragraphs)
        if chars > best_chars and chars >= min_chars and _overlap(" ".join(paragraphs), hint) >= 0.4:
            best, best_chars = paragraphs, chars
    return best
