"""Charset resolution: the codec a body's bytes are text in, and decoding with it.

Order: BOM, Content-Type header, ``<meta>`` in the first bytes, XML declaration, then detection
(charset-normalizer); a declared charset that does not decode the body is skipped.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from newsingest.errors import PermanentError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _normalise(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # WHATWG: pages labelled latin-1/ascii are decoded as windows-1252.
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def header_charset(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def declared_charsets(body: bytes, content_type: str | None) -> list[tuple[str, str]]:
    """(source, codec) pairs in priority order: bom, header, meta, xml."""
    found: list[tuple[str, str]] = []
    for bom, name in _BOMS:
        if body.startswith(bom):
            found.append(("bom", name))
    head = body[:4096]
    for label, raw in (
        ("header", header_charset(content_type)),
        ("meta", (m.group(1).decode("ascii", "ignore") if (m := _META_CHARSET.search(head)) else None)),
        ("xml", (m.group(1).decode("ascii", "ignore") if (m := _XML_DECL.search(head)) else None)),
    ):
        codec = _normalise(raw)
        if codec and all(codec != c for _, c in found):
            found.append((label, codec))
    return found


def decode(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``body`` as text, and the codec it was read with (a Python codec name): one resolution, and the
    trial decode that confirms the codec is the decode that is kept.

    Valid UTF-8 wins over a declared single-byte charset (mislabelled UTF-8 is far more common than
    legacy text that happens to be valid UTF-8); otherwise the first declared charset that decodes
    the body, then detection (undecodable bytes replaced).
    """
    declared = declared_charsets(body, content_type)
    if declared and declared[0][0] == "bom":
        codec = declared[0][1]
        return decode_text(body, codec), codec
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for _, codec in declared:
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    codec = detect_charset(body)
    return decode_text(body, codec), codec


def resolve_charset(body: bytes, content_type: str | None) -> str:
    """The codec to decode ``body`` with (a Python codec name); see :func:`decode` for the order."""
    return decode(body, content_type)[1]


# Web frequency order, used to break ties between equally plausible detections.
_PREFERRED = (
    "cp1252",
    "cp1251",
    "shift_jis",
    "gb18030",
    "euc_jp",
    "big5",
    "euc_kr",
    "cp1250",
    "iso8859-15",
    "cp1256",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp874",
    "cp1257",
    "cp1258",
    "koi8_r",
    "iso8859-2",
)


def detect_charset(body: bytes) -> str:
    """Guess the charset of undeclared or mislabelled bytes with charset-normalizer.

    Short snippets of Western text decode almost equally well in several code pages (coherence is
    noisy on little text); near-ties on chaos go to the codec most common on the web (windows-1252
    first), as browsers do for unlabelled pages.
    """
    if len(body) < 32:
        return "cp1252"
    matches = [m for m in from_bytes(body[:65536]) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        return "cp1252"
    best = matches[0]
    least_chaos = min(m.chaos for m in matches)
    ties = [m for m in matches if m.chaos <= least_chaos + 0.005]
    codecs_found = {_normalise(m.encoding): m for m in ties}
    for name in _PREFERRED:
        if _normalise(name) in codecs_found:
            return _normalise(name) or "cp1252"
    return _normalise(best.encoding) or "cp1252"


def decode_text(body: bytes, encoding: str | None) -> str:
    """Decode with ``encoding`` (from :func:`resolve_charset`), replacing undecodable bytes."""
    text = body.decode(encoding or "utf-8", errors="replace")
    return text.removeprefix("\ufeff")


class UndecodableInput(PermanentError, ValueError):
    """The page bytes are not text (binary content)."""


def decode_html(data: bytes | str, *, encoding: str | None = None, content_type: str | None = None) -> str:
    """Page bytes (or text, returned as is) as text; raises UndecodableInput for binary data.

    ``encoding`` is the codec the crawl resolved (``FetchResult.encoding``): the bytes are then decoded
    with it and nothing is sniffed again. Without it the charset is resolved as :func:`decode` does.
    """
    if isinstance(data, str):
        return data
    if looks_binary(data):
        raise UndecodableInput("content looks binary (NUL/control bytes), not HTML")
    if encoding:
        try:
            return decode_text(data, encoding)
        except LookupError:
            pass  # an unknown codec name (an old fetch result): resolve it here
    return decode(data, content_type)[0]


_MAGIC = (
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"RIFF", "RIFF media"),
    (b"ID3", "MP3 audio"),
)


def sniff_binary(body: bytes | bytearray) -> str | None:
    """What binary format ``body`` looks like, or None if it may be text."""
    head = body[:1024]
    for magic, label in _MAGIC:
        if head.startswith(magic):
            return label
    if head[4:8] == b"ftyp":
        return "MP4 video"
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary data"
    return None


def looks_binary(data: bytes) -> bool:
    """True for a known binary format (:func:`sniff_binary`) or when many of the first bytes are control
    characters (images, PDFs, archives)."""
    head = data[:4096]
    if not head:
        return False
    if sniff_binary(head) is not None:
        return True
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False  # UTF-16 text has NULs by design
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.1
