"""newsingest.crawl: discover candidate article URLs and fetch them politely into WARC archives.

Public entry points (import from the modules; this package imports nothing heavy):

- ``discover.discover(source, start, end, *, settings, config=None, run_id=None, keep_undated=True)``
  -> ``list[DiscoveredURL]``; ``discover.discover_report(...)`` -> ``DiscoveryReport`` (document outcomes).
- ``fetch.fetch_urls(urls, sources, *, run_id, settings, force=False, config=None, batch=None)``
  -> ``list[FetchResult]``.
- ``archive.read_response(result)`` -> ``ArchivedResponse``; ``archive.iter_archive(path, on_problem=None)``.
- ``client.Fetcher``: the polite HTTP engine; its concerns live beside it in ``exchange`` (the records),
  ``redirects``, ``retry`` (policy and backoff), ``limits`` (body caps, accepted types), ``transport``
  (one-connection httpx clients on httpx's public transport API, the SSRF guard of ``ssrf``).
- Canonical URLs, dates and charsets are shared with clean in ``newsingest.web`` (``web.urls``,
  ``web.dates``, ``web.charset``).
- ``config.CrawlConfig`` (limits and politeness; the ``crawl`` sub-tree of ``newsingest.config.Settings``).
"""
