"""newsingest.load: the article index and everything that writes to or reads from it.

Modules: ``client`` (make_client), ``document`` (EnrichedArticle -> index document), ``index`` (template,
versioned indices, aliases, refresh relaxation), ``bulk`` (load_articles), ``reindex`` (new version + alias
swap), ``search`` (search, cluster_candidates), ``rank_eval`` (nDCG over judgements),
``languages`` (per-language analysis). Benchmark documents: ``newsingest.bench.synthetic``.

Index design (``data/index_template.json``, ``dynamic: strict``):

* Physical indices ``<alias>-v<N>`` behind a read alias (``news``) and a write alias (``news-write``,
  ``is_write_index``). A mapping change bumps ``_meta.schema_version`` in the template and is rolled out by
  ``reindex_to_new_version`` (write alias first, copy with ``op_type=create``, read alias swap; the old
  index is kept until ``drop_old=True``).
* Text: ``title``, ``subtitle``, ``lead`` (first real paragraph), ``body``, ``captions`` use the built-in
  ``english`` analyser and carry a language-neutral ``.std`` sub-field (standard tokenizer, lowercase,
  asciifolding). An article in another supported language (``languages.LANGUAGE_ANALYZERS``: 33 codes,
  31 analysers from analysis-common, no plugins) also gets ``title_<code>`` and ``body_<code>``, analysed
  with that language's stemmer and stop words. One field per language, filled only for that language,
  instead of one sub-field per language on every document: each document is analysed twice (English +
  its own), not thirty times. The cost: a second copy of title and body in ``_source`` for those articles.
* Facets: keyword fields keep the display form (aggregations show "Pedro Sánchez") and have a ``.norm``
  sub-field (normalizer: lowercase + asciifolding) that filters match ("pedro sanchez"): persons,
  organisations, locations, countries, topics.label, keywords, source, domain, authors, agency,
  language, section, page_type, access, tags, entities.name.
* ``entities`` is nested (name, type, label, salience, count, country, location geo_point); ``places`` is a
  geo_point array; dates are ``published``, ``modified``, ``first_seen``, ``last_crawled``, ``fetched_at``.
* ``cluster_id`` defaults to the article's own ``doc_id`` so collapsing never merges unrelated articles.
"""
