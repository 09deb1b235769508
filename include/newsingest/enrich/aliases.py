"""Cross-document canonical names from the shipped alias table (``data/entity_aliases.json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from newsingest.config import DATA_DIR
from newsingest.enrich.geo import fold
from newsingest.models import EntityType


@dataclass(frozen=True)
class Alias:
    name: str  # canonical name
    type: EntityType
    country: str | None = None
    kind: str | None = None  # for locations: country, region, city


class AliasTable:
    """Alias lookups: case-sensitive for short acronyms that are also words (US, WHO, IS)."""

    def __init__(self, entries: list[dict]) -> None:
        self._exact: dict[str, Alias] = {}
        self._folded: dict[str, Alias] = {}
        for entry in entries:
            for field in ("name", "type"):
                if not entry.get(field):
                    raise ValueError(f"entity alias entry {entry!r} has no {field!r}")
            alias = Alias(entry["name"], entry["type"], entry.get("country"), entry.get("kind"))
            for text in entry.get("exact", []):
                self._exact[text] = alias
            for text in [entry["name"], *entry.get("aliases", [])]:
                self._folded[fold(text)] = alias

    def lookup(self, text: str) -> Alias | None:
        hit = self._exact.get(text)
        if hit is not None:
            return hit
        return self._folded.get(fold(text))

    @classmethod
    def from_file(cls, path=None) -> AliasTable:
        path = path or DATA_DIR / "entity_aliases.json"
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read entity alias table {path}: {exc}") from exc
        return cls(data.get("entries", []))


@cache
def default_aliases() -> AliasTable:
    return AliasTable.from_file()
