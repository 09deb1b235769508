"""One charset resolver for crawl and clean; a resolved charset is used as is, never sniffed again."""

from __future__ import annotations

import pytest
from newsingest.web.charset import UndecodableInput, decode, decode_html, resolve_charset, sniff_binary

RUSSIAN = "Правительство объявило о новых мерах поддержки экономики и малого бизнеса в регионах страны."


@pytest.mark.parametrize(
    ("body", "content_type", "text", "codec"),
    [
        ("Grüße aus Zürich".encode(), "text/html; charset=iso-8859-1", "Grüße aus Zürich", "utf-8"),
        (b'<meta charset="windows-1251">' + RUSSIAN.encode("cp1251"), None, None, "cp1251"),
        ("\ufeff<p>bom</p>".encode("utf-16"), None, "<p>bom</p>", "utf-16"),
        ("<p>café “quoted”</p>".encode("cp1252"), "text/html; charset=windows-1252", None, "cp1252"),
    ],
)
def test_decode_returns_the_text_and_the_codec_resolve_charset_names(
    body: bytes, content_type: str | None, text: str | None, codec: str
) -> None:
    got_text, got_codec = decode(body, content_type)
    assert got_codec == codec == resolve_charset(body, content_type)
    assert got_text == (text if text is not None else body.decode(codec))


def test_clean_and_crawl_read_a_page_the_same_way() -> None:
    page = b'<html><head><meta charset="windows-1251"></head><body>' + RUSSIAN.encode("cp1251") + b"</body>"
    assert decode_html(page) == decode(page)[0]
    assert RUSSIAN in decode_html(page)


def test_a_resolved_charset_is_used_without_sniffing_again() -> None:
    """The crawl's charset (FetchResult.encoding) decides, even where sniffing would choose otherwise."""
    body = "Grüße".encode()
    assert decode_html(body) == "Grüße"
    assert decode_html(body, encoding="cp1252") == body.decode("cp1252")
    assert decode_html(b"\xef\xbb\xbfplain", encoding="utf-8") == "plain"
    # A codec name Python does not know (an old fetch result) falls back to resolving.
    assert decode_html(body, encoding="no-such-codec") == "Grüße"


def test_binary_bytes_are_refused_even_with_a_charset() -> None:
    with pytest.raises(UndecodableInput):
        decode_html(b"%PDF-1.7\n" + bytes(200), encoding="utf-8")


def test_decode_html():
    assert decode_html("already text") == "already text"
    assert decode_html("Grüße".encode()) == "Grüße"
    latin = '<meta charset="windows-1252"><p>café “quoted”</p>'.encode("cp1252")
    assert "café “quoted”" in decode_html(latin)
    with pytest.raises(UndecodableInput):
        decode_html(b"%PDF-1.7\n" + bytes(200))


WESTERN = "Café owners in Zürich paid 4,80 € for a “crème brûlée” – naïve, said Zoë. " * 2


JAPANESE = "政府は新しい経済対策を発表しました。地方の中小企業を支援するための措置が含まれています。"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (
            WESTERN.encode("utf-8"),
            "text/html; charset=iso-8859-1",
            "utf-8",
        ),  # valid UTF-8 beats a latin label
        (WESTERN.encode("cp1252"), "text/html; charset=utf-8", "cp1252"),  # lying header
        (WESTERN.encode("cp1252"), "text/html", "cp1252"),  # nothing declared
        (b'<meta charset="windows-1251">' + RUSSIAN.encode("cp1251"), None, "cp1251"),
        (RUSSIAN.encode("cp1251"), "text/html", "cp1251"),  # detected
        (
            f'<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">{JAPANESE}'.encode(
                "shift_jis"
            ),
            None,
            "shift_jis",
        ),
        ('<?xml version="1.0" encoding="ISO-8859-1"?><rss>é</rss>'.encode("latin-1"), None, "cp1252"),
        (b"\xef\xbb\xbf<html>plain</html>", "text/html; charset=cp1251", "utf-8"),  # BOM wins
        (b"<html>ascii only</html>", "text/html; charset=us-ascii", "utf-8"),
    ],
)
def test_resolve_charset(body: bytes, content_type: str | None, expected: str) -> None:
    codec = resolve_charset(body, content_type)
    assert codec == expected


@pytest.mark.parametrize(
    ("body", "label"),
    [
        (b"\x89PNG\r\n\x1a\n....", "PNG image"),
        (b"%PDF-1.4 ...", "PDF document"),
        (b"\x1f\x8b\x08\x00", "gzip data"),
        (b"<html>\x00\x01</html>", "binary data"),
        (b"<html>text</html>", None),
        ("\ufeff<html>x</html>".encode("utf-16"), None),
    ],
)
def test_sniff_binary(body: bytes, label: str | None) -> None:
    assert sniff_binary(body) == label


def test_looks_binary_knows_the_formats_sniff_binary_names() -> None:
    from newsingest.web.charset import looks_binary

    assert looks_binary(b"RIFF....WEBPVP8 ") and looks_binary(b"ID3\x03\x00")
    assert looks_binary(b"\x00\x00\x00\x18ftypmp42")
    assert not looks_binary("<p>caf\u00e9</p>".encode()) and not looks_binary("<p>x</p>".encode("utf-16"))
