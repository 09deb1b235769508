"""newsingest.clean.text: pre-stripping markup before the parse."""

from __future__ import annotations

from newsingest.clean.text import prestrip


def test_prestrip_removes_scripts_and_keeps_json_ld():
    html = (
        '<head><script type="application/ld+json">{"@type":"NewsArticle"}</script>'
        "<script>alert('<p>x</p>')</script><style>p{}</style></head>"
        "<body><!-- comment <p>hidden</p> --><nav>menu</nav><p>kept</p></body>"
    )
    prepared = prestrip(html)
    assert prepared.ld_json == ['{"@type":"NewsArticle"}']
    assert "alert" not in prepared.html and "hidden" not in prepared.html and "menu" not in prepared.html
    assert "<p>kept</p>" in prepared.html
