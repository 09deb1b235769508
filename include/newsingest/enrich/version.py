"""The enrichment logic version stamped on every enriched document.

Bump it whenever a change alters what :class:`~newsingest.enrich.pipeline.Enricher` produces for the
same input (model, normalisation rules, data files, topic lexicons, clustering parameters), so the
index can tell which documents need re-enrichment.
"""

ENRICHMENT_VERSION = "2026.12.5"
