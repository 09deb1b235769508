"""The Daily Ledger: a broadsheet with JSON-LD, OpenGraph, semantic ``<article>`` markup and a live blog."""

from __future__ import annotations

from newsingest.sample_site.catalog import SampleArticle
from newsingest.sample_site.layouts.common import (
    PageContext,
    esc,
    image_path,
    iso,
    json_ld,
    link_list,
    slugify,
)

SECTION_TITLES = {
    "politics": "Politics",
    "business": "Business",
    "world": "World news",
    "science": "Science",
    "health": "Health",
    "sport": "Sport",
    "culture": "Culture",
    "uk-news": "UK news",
    "live": "Live",
}


def _stamp(art_time) -> str:
    zone = "GMT" if art_time.utcoffset().total_seconds() == 0 else art_time.strftime("%z")
    return f"{art_time:%a} {art_time.day} {art_time:%b %Y %H.%M} {zone}"


def _head(ctx: PageContext, title: str, path: str, extra: str = "", description: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} | The Daily Ledger</title>
<meta name="description" content="{esc(description)}">
<link rel="canonical" href="{esc(ctx.url(path))}">
<link rel="alternate" type="application/rss+xml" title="The Daily Ledger" href="{ctx.url("/ledger/feed.xml")}">
<link rel="stylesheet" href="/static/ledger.css">
{extra}
</head>"""  # noqa: E501


def _masthead(ctx: PageContext) -> str:
    nav = "".join(
        f'<li><a href="{ctx.publisher.section_path(s)}">{SECTION_TITLES[s]}</a></li>'
        for s in ctx.publisher.sections
    )
    return f"""<body class="ledger">
<a class="skip-link" href="#maincontent">Skip to main content</a>
<header class="masthead" role="banner">
 <div class="masthead__top"><span class="edition">UK edition</span>
  <a class="support" href="/ledger/support/">Support the Ledger</a> <a href="/ledger/signin/">Sign in</a></div>
 <a class="logo" href="/ledger/"><span class="visually-hidden">The Daily Ledger - Back to home</span>THE DAILY LEDGER</a>
 <nav class="sections" aria-label="Sections"><ul>{nav}</ul></nav>
</header>"""  # noqa: E501


def _footer() -> str:
    return """<footer class="site-footer" role="contentinfo">
 <ul><li><a href="/ledger/about/">About us</a></li><li><a href="/ledger/contact/">Contact us</a></li>
 <li><a href="/ledger/complaints/">Complaints &amp; corrections</a></li><li><a href="/ledger/privacy/">Privacy policy</a></li>
 <li><a href="/ledger/cookies/">Cookie policy</a></li><li><a href="/private/drafts/">Staff drafts</a></li></ul>
 <p>&copy; 2026 The Daily Ledger Media Group. All rights reserved.</p>
</footer>
</body>
</html>"""  # noqa: E501


def _article_ld(ctx: PageContext, art: SampleArticle) -> dict:
    data: dict = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting" if art.kind == "liveblog" else "NewsArticle",
        "headline": art.title,
        "description": art.subtitle,
        "datePublished": iso(art.published),
        "dateModified": iso(art.last_modified),
        "author": [
            {"@type": "Person", "name": n, "url": ctx.url(f"/ledger/profile/{slugify(n)}/")}
            for n in art.authors
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": "The Daily Ledger",
            "logo": {"@type": "ImageObject", "url": ctx.url("/static/img/ledger-logo.png")},
        },
        "mainEntityOfPage": ctx.url(art.path),
        "articleSection": SECTION_TITLES[art.section],
        "keywords": list(art.tags),
        "inLanguage": "en-GB",
        "image": [ctx.url(image_path(art))],
        "isAccessibleForFree": art.kind != "paywall",
    }
    if art.kind == "paywall":
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".paywalled",
        }
    if art.kind == "liveblog":
        data["coverageStartTime"] = iso(art.published)
        data["coverageEndTime"] = iso(art.last_modified)
        data["liveBlogUpdate"] = [
            {
                "@type": "BlogPosting",
                "headline": u.text[:80],
                "datePublished": iso(u.time),
                "articleBody": u.text,
            }
            for u in art.updates
        ]
    return data


def _og(ctx: PageContext, art: SampleArticle) -> str:
    tags = "\n".join(f'<meta property="article:tag" content="{esc(t)}">' for t in art.tags)
    authors = "\n".join(f'<meta property="article:author" content="{esc(a)}">' for a in art.authors)
    return f"""<meta property="og:type" content="article">
<meta property="og:site_name" content="The Daily Ledger">
<meta property="og:title" content="{esc(art.title)}">
<meta property="og:description" content="{esc(art.subtitle)}">
<meta property="og:url" content="{esc(ctx.url(art.path))}">
<meta property="og:image" content="{esc(ctx.url(image_path(art)))}">
<meta property="article:published_time" content="{iso(art.published)}">
<meta property="article:modified_time" content="{iso(art.last_modified)}">
<meta property="article:section" content="{esc(SECTION_TITLES[art.section])}">
{tags}
{authors}
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:site" content="@dailyledger">"""


def _figure(art: SampleArticle, index: int) -> str:
    cap = art.captions[index]
    credit = f' <span class="credit">Photograph: {esc(cap.credit)}</span>' if cap.credit else ""
    return (
        f'<figure class="element-image"><img src="{image_path(art, index)}" alt="{esc(cap.text)}" '
        f'width="620" height="372"><figcaption><span class="caption">{esc(cap.text)}</span>{credit}'
        "</figcaption></figure>"
    )


