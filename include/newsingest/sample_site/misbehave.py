"""Routes under ``/misbehave/`` that break HTTP in the ways real news sites do, for crawler tests.

=====================================  =============================================================
``slow?delay=S[&where=body]``          wait S seconds (max 60) before the headers (or before the body)
``status/<code>[?retry_after=N]``      answer with that status (and a ``Retry-After`` header)
``flaky/<key>?fail=N&code=503``        fail N times for each key, then serve an article (200)
``reset``                              close the TCP connection abruptly (RST) without answering
``truncated``                          ``Content-Length`` larger than the body actually sent
``redirect-loop``                      302 -> ``redirect-loop/b`` -> 302 -> ``redirect-loop`` ...
``redirect?to=URL[&code=302]``         redirect anywhere (SSRF tests: ``to=http://169.254.169.254/``)
``redirect-chain?n=N``                 N redirects before an article
``huge?mb=N[&chunked=1]``              N MiB of HTML, streamed (Content-Length, or chunked)
``gzip-bomb?mb=N``                     small gzip body that inflates to N MiB
``charset/<mode>``                     encoding traps, see :data:`CHARSET_MODES`
``binary``                             PNG bytes labelled ``text/html``
``not-html``                           a PDF (``application/pdf``)
``empty``                              200 with an empty body
=====================================  =============================================================
"""

from __future__ import annotations

import functools
import socket
import struct
import threading
import time
import zlib
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from newsingest.sample_site.server import SiteRequestHandler

MAX_DELAY = 60.0
MAX_MB = 1024
MAX_CHAIN = 100

# Expected decoded text of each charset trap page: (text, bytes encoding, Content-Type, <meta> charset).
_CP1252_TEXT = "Café owners in Zürich paid 4,80 € for a “crème brûlée” – naïve, said Zoë."
_LATIN1_TEXT = "Café owners in Zürich paid £4 for a crème brûlée, naïve, said Zoë."
CHARSET_MODES: dict[str, tuple[str, str, str, str | None]] = {
    # header says utf-8 (and so does <meta>), bytes are cp1252
    "wrong-header": (_CP1252_TEXT, "cp1252", "text/html; charset=utf-8", "utf-8"),
    # no charset in the header or the page, bytes are cp1252
    "none": (_CP1252_TEXT, "cp1252", "text/html", None),
    # charset only in <meta>, bytes are cp1252
    "meta-only": (_CP1252_TEXT, "cp1252", "text/html", "windows-1252"),
    # header says iso-8859-1, bytes are latin-1, no <meta>
    "latin1-header": (_LATIN1_TEXT, "latin-1", "text/html; charset=iso-8859-1", None),
}

_flaky_lock = threading.Lock()


