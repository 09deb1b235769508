"""newsingest.clean.metadata: JSON-LD blocks read leniently."""

from __future__ import annotations

from newsingest.clean.metadata import parse_ld_json


def test_parse_ld_json_tolerates_broken_blocks_and_flattens_graph():
    nodes = parse_ld_json(
        [
            "{not json",
            '{"@graph": [{"@type": "WebSite", "name": "S"}, {"@type": ["NewsArticle"], "headline": "H",}]}',
            "",
        ]
    )
    assert [n.get("headline") for n in nodes if n.get("headline")] == ["H"]