def _body(ctx: PageContext, art: SampleArticle) -> str:
    related = ctx.related(art, 1)
    parts: list[str] = []
    if art.kind == "liveblog":
        parts.append(f"<p>{esc(art.paragraphs[0])}</p>")
        parts.append('<div class="key-events"><h2>Key events</h2><ul>')
        parts += [
            f'<li><a href="#u{u.time:%H%M}">{u.time:%H.%M}</a> {esc(u.text[:60])}…</li>'
            for u in art.updates[:3]
        ]
        parts.append("</ul></div>")
        for upd in art.updates:
            parts.append(
                f'<div class="live-update" id="u{upd.time:%H%M}"><p class="live-update__time">'
                f'<time datetime="{iso(upd.time)}">{upd.time:%H.%M} GMT</time></p>'
                f'<p>{esc(upd.text)}</p><div class="share">Share</div></div>'
            )
        return "".join(parts)
    visible = art.visible_paragraphs
    for i, para in enumerate(visible):
        parts.append(f"<p>{esc(para)}</p>")
        if i == 2 and related:
            parts.append(
                f'<aside class="rich-link"><p>Related: <a href="{related[0].path}">'
                f"{esc(related[0].title)}</a></p></aside>"
            )
    if art.kind == "paywall":
        parts.append(
            '<div class="paywalled" aria-hidden="true"></div>'
            '<div class="paywall-prompt"><h2>This article is for subscribers</h2>'
            "<p>Subscribe for unlimited access to award-winning journalism. Cancel anytime.</p>"
            '<a class="button" href="/ledger/subscribe/">Subscribe from £1 a week</a>'
            ' <a href="/ledger/signin/">Already a subscriber? Sign in</a></div>'
        )
    return "".join(parts)


def render_article(ctx: PageContext, art: SampleArticle) -> str:
    extra = _og(ctx, art) + "\n" + json_ld(_article_ld(ctx, art))
    extra += "\n" + json_ld(
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": ctx.url("/ledger/")},
                {
                    "@type": "ListItem",
                    "position": 2,
                    "name": SECTION_TITLES[art.section],
                    "item": ctx.url(ctx.publisher.section_path(art.section)),
                },
            ],
        }
    )
    byline = ", ".join(
        f'<a rel="author" href="/ledger/profile/{slugify(n)}/">{esc(n)}</a>' for n in art.authors
    )
    figure = _figure(art, 0) if art.captions else ""
    live = '<span class="live-badge">Live</span> ' if art.kind == "liveblog" else ""
    updated = (
        f'<p class="updated">Last modified on <time datetime="{iso(art.modified)}">'
        f"{_stamp(art.modified)}</time></p>"
        if art.modified
        else ""
    )
    tags = " ".join(f'<a href="/ledger/tag/{slugify(t)}/">{esc(t)}</a>' for t in art.tags)
    most_read = link_list(ctx.related(art, 5), "most-read__list")
    return f"""{_head(ctx, art.title, art.path, extra, art.subtitle or "")}
{_masthead(ctx)}
<main id="maincontent">
<article class="story story--{art.kind}">
 <nav class="breadcrumb"><a href="/ledger/">Home</a> › <a href="{ctx.publisher.section_path(art.section)}">{SECTION_TITLES[art.section]}</a></nav>
 <header class="story__header">
  <h1 class="headline">{live}{esc(art.title)}</h1>
  <p class="standfirst">{esc(art.subtitle)}</p>
  <div class="byline">By {byline}</div>
  <p class="dateline"><time datetime="{iso(art.published)}" pubdate>{_stamp(art.published)}</time></p>
  {updated}
  <div class="share-tools"><a href="mailto:?subject=x">Email</a> <a href="#">Facebook</a> <a href="#">X</a></div>
 </header>
 {figure}
 <div class="article-body" itemprop="articleBody">
{_body(ctx, art)}
 </div>
 <footer class="story__footer"><p class="topics">Explore more on these topics: {tags}</p>
 <p class="reuse"><a href="/ledger/reuse/">Reuse this content</a></p></footer>
</article>
<aside class="most-read"><h2>Most viewed</h2>{most_read}</aside>
</main>
{_footer()}"""  # noqa: E501


def render_listing(
    ctx: PageContext, title: str, path: str, articles: list[SampleArticle], intro: str = ""
) -> str:
    cards = "".join(
        f'<div class="card card--{a.section}"><h3><a href="{a.path}">{esc(a.title)}</a></h3>'
        f'<p>{esc(a.subtitle)}</p><time datetime="{iso(a.published)}">{_stamp(a.published)}</time></div>'
        for a in articles
    )
    return f"""{_head(ctx, title, path, description=intro)}
{_masthead(ctx)}
<main id="maincontent" class="front">
 <h1 class="front__title">{esc(title)}</h1>
 <div class="container">{cards}</div>
</main>
{_footer()}"""


def render_home(ctx: PageContext) -> str:
    return render_listing(
        ctx, "News, sport and opinion from the Daily Ledger", ctx.publisher.base_path, ctx.own_articles()[:12]
    )


def render_section(ctx: PageContext, section: str) -> str:
    return render_listing(
        ctx, SECTION_TITLES[section], ctx.publisher.section_path(section), ctx.section_articles(section)
    )