def article_html(title: str, note: str = "", meta_charset: str | None = "utf-8") -> str:
    """A small but complete news article page (what the 'successful' misbehaviour routes serve)."""
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head>{meta}<title>{title}</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2026-11-04T10:00:00+00:00"></head>
<body><article><h1>{title}</h1>
<p class="byline">By Test Desk</p>
<p>{note}</p>
<p>Officials in Brussels said on Wednesday that the European Commission would publish its proposal for the
reform of electricity markets before the end of the month, after talks with energy ministers from Germany,
France and Spain.</p>
<p>The plan is expected to encourage long-term contracts for wind and solar power, which supporters say will
protect households from the price spikes that followed the gas crisis of 2022.</p>
<p>Critics including the consumer group BEUC said the proposal did too little to help families who are
struggling with their bills this winter.</p>
</article></body></html>"""


def _int(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"query parameter {name!r} must be an integer, got {raw!r}") from exc
    if not low <= value <= high:
        raise ValueError(f"query parameter {name!r} must be in [{low}, {high}], got {value}")
    return value


def _float(query: dict[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"query parameter {name!r} must be a number, got {raw!r}") from exc
    if not low <= value <= high:
        raise ValueError(f"query parameter {name!r} must be in [{low}, {high}], got {value}")
    return value


def _html(h: SiteRequestHandler, status: int, body: str, headers: dict[str, str] | None = None) -> None:
    h.send_bytes(status, body.encode("utf-8"), "text/html; charset=utf-8", headers)


def index(h: SiteRequestHandler, query: dict[str, str]) -> None:
    items = "".join(
        f"<li>{line.strip()}</li>" for line in (__doc__ or "").splitlines() if line.startswith("``")
    )
    _html(
        h,
        200,
        f"<!DOCTYPE html><html><head><title>misbehave</title></head><body><ul>{items}</ul></body></html>",
    )


def slow(h: SiteRequestHandler, query: dict[str, str]) -> None:
    delay = _float(query, "delay", 2.0, 0.0, MAX_DELAY)
    body = article_html("A slow article", f"This page waited {delay} seconds.").encode()
    if query.get("where") == "body":
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.flush()
        time.sleep(delay)
        h.wfile.write(body)
        return
    time.sleep(delay)
    h.send_bytes(200, body, "text/html; charset=utf-8")


def status(h: SiteRequestHandler, query: dict[str, str], code_text: str) -> None:
    try:
        code = int(code_text)
    except ValueError as exc:
        raise ValueError(f"status code must be an integer, got {code_text!r}") from exc
    if not 200 <= code <= 599:
        raise ValueError(f"status code must be in [200, 599], got {code}")
    headers = {}
    if "retry_after" in query:
        headers["Retry-After"] = query["retry_after"]
    if code in (204, 304):
        h.send_bytes(code, b"", None, headers)
        return
    _html(h, code, f"<html><body><h1>{code}</h1><p>Status {code} as requested.</p></body></html>", headers)


def flaky(h: SiteRequestHandler, query: dict[str, str], key: str) -> None:
    fail = _int(query, "fail", 2, 0, 1000)
    code = _int(query, "code", 503, 400, 599)
    counters: dict[str, int] = h.server.flaky_counts
    with _flaky_lock:
        seen = counters.get(key, 0)
        counters[key] = seen + 1
    if seen < fail:
        headers = {"Retry-After": query["retry_after"]} if "retry_after" in query else {}
        _html(
            h, code, f"<html><body><h1>{code}</h1><p>Failure {seen + 1} of {fail}.</p></body></html>", headers
        )
        return
    _html(h, 200, article_html(f"Flaky article {key}", f"Served after {fail} failures."))


def reset(h: SiteRequestHandler, query: dict[str, str]) -> None:
    """Close with SO_LINGER 0 so the peer sees a TCP RST instead of a response."""
    conn: socket.socket = h.connection
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.close_connection = True
    h.abort_connection = True


def truncated(h: SiteRequestHandler, query: dict[str, str]) -> None:
    body = article_html("A truncated article", "The server promised more bytes than it sent.").encode()
    sent = body[: len(body) // 2]
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(len(body) * 4))
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(sent)
    h.wfile.flush()
    h.close_connection = True


def _redirect(h: SiteRequestHandler, location: str, code: int = 302) -> None:
    h.send_bytes(code, b"", "text/html; charset=utf-8", {"Location": location})


def redirect_loop(h: SiteRequestHandler, query: dict[str, str], leg: str = "") -> None:
    _redirect(h, "/misbehave/redirect-loop" if leg == "b" else "/misbehave/redirect-loop/b")


def redirect(h: SiteRequestHandler, query: dict[str, str]) -> None:
    if "to" not in query:
        raise ValueError("query parameter 'to' (the redirect target URL) is required")
    code = _int(query, "code", 302, 300, 308)
    _redirect(h, query["to"], code)


def redirect_chain(h: SiteRequestHandler, query: dict[str, str]) -> None:
    n = _int(query, "n", 3, 0, MAX_CHAIN)
    if n == 0:
        _html(h, 200, article_html("End of the redirect chain", "You followed every redirect."))
        return
    _redirect(h, "/misbehave/redirect-chain?" + urlencode({"n": n - 1}))


_HUGE_HEAD = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Huge page</title></head><body><article>"
)
_HUGE_PARA = (
    b"<p>This paragraph repeats until the page is as large as requested, to test response size limits. "
    b"Officials in Brussels said the plan would be published soon.</p>\n"
)


def huge(h: SiteRequestHandler, query: dict[str, str]) -> None:
    total = _int(query, "mb", 20, 1, MAX_MB) * 1024 * 1024
    chunk = (_HUGE_PARA * (65536 // len(_HUGE_PARA) + 1))[:65536]
    chunked = query.get("chunked") in ("1", "true", "yes")
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    if chunked:
        h.send_header("Transfer-Encoding", "chunked")
    else:
        h.send_header("Content-Length", str(total))
    h.end_headers()
    if h.command == "HEAD":
        return
    remaining = total
    first = True
    while remaining > 0:
        piece = (_HUGE_HEAD + chunk)[:65536] if first else chunk
        piece = piece[:remaining]
        first = False
        if chunked:
            h.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        else:
            h.wfile.write(piece)
        remaining -= len(piece)
    if chunked:
        h.wfile.write(b"0\r\n\r\n")


@functools.lru_cache(maxsize=8)
def gzip_bomb_body(mb: int) -> bytes:
    """A gzip member that inflates to ``mb`` MiB of spaces (streamed through the compressor)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1024 * 1024)
    out = [comp.compress(b"<html><body>")]
    out += [comp.compress(block) for _ in range(mb)]
    out.append(comp.compress(b"</body></html>"))
    out.append(comp.flush())
    return b"".join(out)


