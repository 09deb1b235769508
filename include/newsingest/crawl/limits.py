"""Body limits: size caps per kind of document, accepted content types, capped streaming reads."""

from __future__ import annotations

import httpx

from newsingest.crawl.config import CrawlConfig
from newsingest.crawl.content import BodyTooLarge, Decoder, UnsupportedEncoding, media_type
from newsingest.crawl.exchange import Exchange, FetchFailure, Kind, Response
from newsingest.web.charset import resolve_charset, sniff_binary


def body_cap(kind: Kind, cfg: CrawlConfig) -> int:
    """Decoded (and raw) byte cap for a ``kind`` of document."""
    return {
        "page": cfg.max_body_bytes,
        "document": cfg.max_document_bytes,
        "robots": cfg.max_robots_bytes,
    }[kind]


def accepted_types(kind: Kind, cfg: CrawlConfig) -> tuple[str, ...] | None:
    """Media types a 2xx body of ``kind`` may have (None: any, as for robots.txt)."""
    return {"page": cfg.allowed_content_types, "document": cfg.discovery_content_types}.get(kind)


def read_head(ex: Exchange, response: httpx.Response) -> None:
    """Status line, headers and peer address of ``response`` into ``ex``."""
    ex.status = response.status_code
    ex.reason = response.reason_phrase
    ex.http_version = response.http_version
    ex.response_headers = list(response.headers.multi_items())
    stream = response.extensions.get("network_stream")
    if stream is not None:
        try:
            addr = stream.get_extra_info("server_addr")
            ex.ip = str(addr[0]) if addr else None
        except Exception:  # informational only
            ex.ip = None


# A redirect's or 304's body (usually none, or a short HTML note) is read up to this size and dropped, so
# the connection goes back to its lane: a stream closed before its end closes the connection with it.
DRAIN_LIMIT = 64 * 1024


async def drain(response: httpx.Response, limit: int = DRAIN_LIMIT) -> None:
    """Read and drop a body we do not keep, up to ``limit`` bytes (past it, the connection is closed)."""
    read = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        if read > limit:
            return


async def read_body(
    ex: Exchange,
    response: httpx.Response,
    cap: int,
    allowed_types: tuple[str, ...] | None,
    resp: Response,
    kind: Kind,
) -> None:
    """Stream the body within ``cap`` (raw and decoded) and the accepted types; sets ``resp.body`` and
    ``resp.encoding`` and keeps the raw bytes on ``ex`` for the archive. Raises FetchFailure."""
    status = response.status_code
    content_type = response.headers.get("content-type")
    resp.content_type = content_type
    if 300 <= status < 400:
        await drain(response)
        return
    if (
        200 <= status < 300
        and allowed_types is not None
        and content_type
        and media_type(content_type) not in allowed_types
    ):
        raise FetchFailure("content_type", f"content type {media_type(content_type)!r} not accepted")
    declared = response.headers.get("content-length")
    if kind != "robots" and declared and declared.isdigit() and int(declared) > cap:
        raise FetchFailure("too_large", f"Content-Length {declared} exceeds the {cap}-byte cap")
    try:
        decoder = Decoder(response.headers.get("content-encoding"), cap)
    except UnsupportedEncoding as exc:
        raise FetchFailure("decode", f"unsupported Content-Encoding {exc}") from exc
    raw = bytearray()
    body = bytearray()
    async for chunk in response.aiter_raw():
        raw += chunk
        try:
            body += decoder.feed(chunk)
        except BodyTooLarge as exc:
            if kind == "robots":  # RFC 9309: use the first part of an over-long robots.txt
                ex.truncated = True
                break
            raise FetchFailure("too_large", f"{exc} (decompression)") from exc
        except Exception as exc:
            raise FetchFailure(
                "decode", f"corrupt {response.headers.get('content-encoding')} body: {exc}"
            ) from exc
        if len(raw) > cap:
            if kind == "robots":
                ex.truncated = True
                break
            raise FetchFailure("too_large", f"body exceeds the {cap}-byte cap")
    ex.raw_body = bytes(raw)
    if 200 <= status < 300 and allowed_types is not None:
        binary = sniff_binary(body)
        if binary and not (binary == "gzip data" and kind == "document"):  # sitemap.xml.gz
            label = media_type(content_type) or "no content type"
            raise FetchFailure("content_type", f"body is {binary} ({label})")
    resp.body = bytes(body[:cap])
    if 200 <= status < 300:
        resp.encoding = resolve_charset(resp.body, content_type)
