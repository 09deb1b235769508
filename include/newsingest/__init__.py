"""newsingest: crawl news sites, clean, enrich and load articles into a faceted OpenSearch index."""

__version__ = "0.1.0"
PIPELINE_VERSION = __version__
