"""Bodies: capped incremental Content-Encoding decoding and charset resolution.

The decoder never inflates more than the cap, so a decompression bomb costs at most ``cap`` bytes.
Charset order: BOM, Content-Type header, ``<meta>`` in the first bytes, XML declaration, then
detection (charset-normalizer); a declared charset that does not decode the body is skipped.
"""

from __future__ import annotations

import codecs
import re
import zlib

from charset_normalizer import from_bytes

from newsingest.errors import PermanentError

_CHUNK = 64 * 1024


class BodyTooLarge(PermanentError):
    """Decoded body exceeded the cap."""


class UnsupportedEncoding(PermanentError):
    """A Content-Encoding we do not decode."""


class Decoder:
    """Incremental decoder for one ``Content-Encoding`` chain with an output cap."""

    def __init__(self, content_encoding: str | None, cap: int) -> None:
        self.cap = cap
        self.size = 0
        self._codings: list[str] = []
        for coding in (c.strip().lower() for c in (content_encoding or "").split(",")):
            if coding in ("", "identity"):
                continue
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise UnsupportedEncoding(coding)
            self._codings.append(coding)
        self._codings.reverse()  # the last applied coding is undone first
        self._stages: list[zlib._Decompress | None] = [None] * len(self._codings)

    def _stage(self, index: int, first: bytes) -> zlib._Decompress:
        stage = self._stages[index]
        if stage is None:
            if self._codings[index] == "deflate":
                # "deflate" should be zlib-wrapped, but many servers send raw deflate.
                wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
                stage = zlib.decompressobj(wbits=15 if wrapped else -15)
            else:
                stage = zlib.decompressobj(wbits=31)
            self._stages[index] = stage
        return stage

    def _run(self, data: bytes, index: int, budget: int) -> bytes:
        if index == len(self._stages):
            return data
        stage = self._stage(index, data)
        out = bytearray()
        pending = data
        while True:
            piece = stage.decompress(pending, _CHUNK)
            pending = stage.unconsumed_tail
            out += self._run(piece, index + 1, budget - len(out))
            if len(out) > budget:
                raise BodyTooLarge(f"decoded body exceeds {self.cap} bytes")
            if not pending and len(piece) < _CHUNK:
                return bytes(out)

    def feed(self, data: bytes) -> bytes:
        """Decode ``data``; raises BodyTooLarge past the cap and zlib.error on corrupt input."""
        out = self._run(data, 0, self.cap - self.size)
        self.size += len(out)
        if self.size > self.cap:
            raise BodyTooLarge(f"decoded body exceeds {self.cap} bytes")
        return out


def decode_body(raw: bytes, content_encoding: str | None, cap: int) -> bytes:
    """Decode a whole body (e.g. read back from an archive) with the same cap."""
    decoder = Decoder(content_encoding, cap)
    out = bytearray()
    for start in range(0, len(raw), _CHUNK):
        out += decoder.feed(raw[start : start + _CHUNK])
    return bytes(out)


def gunzip_capped(data: bytes, cap: int) -> bytes:
    """Gunzip a ``.gz`` document (sitemap files) if it is gzip, never inflating past ``cap``."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    return decode_body(data, "gzip", cap)


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


def resolve_charset(body: bytes, content_type: str | None) -> str:
    """The codec to decode ``body`` with (a Python codec name).

    Valid UTF-8 wins over a declared single-byte charset (mislabelled UTF-8 is far more common than
    legacy text that happens to be valid UTF-8); otherwise the first declared charset that decodes
    the body, then detection.
    """
    declared = declared_charsets(body, content_type)
    if declared and declared[0][0] == "bom":
        return declared[0][1]
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    for _, codec in declared:
        try:
            body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        return codec
    return detect_charset(body)


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


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()
