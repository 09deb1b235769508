"""Capped Content-Encoding decoding, charset resolution and binary sniffing."""

from __future__ import annotations

import gzip
import zlib

import pytest
from newsingest.crawl.content import (
    BodyTooLarge,
    Decoder,
    UnsupportedEncoding,
    decode_body,
    gunzip_capped,
    sniff_binary,
)
from newsingest.web.charset import resolve_charset


def test_gzip_bomb_stops_at_cap_without_inflating() -> None:
    bomb = gzip.compress(b"\0" * 40_000_000)
    decoder = Decoder("gzip", cap=1_000_000)
    with pytest.raises(BodyTooLarge):
        for start in range(0, len(bomb), 4096):
            decoder.feed(bomb[start : start + 4096])
    assert decoder.size <= 1_000_000


@pytest.mark.parametrize(
    ("coding", "data"),
    [
        ("gzip", gzip.compress(b"hello world")),
        ("x-gzip", gzip.compress(b"hello world")),
        ("deflate", zlib.compress(b"hello world")),
        ("deflate", zlib.compress(b"hello world")[2:-4]),  # raw deflate, as some servers send
        ("identity", b"hello world"),
        (None, b"hello world"),
        ("gzip, deflate", zlib.compress(gzip.compress(b"hello world"))),
    ],
)
def test_decodes_codings(coding: str | None, data: bytes) -> None:
    assert decode_body(data, coding, 1000) == b"hello world"


def test_unsupported_and_corrupt_codings() -> None:
    with pytest.raises(UnsupportedEncoding):
        Decoder("compress", 10)
    with pytest.raises(zlib.error):
        decode_body(b"\x1f\x8b\x08garbage-garbage-garbage", "gzip", 1000)


def test_gunzip_capped_passes_plain_documents() -> None:
    assert gunzip_capped(b"<urlset/>", 100) == b"<urlset/>"
    assert gunzip_capped(gzip.compress(b"<urlset/>"), 100) == b"<urlset/>"
    with pytest.raises(BodyTooLarge):
        gunzip_capped(gzip.compress(b"x" * 10_000), 100)


WESTERN = "Café owners in Zürich paid 4,80 € for a “crème brûlée” – naïve, said Zoë. " * 2
RUSSIAN = "Правительство объявило о новых мерах поддержки экономики и малого бизнеса в регионах страны."
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
