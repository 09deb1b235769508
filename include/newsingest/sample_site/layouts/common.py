"""Helpers shared by the publisher layouts: escaping, date formats, JSON-LD, link lists."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape
from typing import Any

from newsingest.sample_site.catalog import Catalog, Publisher, SampleArticle


def esc(text: str | None) -> str:
    """HTML-escape text for element content and quoted attributes."""
    return escape(text or "", quote=True)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def rfc822(when: datetime, *, gmt: bool = False) -> str:
    """RSS date: ``Tue, 03 Nov 2026 13:05:00 +0000`` (or ``GMT`` when ``gmt``)."""
    return format_datetime(when, usegmt=gmt) if gmt else format_datetime(when)


def iso(when: datetime) -> str:
    return when.isoformat()


def json_ld(data: dict[str, Any]) -> str:
    """A ``<script type="application/ld+json">`` block (``</`` escaped so it cannot close the script)."""
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def image_path(article: SampleArticle, index: int = 0) -> str:
    return f"/static/img/{article.id}-{index}.png"


@dataclass(frozen=True)
class PageContext:
    """What a layout needs besides the article: the site's base URL and the other articles."""

    base: str  # e.g. http://127.0.0.1:8765 (no trailing slash)
    catalog: Catalog
    publisher: Publisher

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    @functools.cached_property
    def _own(self) -> tuple[SampleArticle, ...]:
        pub = self.publisher.id
        arts = [a for a in self.catalog.articles if a.publisher == pub and self.catalog.in_window(a)]
        return tuple(sorted(arts, key=lambda a: a.published_utc, reverse=True))

    @functools.cached_property
    def _own_by_section(self) -> dict[str, list[SampleArticle]]:
        out: dict[str, list[SampleArticle]] = {}
        for art in self._own:
            out.setdefault(art.section, []).append(art)
        return out

    def own_articles(self) -> list[SampleArticle]:
        """This publisher's articles in the window, newest first (computed once per context)."""
        return list(self._own)

    def related(self, article: SampleArticle, n: int = 4) -> list[SampleArticle]:
        """Other articles of the same publisher, same section first, newest first (a few lookups, so a
        site of thousands of articles builds in seconds)."""
        out: list[SampleArticle] = []
        same = self._own_by_section.get(article.section, [])
        for pool, wanted in ((same, True), (self._own, False)):
            for art in pool:
                if len(out) == n:
                    return out
                if art.id != article.id and (art.section == article.section) == wanted:
                    out.append(art)
        return out

    def section_articles(self, section: str) -> list[SampleArticle]:
        return [a for a in self.own_articles() if a.section == section and a.in_section]


def link_list(articles: Iterable[SampleArticle], cls: str, *, with_date: bool = False) -> str:
    items = []
    for art in articles:
        when = f' <time datetime="{iso(art.published)}">{art.published:%d %b}</time>' if with_date else ""
        items.append(f'<li><a href="{esc(art.path)}">{esc(art.title)}</a>{when}</li>')
    return f'<ul class="{cls}">' + "".join(items) + "</ul>"
