"""Airflow-side glue for newsingest: the OpenSearch hook, the article-index asset the DAGs share and the
per-source crawl lease (politeness). Airflow registers nothing from here: the DAG files import what they use.
"""
