"""The Airflow Asset for the article index, shared by the DAGs that write it.

The asset is named after the read alias (``NEWSINGEST_INDEX``, default ``news``), so two deployments or
test runs with different aliases never declare one asset name with two URIs (Airflow would mark it
inactive and fail the task).
"""

from __future__ import annotations

from airflow.sdk import Asset


def news_index_asset(alias: str) -> Asset:
    """The asset of the index behind read alias ``alias`` (the settings' ``index_alias``)."""
    return Asset(name=f"opensearch_index_{alias}", uri=f"opensearch://{alias}", group="opensearch")
