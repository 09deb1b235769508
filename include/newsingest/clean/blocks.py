"""The parse tree as text blocks: runs of text owned by one block-level element, with link text,
furniture hints (the elements above with a furniture class, role or tag), caption, heading and standfirst
flags. One iterative pass (``build_blocks``); the scorer (``scoring``) reads only blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from bs4 import NavigableString, PageElement, Tag

from newsingest.clean import boilerplate
from newsingest.clean.text import normalize_space

BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "tbody",
        "thead",
        "tfoot",
        "figure",
        "figcaption",
        "header",
        "footer",
        "address",
        "center",
        "body",
        "html",
        "details",
        "summary",
        "fieldset",
        "caption",
        "hgroup",
        "picture",
    }
)
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_BR_SPLIT = re.compile(r"\s*\n\s*\n\s*")


BODY_CLASS = re.compile(
    r"(?:article|story|entry|post)[-_]?(?:body|content|text)(?![-_]?(?:header|footer|meta|top|bottom|wrap))|"
    r"articlebody|storybody",
    re.I,
)


@dataclass(slots=True)
class Block:
    """A run of text owned by one block-level element."""

    owner: Tag
    parts: list[str]
    link_chars: int = 0
    kind: str = "text"  # text, heading, title, caption
    neg_roots: tuple[Tag, ...] = ()
    neg: bool = False
    marked: Tag | None = None  # the nearest element marked as the article body (class or itemprop)
    standfirst: bool = False
    text: str = ""
    pieces: list[str] = field(default_factory=list)
    good: bool = False


@lru_cache(maxsize=16384)
def classify_attrs_cached(text: str) -> tuple[int, bool, bool]:
    return boilerplate.classify_attrs(text)


@lru_cache(maxsize=16384)
def _is_flyout(text: str) -> bool:
    return boilerplate.is_inline_flyout(text)


# Text before an inline photo credit up to this length is that photo's caption; a longer run is story
# text with a credit tucked at its end, which stays text.
_INLINE_CREDIT_CAPTION = 400

_CREDIT_TOKENS = frozenset({"byline", "author", "dateline", "timestamp", "date", "posted"})


def _inline_credit(tag: Tag) -> bool:
    """An inline element (not a block) whose class/id names a byline or a date stamp."""
    return tag.name not in BLOCK_TAGS and bool(
        _CREDIT_TOKENS & set(boilerplate.tokens(boilerplate.attr_text(tag)))
    )


class _WalkState:
    """What the tree walk knows about the text under one element (shared by children that change nothing).

    ``owner``: the nearest block element (the text's block); ``in_link``: inside an ``<a>``;
    ``neg_roots``: the elements above with a furniture hint, outermost first; ``caption``: inside a
    figure or caption; ``heading``: the enclosing heading's tag name; ``standfirst``: inside an element
    styled as a standfirst; ``marked``: the nearest element above marked as the article body
    (``post-body``, ``itemprop="articleBody"``).
    """

    __slots__ = ("caption", "heading", "in_link", "marked", "neg_roots", "owner", "standfirst")

    def __init__(
        self,
        owner: Tag,
        in_link: bool = False,
        neg_roots: tuple[Tag, ...] = (),
        caption: bool = False,
        heading: str | None = None,
        standfirst: bool = False,
        marked: Tag | None = None,
    ) -> None:
        self.owner = owner
        self.in_link = in_link
        self.neg_roots = neg_roots
        self.caption = caption
        self.heading = heading
        self.standfirst = standfirst
        self.marked = marked


_DROP_CAP = re.compile(r"initial|drop-?cap|first-?letter", re.I)


def _ancestry_classes(node: PageElement, owner: Tag) -> str:
    """The class attributes of the elements between a text and its block element."""
    found: list[str] = []
    el = node.parent
    while isinstance(el, Tag) and el is not owner:
        found.append(str(el.get("class") or ""))
        el = el.parent
    return " ".join(found)


def build_blocks(root: Tag) -> list[Block]:
    """Linearise the tree under ``root`` into text blocks (one pass, iterative, skips furniture)."""
    states: dict[int, _WalkState | None] = {id(root): _WalkState(root)}
    blocks: list[Block] = []
    cur: Block | None = None
    cur_state: _WalkState | None = None  # the walk state of the text last added to ``cur``
    glue = False  # the last text was a drop cap: the next one continues its word
    for node in root.descendants:
        cls = node.__class__
        if cls is NavigableString:
            st = states.get(id(node.parent))
            if st is None:
                continue
            text = str(node)
            owner = st.owner
            # A block that began inside an inline byline or date (a <span class="byline-author"> opening a
            # post body) ends with it: the text after the span is not furniture.
            if (
                cur is None
                or cur.owner is not owner
                or (cur.neg_roots and st.neg_roots is not cur.neg_roots and _inline_credit(cur.neg_roots[-1]))
            ):
                if not text.strip():
                    continue
                cur = Block(owner, [])
                blocks.append(cur)
                cur.neg_roots = st.neg_roots
                cur.standfirst = st.standfirst
                cur.marked = st.marked
                if st.caption:
                    cur.kind = "caption"
                elif st.heading == "h1":
                    cur.kind = "title"
                elif st.heading:
                    cur.kind = "heading"
            elif st.caption and cur.kind == "text" and st is not cur_state:
                # A photo credit set inline after the text of its caption ("… on Sunday.<span
                # class="pic-credit">Buzz/Dana Ruiz</span>"): the line is a caption, and the credit keeps a
                # separator rather than gluing onto the last word.
                if cur.parts and not cur.parts[-1][-1:].isspace() and not text[:1].isspace():
                    cur.parts.append(" ")
                if len("".join(cur.parts)) <= _INLINE_CREDIT_CAPTION:
                    cur.kind = "caption"
            cur_state = st
            if glue:
                # The rest of the word after a drop cap: "<span class="initial">N</span> <span>a endlich"
                # reads "Na endlich", as the floated letter shows.
                text = text.lstrip()
                glue = False
            elif len(text) <= 2 and text.isalpha() and _DROP_CAP.search(_ancestry_classes(node, owner)):
                glue = True
            cur.parts.append(text)
            if st.in_link:
                cur.link_chars += len(text.strip())
            continue
        if not isinstance(node, Tag):
            continue
        parent_state = states.get(id(node.parent))
        if parent_state is None:  # inside skipped furniture
            states[id(node)] = None
            continue
        name = node.name
        if name == "br":
            if cur is not None and cur.owner is parent_state.owner:
                cur.parts.append("\n")
            continue
        if name in ("td", "th", "li") and cur is not None and cur.owner is parent_state.owner:
            cur.parts.append(" ")
        if boilerplate.is_hard_junk(node):
            states[id(node)] = None
            continue
        state = _child_state(node, name, parent_state)
        if state is None:
            states[id(node)] = None  # a hover card inside a paragraph: not part of the sentence
            continue
        if name in BLOCK_TAGS and cur is not None and cur.owner is not node:
            cur = None
        states[id(node)] = state
    for block in blocks:
        raw = "".join(block.parts)
        if "\n" in raw:
            block.pieces = [p for p in (normalize_space(x) for x in _BR_SPLIT.split(raw)) if p]
            block.text = " ".join(block.pieces)
        else:
            block.text = normalize_space(raw)
            block.pieces = [block.text] if block.text else []
    return [b for b in blocks if b.text]


def _child_state(node: Tag, name: str, parent: _WalkState) -> _WalkState | None:
    """The walk state under ``node`` (``parent`` itself when nothing changes); None for a hover card."""
    owner, in_link, neg, cap, head, sf, marked = (
        parent.owner,
        parent.in_link,
        parent.neg_roots,
        parent.caption,
        parent.heading,
        parent.standfirst,
        parent.marked,
    )
    if name in boilerplate.CHROME_TAGS or ("role" in node.attrs and boilerplate.has_soft_role(node)):
        neg = (*neg, node)
    if node.attrs:
        at = boilerplate.attr_text(node)
        if at and name not in BLOCK_TAGS and _is_flyout(at):
            return None
        if at:
            weight, is_sf, is_cap = classify_attrs_cached(at)
            if is_cap:
                cap = True
            if weight >= 1 and name not in ("body", "html", "main"):
                neg = (*neg, node)
            if is_sf and not sf:
                sf = True
        if node.get("itemprop") == "articleBody" or (at and BODY_CLASS.search(at)):
            neg = ()  # an explicit article-body wrapper overrides furniture hints around it
            marked = node
    if name in BLOCK_TAGS:
        owner = node
    if name == "a":
        in_link = True
    elif name in ("figure", "figcaption"):
        cap = True
    elif name == "h1" or name in HEADINGS:
        head = name
    if (
        owner is parent.owner
        and in_link is parent.in_link
        and neg is parent.neg_roots
        and cap is parent.caption
        and head is parent.heading
        and sf is parent.standfirst
        and marked is parent.marked
    ):
        return parent
    return _WalkState(owner, in_link, neg, cap, head, sf, marked)


def within(tag: Tag, chosen_ids: set[int], stop: Tag | None) -> bool:
    """True when ``tag`` is one of the elements in ``chosen_ids`` or inside one (below ``stop``)."""
    node: Tag | None = tag
    while node is not None and node is not stop:
        if id(node) in chosen_ids:
            return True
        node = node.parent
    return False
