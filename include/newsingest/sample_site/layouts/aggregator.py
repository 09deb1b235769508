"""The Atlas One News: an aggregator that re-posts agency copy inside sponsor lines and widgets.

Modelled on the seed page (shared/seed/crawled-page-example.txt): a date-and-place bar, repeated
"Sponsor:" lines, navigation words ("back", "topic"), a ``NextImg:`` headline, and image captions with
credits set as ordinary paragraphs in the middle of the story. No JSON-LD, no ``<article>``, no time of
day anywhere on the page.
"""

from __future__ import annotations

from newsingest.sample_site.catalog import SampleArticle
from newsingest.sample_site.layouts.common import PageContext, esc

_SPONSOR = "QWIKET: Elevate your fantasy game! Interactive Sports Knowledge."
_SPONSOR_LONG = (
    "QWIKET: Elevate your fantasy game! Interactive Sports Knowledge and Reasoning Support for Fantasy "
    "Sports and Betting Enthusiasts."
)


def _head(title: str, description: str, charset: bool) -> str:
    meta = '<meta charset="utf-8">\n' if charset else ""
    return f"""<html>
<head>
{meta}<title>{esc(title)}</title>
<meta name="description" content="{esc(description)}">
<meta property="og:title" content="{esc(title)}">
<meta name="viewport" content="width=device-width">
<script src="/static/qwiket-widgets.js"></script>
</head>
<body>"""


def _top_bar(ctx: PageContext, day_text: str) -> str:
    return f"""<table class="topbar" width="100%"><tr>
<td class="brand"><a href="/pulse/"><font size="+2"><b>THE ATLAS ONE NEWS</b></font></a></td></tr>
<tr><td class="datebar">{esc(day_text)} &nbsp;|&nbsp; <span class="cnt">0</span> &nbsp;|&nbsp; <span class="loc">Remer,MN</span></td></tr></table>
<div class="sponsor"><span>Sponsor: </span> <a href="/pulse/go/qwiket">QWIKET</a></div>
<div class="sponsor"><span>Sponsor: </span> <a href="/pulse/go/qwiket">QWIKET</a></div>
<div class="sponsor"><span>Sponsor: </span> <a href="/pulse/go/qwiket">{esc(_SPONSOR)}</a></div>
<div class="sponsor"><span>Sponsor: </span> <a href="/pulse/go/qwiket">{esc(_SPONSOR_LONG)}</a></div>
<div class="navwords"><a href="javascript:history.back()">back</a> &nbsp; <a href="{ctx.publisher.section_path("topic")}">topic</a></div>"""  # noqa: E501


_BOTTOM = """<div class="widget"><b>Trending on Qwiket</b><br>Fantasy football week 10 waiver wire &middot;
Who to start at quarterback &middot; Injury report roundup</div>
<div class="sponsor"><span>Sponsor: </span> <a href="/pulse/go/qwiket">QWIKET</a></div>
<p class="legal">Content aggregated from third-party sources. Copyright belongs to the original publishers.</p>
</body>
</html>"""  # noqa: E501


def _day(art: SampleArticle) -> str:
    return f"{art.published:%b} {art.published.day}, {art.published.year}"


def render_article(ctx: PageContext, art: SampleArticle) -> str:
    blocks = [f"<p>{esc(p)}</p>" for p in art.paragraphs]
    # Captions go in as ordinary paragraphs between story paragraphs, credit in brackets, like the seed page.
    for i, cap in enumerate(art.captions):
        at = min(len(blocks), 6 + i * 6) if len(blocks) > 6 else min(len(blocks), 2 + i)
        credit = f" ({esc(cap.credit)})" if cap.credit else ""
        blocks.insert(
            at,
            f'<p class="img-cap"><img src="/static/img/{art.id}-{i}.png" alt="">'
            f"<br>{esc(cap.text)}{credit}</p>",
        )
    source = art.agency or "staff"
    return f"""{_head(art.title, art.paragraphs[0][:160], charset=art.encoding == "utf-8")}
{_top_bar(ctx, _day(art))}
<div class="nextimg">NextImg:{esc(art.title)}</div>
<div class="post">
{"".join(blocks)}
</div>
<div class="src">Source: {esc(source)} &middot; <a href="/pulse/">More from The Atlas One News</a></div>
{_BOTTOM}"""


def render_listing(ctx: PageContext, title: str, articles: list[SampleArticle]) -> str:
    items = "".join(
        f'<div class="item"><a href="{a.path}">{esc(a.title)}</a> <span class="d">{_day(a)}</span></div>'
        for a in articles
    )
    day_text = _day(articles[0]) if articles else ""
    return f"""{_head(title, title, charset=True)}
{_top_bar(ctx, day_text)}
<div class="list">{items}</div>
{_BOTTOM}"""


def render_home(ctx: PageContext) -> str:
    return render_listing(ctx, "THE ATLAS ONE NEWS", ctx.own_articles())


def render_section(ctx: PageContext, section: str) -> str:
    return render_listing(ctx, "topic", ctx.section_articles(section))
