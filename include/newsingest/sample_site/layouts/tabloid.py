"""The Morning Buzz: a tabloid built from div soup, with no JSON-LD and no machine-readable dates.

Bylines sit in odd places (an upper-case strap above the headline and a credit box after the story),
the date is only visible text in US Eastern time, and the story is interleaved with ads, share bars,
"READ MORE" links, a newsletter box, a related-stories list and a cookie banner.
"""

from __future__ import annotations

from datetime import datetime

from newsingest.sample_site.catalog import SampleArticle
from newsingest.sample_site.layouts.common import PageContext, esc, image_path, link_list

SECTION_TITLES = {
    "news": "News",
    "sport": "Sports",
    "showbiz": "Entertainment",
    "health": "Health",
    "money": "Money",
}


def _eastern(when: datetime) -> str:
    """``Nov. 1, 2026, 10:15 p.m. ET`` as US tabloids print it."""
    hour = when.hour % 12 or 12
    ampm = "a.m." if when.hour < 12 else "p.m."
    return f"{when:%b}. {when.day}, {when.year}, {hour}:{when:%M} {ampm} ET"


def _head(ctx: PageContext, title: str, path: str, image: str | None = None) -> str:
    og_image = f'<meta property="og:image" content="{esc(ctx.url(image))}">' if image else ""
    return f"""<!doctype html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(title)} | The Morning Buzz</title>
<meta property="og:title" content="{esc(title)}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="The Morning Buzz">
{og_image}
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"pageType":"story","path":"{esc(path)}"}});</script>
<script async src="/static/buzz-ads.js"></script>
<style>.cookie-bar{{position:fixed;bottom:0}}</style>
</head>"""


def _chrome_top(ctx: PageContext) -> str:
    nav = " | ".join(
        f'<a href="{ctx.publisher.section_path(s)}">{SECTION_TITLES[s].upper()}</a>'
        for s in ctx.publisher.sections
    )
    return f"""<body>
<div id="cookie-banner" class="cookie-bar"><div class="cookie-bar__inner">We use cookies and similar technologies
to personalize content and ads, and to analyze our traffic. By clicking "Accept" you agree to our use of cookies.
<a href="/buzz/privacy.html">Privacy Policy</a> <button class="btn-accept">Accept</button>
<button class="btn-manage">Manage settings</button></div></div>
<div class="top-ad"><div class="ad-slot" data-slot="leaderboard">ADVERTISEMENT</div></div>
<div class="hdr"><div class="hdr-inner"><div class="logo-wrap"><a href="/buzz/"><img src="/static/img/buzz-logo.png" alt="The Morning Buzz"></a></div>
<div class="hdr-nav">{nav}</div><div class="hdr-right"><a href="/buzz/subscribe.html">SUBSCRIBE NOW</a> <a href="/buzz/login.html">Log In</a></div></div></div>
<div class="breaking-ticker"><span>TRENDING:</span> <a href="/buzz/">Election 2026</a> <a href="/buzz/">Knicks</a> <a href="/buzz/">Flu season</a> <a href="/buzz/">Subway crime</a></div>"""  # noqa: E501


def _chrome_bottom(ctx: PageContext) -> str:
    return """<div class="ftr"><div class="ftr-links"><a href="/buzz/about.html">About Us</a> | <a href="/buzz/tips.html">Send Us a Tip</a> |
<a href="/buzz/terms.html">Terms of Use</a> | <a href="/buzz/privacy.html">Privacy Notice</a> | <a href="/buzz/ca-notice.html">Your California Privacy Rights</a></div>
<div class="ftr-copy">&copy;2026 Buzz Media Holdings, LLC. All Rights Reserved.</div></div>
</body>
</html>"""  # noqa: E501


def _share_bar() -> str:
    return (
        '<div class="share-bar"><span class="share-lbl">Share this article:</span>'
        '<a class="sh-fb" href="#">Facebook</a><a class="sh-x" href="#">X</a>'
        '<a class="sh-wa" href="#">WhatsApp</a><a class="sh-em" href="#">Email</a>'
        '<a class="sh-cp" href="#">Copy URL</a><span class="cmt-count">142 Comments</span></div>'
    )


def _newsletter() -> str:
    return (
        '<div class="nl-box"><div class="nl-hd">GET THE BUZZ IN YOUR INBOX</div>'
        "<div>Sign up for our Morning Report newsletter for the stories everyone will be talking about.</div>"
        '<form action="/buzz/newsletter" method="post">'
        '<input type="email" placeholder="Enter your email address">'
        '<button type="submit">SIGN UP</button></form><div class="nl-legal">By clicking above you agree to '
        "the Terms of Use and Privacy Policy.</div></div>"
    )


def _story(ctx: PageContext, art: SampleArticle) -> str:
    related = ctx.related(art, 5)
    blocks: list[str] = []
    for i, para in enumerate(art.paragraphs):
        if i == 0:
            blocks.append(f'<div class="txt-blk"><p class="lede"><strong>{esc(para)}</strong></p></div>')
        else:
            blocks.append(f'<div class="txt-blk"><p>{esc(para)}</p></div>')
        if i == 0:
            blocks.append(_share_bar())
        if i == 1:
            blocks.append('<div class="ad-slot inline-ad" data-slot="mid-1">ADVERTISEMENT</div>')
        if i == 2 and related:
            blocks.append(
                f'<div class="read-more"><b>READ MORE:</b> <a href="{related[0].path}">'
                f"{esc(related[0].title)}</a></div>"
            )
        if i == 3:
            blocks.append(_newsletter())
    return "".join(blocks)


