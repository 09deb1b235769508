"""Airflow-side glue for newsingest: the OpenSearch hook and the plugin registration."""
