"""The names over reader comments are not the story's authors."""

from __future__ import annotations

from newsingest.clean.extract import extract

STORY = "".join(
    f"<p>{p}</p>"
    for p in (
        "The village hall reopened on Saturday after a year of repairs paid for by a collection among its "
        "neighbours, who raised more than the council had asked for.",
        "The roof, the kitchen and the old stage were rebuilt by volunteers, most of them retired builders "
        "from the surrounding farms.",
    )
)
COMMENTS = """<div id="comments-block"><dl class="avatar-comment-indent">
  <dt class="comment-author"><a href="/profile/1">Hugo Marten</a> said...</dt>
  <dd class="comment-body"><p>Lovely to see it open again after all this time.</p></dd>
  <dt class="comment-author"><a href="/profile/2">Edda Lund</a> said...</dt>
  <dd class="comment-body"><p>We will be there on Sunday for the first dance.</p></dd>
</dl></div>
<dl id="comment_list"><dt class="comment"><span class="comment_author">Ines Vogel</span>
  <span class="comment_time">May 4, 2012</span></dt>
  <dd class="comment"><p>Thank you for the photographs of the stage.</p></dd></dl>"""


def _page(byline: str) -> str:
    return f"""<html><head><title>Village hall reopens</title></head><body><div class="post hentry">
    <h1 class="entry-title">Village hall reopens</h1>{byline}
    <div class="entry-content">{STORY}</div></div>{COMMENTS}</body></html>"""


def test_commenters_are_not_added_to_the_byline():
    page = _page('<p class="meta">by <span class="author vcard">Nora Feld</span></p>')
    article = extract(page, "https://villages.example/2012/05/hall")
    assert article.authors == ["Nora Feld"]


def test_a_post_without_a_byline_gets_no_commenters_as_authors():
    article = extract(_page(""), "https://villages.example/2012/05/hall")
    assert article.authors == []
