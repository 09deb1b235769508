"""Manual redirects: each hop's target checked (http(s) only, parseable), loops and long chains refused.

The fetcher follows redirects itself (httpx's ``follow_redirects`` is off) so that every hop goes through
robots.txt, politeness, retries and the SSRF guard like a first request.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from newsingest.web.urls import URLError, canonicalize, join_url


class RedirectFailure(Exception):
    """A redirect the fetch must not follow; ``url`` is where it pointed when that is known."""

    def __init__(self, error_class: str, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.url = url


def is_redirect(status: int | None, location: str | None) -> bool:
    return status is not None and 300 <= status < 400 and status != 304 and bool(location)


class RedirectChain:
    """The hops of one fetch, in order; ``hops`` lists the URLs redirected from."""

    def __init__(self, max_redirects: int) -> None:
        self.max_redirects = max_redirects
        self.hops: list[str] = []
        self._seen: set[str] = set()

    def enter(self, url: str) -> None:
        """Record a URL about to be requested; raises URLError when it has no canonical form."""
        self._seen.add(canonicalize(url))

    def follow(self, current: str, location: str) -> str:
        """The URL a redirect from ``current`` to ``location`` leads to; raises RedirectFailure."""
        target = join_url(current, location.strip())
        if target is None or urlsplit(target).scheme not in ("http", "https"):
            bad = target or location.strip()
            raise RedirectFailure("bad_redirect", f"redirect to unsupported URL {bad!r}")
        try:
            key = canonicalize(target)
        except URLError as exc:
            raise RedirectFailure("bad_redirect", str(exc)) from exc
        if key in self._seen:
            raise RedirectFailure("redirect_loop", f"redirect loop at {target}")
        self.hops.append(current)
        if len(self.hops) > self.max_redirects:
            raise RedirectFailure(
                "too_many_redirects", f"more than {self.max_redirects} redirects", url=target
            )
        return target
