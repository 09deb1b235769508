"""Feeds (RSS 2.0, Atom 1.0) and sitemaps (urlset, sitemap index, Google News) for each publisher.

Every URL is absolute and built from the base URL the site is served at, so any port works.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newsingest.sample_site.catalog import SampleArticle
from newsingest.sample_site.layouts.common import PageContext, esc, image_path, iso, rfc822

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def feed_articles(ctx: PageContext) -> list[SampleArticle]:
    """Everything the publisher's feed lists (including out-of-window items), newest first."""
    arts = [a for a in ctx.catalog.articles if a.publisher == ctx.publisher.id and a.in_feed]
    return sorted(arts, key=lambda a: a.published_utc, reverse=True)


def sitemap_articles(ctx: PageContext) -> list[SampleArticle]:
    arts = [a for a in ctx.catalog.articles if a.publisher == ctx.publisher.id and a.in_sitemap]
    return sorted(arts, key=lambda a: a.published_utc, reverse=True)


def _summary(art: SampleArticle) -> str:
    return art.subtitle or art.paragraphs[0]


def rss(ctx: PageContext) -> str:
    """RSS 2.0; the Ledger and the wire differ in date style, the aggregator adds ``content:encoded``."""
    pub = ctx.publisher
    items = []
    for art in feed_articles(ctx):
        gmt = pub.id == "wire"
        when = art.published_utc if gmt else art.published
        parts = [
            f"<title>{esc(art.title)}</title>",
            f"<link>{esc(ctx.url(art.path))}</link>",
            f'<guid isPermaLink="{"true" if pub.id != "wire" else "false"}">'
            + (esc(ctx.url(art.path)) if pub.id != "wire" else f"mpa:{art.id}")
            + "</guid>",
            f"<pubDate>{rfc822(when, gmt=gmt)}</pubDate>",
            f"<description>{esc(_summary(art))}</description>",
        ]
        parts += [f"<dc:creator>{esc(a)}</dc:creator>" for a in art.authors]
        parts += [f"<category>{esc(t)}</category>" for t in art.tags]
        if pub.id == "ledger" and art.captions:
            parts.append(
                f'<media:content url="{esc(ctx.url(image_path(art)))}" medium="image" width="620">'
                f"<media:credit>{esc(art.captions[0].credit)}</media:credit></media:content>"
            )
        if pub.id == "pulse":
            body = "".join(f"<p>{esc(p)}</p>" for p in art.paragraphs)
            parts.append(f"<content:encoded><![CDATA[{body}]]></content:encoded>")
        if art.language != pub.language:
            parts.append(f"<dc:language>{art.language}</dc:language>")
        items.append("<item>" + "".join(parts) + "</item>")
    latest = max((a.last_modified for a in feed_articles(ctx)), default=datetime(2026, 11, 1, tzinfo=UTC))
    return (
        XML_DECL
        + '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
        f"<channel><title>{esc(pub.name)}</title><link>{esc(ctx.url(pub.base_path))}</link>"
        f"<description>Latest stories from {esc(pub.name)}</description><language>{pub.language}</language>"
        f'<atom:link href="{esc(ctx.url(pub.feed_path))}" rel="self" type="application/rss+xml"/>'
        f"<lastBuildDate>{rfc822(latest)}</lastBuildDate><ttl>15</ttl>\n"
        + "\n".join(items)
        + "\n</channel></rss>\n"
    )


def atom(ctx: PageContext) -> str:
    pub = ctx.publisher
    entries = []
    arts = feed_articles(ctx)
    for art in arts:
        authors = "".join(f"<author><name>{esc(a)}</name></author>" for a in art.authors)
        cats = "".join(f'<category term="{esc(t)}"/>' for t in art.tags)
        entries.append(
            f"<entry><id>tag:morningbuzz.example,2026:{art.id}</id><title>{esc(art.title)}</title>"
            f'<link rel="alternate" type="text/html" href="{esc(ctx.url(art.path))}"/>'
            f"<published>{iso(art.published)}</published><updated>{iso(art.last_modified)}</updated>"
            f"{authors}{cats}<summary>{esc(_summary(art))}</summary></entry>"
        )
    updated = max((a.last_modified for a in arts), default=datetime(2026, 11, 1, tzinfo=UTC))
    return (
        XML_DECL + '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"<title>{esc(pub.name)}</title><id>tag:morningbuzz.example,2026:feed</id>"
        f'<link rel="self" href="{esc(ctx.url(pub.feed_path))}"/>'
        f'<link rel="alternate" href="{esc(ctx.url(pub.base_path))}"/>'
        f"<updated>{iso(updated)}</updated>\n" + "\n".join(entries) + "\n</feed>\n"
    )


def urlset(ctx: PageContext, *, with_sections: bool = True) -> str:
    """A regular sitemap; the wire writes date-only ``lastmod`` values, the others full timestamps."""
    pub = ctx.publisher
    rows = []
    for art in sitemap_articles(ctx):
        lastmod = art.last_modified.date().isoformat() if pub.id == "wire" else iso(art.last_modified)
        img = ""
        if art.captions and pub.id != "wire":
            img = (
                f"<image:image><image:loc>{esc(ctx.url(image_path(art)))}</image:loc>"
                f"<image:caption>{esc(art.captions[0].text)}</image:caption></image:image>"
            )
        rows.append(
            f"<url><loc>{esc(ctx.url(art.path))}</loc><lastmod>{lastmod}</lastmod>"
            f"<changefreq>daily</changefreq>{img}</url>"
        )
    if with_sections:
        rows += [
            f"<url><loc>{esc(ctx.url(pub.section_path(s)))}</loc><changefreq>hourly</changefreq></url>"
            for s in pub.sections
        ]
    return (
        XML_DECL + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
    )


def news_sitemap(ctx: PageContext) -> str:
    """Google News sitemap with ``news:publication_date``, ``news:title`` and ``news:keywords``."""
    rows = []
    for art in sitemap_articles(ctx):
        if not ctx.catalog.in_window(art):
            continue
        rows.append(
            f"<url><loc>{esc(ctx.url(art.path))}</loc><news:news><news:publication>"
            f"<news:name>{esc(ctx.publisher.name)}</news:name><news:language>{art.language}</news:language>"
            f"</news:publication><news:publication_date>{iso(art.published)}</news:publication_date>"
            f"<news:title>{esc(art.title)}</news:title>"
            f"<news:keywords>{esc(', '.join(art.tags))}</news:keywords>"
            "</news:news></url>"
        )
    return (
        XML_DECL + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + "\n".join(rows) + "\n</urlset>\n"
    )


def sitemap_index(ctx: PageContext, children: dict[str, datetime]) -> str:
    rows = [
        f"<sitemap><loc>{esc(ctx.url(path))}</loc><lastmod>{iso(when)}</lastmod></sitemap>"
        for path, when in children.items()
    ]
    return (
        XML_DECL
        + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(rows)
        + "\n</sitemapindex>\n"
    )