def _photo(art: SampleArticle, i: int) -> str:
    cap = art.captions[i]
    return (
        f'<div class="pic"><img src="{image_path(art, i)}" alt=""><div class="pic-cap">{esc(cap.text)}'
        f'<span class="pic-credit">{esc(cap.credit or "")}</span></div></div>'
    )


def render_article(ctx: PageContext, art: SampleArticle) -> str:
    if art.kind == "consent":
        return render_consent(ctx, art)
    image = image_path(art) if art.captions else None
    authors = " and ".join(a.upper() for a in art.authors)
    related = link_list(ctx.related(art, 5), "more-stories")
    if art.kind == "gallery":
        slides = "".join(
            f'<div class="gallery-slide" data-index="{i + 1}">{_photo(art, i)}'
            f'<div class="slide-count">{i + 1} / {len(art.captions)}</div></div>'
            for i in range(len(art.captions))
        )
        story = (
            f'<div class="gallery-intro">{esc(art.paragraphs[0])}</div><div class="gallery">{slides}</div>'
        )
    else:
        pic = _photo(art, 0) if art.captions else ""
        story = pic + _story(ctx, art)
    credit = (
        f'<div class="btm-credit">{esc(art.authors[-1])} contributed to this report.</div>'
        if len(art.authors) > 1
        else ""
    )
    return f"""{_head(ctx, art.title, art.path, image)}
{_chrome_top(ctx)}
<div class="wrap"><div class="row"><div class="col-main">
<div class="kicker"><a href="{ctx.publisher.section_path(art.section)}">{SECTION_TITLES[art.section].upper()}</a></div>
<div class="auth-strap">By <span class="auth">{esc(authors)}</span></div>
<div class="hl"><h1>{esc(art.title)}</h1></div>
<div class="dek">{esc(art.subtitle)}</div>
<div class="meta-row"><span class="ts">Published {_eastern(art.published)}</span>
{f'<span class="ts-upd">| Updated {_eastern(art.modified)}</span>' if art.modified else ""}</div>
<div class="story-body">{story}</div>
{credit}
<div class="tags-row">Filed under {" ".join(f"<a href='/buzz/tag/{t.lower().replace(' ', '-')}'>{esc(t)}</a>" for t in art.tags)}</div>
{_share_bar()}
<div class="related"><div class="related-hd">MORE FROM THE BUZZ</div>{related}</div>
<div class="comments"><div class="cmt-hd">Join the conversation (142)</div><div class="cmt-login">Log in to comment</div></div>
</div><div class="col-rail"><div class="ad-slot" data-slot="rail-1">ADVERTISEMENT</div>
<div class="rail-trending"><div class="rail-hd">TRENDING NOW</div>{link_list(ctx.own_articles()[:4], "trend-list")}</div>
</div></div></div>
{_chrome_bottom(ctx)}"""  # noqa: E501


def render_consent(ctx: PageContext, art: SampleArticle) -> str:
    """A consent interstitial served at the article URL: no story text at all."""
    return f"""<!doctype html>
<html>
<head><meta charset="utf-8"><title>Before you continue to The Morning Buzz</title>
<meta name="robots" content="noindex"></head>
<body class="consent-page">
<div class="consent-overlay" role="dialog" aria-modal="true">
<h1>We value your privacy</h1>
<p>The Morning Buzz and our 842 partners store and/or access information on a device, such as cookies, and
process personal data, such as unique identifiers and standard information sent by a device, for personalised
advertising and content, advertising and content measurement, audience research and services development.</p>
<p>With your permission we and our partners may use precise geolocation data and identification through device
scanning. You may click to consent to our and our partners' processing as described above. Alternatively you may
access more detailed information and change your preferences before consenting or to refuse consenting.</p>
<form method="post" action="/buzz/consent?return={esc(art.path)}">
<button name="choice" value="accept">ACCEPT ALL</button> <button name="choice" value="reject">REJECT ALL</button>
<a href="/buzz/consent/options">MORE OPTIONS</a></form>
</div>
</body>
</html>"""  # noqa: E501


def render_listing(ctx: PageContext, title: str, articles: list[SampleArticle]) -> str:
    cards = "".join(
        f'<div class="promo"><div class="promo-img"><img src="{image_path(a)}" alt=""></div>'
        f'<div class="promo-txt"><a class="promo-hl" href="{a.path}">{esc(a.title)}</a>'
        f'<div class="promo-dek">{esc(a.subtitle)}</div>'
        f'<div class="promo-ts">{_eastern(a.published)}</div></div></div>'
        for a in articles
    )
    return f"""{_head(ctx, title, "/buzz/")}
{_chrome_top(ctx)}
<div class="wrap"><div class="section-hd">{esc(title)}</div><div class="promo-grid">{cards}</div>{_newsletter()}</div>
{_chrome_bottom(ctx)}"""  # noqa: E501


def render_home(ctx: PageContext) -> str:
    return render_listing(ctx, "The Morning Buzz - New York news, sports and gossip", ctx.own_articles())


def render_section(ctx: PageContext, section: str) -> str:
    return render_listing(ctx, SECTION_TITLES[section], ctx.section_articles(section))
