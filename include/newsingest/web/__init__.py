"""Web helpers shared by crawl and clean: canonical URLs, dates and charsets."""
