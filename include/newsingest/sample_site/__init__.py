"""The bundled sample news site: fictional publishers, their ground truth, and a misbehaving test server.

- :mod:`.catalog` reads ``articles.yaml`` (``load_catalog()``, ``articles_on(day)``, ``window_articles()``).
- :mod:`.site` renders every page, feed and sitemap for a base URL; :mod:`.layouts` holds the
  per-publisher templates.
- :mod:`.server` serves it (``start_site()`` for tests, ``serve_forever()`` for ``newsingest site serve``),
  with ``/misbehave/`` routes (:mod:`.misbehave`) and a synthetic bulk site (:mod:`.bulk`).
"""

from newsingest.sample_site.catalog import SampleArticle, articles_on, load_catalog, window_articles
from newsingest.sample_site.server import SampleSite, serve_forever, start_site

__all__ = [
    "SampleArticle",
    "SampleSite",
    "articles_on",
    "load_catalog",
    "serve_forever",
    "start_site",
    "window_articles",
]