def gzip_bomb(h: SiteRequestHandler, query: dict[str, str]) -> None:
    body = gzip_bomb_body(_int(query, "mb", 100, 1, MAX_MB))
    h.send_bytes(200, body, "text/html; charset=utf-8", {"Content-Encoding": "gzip"})


def charset(h: SiteRequestHandler, query: dict[str, str], mode: str) -> None:
    if mode not in CHARSET_MODES:
        raise ValueError(f"charset mode must be one of {sorted(CHARSET_MODES)}, got {mode!r}")
    text, encoding, ctype, meta = CHARSET_MODES[mode]
    page = article_html(f"Encoding trap: {mode}", text, meta_charset=meta)
    h.send_bytes(200, page.encode(encoding), ctype)


def _png(width: int = 1, height: int = 1) -> bytes:
    """A valid grey PNG of the given size (built here so no binary blobs live in the repo)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG_BYTES = _png(64, 48)
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def binary(h: SiteRequestHandler, query: dict[str, str]) -> None:
    h.send_bytes(200, PNG_BYTES, "text/html; charset=utf-8")


def not_html(h: SiteRequestHandler, query: dict[str, str]) -> None:
    h.send_bytes(200, PDF_BYTES, "application/pdf")


def empty(h: SiteRequestHandler, query: dict[str, str]) -> None:
    h.send_bytes(200, b"", "text/html; charset=utf-8")


def dispatch(h: SiteRequestHandler, rest: str, query: dict[str, str]) -> bool:
    """Handle ``/misbehave/<rest>``; False when no route matches."""
    head, _, tail = rest.partition("/")
    simple = {
        "": index,
        "slow": slow,
        "reset": reset,
        "truncated": truncated,
        "redirect": redirect,
        "redirect-chain": redirect_chain,
        "huge": huge,
        "gzip-bomb": gzip_bomb,
        "binary": binary,
        "not-html": not_html,
        "empty": empty,
    }
    if head in simple and not tail:
        simple[head](h, query)
        return True
    if head == "redirect-loop" and tail in ("", "b"):
        redirect_loop(h, query, tail)
        return True
    if head in ("status", "flaky", "charset") and tail and "/" not in tail:
        {"status": status, "flaky": flaky, "charset": charset}[head](h, query, tail)
        return True
    return False
