"""A photo or video post with no text of its own is kept under its headline; empty pages, index pages and
pages whose only pictures are icons or like boxes are still dropped."""

from __future__ import annotations

from newsingest.clean.extract import clean_page
from newsingest.models import CleanedArticle, DroppedPage

SIDEBAR = (
    '<div id="sidebar"><h4>Archive</h4><ul><li><a href="/2012/05/">May 2012</a></li>'
    '<li><a href="/2012/04/">April 2012</a></li></ul></div>'
)


def _post(media: str, heading: str = '<h1 class="entry-title">Harbour lights at dusk</h1>') -> str:
    return f"""<html><head><title>Harbour lights at dusk | Coastline Diary</title></head><body>
    <div id="header"><a href="/">Coastline Diary</a></div>
    <div class="post hentry">{heading}
      <p class="meta">by <span class="author vcard">Mira Olsen</span> on
        <abbr class="published" title="2012-05-03">May 3, 2012</abbr></p>
      <div class="entry-content">{media}</div>
    </div>{SIDEBAR}</body></html>"""


def test_a_video_post_is_kept_under_its_headline():
    player = '<p><iframe src="https://video.example/embed/81" width="560" height="315"></iframe></p>'
    result = clean_page(_post(player), "https://coastline.example/2012/05/03/harbour-lights/")
    assert isinstance(result, CleanedArticle)
    assert result.body == "Harbour lights at dusk"
    assert result.provenance["body"] == "headline"


def test_a_photo_post_with_an_entry_title_and_no_other_sign_is_kept():
    photo = '<div class="separator"><a href="/p/1.jpg"><img src="/p/1.jpg"></a></div>'
    heading = '<h3 class="post-title entry-title"><a href="/p">Harbour lights at dusk</a></h3>'
    html = _post(photo, heading).replace('<p class="meta">', '<p class="x">')
    result = clean_page(html, "https://coastline.example/p")
    assert isinstance(result, CleanedArticle)
    assert result.body == "Harbour lights at dusk"


def test_an_error_page_with_no_media_is_still_dropped():
    html = "<html><head><title>ERROR</title></head><body><h1>ERROR</h1><p>Not found.</p></body></html>"
    result = clean_page(html, "https://coastline.example/p")
    assert isinstance(result, DroppedPage)
    assert "media_post" not in result.evidence


def test_icons_and_like_boxes_are_not_a_post():
    furniture = (
        '<img src="/icons/rss.gif" width="16" height="16">'
        '<iframe src="https://social.example/like" width="85" height="60"></iframe>'
    )
    result = clean_page(_post(furniture), "https://coastline.example/p")
    assert isinstance(result, DroppedPage)
    assert result.reason == "too_short"
    assert "media_post" not in result.evidence


def test_an_index_of_photo_posts_is_not_one_post():
    posts = "".join(
        f'<div class="post hentry"><h2 class="entry-title"><a href="/p{i}">Harbour lights {i}</a></h2>'
        f'<div class="entry-content"><img src="/p/{i}.jpg" width="600" height="400"></div></div>'
        for i in range(3)
    )
    html = f"<html><head><title>Coastline Diary</title></head><body>{posts}{SIDEBAR}</body></html>"
    result = clean_page(html, "https://coastline.example/")
    assert isinstance(result, DroppedPage)
