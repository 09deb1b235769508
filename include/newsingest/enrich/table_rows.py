"""Rows of a list or table hold one kind of thing.

Results lists, standings and line-ups put one name at the head of each line, followed by figures
("3. Anna Berg ( Norway ) 4:02.11", "Hartwell 4 3 1 0 7 4 10"). The model reads each line on its own and
types the same column differently from row to row, or not at all. A block of three or more such lines
is one table: the head names whose type the model (and the other votes) agree on decide the type of the
column, and a head name in that column that the model missed becomes a mention of that type.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from newsingest.models import EntityType

_NAME = (
    r"(?:[A-Z]\.[ \t]?){0,2}[A-Z][\w'’.-]*"
    r"(?:[ \t]+(?:(?:de|da|van|von|der|den|del|di|le|la|al|bin|of)[ \t]+)?[A-Z][\w'’.-]*){0,4}"
)
# The head of a row: an optional rank ("3.", "12)", "-") then a name of up to five capitalised words
# (initials, hyphens, apostrophes and name particles allowed), then the rest of the line.
_ROW = re.compile(r"^[ \t]*(?:\d{1,3}[.)]?[ \t]+|[-–•*][ \t]+)?(?P<name>" + _NAME + r")(?P<rest>.*)$")
# A further cell of a row: a name right after a figure or a "v" ("Hartwell 2 Oakmoor 1", "Hartwell v
# Oakmoor").
_NEXT_CELL = re.compile(r"(?:\d[ \t]+|[ \t]vs?\.?[ \t]+)(?P<name>" + _NAME + r")")
MAX_ROW_CHARS = 120  # a longer line is prose, not a row
MIN_ROWS = 3  # lines of one block
MIN_SHARE = 0.6  # of the typed head names that must agree
ROW_TYPES = ("person", "organisation", "location")
_LABELS = {"person": "PERSON", "organisation": "ORG", "location": "GPE"}


@dataclass(frozen=True, slots=True)
class RowHead:
    """One name cell of a row: its offsets, text and column (0 for the head, 1 for the next ...)."""

    start: int
    end: int
    text: str
    column: int = 0


def table_blocks(text: str) -> list[list[RowHead]]:
    """Blocks of three or more consecutive lines that each start with a name followed by a figure: the
    name cells of their rows."""
    blocks: list[list[RowHead]] = []
    current: list[RowHead] = []
    rows = 0
    pos = 0
    for line in text.split("\n"):
        cells = _row_cells(line, pos)
        if cells:
            current.extend(cells)
            rows += 1
        else:
            if rows >= MIN_ROWS:
                blocks.append(current)
            current, rows = [], 0
        pos += len(line) + 1
    if rows >= MIN_ROWS:
        blocks.append(current)
    return blocks


def _row_cells(line: str, offset: int) -> list[RowHead]:
    head = _row_head(line, offset)
    if head is None:
        return []
    cells = [head]
    rel = head.end - offset
    for match in _NEXT_CELL.finditer(line, rel):
        name = match.group("name").rstrip(".'’-")
        start = offset + match.start("name")
        cells.append(RowHead(start, start + len(name), name, len(cells)))
    return cells


def _row_head(line: str, offset: int) -> RowHead | None:
    if len(line) > MAX_ROW_CHARS:
        return None
    match = _ROW.match(line)
    if match is None or not any(ch.isdigit() for ch in match.group("rest")):
        return None
    name = match.group("name").rstrip(".'’-")
    rest = match.group("rest")
    if rest[:1].isalpha() or rest.lstrip()[:1].islower() or rest.lstrip()[:1] in ":=":
        return None  # a sentence ("Smith said on Monday 3 ...") or a label ("Attendance : 15,150")
    start = offset + match.start("name")
    return RowHead(start, start + len(name), name)


def column_type(votes: Sequence[str]) -> EntityType | None:
    """The type most of the typed head names of a block agree on (at least two and ``MIN_SHARE``)."""
    typed = [t for t in votes if t in ROW_TYPES]
    if len(typed) < 2:
        return None
    kind, n = Counter(typed).most_common(1)[0]
    return cast(EntityType, kind) if n >= MIN_SHARE * len(typed) else None


def label_for(kind: str) -> str:
    return _LABELS[kind]
