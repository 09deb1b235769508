"""Generate ``saved_objects.ndjson``: the OpenSearch Dashboards objects for newsingest.

Run ``python include/dashboards/build_saved_objects.py`` after changing this file (``--check`` exits 1
when the committed NDJSON is out of date; tests/unit/deploy runs it). Every object has a fixed id, so
re-importing with ``overwrite=true`` updates in place.

Objects:
* index patterns ``news`` (time field ``published``) and ``newsingest-runs*`` (time field
  ``interval_start``); their field lists are left empty so Dashboards reads them from the live mapping;
* saved search "News";
* visualisations over the news alias (articles over time, top persons / organisations / locations /
  countries / topics / sources / languages, a map of resolved places, largest story clusters, field fill
  rates) and over the runs index (funnel per source, fetch errors by class);
* dashboards "News overview" and "Ingestion health", restoring the time range
  :data:`DEFAULT_TIME_FROM` to now: wide enough that a corpus loaded by a backfill or the sample site
  shows on first open; narrow it in the time picker.

The news index pattern's title is the read alias ``news``; ``deploy/setup/import_saved_objects.py``
retargets it (and the TSVB panels that name the index) to ``NEWSINGEST_INDEX`` when that differs.
The story-cluster table lists clusters of two or more articles (a terms ``min_doc_count`` of 2).
The fetch-error classes are mapped in the runs-index template, so the error chart reads 0, not "no data".
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().with_name("saved_objects.ndjson")

NEWS_PATTERN_ID = "newsingest-news"
NEWS_PATTERN_TITLE = "news"
NEWS_TIME_FIELD = "published"
RUNS_PATTERN_ID = "newsingest-runs"
RUNS_PATTERN_TITLE = "newsingest-runs*"
RUNS_INDEX = "newsingest-runs"
RUNS_TIME_FIELD = "interval_start"

# Fetch error classes the crawler records (newsingest.crawl.client); counted as fetch_errors.<class>.
FETCH_ERROR_CLASSES = (
    "timeout", "connect", "reset", "protocol", "http_4xx", "http_5xx", "rate_limited", "robots",
    "robots_unavailable", "too_large", "content_type", "decode", "ssrf", "bad_url", "bad_redirect",
    "redirect_loop", "too_many_redirects", "host_failing", "unknown_source", "error",
)  # fmt: skip
# Fields whose share of newly seen articles the fill-rate chart follows.
FILL_RATE_FIELDS = (
    "authors", "section", "lead", "persons", "organisations", "locations", "countries", "topics.code",
    "keywords", "places",
)  # fmt: skip
FUNNEL_FIELDS = ("discovered", "attempted", "fetched", "cleaned", "enriched", "indexed", "failed")

MIGRATION = {
    "index-pattern": {"index-pattern": "7.6.0"},
    "search": {"search": "7.9.3"},
    "visualization": {"visualization": "7.10.0"},
    "dashboard": {"dashboard": "7.9.3"},
}
INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"
EMPTY_QUERY = {"query": "", "language": "kuery"}
DEFAULT_TIME_FROM = "now-1y"  # restored by both dashboards, to "now"
MIN_CLUSTER_SIZE = 2


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _obj(
    type_: str, id_: str, attributes: dict[str, Any], references: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "attributes": attributes,
        "id": id_,
        "migrationVersion": MIGRATION[type_],
        "references": references,
        "type": type_,
    }


def index_pattern(id_: str, title: str, time_field: str) -> dict[str, Any]:
    return _obj("index-pattern", id_, {"title": title, "timeFieldName": time_field, "fields": "[]"}, [])


def _search_source(pattern_id: str | None) -> tuple[dict[str, Any], list[dict[str, str]]]:
    source: dict[str, Any] = {"query": EMPTY_QUERY, "filter": []}
    refs: list[dict[str, str]] = []
    if pattern_id:
        source["indexRefName"] = INDEX_REF
        refs.append({"name": INDEX_REF, "type": "index-pattern", "id": pattern_id})
    return {"searchSourceJSON": _dumps(source)}, refs


def saved_search(id_: str, title: str, columns: list[str], sort: list[list[str]]) -> dict[str, Any]:
    meta, refs = _search_source(NEWS_PATTERN_ID)
    attrs = {
        "title": title,
        "description": "Articles in the news alias, newest first.",
        "columns": columns,
        "sort": sort,
        "hits": 0,
        "version": 1,
        "kibanaSavedObjectMeta": meta,
    }
    return _obj("search", id_, attrs, refs)


def _agg(id_: str, type_: str, schema: str, **params: Any) -> dict[str, Any]:
    return {"id": id_, "enabled": True, "type": type_, "schema": schema, "params": params}


def _count() -> dict[str, Any]:
    return _agg("1", "count", "metric")


def _terms(
    id_: str, field: str, size: int, schema: str = "segment", label: str = "", min_doc_count: int = 1
) -> dict[str, Any]:
    extra = {"json": _dumps({"min_doc_count": min_doc_count})} if min_doc_count != 1 else {}
    return _agg(
        id_, "terms", schema, field=field, size=size, order="desc", orderBy="1",
        otherBucket=False, missingBucket=False, customLabel=label, **extra,
    )  # fmt: skip


def visualization(
    id_: str, title: str, vis_type: str, aggs: list[dict[str, Any]], params: dict[str, Any],
    *, pattern_id: str | None = NEWS_PATTERN_ID, description: str = "",
) -> dict[str, Any]:  # fmt: skip
    meta, refs = _search_source(pattern_id)
    state = {"title": title, "type": vis_type, "aggs": aggs, "params": params}
    attrs = {
        "title": title,
        "description": description,
        "visState": _dumps(state),
        "uiStateJSON": "{}",
        "version": 1,
        "kibanaSavedObjectMeta": meta,
    }
    return _obj("visualization", id_, attrs, refs)


def _bar_params(horizontal: bool) -> dict[str, Any]:
    return {
        "type": "histogram",
        "addLegend": False,
        "addTooltip": True,
        "legendPosition": "right",
        "times": [],
        "addTimeMarker": False,
        "labels": {"show": horizontal},
        "thresholdLine": {"show": False, "value": 10, "width": 1, "style": "full", "color": "#E7664C"},
    }


def top_terms(id_: str, title: str, field: str, size: int = 20) -> dict[str, Any]:
    return visualization(
        id_, title, "horizontal_bar", [_count(), _terms("2", field, size)], _bar_params(True),
        description=f"Most frequent values of {field} in the selected time range.",
    )  # fmt: skip


def table(id_: str, title: str, aggs: list[dict[str, Any]], *, pattern_id: str, description: str) -> dict:
    params = {
        "perPage": 20,
        "showPartialRows": False,
        "showMetricsAtAllLevels": False,
        "showTotal": True,
        "totalFunc": "sum",
        "percentageCol": "",
        "sort": {"columnIndex": None, "direction": None},
    }
    return visualization(id_, title, "table", aggs, params, pattern_id=pattern_id, description=description)


def tsvb(id_: str, title: str, index: str, time_field: str, series: list[dict[str, Any]], description: str):
    """A TSVB (metrics) time series; it queries the index by name, so fields that are not mapped yet
    (fetch error classes appear only once they occur) chart as zero instead of breaking the panel."""
    params = {
        "id": id_,
        "type": "timeseries",
        "series": series,
        "time_field": time_field,
        "index_pattern": index,
        "interval": "auto",
        "axis_position": "left",
        "axis_formatter": "number",
        "axis_scale": "normal",
        "show_legend": 1,
        "show_grid": 1,
        "tooltip_mode": "show_all",
        "default_index_pattern": index,
        "default_timefield": time_field,
        "isModelInvalid": False,
    }
    vis = visualization(id_, title, "metrics", [], params, pattern_id=None, description=description)
    # as Dashboards' own 7.10.0 migration leaves TSVB objects: no search source
    vis["attributes"]["kibanaSavedObjectMeta"] = {"searchSourceJSON": "{}"}
    return vis


def _series(id_: str, label: str, metric: dict[str, Any], *, chart: str, stacked: str, fmt: str) -> dict:
    return {
        "id": id_,
        "label": label,
        "color": None,
        "split_mode": "everything",
        "metrics": [{"id": f"{id_}-m", **metric}],
        "chart_type": chart,
        "line_width": 1,
        "point_size": 1,
        "fill": 0.5 if chart == "bar" else 0,
        "stacked": stacked,
        "formatter": fmt,
        "separate_axis": 0,
        "axis_position": "right",
        "override_index_pattern": 0,
        "series_drop_last_bucket": 0,
    }


def panels(ids: list[str], widths: list[int] | None = None) -> tuple[str, list[dict[str, str]]]:
    """panelsJSON laid out left to right on a 48-column grid, and its references."""
    items, refs, x, y, row_h = [], [], 0, 0, 15
    for n, vis_id in enumerate(ids):
        w = widths[n] if widths else 24
        if x + w > 48:
            x, y = 0, y + row_h
        items.append(
            {
                "version": "3.8.0",
                "gridData": {"x": x, "y": y, "w": w, "h": row_h, "i": str(n + 1)},
                "panelIndex": str(n + 1),
                "embeddableConfig": {},
                "panelRefName": f"panel_{n}",
            }
        )
        refs.append({"name": f"panel_{n}", "type": "visualization", "id": vis_id})
        x += w
    return _dumps(items), refs


def dashboard(id_: str, title: str, description: str, vis_ids: list[str], widths: list[int] | None = None):
    panels_json, refs = panels(vis_ids, widths)
    attrs = {
        "title": title,
        "description": description,
        "hits": 0,
        "panelsJSON": panels_json,
        "optionsJSON": _dumps({"hidePanelTitles": False, "useMargins": True}),
        "version": 1,
        "timeRestore": True,
        "timeFrom": DEFAULT_TIME_FROM,
        "timeTo": "now",
        "refreshInterval": {"pause": True, "value": 0},
        "kibanaSavedObjectMeta": {"searchSourceJSON": _dumps({"query": EMPTY_QUERY, "filter": []})},
    }
    return _obj("dashboard", id_, attrs, refs)


def news_visualizations() -> list[dict[str, Any]]:
    over_time = visualization(
        "newsingest-articles-over-time",
        "Articles over time",
        "histogram",
        [
            _count(),
            _agg("2", "date_histogram", "segment", field=NEWS_TIME_FIELD, interval="auto", min_doc_count=1,
                 extended_bounds={}, customLabel="Published"),
            _terms("3", "language", 5, schema="group", label="Language"),
        ],
        {**_bar_params(False), "addLegend": True},
        description="Articles per publication date, split by detected language.",
    )  # fmt: skip
    places_map = visualization(
        "newsingest-places-map",
        "Places mentioned",
        "tile_map",
        [
            _count(),
            _agg("2", "geohash_grid", "segment", field="places", autoPrecision=True, precision=2,
                 useGeocentroid=True, isFilteredByCollar=True),
        ],
        {
            "mapType": "Scaled Circle Markers",
            "isDesaturated": True,
            "addTooltip": True,
            "heatClusterSize": 1.5,
            "legendPosition": "bottomright",
            "mapZoom": 2,
            "mapCenter": [20, 0],
        },
        description="Resolved places (geo_point field places) of the articles in the time range.",
    )  # fmt: skip
    clusters = table(
        "newsingest-story-clusters",
        "Largest story clusters",
        [
            _count(),
            _agg("3", "cardinality", "metric", field="source", customLabel="Sources"),
            _agg("4", "top_hits", "metric", field="title", aggregate="concat", size=1,
                 sortField=NEWS_TIME_FIELD, sortOrder="desc", customLabel="Latest title"),
            _agg("5", "min", "metric", field=NEWS_TIME_FIELD, customLabel="First published"),
            _terms("2", "cluster_id", 20, schema="bucket", label="Story cluster",
                   min_doc_count=MIN_CLUSTER_SIZE),
        ],
        pattern_id=NEWS_PATTERN_ID,
        description="Near-duplicate story clusters of two or more articles, largest first, with how many "
        "outlets ran them.",
    )  # fmt: skip
    sources = table(
        "newsingest-top-sources",
        "Top sources",
        [
            _count(),
            _agg("3", "max", "metric", field=NEWS_TIME_FIELD, customLabel="Latest article"),
            _terms("2", "source", 50, schema="bucket", label="Source"),
        ],
        pattern_id=NEWS_PATTERN_ID,
        description="Articles per source in the time range.",
    )
    languages = visualization(
        "newsingest-languages",
        "Languages",
        "pie",
        [_count(), _terms("2", "language", 15)],
        {"type": "pie", "addTooltip": True, "addLegend": True, "legendPosition": "right", "isDonut": True,
         "labels": {"show": False, "values": True, "last_level": True, "truncate": 100}},
        description="Detected article languages.",
    )  # fmt: skip
    return [
        over_time,
        top_terms("newsingest-top-persons", "Top persons", "persons"),
        top_terms("newsingest-top-organisations", "Top organisations", "organisations"),
        top_terms("newsingest-top-locations", "Top locations", "locations"),
        top_terms("newsingest-top-countries", "Top countries", "countries"),
        top_terms("newsingest-top-topics", "Top topics", "topics.label"),
        sources,
        languages,
        places_map,
        clusters,
    ]


def health_visualizations() -> list[dict[str, Any]]:
    funnel = table(
        "newsingest-runs-funnel",
        "Funnel per source",
        [
            *[_agg(str(n), "sum", "metric", field=f, customLabel=f.replace("_", " ").capitalize())
              for n, f in enumerate(FUNNEL_FIELDS, 1)],
            # ordered by agg "1": the discovered column
            _terms("20", "source", 100, schema="bucket", label="Source"),
        ],
        pattern_id=RUNS_PATTERN_ID,
        description="Discovered, fetched, cleaned, enriched, indexed per source (sums over runs).",
    )  # fmt: skip
    errors = tsvb(
        "newsingest-runs-errors",
        "Fetch errors by class",
        RUNS_INDEX,
        RUNS_TIME_FIELD,
        [
            _series(f"err-{cls}", cls, {"type": "sum", "field": f"fetch_errors.{cls}"}, chart="bar",
                    stacked="stacked", fmt="number")
            for cls in FETCH_ERROR_CLASSES
        ],
        "Failed fetches per error class and day (sum of fetch_errors.<class> over sources).",
    )  # fmt: skip
    fill = tsvb(
        "newsingest-fill-rates",
        "Field fill rates (newly seen articles)",
        NEWS_PATTERN_TITLE,
        "first_seen",
        [
            _series(
                f"fill-{field.replace('.', '-')}",
                field,
                {"type": "filter_ratio", "numerator": {"query": f"_exists_:{field}", "language": "lucene"},
                 "denominator": {"query": "*", "language": "lucene"}, "metric_agg": "count"},
                chart="line", stacked="none", fmt="percent",
            )
            for field in FILL_RATE_FIELDS
        ],
        "Share of articles first seen per interval that carry each field: a drop means an extractor or "
        "enricher regression.",
    )  # fmt: skip
    return [funnel, errors, fill]


def build() -> list[dict[str, Any]]:
    news = news_visualizations()
    health = health_visualizations()
    search = saved_search(
        "newsingest-news-search",
        "News",
        ["title", "source", "language", "section", "authors", "persons", "organisations", "countries",
         "topics.label", "url"],
        [[NEWS_TIME_FIELD, "desc"]],
    )  # fmt: skip
    overview = dashboard(
        "newsingest-news-overview",
        "News overview",
        "What was published: volume, people, organisations, places, topics, sources and story clusters.",
        [v["id"] for v in news],
        [48, 16, 16, 16, 16, 16, 16, 24, 24, 48],
    )
    ingestion = dashboard(
        "newsingest-ingestion-health",
        "Ingestion health",
        "Per-run figures from the newsingest-runs index (funnel, fetch errors) and field fill rates.",
        [v["id"] for v in health],
        [48, 48, 48],
    )
    return [
        index_pattern(NEWS_PATTERN_ID, NEWS_PATTERN_TITLE, NEWS_TIME_FIELD),
        index_pattern(RUNS_PATTERN_ID, RUNS_PATTERN_TITLE, RUNS_TIME_FIELD),
        search,
        *news,
        *health,
        overview,
        ingestion,
    ]


def render() -> str:
    return "".join(_dumps(obj) + "\n" for obj in build())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write include/dashboards/saved_objects.ndjson")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(text.splitlines())} objects)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
