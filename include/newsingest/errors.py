"""The project's error vocabulary: one base exception, retryable vs permanent, and the classes and reasons
the stages write into their records.

- :class:`NewsingestError` is the base of every exception the package raises on purpose;
  :class:`RetryableError` (a service or network fault: trying again later may work) and
  :class:`PermanentError` (bad input or configuration: the same call fails the same way) split it.
- :class:`ErrorClass` names why one fetch failed (``FetchResult.error_class``, the fetch summary's
  ``errors`` counts, the runs index's ``fetch_errors``).
- :class:`DropReason` names why a page did not become an article (``DroppedPage.reason``, the clean
  summary's ``dropped`` counts). A fetch failure is dropped as ``fetch:<error class>`` and a non-article
  page as ``page_type:<type>`` (:func:`drop_reason_of` reads both back).

Both enums are ``str`` enums: a member equals, hashes and JSON-encodes as its value, so records, XCom
values and index documents keep the same strings.
"""

from __future__ import annotations

from enum import StrEnum


class NewsingestError(Exception):
    """Base of the errors newsingest raises on purpose; the message names the input and what is wrong."""


class RetryableError(NewsingestError):
    """A fault that may pass (a service down, a network error): the caller may retry, bounded."""


class PermanentError(NewsingestError):
    """Bad input or configuration: retrying the same call fails the same way; fix the input."""


class ErrorClass(StrEnum):
    """Why one fetch failed (the crawler's classification)."""

    TIMEOUT = "timeout"
    CONNECT = "connect"
    RESET = "reset"
    PROTOCOL = "protocol"
    HTTP_4XX = "http_4xx"
    HTTP_5XX = "http_5xx"
    RATE_LIMITED = "rate_limited"
    TOO_LARGE = "too_large"
    CONTENT_TYPE = "content_type"
    DECODE = "decode"
    BAD_URL = "bad_url"
    BAD_REDIRECT = "bad_redirect"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    SSRF = "ssrf"
    ROBOTS = "robots"  # disallowed by robots.txt
    ROBOTS_UNAVAILABLE = "robots_unavailable"  # robots.txt could not be read: the host is deferred
    HOST_FAILING = "host_failing"  # the host failed repeatedly in this run: not tried
    UNKNOWN_SOURCE = "unknown_source"
    # discovery documents (feeds, sitemaps) that came but could not be read
    PARSE = "parse"
    PARSE_ERROR = "parse_error"
    XML_REFUSED = "xml_refused"
    ERROR = "error"  # anything else

    @property
    def retryable(self) -> bool:
        """A network fault worth another attempt within the fetch's retry budget."""
        return self in RETRYABLE_CLASSES

    @property
    def counts_against_host(self) -> bool:
        """A failure that counts towards giving a host up for the run."""
        return self in HOST_FAILURE_CLASSES

    @property
    def attempted(self) -> bool:
        """The page was requested (not refused by robots.txt, a failing host or an unknown source)."""
        return self not in NOT_ATTEMPTED_CLASSES


# network faults worth another attempt within a fetch's retry budget
RETRYABLE_CLASSES = frozenset({ErrorClass.TIMEOUT, ErrorClass.CONNECT, ErrorClass.RESET, ErrorClass.PROTOCOL})
# failures that count towards giving a host up for the run
HOST_FAILURE_CLASSES = RETRYABLE_CLASSES | {ErrorClass.HTTP_5XX, ErrorClass.RATE_LIMITED}
# URLs that were never requested
NOT_ATTEMPTED_CLASSES = frozenset(
    {ErrorClass.ROBOTS, ErrorClass.ROBOTS_UNAVAILABLE, ErrorClass.HOST_FAILING, ErrorClass.UNKNOWN_SOURCE}
)


class DropReason(StrEnum):
    """Why a page was not turned into an article (the head of ``DroppedPage.reason``)."""

    PAGE_TYPE = "page_type"  # page_type:<type>: consent, gallery, liveblog, index, paywall, ...
    TOO_SHORT = "too_short"
    EMPTY = "empty"
    BINARY = "binary"
    FURNITURE_ONLY = "furniture_only"  # every candidate body reads as page furniture
    TOO_DEEP = "too_deep"  # markup nested too deep to parse
    EXTRACT_ERROR = "extract_error"  # the cleaner failed on the page (a bug: the page is kept aside)
    ARCHIVE_UNREADABLE = "archive_unreadable"  # the archived response could not be read back
    FETCH = "fetch"  # fetch:<error class>

    def with_detail(self, detail: str) -> str:
        """``page_type:consent``, ``fetch:timeout``: the reason with its qualifier."""
        return f"{self.value}:{detail}"


def drop_reason_of(reason: str) -> DropReason | None:
    """The :class:`DropReason` a stored reason string starts with (None for one this code never wrote)."""
    head = reason.split(":", 1)[0]
    try:
        return DropReason(head)
    except ValueError:
        return None
