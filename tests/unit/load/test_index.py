"""newsingest.load.index without a node: alias names and index settings are validated."""

from __future__ import annotations

import pytest
from newsingest.load.index import check_alias, index_settings


def test_alias_and_settings_validation() -> None:
    assert check_alias("news") == "news"
    with pytest.raises(ValueError, match="'News Index' is not valid"):
        check_alias("News Index")
    assert index_settings(replicas=2) == {"number_of_replicas": 2, "auto_expand_replicas": "false"}
    with pytest.raises(ValueError, match="shards must be >= 1"):
        index_settings(shards=0)
