"""Canonical URLs and document ids.

``canonicalize`` is idempotent: lower-case scheme and host (IDNA), no default port, no fragment,
no tracking parameters, sorted query, normalised percent-encoding and dot segments.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import posixpath
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from newsingest.errors import PermanentError

# Exact names and prefixes of query parameters that only track the click.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "twclid", "ttclid", "igshid", "li_fat_id",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid",
        "ocid", "cmpid", "s_cid", "ito", "at_medium", "at_campaign", "smid", "ns_mchannel", "ns_source",
        "ns_campaign", "ns_linkname", "ns_fee", "ref_src", "ref_url", "ncid", "sr_share", "spm",
        "__twitter_impression",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_", "at_custom", "_ga", "_gl")

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left unescaped in paths and queries (RFC 3986 unreserved + sub-delims + ':' '@' '/').
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = ":@!$'()*+,;/?-._~"
_MULTI_SLASH = re.compile(r"/{2,}")
# A host httpx (like RFC 3986) reads as IPv4 dotted-quad and so must be one.
_DOTTED_QUAD = re.compile(r"[0-9]+(?:\.[0-9]+){3}")


class URLError(PermanentError, ValueError):
    """A URL that cannot be canonicalised (no scheme or host, unsupported scheme)."""


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _host(hostname: str, url: str) -> str:
    host = hostname.strip(".").lower()
    if not host:
        raise URLError(f"URL has no valid host: {url!r}")
    if ":" in host:  # IPv6 literal
        return f"[{host}]"
    if _DOTTED_QUAD.fullmatch(host):
        # "0177.0.0.1" is 127.0.0.1 to inet_aton and browsers but an invalid URL to httpx, so it has no
        # single meaning: refused. Other numeric spellings ("127.1", "0x7f.0.0.1", "2130706433") are
        # hostnames to httpx, resolved like inet_aton does, and checked by the SSRF guard after resolution.
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            raise URLError(
                f"URL host {host!r} is not a valid IPv4 address (octal or out of range): {url!r}"
            ) from None
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _path(path: str) -> str:
    if not path:
        return "/"
    path = _MULTI_SLASH.sub("/", unquote(path))
    trailing = path.endswith("/")
    normal = posixpath.normpath(path)
    if normal in (".", "/", "//"):
        normal = "/"
    if not normal.startswith("/"):
        normal = "/" + normal
    if trailing and not normal.endswith("/"):
        normal += "/"
    return quote(normal, safe=_PATH_SAFE)


@functools.lru_cache(maxsize=65536)
def join_url(base: str, ref: str) -> str | None:
    """``ref`` resolved against ``base``; None when either is not a parseable URL ("http://[x/").

    ``urllib.parse.urljoin`` raises ValueError on a malformed IPv6 host; markup from the web has them.
    """
    try:
        return urljoin(base, ref)
    except ValueError:
        return None


@functools.lru_cache(maxsize=65536)  # pure; a crawl asks for the same URL's form several times
def canonicalize(url: str) -> str:
    """Return the canonical form of an absolute http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise URLError(f"not a valid URL: {url!r} ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise URLError(f"not an http(s) URL: {url!r}")
    if not parts.hostname:
        raise URLError(f"URL has no host: {url!r}")
    netloc = _host(parts.hostname, url)
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    query = urlencode(sorted(pairs), quote_via=quote, safe=_QUERY_SAFE)
    return urlunsplit((scheme, netloc, _path(parts.path), query, ""))


def doc_id(canonical_url: str) -> str:
    """Stable id of a document: sha256 hex of its canonical URL."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()


def resolve_canonical(page_url: str, declared: str | None) -> str:
    """Canonical URL of a fetched page given its rel=canonical/og:url value (may be relative or bad).

    Falls back to the page URL when the declared value is missing, not http(s), or on another scheme.
    """
    base = canonicalize(page_url)
    if not declared or not declared.strip():
        return base
    joined = join_url(page_url, declared.strip())
    if joined is None:
        return base
    try:
        return canonicalize(joined)
    except URLError:
        return base


def host_key(url: str) -> str:
    """``host:port`` of a URL (lower-case, default port filled in), the unit of politeness."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    return f"{(parts.hostname or '').lower()}:{port}"


@functools.lru_cache(maxsize=1)
def _suffixes():
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()  # the list shipped with the pinned package; nothing is fetched


def site_of(url: str) -> str:
    """The registered domain of ``url``'s host (``news.bbc.co.uk`` -> ``bbc.co.uk``), the unit of trust
    for document ids. An IP address or a single-label host (``localhost``) has none: its site is the
    ``host:port`` itself."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        is_ip = True
    except ValueError:
        is_ip = False
    if is_ip or "." not in host:
        return host_key(url)
    return _suffixes().privatesuffix(host) or host


def trusted_canonical(page_url: str, claimed: str | None, declared: Iterable[str] = ()) -> str | None:
    """``claimed`` if a page at ``page_url`` may decide it as its canonical URL, else None.

    A page decides canonical URLs on its own registered domain only, or on the domains its source
    declares (``declared``: host names or URLs); a claim on another site is never a document id.
    """
    if not claimed:
        return None
    allowed = {site_of(page_url)}
    for item in declared:
        allowed.add(site_of(item if "://" in item else f"https://{item}/"))
    return claimed if site_of(claimed) in allowed else None
