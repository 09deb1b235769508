"""newsingest.crawl.content: capped Content-Encoding decoding and binary sniffing."""

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
)


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
