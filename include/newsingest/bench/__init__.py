"""Benchmarks and evaluation, kept out of the product code path (nothing outside this package imports it).

- ``cli_*``: the ``newsingest bench …`` subcommands (registered by :mod:`newsingest.cli.bench`).
- ``clean_evaluate``: cleaner metrics (body shingle P/R/F1, title, authors, date) and runners.
- ``enrich_evaluate``: CoNLL NER, language and topic evaluation.
- ``crawl``: our fetcher against Scrapy on the sample site's bulk pages (runner + worker processes).
- ``synthetic``: synthetic enriched articles for the load benchmark and fault tests.
- ``soak``: sustained load through the stage runners.
- ``realsites``: labelled corpora served as sites over real HTTP, through the real pipeline.
- ``e2e``: a generated day of articles through news_ingest under a real scheduler, beside raw nlp.pipe.
"""
