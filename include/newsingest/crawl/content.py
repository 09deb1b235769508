"""Bodies: capped incremental Content-Encoding decoding and media types.

The decoder never inflates more than the cap, so a decompression bomb costs at most ``cap`` bytes.
Charset resolution and binary sniffing live in :mod:`newsingest.web.charset`.
"""

from __future__ import annotations

import zlib

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


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()
