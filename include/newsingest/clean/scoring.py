"""Main-text extraction by content scoring over text blocks.

The parse tree becomes *blocks* first (``blocks.build_blocks``: runs of text owned by one block-level
element, annotated with link text, furniture flags and captions). Blocks vote for their ancestors
(readability-style: commas, length, link density, class hints), the best container and its
like-scored siblings are kept, and their blocks become paragraphs after furniture filtering.
Works on unknown layouts: no per-site rules.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bs4 import Tag

from newsingest.clean import boilerplate
from newsingest.clean.authors import is_role_line
from newsingest.clean.blocks import BLOCK_TAGS, Block, build_blocks, classify_attrs_cached, within
from newsingest.clean.text import normalize_space

_BYLINE = re.compile(r"^(?:by|von|par|por|di|door|av|af|written by|reporting by|text:)\s+\S", re.I)
_STAMP_WORDS = (
    r"published|updated|posted|last updated|first published|modified|stand|veröffentlicht|aktualisiert|"
    r"zuletzt aktualisiert|geschrieben|erschienen|written|publié le|mis à jour le|publicado|actualizado|"
    r"pubblicato|aggiornato|gepubliceerd|bijgewerkt|publicerad|uppdaterad|publisert|oppdatert|opublikowano|"
    r"zaktualizowano"
)
# a clock time, also after a clock word ("at 10:23", "um 17.59 Uhr", "kl 10.23")
_CLOCK = (
    r"(?:(?:at|um|kl\.?|klo|à)\s+)?\d{1,2}[:.]\d{2}\s*(?:uhr|[ap]\.?m\.?)?\s*"
    r"(?:[A-Z]{2,4}|GMT[+-]?\d*|UTC[+-]?\d*)?"
)
# A date line and nothing else: "Published: June 2, 2025 at 9:30 AM", "Geschrieben am 15. April 2025",
# "Publicerad 23 okt 2025 kl 10.23 Uppdaterad kl 12.17" (an update's clock time may follow).
_DATELINE_ONLY = re.compile(
    rf"^(?:(?:{_STAMP_WORDS})[:\s]+(?:(?:am|le|el|il|den|on)\s+)?)?"
    r"(?:\w+day,?\s+)?"
    r"(?:\d{1,2}(?:\.\s?|[ /-])\w+\.?(?:\s|[./-]\s?)\d{2,4}|\w+\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2})"
    rf"(?:[, ]+{_CLOCK})?(?:\s*(?:{_STAMP_WORDS})[:\s]+{_CLOCK})?\.?$",
    re.I,
)
_TIME_ONLY = re.compile(
    r"^(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,5})?(?:\s*[^\W\d][\w'’ -]{0,40}[^\W\d])?"
    r"|\d+\s+(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?)\s+ago)$",
    re.I,
)
_STAMP = re.compile(
    # a date and a clock time; or an update stamp ("21 mins ago 11:48 Jon King")
    r"^(?=.*\b(?:19|20)\d{2}\b)(?=.*\b\d{1,2}[:h]\d{2}\b)(?:[^.!?]|(?<=\d)\.(?=\s?\d)){0,100}$"
    r"|^(?:\d+\s*(?:mins?|minutes?|hours?|hrs?|h|days?)\s+ago\s*)?\d{1,2}:\d{2}\b[^.!?]{0,40}$",
    re.I,
)
_READ_MORE = re.compile(
    r"^(?:read (?:more|also|next)|see also|also read|related|more|watch|listen|lesen sie (?:auch|mehr)|"
    r"mehr zum thema|lire (?:aussi|plus)|à lire aussi|leer más|lee también|leggi anche|ler também|"
    r"läs också|les også|lees ook)\b[^:]{0,20}:",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’)\]。！？]$")
_DIGIT = re.compile(r"\d")
_SENTENCE_SPLIT = re.compile(r"[.!?。！？](?:\s|$)")
_COMMAS = re.compile(r"[,،、，]")
_WORD = re.compile(r"\w+")
_BARE_TEXT_CONTAINERS = frozenset({"div", "section", "article", "main", "td", "center"})
_COMMENTS = re.compile(r"comment|disqus|discussion|replies|respon[sd]")
# A class/id token naming a reader-comment thread or one comment ("comment-list", "div-comment-42",
# "comment_entry"); not "commentary" (an opinion section) nor "comments-enabled" (an article flag).
_COMMENT_THREAD = re.compile(
    r"comments?|comment[-_]?(?:list|entry|body|content|item|thread|wrap|text)s?|(?:div-)?comment-\d+|"
    r"disqus[\w-]*|replies"
)


@dataclass
class BodyResult:
    """Paragraphs and captions of the chosen main content, and the standfirst if one was seen."""

    paragraphs: list[str]
    captions: list[str]
    standfirst: str | None
    container: Tag | None
    page_text: list[str] = field(default_factory=list)  # every block's text, in page order
    headline_index: int = 0  # index in page_text of the first <h1> block (0 when none)
    page_chars: int = 0
    page_link_chars: int = 0
    headline_links: int = 0  # headings that are mostly a link (teaser lists)
    implausible: str | None = None  # why the body still reads as furniture (None: plausible)
    blocks: list[Block] = field(default_factory=list, repr=False)  # every text block, in page order
    chosen: list[Tag] = field(default_factory=list, repr=False)  # the main-content elements
    stop: Tag | None = field(default=None, repr=False)  # the parent of the scored root

    @property
    def date_lines(self) -> list[str]:
        """Where a visible date line may sit, best first (``_date_lines``)."""
        return _date_lines(self.blocks, self.headline_index)

    @property
    def top_lines(self) -> list[str]:
        """Short text lines right around the headline (where a byline sits)."""
        h = self.headline_index
        return [
            b.text
            for b in self.blocks[max(0, h - 3) : h + 12]
            if b.kind == "text" and len(b.text) <= 120 and not b.neg
        ]

    def rival_prose(self, longest: int) -> int:
        """Blocks of running prose outside the chosen container at least half as long as ``longest`` (the
        body's longest paragraph; 50 characters at least): teaser snippets on an index page, none on a page
        whose short story is its only prose."""
        if not self.chosen:
            return 0
        chosen_ids = {id(t) for t in self.chosen}
        floor = max(50, longest // 2)
        return sum(
            1
            for b in self.blocks
            if b.kind == "text"
            and not b.neg
            and len(b.text) >= floor
            and b.link_chars <= 0.3 * len(b.text)
            and _SENTENCE_END.search(b.text)
            and not within(b.owner, chosen_ids, self.stop)
        )

    @property
    def sole_marked_body(self) -> bool:
        """The body sits in the page's one element marked as an article body (``post-body``,
        ``itemprop="articleBody"``; nested markers count once). A blog's index page marks every post."""
        marks = {id(b.marked): b.marked for b in self.blocks if b.marked is not None and b.kind == "text"}
        outer = [m for m in marks.values() if not any(id(a) in marks for a in m.parents)]
        if len(outer) != 1 or not self.chosen:
            return False
        chosen_ids = {id(t) for t in self.chosen}
        return within(outer[0], chosen_ids, self.stop) or any(
            within(t, {id(outer[0])}, self.stop) for t in self.chosen
        )

    @property
    def main_share(self) -> float:
        """Share of the page's running text inside the chosen container (0 on a page with little)."""
        chosen_ids = {id(t) for t in self.chosen}
        running = [
            b
            for b in self.blocks
            if b.kind == "text" and len(b.text) >= 80 and b.link_chars < 0.3 * len(b.text)
        ]
        page_long = sum(len(b.text) for b in running)
        if page_long < 300:
            return 0.0
        return sum(len(b.text) for b in running if within(b.owner, chosen_ids, self.stop)) / page_long

    last_resort: bool = False  # no container gave enough text: the body is the longest prose block


