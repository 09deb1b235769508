"""newsingest.enrich: entities, places, topics, keyphrases, language and story clusters for articles.

Entry point: :class:`newsingest.enrich.pipeline.Enricher` (``Enricher().enrich(articles,
cluster_lookup=...)``). Modules, each with one job:

- ``language``: lingua language identification (lazy detector, confidence).
- ``entities``: NER backends (spaCy ``nlp.pipe`` with NER components only; pluggable by model name or object).
- ``normalize``: per-document entity cleanup, type correction, short-form merging, salience, places.
- ``aliases`` / ``geo``: cross-document canonical names and the offline gazetteer (GeoNames, pycountry).
- ``keywords``: YAKE keyphrases minus entity names.
- ``topics``: IPTC Media Topics from weighted lexicons (``data/topic_lexicons_en.json``).
- ``dedup``: content hashes, MinHash/LSH bands and cluster assignment.
- ``version``: ``ENRICHMENT_VERSION`` stamped on every document.
"""
