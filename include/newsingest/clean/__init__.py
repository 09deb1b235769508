"""newsingest.clean: our BeautifulSoup (lxml) article extractor.

Entry points (``newsingest.clean.extract``):

- ``extract(html, url, *, published_hint=None, title_hint=None, source=None) -> CleanedArticle``
- ``clean_page(html, url, *, published_hint=None, title_hint=None, source=None, min_chars=250)
  -> CleanedArticle | DroppedPage`` (non-articles, unreadable input and too-short bodies are dropped
  with a reason such as ``page_type:consent``, ``too_short``, ``furniture_only``, ``binary``, ``empty``,
  and the article evidence the page showed in ``DroppedPage.evidence``)
- ``extract_with_verdict(html, url, **same options) -> (CleanedArticle | None, DroppedPage | None)``:
  both the extracted fields and the drop ``clean_page`` would record (``newsingest.bench`` uses it)
- ``register_override(source, hook)``: optional per-source post-processing (the core has no site rules)

Modules: ``text`` (pre-stripping, whitespace), ``metadata`` (JSON-LD, OpenGraph, meta, microdata),
``dates`` (ranking; parsing is ``newsingest.web.dates``), ``authors``, ``boilerplate`` (furniture
vocabulary), ``scoring`` (main-text blocks and container choice), ``pagetype`` (page type and access).
Bytes become text in ``newsingest.web.charset``. Benchmark metrics: ``newsingest.bench.clean_evaluate``.
"""
