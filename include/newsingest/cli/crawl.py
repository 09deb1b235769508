"""`newsingest crawl …`: discovery, fetching and the WARC archive by hand."""

from newsingest.crawl.cli import commands

__all__ = ["commands"]
