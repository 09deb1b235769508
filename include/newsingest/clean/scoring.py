"""Main-text extraction by content scoring over text blocks.

One pass over the parse tree turns it into *blocks* (runs of text owned by one block-level
element) annotated with link text, furniture flags and captions. Blocks vote for their ancestors
(readability-style: commas, length, link density, class hints), the best container and its
like-scored siblings are kept, and their blocks become paragraphs after furniture filtering.
Works on unknown layouts: no per-site rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from bs4 import NavigableString, Tag

from newsingest.clean import boilerplate
from newsingest.clean.text import normalize_space

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4",
    "h5", "h6", "blockquote", "pre", "table", "tr", "td", "th", "tbody", "thead", "tfoot", "figure",
    "figcaption", "header", "footer", "address", "center", "body", "html", "details", "summary", "fieldset",
    "caption", "hgroup", "picture",
})
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_BR_SPLIT = re.compile(r"\s*\n\s*\n\s*")
_BYLINE = re.compile(r"^(?:by|von|par|por|di|door|av|af|written by|reporting by|text:)\s+\S", re.I)
_DATELINE_ONLY = re.compile(
    r"^(?:(?:published|updated|posted|last updated|first published|modified)[:\s]+)?"
    r"(?:\w+day,?\s+)?(?:\d{1,2}[ ./-]\w+[ ./-]\d{2,4}|\w+\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:[, ]+(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}|GMT[+-]?\d*|UTC[+-]?\d*)?)?\.?$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’)\]。！？]$")
_COMMAS = re.compile(r"[,،、，]")


@dataclass(slots=True)
class Block:
    """A run of text owned by one block-level element."""

    owner: Tag
    parts: list[str]
    link_chars: int = 0
    kind: str = "text"  # text, heading, title, caption
    neg_root: Tag | None = None
    standfirst: bool = False
    text: str = ""
    pieces: list[str] = field(default_factory=list)
    good: bool = False


@dataclass
class BodyResult:
    """Paragraphs and captions of the chosen main content, and the standfirst if one was seen."""

    paragraphs: list[str]
    captions: list[str]
    standfirst: str | None
    container: Tag | None
    blocks: int


@lru_cache(maxsize=4096)
def _classify_attrs(text: str) -> tuple[int, bool]:
    return boilerplate.negative_weight(text), boilerplate.is_standfirst(text)


# Per-tag walk state: (owner, in_link, neg_root, caption, heading, standfirst)
_State = tuple


def build_blocks(root: Tag) -> list[Block]:
    """Linearise the tree under ``root`` into text blocks (one pass, iterative, skips furniture)."""
    states: dict[int, _State | None] = {id(root): (root, False, None, False, None, False)}
    blocks: list[Block] = []
    cur: Block | None = None
    for node in root.descendants:
        cls = node.__class__
        if cls is NavigableString:
            st = states.get(id(node.parent))
            if st is None:
                continue
            text = str(node)
            owner = st[0]
            if cur is None or cur.owner is not owner:
                if not text.strip():
                    continue
                cur = Block(owner, [])
                blocks.append(cur)
                cur.neg_root = st[2]
                cur.standfirst = st[5]
                if st[3]:
                    cur.kind = "caption"
                elif st[4] == "h1":
                    cur.kind = "title"
                elif st[4]:
                    cur.kind = "heading"
            cur.parts.append(text)
            if st[1]:
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
            if cur is not None and cur.owner is parent_state[0]:
                cur.parts.append("\n")
            continue
        if boilerplate.is_hard_junk(node):
            states[id(node)] = None
            continue
        owner, in_link, neg, cap, head, sf = parent_state
        if node.attrs:
            at = boilerplate.attr_text(node)
            if at:
                weight, is_sf = _classify_attrs(at)
                if weight == 1 and neg is None and name not in ("body", "html", "main"):
                    neg = node
                if is_sf and not sf:
                    sf = True
            if node.get("itemprop") == "articleBody":
                neg = None
        if name in BLOCK_TAGS:
            owner = node
            if cur is not None and cur.owner is not node:
                cur = None
        if name == "a":
            in_link = True
        elif name in ("figure", "figcaption"):
            cap = True
        elif name == "h1" or name in HEADINGS:
            head = name
        states[id(node)] = (owner, in_link, neg, cap, head, sf)
    for block in blocks:
        raw = "".join(block.parts)
        if "\n" in raw:
            block.pieces = [p for p in (normalize_space(x) for x in _BR_SPLIT.split(raw)) if p]
            block.text = " ".join(block.pieces)
        else:
            block.text = normalize_space(raw)
            block.pieces = [block.text] if block.text else []
    return [b for b in blocks if b.text]


def _class_weight(tag: Tag) -> int:
    at = boilerplate.attr_text(tag)
    weight = 0
    if at:
        neg, _ = _classify_attrs(at)
        if neg == 1:
            weight -= 25
        if boilerplate.is_positive(at):
            weight += 25
    if tag.get("itemprop") == "articleBody":
        weight += 50
    if tag.name == "article":
        weight += 10
    return weight


def choose_container(blocks: list[Block], root: Tag) -> tuple[list[Tag], dict[int, int]]:
    """Pick the main-content element(s): best-scored candidate plus qualifying siblings.

    Returns the chosen elements and the total text length under every scored ancestor.
    """
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    total: dict[int, int] = {}
    links: dict[int, int] = {}
    stop = root.parent
    for b in blocks:
        n = len(b.text)
        ld = b.link_chars / n if n else 1.0
        b.good = b.kind == "text" and b.neg_root is None and n >= 25 and ld < 0.34
        points = 1 + len(_COMMAS.findall(b.text)) + min(n // 100, 3) if b.good else 0
        anc: Tag | None = b.owner
        level = 0
        while anc is not None and anc is not stop:
            k = id(anc)
            total[k] = total.get(k, 0) + n
            links[k] = links.get(k, 0) + b.link_chars
            if points and 1 <= level <= 5:
                tags[k] = anc
                scores[k] = scores.get(k, 0.0) + points / (1 if level == 1 else 2 if level == 2 else level * 3)
            anc = anc.parent
            level += 1
    if not scores:
        return [], total
    final: dict[int, float] = {}
    for k, s in scores.items():
        tag = tags[k]
        ld = links.get(k, 0) / max(total.get(k, 1), 1)
        final[k] = (s + _class_weight(tag)) * (1 - ld)
    top_key = max(final, key=final.__getitem__)
    top = tags[top_key]
    top_score = final[top_key]
    chosen = [top]
    parent = top.parent
    if parent is not None and parent is not stop:
        threshold = max(10.0, top_score * 0.2)
        top_class = top.get("class")
        for sib in parent.children:
            if sib is top or not isinstance(sib, Tag):
                continue
            k = id(sib)
            bonus = top_score * 0.2 if top_class and sib.get("class") == top_class else 0.0
            sib_total = total.get(k, 0)
            if sib_total == 0:
                continue
            if final.get(k, -1e9) + bonus >= threshold:
                chosen.append(sib)
                continue
            ld = links.get(k, 0) / sib_total
            if sib.name in ("p", "h2", "h3", "blockquote", "ul", "ol") or k in scores:
                if (sib_total > 80 and ld < 0.25) or (0 < sib_total <= 80 and ld == 0 and sib.name == "p"):
                    chosen.append(sib)
    return chosen, total


def _inside(tag: Tag, chosen_ids: set[int], stop: Tag | None) -> bool:
    node: Tag | None = tag
    while node is not None and node is not stop:
        if id(node) in chosen_ids:
            return True
        node = node.parent
    return False


def extract_body(root: Tag, *, title: str | None = None, authors: list[str] | None = None) -> BodyResult:
    """Paragraphs and captions of the main content under ``root`` (usually ``<body>``)."""
    blocks = build_blocks(root)
    chosen, total = choose_container(blocks, root)
    standfirst: str | None = None
    if not chosen:
        return BodyResult([], [], None, None, len(blocks))
    chosen_ids = {id(t) for t in chosen}
    sel_total = sum(total.get(k, 0) for k in chosen_ids) or 1
    stop = root.parent
    title_norm = (title or "").strip().lower()
    author_norm = {a.lower() for a in (authors or [])}
    paragraphs: list[str] = []
    captions: list[str] = []
    seen: set[str] = set()
    first_inside: int | None = None
    for i, b in enumerate(blocks):
        inside = _inside(b.owner, chosen_ids, stop)
        if not inside:
            if (
                standfirst is None
                and first_inside is None
                and b.standfirst
                and b.kind == "text"
                and 30 <= len(b.text) <= 800
                and b.link_chars < len(b.text) * 0.3
            ):
                standfirst = b.text
            continue
        if first_inside is None:
            first_inside = i
        if b.kind == "caption":
            if b.text not in captions:
                captions.append(b.text)
            continue
        if b.kind == "title":
            continue
        if b.neg_root is not None and total.get(id(b.neg_root), 0) < sel_total * 0.5:
            continue
        n = len(b.text)
        ld = b.link_chars / n
        if ld > 0.5 or (b.owner.name == "li" and ld > 0.3):
            continue
        if b.standfirst and standfirst is None and not paragraphs and 30 <= n <= 800:
            standfirst = b.text
            continue
        for piece in b.pieces:
            low = piece.lower()
            if boilerplate.is_junk_line(piece) or low in seen:
                continue
            if n < 150 and (_BYLINE.match(piece) or _DATELINE_ONLY.match(piece) or low in author_norm):
                continue
            if low == title_norm:
                continue
            seen.add(low)
            paragraphs.append(piece if b.kind != "heading" else piece.rstrip())
    # Drop trailing headings and short link-free teasers at the end ("More on this story").
    while paragraphs and len(paragraphs[-1]) < 80 and not _SENTENCE_END.search(paragraphs[-1]):
        paragraphs.pop()
    return BodyResult(paragraphs, captions, standfirst, chosen[0], len(blocks))
