"""Page types and access: consent, challenge, error, index, paywall, live blog, gallery."""

from __future__ import annotations

import pytest
from newsingest.clean.extract import clean_page, extract
from newsingest.models import CleanedArticle, DroppedPage


@pytest.mark.parametrize(
    ("name", "page_type"),
    [
        ("consent_wall", "consent"),
        ("challenge", "challenge"),
        ("error_404", "error"),
        ("index_page", "index"),
        ("paywall_teaser", "paywall"),
    ],
)
def test_non_articles_are_dropped_with_page_type_reason(page, name, page_type):
    url = f"https://news.example/{name}"
    assert extract(page(name), url).page_type == page_type
    result = clean_page(page(name), url)
    assert isinstance(result, DroppedPage)
    assert result.reason == f"page_type:{page_type}"


def test_paywall_teaser_access_and_prompt_removed(page):
    article = extract(page("paywall_teaser"), "https://fw.example/bonds")
    assert article.access == "teaser"
    assert article.provenance["access"] == "json-ld"
    assert "Subscribe to continue" not in article.body


def test_paywalled_flag_with_full_text_is_kept_as_paywalled_article(page):
    html = (
        page("broadsheet_article")
        .decode("utf-8")
        .replace('"isAccessibleForFree": true', '"isAccessibleForFree": false')
    )
    article = extract(html, "https://www.northernledger.example/news/x")
    assert (article.page_type, article.access) == ("article", "paywalled")
    assert isinstance(clean_page(html, "https://www.northernledger.example/news/x"), CleanedArticle)


def test_liveblog_is_kept_and_typed(page):
    result = clean_page(page("liveblog"), "https://metro.example/live/election")
    assert isinstance(result, CleanedArticle)
    assert result.page_type == "liveblog"
    assert result.provenance["page_type"] == "json-ld"
    assert result.title == "Election night live: results as they come in"  # " | Metro Daily" stripped
    assert "01:10" not in result.paragraphs  # bare update times are not paragraphs
    assert "First seat declared" in result.paragraphs


def test_gallery_is_typed_and_keeps_captions(page):
    result = clean_page(page("gallery"), "https://news.example/pictures/wildlife")
    assert isinstance(result, CleanedArticle)
    assert result.page_type == "gallery"
    assert len(result.captions) == 4
    assert result.authors == ["Ana Gomez"]


def test_article_with_cookie_banner_is_still_an_article(page):
    article = extract(page("broadsheet_article"), "https://www.northernledger.example/news/x")
    assert article.page_type == "article"


def _live_widget_page() -> str:
    updates = "".join(
        f"<div class='update'><p>Update {i}: officials gave another briefing on the flooding, with new "
        f"figures for the number of homes evacuated overnight.</p></div>"
        for i in range(6)
    )
    return f"<html><body><div class='live-blog'>{updates}</div></body></html>"


def test_live_widget_class_alone_does_not_make_a_liveblog():
    assert extract(_live_widget_page(), "https://news.example/2024/05/01/floods").page_type == "article"


def test_live_url_and_live_markup_make_a_liveblog():
    article = extract(_live_widget_page(), "https://news.example/live/2024/05/01/floods")
    assert (article.page_type, article.provenance["page_type"]) == ("liveblog", "dom")


def test_many_teaser_thumbnails_do_not_make_a_gallery(page):
    html = (
        page("broadsheet_article")
        .decode("utf-8")
        .replace(
            "</body>", "<div class='more'>" + "<figure><img src='t.jpg'></figure>" * 12 + "</div></body>"
        )
    )
    assert extract(html, "https://www.northernledger.example/news/x").page_type == "article"


class _CountingPattern:
    """Stands in for the paywall-language pattern and counts the texts it is asked to read."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def search(self, text):
        self.calls += 1
        return self.real.search(text)


def test_paywall_language_is_read_only_for_a_short_body(monkeypatch):
    """A full story is free whatever its page says about subscribing: its text is not scanned for it."""
    from newsingest.clean import pagetype

    probe = _CountingPattern(pagetype._PAYWALL)
    monkeypatch.setattr(pagetype, "_PAYWALL", probe)
    story = "".join(
        f"<p>Paragraph {i} of a long free story, told in full, with commas, and more.</p>" for i in range(12)
    )
    notice = "<div>Subscribe to continue reading</div>"
    html = f"<html><body><article><h1>Story</h1>{story}</article>{notice}</body></html>"
    assert extract(html, "https://news.example/story").access == "free"
    assert probe.calls == 0
    teaser = f"<html><body><article><h1>Story</h1><p>The first lines of a story, then a notice.</p>{notice}"
    assert extract(teaser + "</article></body></html>", "https://news.example/story").access == "teaser"
    assert probe.calls == 1