def _class_weight(tag: Tag, text_chars: int) -> float:
    at = boilerplate.attr_text(tag)
    weight = 0.0
    if at:
        neg = classify_attrs_cached(at)[0]
        if neg >= 1:
            weight -= 25
        if boilerplate.is_positive(at):
            # A content-ish name helps a real text container, not a 100-character widget.
            weight += 25 * min(1.0, text_chars / 1000)
    if tag.get("itemprop") == "articleBody":
        weight += 50
    if tag.name == "article":
        weight += 10
    return weight


def _matches_guide(text: str, guide: frozenset[str]) -> bool:
    toks = _WORD.findall(text.lower())
    return bool(toks) and sum(t in guide for t in toks) >= 0.6 * len(toks)


@dataclass(slots=True)
class _Tally:
    """Text under every element that holds a block (keyed by ``id``): all of it, the part in links, and
    the part in long running-text blocks (80+ characters, few links)."""

    total: dict[int, int] = field(default_factory=dict)
    links: dict[int, int] = field(default_factory=dict)
    long: dict[int, int] = field(default_factory=dict)

    def link_share(self, key: int) -> float:
        return self.links.get(key, 0) / max(self.total.get(key, 1), 1)


@dataclass(slots=True)
class _Scores:
    """Readability-style votes: ``raw`` from the blocks, ``final`` with class hints and link density."""

    raw: dict[int, float]
    final: dict[int, float]
    tags: dict[int, Tag]

    def best(self) -> tuple[Tag, float]:
        key = max(self.final, key=self.final.__getitem__)
        return self.tags[key], self.final[key]


def _tally(blocks: list[Block], stop: Tag | None) -> _Tally:
    """Sum every block's text, link text and running text into each of its ancestors."""
    tally = _Tally()
    total, links, long = tally.total, tally.links, tally.long
    for b in blocks:
        n = len(b.text)
        is_long = b.kind == "text" and n >= 80 and b.link_chars < n * 0.3
        anc: Tag | None = b.owner
        while anc is not None and anc is not stop:
            k = id(anc)
            total[k] = total.get(k, 0) + n
            links[k] = links.get(k, 0) + b.link_chars
            if is_long:
                long[k] = long.get(k, 0) + n
            anc = anc.parent
    return tally


