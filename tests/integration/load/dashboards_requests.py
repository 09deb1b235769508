"""The search requests OpenSearch Dashboards 3.x sends, rebuilt from the saved objects (Dashboards itself
cannot run here): Discover's document query (Lucene ``query_string`` or DQL free text, which Dashboards
compiles to a field-less ``multi_match``), the aggregation of every legacy visualization (search source +
``visState``) and the per-series requests of TSVB panels. Shapes follow the Dashboards source:
``src/plugins/data/common/search/aggs`` (agg configs -> DSL), ``opensearch_query/build_opensearch_query``
(query + time filter) and ``vis_type_timeseries/server/lib/vis_data`` (TSVB)."""

from __future__ import annotations

import json
from typing import Any

BUCKET_SCHEMAS = ("segment", "group", "bucket", "split")
HIGHLIGHT_TAGS = ("@opensearch-dashboards-highlighted-field@", "@/opensearch-dashboards-highlighted-field@")


def time_filter(field: str, time_from: str, time_to: str) -> dict[str, Any]:
    return {"range": {field: {"gte": time_from, "lte": time_to, "format": "strict_date_optional_time"}}}


def discover_request(
    text: str, *, language: str, time_field: str, time_from: str, time_to: str
) -> dict[str, Any]:
    """Discover's hits request for a query typed in the search bar (``lucene`` or ``kuery``/DQL)."""
    if language == "lucene":
        # query:queryString:options default ({"analyze_wildcard": true}) plus the browser's time zone
        query: dict[str, Any] = {
            "query_string": {"query": text, "analyze_wildcard": True, "time_zone": "UTC"}
        }
        must, filters = [query], []
    else:
        # DQL free text without a field: multi_match over the index's default fields
        kind = "phrase" if text.startswith('"') and text.endswith('"') and len(text) > 1 else "best_fields"
        phrase = text.strip('"') if kind == "phrase" else text
        must, filters = [], [{"multi_match": {"type": kind, "query": phrase, "lenient": True}}]
    return {
        "size": 500,
        "sort": [{time_field: {"order": "desc", "unmapped_type": "boolean"}}],
        "version": True,
        "stored_fields": ["*"],
        "script_fields": {},
        "docvalue_fields": [{"field": time_field, "format": "date_time"}],
        "_source": {"excludes": []},
        "query": {
            "bool": {
                "must": must,
                "filter": [*filters, time_filter(time_field, time_from, time_to)],
                "should": [],
                "must_not": [],
            }
        },
        "highlight": {
            "pre_tags": [HIGHLIGHT_TAGS[0]],
            "post_tags": [HIGHLIGHT_TAGS[1]],
            "fields": {"*": {}},
            "fragment_size": 2147483647,
        },
    }


def _metric_dsl(agg: dict[str, Any]) -> dict[str, Any]:
    params = agg["params"]
    if agg["type"] == "top_hits":
        order = params.get("sortOrder", "desc")
        return {
            "top_hits": {
                "sort": [{params["sortField"]: {"order": order}}],
                "_source": {"includes": [params["field"]]},
                "size": params.get("size", 1),
            }
        }
    return {agg["type"]: {"field": params["field"]}}


def _bucket_dsl(agg: dict[str, Any], metric_ids: set[str], time_from: str, time_to: str) -> dict[str, Any]:
    params = agg["params"]
    if agg["type"] == "terms":
        order_by = params.get("orderBy", "1")
        key = "_count" if order_by not in metric_ids else order_by
        body: dict[str, Any] = {"field": params["field"], "order": {key: params.get("order", "desc")}}
        body["size"] = params["size"]
        body.update(json.loads(params.get("json") or "{}"))  # the "JSON input" advanced field
        return {"terms": body}
    if agg["type"] == "date_histogram":
        # interval "auto" over the range becomes a fixed interval; a day fits any range up to a few years
        return {
            "date_histogram": {
                "field": params["field"],
                "fixed_interval": "1d",
                "time_zone": "UTC",
                "min_doc_count": params.get("min_doc_count", 1),
                "extended_bounds": {"min": time_from, "max": time_to},
            }
        }
    if agg["type"] == "geohash_grid":
        # autoPrecision at mapZoom 2 gives precision 2; the centroid comes as a sub-aggregation
        return {"geohash_grid": {"field": params["field"], "precision": params.get("precision", 2)}}
    raise AssertionError(f"bucket aggregation {agg['type']!r} not modelled")


def visualization_request(
    vis_state: dict[str, Any], *, time_field: str, time_from: str, time_to: str
) -> dict[str, Any]:
    """The request of a legacy (search source) visualization: buckets nested in order, metrics inside."""
    aggs = [a for a in vis_state["aggs"] if a.get("enabled", True)]
    metrics = [a for a in aggs if a["schema"] == "metric" and a["type"] != "count"]
    buckets = [a for a in aggs if a["schema"] in BUCKET_SCHEMAS]
    metric_ids = {a["id"] for a in metrics}
    inner: dict[str, Any] = {a["id"]: _metric_dsl(a) for a in metrics}
    for agg in reversed(buckets):
        node = _bucket_dsl(agg, metric_ids, time_from, time_to)
        sub = dict(inner)
        if agg["type"] == "geohash_grid" and agg["params"].get("useGeocentroid"):
            sub["3"] = {"geo_centroid": {"field": agg["params"]["field"]}}
        if sub:
            node["aggs"] = sub
        inner = {agg["id"]: node}
    return {
        "size": 0,
        "aggs": inner,
        "query": {
            "bool": {"must": [], "filter": [{"match_all": {}}, time_filter(time_field, time_from, time_to)]}
        },
    }


def tsvb_requests(params: dict[str, Any], *, time_from: str, time_to: str) -> dict[str, dict[str, Any]]:
    """Series id -> the request TSVB sends for that series (a date histogram with the series' metric)."""
    field = params["time_field"]
    out = {}
    for series in params["series"]:
        metrics: dict[str, Any] = {}
        for metric in series["metrics"]:
            if metric["type"] == "filter_ratio":
                for side in ("numerator", "denominator"):
                    q = metric[side]
                    query = (
                        {"query_string": {"query": q["query"], "analyze_wildcard": True}}
                        if q.get("language") == "lucene"
                        else {"match_all": {}}
                    )
                    metrics[f"{metric['id']}-{side}"] = {"filter": query}
            else:
                metrics[metric["id"]] = {metric["type"]: {"field": metric["field"]}}
        out[series["id"]] = {
            "size": 0,
            "query": {"bool": {"must": [time_filter(field, time_from, time_to)]}},
            "aggs": {
                series["id"]: {
                    "filter": {"match_all": {}},
                    "aggs": {
                        "timeseries": {
                            "date_histogram": {
                                "field": field,
                                "fixed_interval": "1d",
                                "min_doc_count": 0,
                                "time_zone": "UTC",
                                "extended_bounds": {"min": time_from, "max": time_to},
                            },
                            "aggs": metrics,
                        }
                    },
                }
            },
        }
    return out
