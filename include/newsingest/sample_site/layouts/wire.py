"""Meridian Press Agency: a spare wire-service layout with schema.org microdata and a paginated ticker."""

from __future__ import annotations

from newsingest.sample_site.catalog import SampleArticle
from newsingest.sample_site.layouts.common import PageContext, esc, iso

SECTION_TITLES = {"latest": "Latest", "world": "World", "markets": "Markets", "deutsch": "Deutsch"}
PAGE_SIZE = 5


def _head(ctx: PageContext, title: str, path: str, lang: str = "en", extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{esc(title)} - Meridian Press Agency</title>
<link rel="canonical" href="{esc(ctx.url(path))}">
{extra}
</head>
<body>
<div id="top"><a href="/wire/">MERIDIAN PRESS AGENCY</a> <span class="tagline">Independent news since 1951</span>
<ul class="menu">{"".join(f'<li><a href="{ctx.publisher.section_path(s)}">{SECTION_TITLES[s]}</a></li>' for s in ctx.publisher.sections)}</ul></div>"""  # noqa: E501


_FOOT = """<div id="foot"><p>Our Standards: <a href="/wire/principles">The MPA Trust Principles</a>.</p>
<p>All quotes delayed a minimum of 15 minutes. &copy; 2026 Meridian Press Agency. Rue de la Loi 200, Brussels.</p></div>
</body>
</html>"""  # noqa: E501


def _stamp(art: SampleArticle) -> str:
    """``November 2, 2026 11:04 AM GMT+1`` (the wire prints its own local offset)."""
    when = art.published
    offset = when.utcoffset()
    assert offset is not None, "catalog articles are timezone-aware"
    hours = int(offset.total_seconds() // 3600)
    zone = "GMT" if hours == 0 else f"GMT{hours:+d}"
    return f"{when:%B} {when.day}, {when.year} {when:%I:%M %p} {zone}"


def _credit_line(art: SampleArticle) -> str:
    if art.language == "de":
        who = ", ".join(art.authors) or "MPA-Redaktion"
        return f"(Berichterstattung: {esc(who)}; Redigiert von Anna Keller)"
    who = ", ".join(art.authors) or "MPA staff"
    return f"(Reporting by {esc(who)}; Editing by Mark Potter)"


def render_article(ctx: PageContext, art: SampleArticle) -> str:
    extra = (
        f'<meta name="description" content="{esc(art.paragraphs[0][:180])}">\n'
        f'<meta name="keywords" content="{esc(", ".join(art.tags))}">\n'
        f'<meta name="dc.language" content="{art.language}">'
    )
    authors = "".join(
        f'<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
        f'<span itemprop="name">{esc(a)}</span></span> '
        for a in art.authors
    )
    byline = f'<p class="byline">By {authors}</p>' if art.authors else ""
    paras = "\n".join(f"<p>{esc(p)}</p>" for p in art.paragraphs)
    updated = f'<meta itemprop="dateModified" content="{iso(art.modified)}">' if art.modified else ""
    stamp = _stamp(art)
    return f"""{_head(ctx, art.title, art.path, art.language, extra)}
<div id="content" itemscope itemtype="https://schema.org/NewsArticle">
<meta itemprop="datePublished" content="{iso(art.published)}">
{updated}
<meta itemprop="inLanguage" content="{art.language}">
<span itemprop="publisher" itemscope itemtype="https://schema.org/Organization"><meta itemprop="name" content="Meridian Press Agency"></span>
<h1 itemprop="headline">{esc(art.title)}</h1>
{byline}
<p class="timestamp">{esc(stamp)}</p>
<div class="story" itemprop="articleBody">
{paras}
<p class="credit-line">{_credit_line(art)}</p>
</div>
<p class="tags">Topics: {esc(", ".join(art.tags))}</p>
</div>
{_FOOT}"""  # noqa: E501


def _listing(ctx: PageContext, title: str, path: str, articles: list[SampleArticle], pager: str = "") -> str:
    rows = "\n".join(
        f'<tr><td class="t">{a.published_utc:%d %b %H:%M} GMT</td>'
        f'<td><a href="{a.path}">{esc(a.title)}</a></td></tr>'
        for a in articles
    )
    return f"""{_head(ctx, title, path)}
<div id="content"><h1>{esc(title)}</h1>
<table class="ticker">{rows}</table>
{pager}
</div>
{_FOOT}"""


def section_pages(ctx: PageContext, section: str) -> dict[str, str]:
    """Path -> HTML for a section; ``latest`` is paginated (``/wire/latest/page/2/`` ...)."""
    if section != "latest":
        path = ctx.publisher.section_path(section)
        return {path: _listing(ctx, SECTION_TITLES[section], path, ctx.section_articles(section))}
    arts = [a for a in ctx.own_articles() if a.in_section]
    chunks = [arts[i : i + PAGE_SIZE] for i in range(0, len(arts), PAGE_SIZE)] or [[]]
    pages: dict[str, str] = {}
    base = ctx.publisher.section_path("latest")
    for n, chunk in enumerate(chunks, start=1):
        path = base if n == 1 else f"{base}page/{n}/"
        links = []
        if n > 1:
            links.append(f'<a rel="prev" href="{base if n == 2 else f"{base}page/{n - 1}/"}">Newer</a>')
        if n < len(chunks):
            links.append(f'<a rel="next" href="{base}page/{n + 1}/">Older</a>')
        pages[path] = _listing(ctx, "Latest", path, chunk, f'<p class="pager">{" ".join(links)}</p>')
    return pages


def render_home(ctx: PageContext) -> str:
    return _listing(ctx, "Top news", ctx.publisher.base_path, ctx.own_articles()[:6])
