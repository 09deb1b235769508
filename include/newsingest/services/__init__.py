"""Embedded services for the default setup: the OpenSearch node, the sample site, Airflow."""
