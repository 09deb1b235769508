"""newsingest.enrich: entities, places, topics, keyphrases, language and story clusters for articles.

Entry point: :class:`newsingest.enrich.pipeline.Enricher` (``Enricher().enrich(articles,
cluster_lookup=...)``). Modules, each with one job:

- ``language``: lingua language identification (lazy detector, confidence).
- ``entities``: NER backends (spaCy ``nlp.pipe`` with NER components only; pluggable by model name or object).
- ``truecase``: ALL-CAPS lines (headlines, table headers) in their likely casing before NER, same length.
- ``normalize``: per-document entity cleanup, type correction, short-form merging, salience, places
  (with ``context`` cues and ``table_rows``: one type per column of a results list or table).
- ``aliases`` / ``geo``: cross-document canonical names and the offline gazetteer (GeoNames, pycountry).
- ``keywords``: YAKE keyphrases minus entity names.
- ``topics``: IPTC Media Topics from weighted lexicons (``data/topic_lexicons_en.json``).
- ``dedup``: content hashes, MinHash/LSH bands and cluster assignment.
- ``version``: ``ENRICHMENT_VERSION`` stamped on every document.
"""
