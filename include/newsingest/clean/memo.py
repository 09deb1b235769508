"""The clean stage's memo: a rerun of a batch does not clean an unchanged page again.

A run that is repeated (a rerun of the day, a retried clean task) fetches the same pages again, mostly
as ``304 Not Modified`` re-processed from the archive. Cleaning is deterministic: the same response text,
URL, hints, settings and cleaner code give the same outcome. So each clean task writes, beside its
output, a memo: for every page, a key over all of those inputs and where its outcome sits in the output
files (which line of the articles or dropped-pages file). The next attempt of the same batch reads the
previous outputs through the memo and cleans only the pages whose key is new.

The cleaner's code is part of the key (:func:`cleaner_fingerprint`, a hash of the cleaner's sources and
the parser versions), so an upgraded cleaner never reuses an old outcome. A memo line whose output line
is missing or for another URL (outputs and memo written by different attempts) is ignored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from newsingest import storage
from newsingest.fingerprint import code_fingerprint
from newsingest.models import CleanedArticle, DroppedPage

# The code a cleaning outcome depends on, below the newsingest package, and the parsers it uses.
_SOURCES = ("clean/**/*.py", "web/**/*.py", "names.py", "models.py")
_PARSERS = ("beautifulsoup4", "lxml")


def cleaner_fingerprint() -> str:
    """A hash of the cleaner's source files and parser versions: any change gives another value."""
    return code_fingerprint(_SOURCES, _PARSERS)


def page_key(text: str, **inputs: Any) -> str:
    """The key of one page's cleaning: its response text and every other input (URL, hints, settings,
    declared domains), with the cleaner's fingerprint."""
    digest = hashlib.sha256(cleaner_fingerprint().encode())
    digest.update(json.dumps(inputs, sort_keys=True, default=str).encode())
    digest.update(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
    return digest.hexdigest()


@dataclass
class CleanMemo:
    """The previous attempt's outcomes by page key; collects this attempt's entries as it goes."""

    previous: dict[str, CleanedArticle | DroppedPage] = field(default_factory=dict)
    entries: list[dict[str, Any]] = field(default_factory=list)
    reused: int = 0

    @classmethod
    def read(cls, memo_path: str, articles_path: str, dropped_path: str) -> CleanMemo:
        """The memo of the batch's previous attempt (empty when there is none or it cannot be read)."""
        try:
            if not storage.exists(memo_path):
                return cls()
            rows = list(storage.read_jsonl_gz(memo_path))
            outputs = {
                "article": [CleanedArticle.from_json(r) for r in storage.read_jsonl_gz(articles_path)],
                "dropped": [DroppedPage.from_json(r) for r in storage.read_jsonl_gz(dropped_path)],
            }
        except Exception:  # a memo only saves time: anything unreadable means cleaning again
            return cls()
        previous: dict[str, CleanedArticle | DroppedPage] = {}
        for row in rows:
            lines = outputs.get(row.get("kind", ""), [])
            line = row.get("line", -1)
            if isinstance(line, int) and 0 <= line < len(lines) and lines[line].url == row.get("url"):
                previous[row["key"]] = lines[line]
        return cls(previous=previous)

    def get(self, key: str) -> CleanedArticle | DroppedPage | None:
        found = self.previous.get(key)
        if found is not None:
            self.reused += 1
            return found.model_copy(deep=True)
        return None

    def note(self, key: str, url: str, kind: str, line: int) -> None:
        """This attempt wrote ``url``'s outcome at ``line`` of its ``kind`` ("article"/"dropped") file."""
        self.entries.append({"key": key, "url": url, "kind": kind, "line": line})

    def write(self, memo_path: str) -> None:
        storage.write_jsonl_gz(memo_path, self.entries)
