"""Crawl knobs (timeouts, limits, politeness): the ``crawl`` sub-tree of ``newsingest.config.Settings``.

The class is defined in :mod:`newsingest.config` with the rest of the settings tree, which Airflow loads
while it parses a DAG file, when no stage package may be imported; this module keeps its import path.
"""

from newsingest.config import HTML_TYPES, XML_TYPES, CrawlConfig

__all__ = ["HTML_TYPES", "XML_TYPES", "CrawlConfig"]
