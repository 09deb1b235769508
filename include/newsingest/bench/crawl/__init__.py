"""The crawl benchmark: our fetcher against Scrapy on the same URL list from the sample site's bulk pages.

Each crawler runs in its own subprocess (Scrapy's Twisted reactor stays isolated, and peak RSS is
measured per process); the sample site runs in a third process on an ephemeral loopback port.
"""