def _score_pass(
    blocks: list[Block],
    tally: _Tally,
    stop: Tag | None,
    guide: frozenset[str] | None,
    skip: set[int] | None,
    use_neg: bool,
) -> _Scores:
    """Let every good block (text, 25+ characters, few links; not furniture when ``use_neg``) vote for
    its ancestors up to five levels, then weigh each candidate by class hints and link density."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for b in blocks:
        n = len(b.text)
        ld = b.link_chars / n if n else 1.0
        b.good = b.kind == "text" and not (use_neg and b.neg) and n >= 25 and ld < 0.34
        if b.good and guide is not None:
            b.good = _matches_guide(b.text, guide)
        if b.good and skip and id(b) in skip:
            b.good = False
        if not b.good:
            continue
        points = 1 + len(_COMMAS.findall(b.text)) + min(n // 100, 3)
        if use_neg and b.owner.name in _BARE_TEXT_CONTAINERS:
            # Text written straight into a container (old CMSs: text and <br>s in a <div>) makes
            # that container a candidate too, not only its parent. Only once furniture is known:
            # reader comments are often written the same way.
            k = id(b.owner)
            tags[k] = b.owner
            scores[k] = scores.get(k, 0.0) + points
        anc = b.owner.parent
        level = 1
        while anc is not None and anc is not stop and level <= 5:
            k = id(anc)
            tags[k] = anc
            scores[k] = scores.get(k, 0.0) + points / (1 if level == 1 else 2 if level == 2 else level * 3)
            anc = anc.parent
            level += 1
    final: dict[int, float] = {}
    for k, s in scores.items():
        final[k] = (s + _class_weight(tags[k], tally.total.get(k, 0))) * (1 - tally.link_share(k))
    return _Scores(scores, final, tags)


def _judge_furniture_hints(
    blocks: list[Block], tally: _Tally, top0: Tag, stop: Tag | None, displaced: tuple[Tag, ...] = ()
) -> None:
    """Set ``Block.neg``: which furniture hints around each block really mark furniture.

    The first pick ``top0`` (made ignoring hints) and its ancestors, and anything styled like them, are
    layout wrappers, not furniture. A strong hint (chrome tag, soft role, share/related/ads class) marks
    furniture unless it holds half the running text of ``top0``; a weak one (sidebar, author, widget),
    judged per style, unless its style holds a quarter. When the page marks its article body
    (``post-body``, ``itemprop="articleBody"``) in or around ``top0``, a hinted region outside that
    marked body is furniture whatever it holds. ``displaced``: hinted regions around a first pick that
    gave way to a marked article body (``_marked_body_over_furniture``): furniture.
    """
    exempt: set[int] = set()
    exempt_attrs: set[str] = set()
    node: Tag | None = top0
    while node is not None and node is not stop:
        exempt.add(id(node))
        exempt_attrs.add(boilerplate.attr_text(node))
        node = node.parent
    exempt_attrs.discard("")
    top_long = tally.long.get(id(top0), 0)
    verdicts: dict[int, bool] = {}
    # Weak hints are judged per style: chunks of one article share a wrapper class.
    roots: dict[int, Tag] = {id(r): r for b in blocks for r in b.neg_roots}
    long = _running_text_under(blocks, roots, tally)
    group_long: dict[str, int] = {}
    for k, r in roots.items():
        at = boilerplate.attr_text(r)
        group_long[at] = group_long.get(at, 0) + long.get(k, 0)

    # A weakly hinted box whose heading is a link (a "teaser" card: another story's linked headline and
    # its blurb) is judged on its own, like a strong hint: many such cards after a short story together
    # hold more than a quarter of its text, but each is another story.
    cards = {
        id(r)
        for b in blocks
        if b.kind == "heading" and b.neg_roots and b.link_chars > 0.6 * len(b.text)
        for r in b.neg_roots
    }
    for r in displaced:
        verdicts[id(r)] = True
    # The page's own article-body markers in or around the pick: a hinted region outside them is not a
    # chunk of the story, whatever text it holds (a sidebar "About me" beside a short post).
    top_ids = {id(top0)}
    marked = {id(b.marked): b.marked for b in blocks if b.marked is not None}
    marks = {k for k, m in marked.items() if k in exempt or within(m, top_ids, stop)}

    def effective(r: Tag) -> bool:
        k = id(r)
        if k not in verdicts:
            at = boilerplate.attr_text(r)
            if any(_COMMENT_THREAD.fullmatch(token) for token in at.lower().split()):
                # A reader-comment thread is never the layout around the story, even when the first
                # pick (a long comment) sits inside it.
                verdicts[k] = True
            elif k in exempt or at in exempt_attrs:
                verdicts[k] = False
            elif marks and not within(r, marks, stop):
                verdicts[k] = True
            elif (
                r.name in boilerplate.CHROME_TAGS
                or boilerplate.has_soft_role(r)
                or classify_attrs_cached(at)[0] == 2
            ):
                # share/related/comments/ads: furniture unless it holds most of the story (a box left
                # unclosed by broken markup swallows the rest of the article).
                verdicts[k] = _COMMENTS.search(at.lower()) is not None or long.get(k, 0) < 0.5 * top_long
            elif k in cards:  # a story card (linked headline): furniture unless it holds most of the story
                verdicts[k] = long.get(k, 0) < 0.5 * top_long
            else:  # weak hint (sidebar, author, widget): furniture unless it holds much of the text
                verdicts[k] = group_long.get(at, 0) < 0.25 * top_long
        return verdicts[k]

    for b in blocks:
        if b.neg_roots:
            b.neg = any(effective(r) for r in b.neg_roots)


def _marked_body_over_furniture(
    blocks: list[Block], top0: Tag, stop: Tag | None
) -> tuple[Tag, tuple[Tag, ...]]:
    """The element to judge furniture hints against, and the hinted regions it displaces.

    The first pick ignores furniture hints, so on a short post it can be a sidebar widget ("About me")
    with more running text than the post. When that pick sits inside furniture-hinted elements while an
    element the page marks as its article body (``post-body``, ``entry-content``,
    ``itemprop="articleBody"``) holds text elsewhere, outside those elements, the marked body wins: it
    becomes the first pick, and the hinted elements around the old pick are furniture. Otherwise
    ``(top0, ())``.
    """
    ancestors: dict[int, Tag] = {}
    node: Tag | None = top0
    while node is not None and node is not stop:
        ancestors[id(node)] = node
        node = node.parent
    hinted = {id(r): r for b in blocks for r in b.neg_roots if id(r) in ancestors}
    if not hinted:
        return top0, ()
    top_ids = {id(top0)}
    hinted_ids = set(hinted)
    text: dict[int, int] = {}
    marks: dict[int, Tag] = {}
    for b in blocks:
        if b.marked is None:
            continue
        if id(b.marked) in ancestors or within(b.marked, top_ids, stop):
            return top0, ()  # the first pick holds or sits in a marked body: it is the story's
        if within(b.owner, top_ids, stop):
            continue
        n = len(b.text)
        good = b.kind == "text" and n >= 25 and b.link_chars < 0.34 * n
        if not good or within(b.owner, hinted_ids, stop):
            continue
        text[id(b.marked)] = text.get(id(b.marked), 0) + n
        marks[id(b.marked)] = b.marked
    best = max(text, key=text.__getitem__, default=None)
    if best is None or text[best] < 50:
        return top0, ()
    marked = marks[best]
    around = {id(a) for a in marked.parents}
    return marked, tuple(r for k, r in hinted.items() if k not in around)


def _running_text_under(blocks: list[Block], roots: dict[int, Tag], tally: _Tally) -> dict[int, int]:
    """Running text under each furniture-hinted element. An inline element (a byline ``<span>`` left
    open around a whole post by an editor) owns no block, so the tally of block owners misses it: its
    text is that of the blocks that carry it as a hint."""
    long = tally.long
    inline = {k for k, r in roots.items() if r.name not in BLOCK_TAGS}
    if not inline:
        return long
    held: dict[int, int] = {}
    for b in blocks:
        n = len(b.text)
        if b.kind == "text" and n >= 80 and b.link_chars < n * 0.3:
            for r in b.neg_roots:
                if id(r) in inline:
                    held[id(r)] = held.get(id(r), 0) + n
    return {**long, **{k: max(v, long.get(k, 0)) for k, v in held.items()}}


def _climb_past_dense_box(
    blocks: list[Block], top: Tag, top_score: float, scores: _Scores, tally: _Tally, stop: Tag | None
) -> tuple[Tag, float]:
    """A dense box (fact box, quote panel) can outscore the story around it: climb to an ancestor when
    it holds, close to itself (paragraphs at most two levels down), at least half as much clean running
    text again outside the winner. Teaser lists sit deeper (cards) and do not count."""
    top_good = 0
    near: dict[int, int] = {}
    for b in blocks:
        if not (b.good and len(b.text) >= 80):
            continue
        anc: Tag | None = b.owner
        inside_top = False
        depth = 0
        while anc is not None and anc is not stop:
            if anc is top:
                inside_top = True
                break
            anc = anc.parent
        if inside_top:
            top_good += len(b.text)
            continue
        anc = b.owner.parent
        while anc is not None and anc is not stop and depth < 2:
            near[id(anc)] = near.get(id(anc), 0) + len(b.text)
            anc = anc.parent
            depth += 1
    node = top.parent
    for _ in range(3):
        if node is None or node is stop:
            break
        k = id(node)
        if near.get(k, 0) >= 0.5 * top_good and tally.links.get(k, 0) < 0.2 * max(tally.total.get(k, 1), 1):
            return node, scores.final.get(k, top_score)
        node = node.parent
    return top, top_score


def _with_siblings(
    blocks: list[Block], top: Tag, top_score: float, scores: _Scores, tally: _Tally, stop: Tag | None
) -> list[Tag]:
    """The winner and its siblings that score close to it (same class: a bonus) or read as plain text."""
    chosen = [top]
    parent = top.parent
    if parent is None or parent is stop:
        return chosen
    good_owners = {id(b.owner) for b in blocks if b.good}
    threshold = max(10.0, top_score * 0.2)
    top_class = top.get("class")
    for sib in parent.children:
        if sib is top or not isinstance(sib, Tag):
            continue
        k = id(sib)
        bonus = top_score * 0.2 if top_class and sib.get("class") == top_class else 0.0
        sib_total = tally.total.get(k, 0)
        if sib_total == 0:
            continue
        if scores.final.get(k, -1e9) + bonus >= threshold:
            chosen.append(sib)
            continue
        ld = tally.links.get(k, 0) / sib_total
        textual = (
            sib.name in ("p", "h2", "h3", "blockquote", "ul", "ol") or k in scores.raw or k in good_owners
        )
        if textual and ((sib_total > 80 and ld < 0.25) or (sib_total <= 80 and ld == 0 and sib.name == "p")):
            chosen.append(sib)
    return chosen


def _with_same_styled(chosen: list[Tag], top: Tag, scores: _Scores, tally: _Tally, stop: Tag | None) -> None:
    """Articles split into several same-styled chunks (separated by figures or ads) at different depths:
    add every scored element styled exactly like the winner to ``chosen``.

    A classless winner is styled by its wrapper ("text-container > div" chunks between figures).
    """
    style = top
    if not top.get("class") and top.parent is not None and top.parent is not stop and top.parent.get("class"):
        style = top.parent
    style_cls = style.get("class")
    if not style_cls:
        return
    ancestors = set()
    layout: set[str] = set()  # furniture-hint tokens of the winner's own wrappers
    node: Tag | None = style
    while node is not None:
        if node is not style:
            ancestors.add(id(node))
        if node.attrs:
            layout |= boilerplate.hint_tokens(boilerplate.attr_text(node))
        node = node.parent
    chosen_ids = {id(t) for t in chosen}
    for k, tag in scores.tags.items():
        if k in chosen_ids or k in ancestors or tag is style:
            continue
        if tag.name != style.name or not _same_style(tag.get("class"), style_cls):
            continue
        clean = scores.final.get(k, 0) > 0 and tally.links.get(k, 0) < 0.3 * max(tally.total.get(k, 1), 1)
        if tag.get("class") != style_cls:  # a looser style match must bring running text
            clean = clean and tally.long.get(k, 0) >= 150
        if (
            clean
            and not within(tag, chosen_ids, stop)
            and not _in_own_furniture(tag, ancestors, layout, stop)
        ):
            chosen.append(tag)
            chosen_ids.add(k)


def _in_own_furniture(tag: Tag, shared: set[int], layout: set[str], stop: Tag | None) -> bool:
    """``tag`` sits in a furniture-hinted region of its own (a footer's "Editor's picks" widget styled
    like the post: ``footer-widget > … > entry``), one that does not also hold the winner (``shared``:
    the winner's ancestors). A hint the winner's own wrappers carry too (``layout``: story chunks each
    in an ``article-widget``) is layout, not furniture."""
    node = tag.parent
    while node is not None and node is not stop and id(node) not in shared:
        if node.name in boilerplate.CHROME_TAGS:
            return True
        at = boilerplate.attr_text(node) if node.attrs else ""
        if at and classify_attrs_cached(at)[0] > 0 and not boilerplate.hint_tokens(at) & layout:
            return True
        node = node.parent
    return False


def choose_container(
    blocks: list[Block], root: Tag, guide: frozenset[str] | None = None, *, skip: set[int] | None = None
) -> tuple[list[Tag], dict[int, int]]:
    """Pick the main-content element(s): best-scored candidate plus qualifying siblings.

    ``guide``: words of the publisher's own article text (JSON-LD ``articleBody``); when given, only
    blocks made of those words vote, which keeps fact boxes and teasers from winning.
    ``skip``: ids of blocks that do not vote (a rejected first pick, when looking for the next best).
    Returns the chosen elements and the total text length under every scored ancestor.

    Steps: tally text per element; a first vote ignoring furniture hints (a furniture-looking wrapper
    such as "sidebar-grid" or id "__next" that encloses the best candidate is layout, not furniture);
    judge the hints against that pick; vote again; climb past a dense box; add siblings and
    same-styled chunks.
    """
    stop = root.parent
    tally = _tally(blocks, stop)
    first = _score_pass(blocks, tally, stop, guide, skip, use_neg=False)
    if not first.raw:
        return [], tally.total
    top0, displaced = _marked_body_over_furniture(blocks, first.best()[0], stop)
    _judge_furniture_hints(blocks, tally, top0, stop, displaced)
    scores = _score_pass(blocks, tally, stop, guide, skip, use_neg=True)
    if not scores.raw:
        # Only furniture voted: the first pick stands when it holds text outside furniture (a short post
        # whose one paragraph carries a link, beside a sidebar and comments the vote now leaves out).
        if any(not b.neg and b.kind == "text" and within(b.owner, {id(top0)}, stop) for b in blocks):
            return [top0], tally.total
        return [], tally.total
    top, top_score = _climb_past_dense_box(blocks, *scores.best(), scores, tally, stop)
    chosen = _with_siblings(blocks, top, top_score, scores, tally, stop)
    _with_same_styled(chosen, top, scores, tally, stop)
    return chosen, tally.total


_UTILITY_CLASS = re.compile(r"[:/\[]|^(?:[a-z]{1,3}-|col-|row$)|\d")


def _same_style(a: object, b: object) -> bool:
    """Same class list, or the same leading component class ("RichText RichText--last" ~ "RichText w-8")."""
    if a == b:
        return True
    if not (isinstance(a, str | list) and isinstance(b, str | list)):
        return False
    first_a = (a.split() if isinstance(a, str) else a)[:1]
    first_b = (b.split() if isinstance(b, str) else b)[:1]
    if not first_a or first_a != first_b:
        return False
    return len(first_a[0]) >= 4 and not _UTILITY_CLASS.search(first_a[0])


def _nearest_article(tag: Tag) -> Tag | None:
    return tag if tag.name == "article" else tag.find_parent("article")


def _one_article(chosen: list[Tag], blocks: list[Block], title: str | None) -> list[Tag]:
    """Keep the chunks of one story when same-styled chunks come from several ``<article>`` elements.

    Pages that append the next story below the first (infinite scroll) style both bodies alike. The
    story whose ``<article>`` holds the page headline wins, else the first one on the page. Chunks
    outside any ``<article>`` (a standfirst above it) are kept.
    """
    groups: dict[int, list[Tag]] = {}
    articles: dict[int, Tag] = {}
    loose: list[Tag] = []
    for tag in chosen:
        art = _nearest_article(tag)
        if art is None:
            loose.append(tag)
            continue
        groups.setdefault(id(art), []).append(tag)
        articles[id(art)] = art
    if len(groups) < 2:
        return chosen
    keep: list[Tag] | None = None
    title_norm = normalize_space(title or "").lower()
    if title_norm:
        for key, art in articles.items():
            headings = art.find_all(("h1", "h2"), limit=3)
            if any(normalize_space(h.get_text(" ")).lower() == title_norm for h in headings):
                keep = groups[key]
                break
    if keep is None:
        first: dict[int, int] = {}
        for i, b in enumerate(blocks):
            art = _nearest_article(b.owner)
            if art is not None and id(art) in groups and id(art) not in first:
                first[id(art)] = i
        keep = groups[min(first, key=first.__getitem__)] if first else chosen
    kept = {id(t) for t in keep}
    return [t for t in chosen if id(t) in kept or any(t is x for x in loose)]


# Language of page furniture, in the chosen body: consent walls, newsletter boxes, teaser headers,
# navigation and account links.
_FURNITURE_WORDS = re.compile(
    r"\b(?:cookies?|consent|privacy (?:policy|settings|notice)|we use|our partners|accept all|reject all|"
    r"newsletters?|subscribe|sign (?:up|in)|log ?in|top reads|most (?:read|popular|viewed)|"
    r"trending|read more|related (?:articles|stories)|advertis\w+|all rights reserved|"
    r"terms of (?:use|service)|"
    r"follow us|share (?:this|on)|skip to|main menu|home page|contact us|about us|"
    r"(?:web )?browsers?|javascript|style ?sheets|"
    r"datenschutz|einwilligung|abonnieren|anmelden|mehr zum thema)\b",
    re.I,
)


def _longest_prose(blocks: list[Block], current: list[str]) -> Block | None:
    """The longest block of running prose on the page (sentences, few links, no furniture flag) when it
    is longer than the body found so far."""
    have = sum(len(p) for p in current)
    best: Block | None = None
    for b in blocks:
        n = len(b.text)
        if b.kind not in ("text", "caption") or b.neg or n < max(150, have + 1) or b.link_chars > 0.2 * n:
            continue
        if not _SENTENCE_END.search(b.text) or len(_SENTENCE_SPLIT.findall(b.text)) < 2:
            continue
        if _reads_as_furniture(b.text) or boilerplate.is_junk_line(b.text):
            continue
        if best is None or n > len(best.text):
            best = b
    return best


def _reads_as_furniture(paragraph: str) -> bool:
    """A short line with furniture language, or a longer one dense with it (a consent text)."""
    if len(paragraph) > 600:
        return False  # running text; consent and newsletter blurbs are shorter
    hits = len(_FURNITURE_WORDS.findall(paragraph))
    if not hits:
        return False
    return len(paragraph) < 120 or hits * 12 >= len(paragraph.split())


def implausible_body(paragraphs: list[str], title: str | None, description: str | None) -> str | None:
    """Why a chosen body reads as page furniture rather than a story (None when it reads as a story).

    Looks at the text itself, whatever the markup said: the share of furniture language (consent,
    newsletter, "top reads", navigation) and of short label-like lines (menus, tab titles) next to it.
    A body that shares words with the headline or description is given more room. A body made mostly
    of one short line repeated (a widget's label under every photo) is not a story either.
    """
    if not paragraphs:
        return None
    total = sum(len(p) for p in paragraphs)
    if total == 0:
        return None
    furnished = [_reads_as_furniture(p) for p in paragraphs]
    furniture = sum(len(p) for p, f in zip(paragraphs, furnished, strict=True) if f)
    # Label-like lines: short, no sentence end, no figures (table rows and recipe lines have figures).
    labels = [p for p in paragraphs if len(p) < 40 and not _SENTENCE_END.search(p) and not _DIGIT.search(p)]
    label_chars = sum(len(p) for p in labels)
    prose = sum(
        len(p)
        for p, f in zip(paragraphs, furnished, strict=True)
        if not f and len(p) >= 80 and _SENTENCE_END.search(p)
    )
    repeated = Counter(p.lower() for p in paragraphs if len(p) < 80).most_common(1)
    if repeated and repeated[0][1] >= 3 and repeated[0][1] * len(repeated[0][0]) > 0.5 * total:
        return "repeated lines"  # one widget line per photo or item ("Mouseover photo to load notes")
    head_words = {w for w in _WORD.findall(f"{title or ''} {description or ''}".lower()) if len(w) > 3}
    body_words = {w for w in _WORD.findall(" ".join(paragraphs).lower()) if len(w) > 3}
    on_topic = len(head_words) >= 4 and len(head_words & body_words) >= 0.3 * len(head_words)
    limit = 0.6 if on_topic else 0.4
    if furniture > limit * total and prose < 0.5 * total:
        return "furniture language"
    if (
        not on_topic
        and furniture > 0
        and len(paragraphs) >= 4
        and len(labels) >= 0.7 * len(paragraphs)
        and label_chars > 0.5 * total
    ):
        return "navigation labels"
    return None


def _date_lines(blocks: list[Block], headline: int) -> list[str]:
    """Text where a visible date line may sit, nearest to the headline first.

    Short lines (a date line, a byline with a date) around the headline come first, then the opening of
    longer blocks. Captions, furniture, link lists and related-story teasers are left out: a photo
    caption ("... in Moscow on July 24, 2024") or a teaser's date is not the article's.
    """
    lines: list[tuple[int, int, str]] = []
    for i in range(max(0, headline - 15), min(len(blocks), headline + 40)):
        b = blocks[i]
        n = len(b.text)
        if b.kind in ("caption", "title") or b.neg or b.link_chars > 0.5 * n:
            continue
        distance = headline - i + 0.5 if i < headline else i - headline  # after the headline first
        if n <= 80:
            lines.append((0, int(distance * 2), b.text))
        else:  # a dated opening ("WASHINGTON, Aug. 1 -"), not a date deep in a sentence or caption
            lines.append((1, int(distance * 2), b.text[:100]))
    lines.sort(key=lambda item: (item[0], item[1]))
    return [text for _, _, text in lines]


def _is_labelled_title(low: str, title_norm: str) -> bool:
    """The headline repeated behind a short widget label ("NextImg:<title>", "Gallery: <title>")."""
    if not title_norm or not low.endswith(title_norm) or low == title_norm:
        return False
    label = low[: -len(title_norm)].rstrip()
    return 0 < len(label) <= 24 and label.endswith((":", "|", "»", ">")) and len(label.split()) <= 3


def extract_body(
    root: Tag,
    *,
    title: str | None = None,
    authors: list[str] | None = None,
    guide_text: str | None = None,
    description: str | None = None,
    min_chars: int = 250,
) -> BodyResult:
    """Paragraphs and captions of the main content under ``root`` (usually ``<body>``).

    The best-scored container is checked for plausibility (``implausible_body``); when it reads as
    furniture, or gives less than ``min_chars`` of text, the next best container (the winner's blocks
    left out of the vote) is tried, up to twice, and kept when it does better.
    """
    blocks = build_blocks(root)
    guide = frozenset(_WORD.findall(guide_text.lower())) if guide_text and len(guide_text) >= 400 else None
    chosen, _ = choose_container(blocks, root, guide)
    if guide is not None and not chosen:
        chosen, _ = choose_container(blocks, root)
    chosen = _one_article(chosen, blocks, title)
    page = BodyResult([], [], None, None)
    page.page_text = [b.text for b in blocks]
    page.headline_index = next((i for i, b in enumerate(blocks) if b.kind == "title"), 0)
    # Page statistics leave out regions with a furniture role (menus, banners), as a reader's eye does.
    roots = {id(r): r for b in blocks for r in b.neg_roots}
    soft = {k for k, r in roots.items() if boilerplate.has_soft_role(r)}
    regions = [b for b in blocks if not any(id(r) in soft for r in b.neg_roots)] if soft else blocks
    page.page_chars = sum(len(b.text) for b in regions)
    page.page_link_chars = sum(b.link_chars for b in regions)
    page.headline_links = sum(1 for b in blocks if b.kind == "heading" and b.link_chars > len(b.text) * 0.6)
    page.blocks, page.stop = blocks, root.parent
    if not chosen:
        return page
    stop = root.parent
    best = _collect(chosen, blocks, stop, title, authors)
    verdict = implausible_body(best[0], title, description)
    skipped: set[int] = set()
    for _ in range(2):
        if verdict is None and sum(len(p) for p in best[0]) >= min_chars:
            break
        chosen_ids = {id(t) for t in chosen}
        skipped |= {id(b) for b in blocks if within(b.owner, chosen_ids, stop)}
        alt, _ = choose_container(blocks, root, None, skip=skipped)
        alt = _one_article(alt, blocks, title)
        if not alt:
            break
        found = _collect(alt, blocks, stop, title, authors)
        alt_verdict = implausible_body(found[0], title, description)
        alt_chars = sum(len(p) for p in found[0])
        best_chars = sum(len(p) for p in best[0])
        # A plausible pick that is merely short gives way only to one that reaches ``min_chars``: between
        # two short candidates the vote's first choice stands (a short post, not its trackback box).
        if alt_verdict is None and (verdict is not None or alt_chars > max(best_chars, min_chars - 1)):
            best, verdict, chosen = found, None, alt
    chosen_ids = {id(t) for t in chosen}
    marked = {id(b.marked): b.marked for b in blocks if b.marked is not None}
    marked_pick = any(within(m, chosen_ids, stop) for m in marked.values()) or any(
        within(t, set(marked), stop) for t in chosen
    )
    if verdict is None and sum(len(p) for p in best[0]) < min_chars and not marked_pick:
        # Last resort (slide shows, old layouts): the longest prose block anywhere, a caption included.
        # Not when the pick is text of the page's marked article body: a short post stays short.
        lone = _longest_prose(blocks, best[0])
        if lone is not None:
            best = ([lone.text], [c for c in best[1] if c != lone.text], best[2])
            chosen = [lone.owner]
            page.last_resort = True
    page.paragraphs, page.captions, page.standfirst = best
    page.container = chosen[0]
    page.implausible = verdict
    page.chosen = chosen
    return page


# Text of the story needed before a comment-section opener ("Leave a Reply") ends the body: an opener
# nearer the top is a comment counter beside the byline ("199 comments").
_STORY_BEFORE_COMMENTS = 150


def _card_lists(blocks: list[Block], stop: Tag | None) -> set[int]:
    """Ids of elements that are lists of story cards: three or more headings that are links (other
    stories' headlines), each with at most a short blurb ("More from …" after the story).

    A card list is the lowest element holding three linked headings; its text besides the headings must
    average under 250 characters a heading with no block over 400 (a buying guide whose product headings
    link to shops carries paragraphs of its own).
    """
    linked = [b for b in blocks if b.kind == "heading" and b.link_chars > 0.6 * len(b.text)]
    if len(linked) < 3:
        return set()
    counts: dict[int, int] = {}
    elements: dict[int, Tag] = {}
    for b in linked:
        node = b.owner.parent
        for _ in range(5):
            if node is None or node is stop:
                break
            counts[id(node)] = counts.get(id(node), 0) + 1
            elements[id(node)] = node
            node = node.parent
    lists: set[int] = set()
    for b in linked:
        node = b.owner.parent
        for _ in range(5):
            if node is None or node is stop:
                break
            if counts.get(id(node), 0) >= 3:
                lists.add(id(node))
                break
            node = node.parent
    cards: set[int] = set()
    for key in lists:
        inside = [b for b in blocks if b.kind == "text" and within(b.owner, {key}, stop)]
        chars = sum(len(b.text) for b in inside)
        if chars <= 250 * counts[key] and all(len(b.text) <= 400 for b in inside):
            cards.add(key)
    return cards


def _next_bullet(b: Block, i: int, summary_list: Tag | None, summary_last: int) -> bool:
    """Block ``i`` is the next item of the bulleted list whose first item became the standfirst."""
    return (
        summary_list is not None
        and i == summary_last + 1
        and b.owner.name == "li"
        and b.owner.parent is summary_list
        and b.kind == "text"
    )


def _collect(
    chosen: list[Tag], blocks: list[Block], stop: Tag | None, title: str | None, authors: list[str] | None
) -> tuple[list[str], list[str], str | None]:
    """Paragraphs, captions and standfirst of the chosen containers, furniture lines filtered out; a
    comment-section opener after the story ("Leave a Reply", "12 Responses to …") ends them."""
    standfirst: str | None = None
    chosen_ids = {id(t) for t in chosen}
    title_norm = (title or "").strip().lower()
    author_norm = {a.lower() for a in (authors or [])}
    paragraphs: list[str] = []
    kinds: list[str] = []
    captions: list[str] = []
    seen: set[str] = set()
    first_inside: int | None = None
    kept_chars = 0
    comments_open = False
    # A standfirst written as a list of bullets ("summary-list") is the whole list, not its first item.
    summary_list: Tag | None = None
    summary_last = -1
    # Story cards inside the pick are left out; a pick that is itself inside a card list stays whole.
    cards = {k for k in _card_lists(blocks, stop) if not any(within(t, {k}, stop) for t in chosen)}
    inside_flags = [
        within(b.owner, chosen_ids, stop) and not (cards and within(b.owner, cards, stop)) for b in blocks
    ]
    inside_idx = [i for i, flag in enumerate(inside_flags) if flag]
    # Captions count from the headline (lead image) to the end of the main content.
    cap_start = inside_idx[0] if inside_idx else 0
    for i in range(cap_start - 1, -1, -1):
        if blocks[i].kind == "title":
            cap_start = i
            break
    cap_end = inside_idx[-1] if inside_idx else -1
    for i, b in enumerate(blocks):
        inside = inside_flags[i]
        if not inside and b.kind == "caption" and cap_start <= i <= cap_end and not b.neg:
            if b.text not in captions:
                captions.append(b.text)
            continue
        if not inside:
            if standfirst is not None and _next_bullet(b, i, summary_list, summary_last):
                standfirst = f"{standfirst}\n{b.text}"  # the next bullet of a summary list
                summary_last = i
                continue
            if (
                standfirst is None
                and first_inside is None
                and b.standfirst
                and b.kind == "text"
                and 30 <= len(b.text) <= 800
                and b.link_chars < len(b.text) * 0.3
            ):
                standfirst = b.text
                summary_list = b.owner.parent if b.owner.name == "li" else None
                summary_last = i
            continue
        if first_inside is None:
            first_inside = i
        if b.kind == "caption":
            if b.text not in captions:
                captions.append(b.text)
            continue
        if b.kind == "title":
            continue
        if b.neg:
            continue
        n = len(b.text)
        ld = b.link_chars / n
        sentence = (
            b.owner.name == "p"
            and n >= 50
            and _SENTENCE_END.search(b.text) is not None
            and not _READ_MORE.match(b.text)
        )
        # A list item that links its lead but carries sentences of its own (news round-ups) stays.
        told_item = n >= 100 and n - b.link_chars >= 60 and _SENTENCE_END.search(b.text) is not None
        if (
            (ld > 0.5 and n < 200 and not (sentence or (b.owner.name == "li" and told_item)))
            or ld > 0.8
            or (b.owner.name == "li" and ld > 0.3 and not told_item)
        ):
            continue  # link lists and "Read more: <link>" lines; a linked sentence in a <p> stays
        if b.standfirst and standfirst is None and not paragraphs and 30 <= n <= 800:
            standfirst = b.text  # inside the main content: the subtitle, and it also opens the body
            summary_list = b.owner.parent if b.owner.name == "li" else None
            summary_last = i
        elif _next_bullet(b, i, summary_list, summary_last) and standfirst is not None:
            standfirst = f"{standfirst}\n{b.text}"
            summary_last = i
        for piece in b.pieces:
            if kept_chars >= _STORY_BEFORE_COMMENTS and boilerplate.opens_comments(piece):
                comments_open = True  # "Leave a Reply" after the story: the rest is the comment section
                break
            low = piece.lower()
            if boilerplate.is_junk_line(piece) or (len(low) >= 100 and low in seen):
                continue
            bare = piece.strip("/|·•-–— ")
            if n < 150 and (
                _BYLINE.match(bare)
                or _DATELINE_ONLY.match(bare)
                or _TIME_ONLY.match(bare)
                or _STAMP.match(bare)
                or is_role_line(bare)
                or low in author_norm
            ):
                continue
            if low == title_norm or _is_labelled_title(low, title_norm):
                continue
            seen.add(low)
            paragraphs.append(piece)
            kinds.append(b.kind)
            kept_chars += len(piece)
        if comments_open:
            break
    # Drop trailing headings ("More on this story", "Related").
    while kinds and kinds[-1] == "heading":
        paragraphs.pop()
        kinds.pop()
    return paragraphs, captions, standfirst
