"""Read the Dashboards saved objects and the index templates, and list every field use with its need."""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compose_support import REPO

NDJSON = REPO / "include" / "dashboards" / "saved_objects.ndjson"
DATA = REPO / "include" / "newsingest" / "data"
NEWS_TEMPLATE = DATA / "index_template.json"
RUNS_TEMPLATE = DATA / "runs_index_template.json"

NUMERIC = {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float"}
# What each use needs from the mapping type (legacy visualisation aggregations, TSVB metrics, search).
NEEDS: dict[str, set[str]] = {
    "terms": {"keyword", "boolean", "ip", "date"} | NUMERIC,
    "date_histogram": {"date"},
    "geohash_grid": {"geo_point"},
    "sum": NUMERIC,
    "avg": NUMERIC,
    "min": NUMERIC | {"date"},
    "max": NUMERIC | {"date"},
    "cardinality": {"keyword", "ip", "date", "boolean"} | NUMERIC,
    "top_hits": {"keyword", "text", "date", "geo_point", "boolean"} | NUMERIC,
    "time_field": {"date"},
    "sort": {"keyword", "date"} | NUMERIC,
    "column": {"keyword", "text", "date", "geo_point", "boolean", "flat_object"} | NUMERIC,
    "exists": {"keyword", "text", "date", "geo_point", "boolean", "flat_object"} | NUMERIC,
}


@dataclass(frozen=True)
class FieldUse:
    obj: str  # saved object id
    index: str  # "news" or "runs"
    field: str
    need: str  # a key of NEEDS


def read_objects(path: Path = NDJSON) -> list[dict[str, Any]]:
    objects = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        assert line.strip(), f"{path}:{number} is blank"
        obj = json.loads(line)
        assert isinstance(obj, dict), f"{path}:{number} is not a JSON object"
        objects.append(obj)
    return objects


def flatten_mapping(properties: dict[str, Any], prefix: str = "", nested: bool = False) -> dict[str, dict]:
    """``{dotted.path: {"type", "nested", "indexed", "doc_values"}}`` including multi-fields."""
    out: dict[str, dict] = {}
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        ftype = spec.get("type", "object")
        is_nested = nested or ftype == "nested"
        if "properties" in spec:
            out.update(flatten_mapping(spec["properties"], f"{path}.", is_nested))
        out[path] = {
            "type": ftype,
            "nested": is_nested,
            "indexed": spec.get("index", True),
            "doc_values": spec.get("doc_values", True),
        }
        for sub, sub_spec in (spec.get("fields") or {}).items():
            out[f"{path}.{sub}"] = {
                "type": sub_spec["type"],
                "nested": is_nested,
                "indexed": sub_spec.get("index", True),
                "doc_values": sub_spec.get("doc_values", True),
            }
    return out


class Mapping:
    """A template's fields, resolving dynamic-template paths (e.g. ``fetch_errors.*``) too."""

    def __init__(self, template_file: Path):
        mappings = json.loads(template_file.read_text())["template"]["mappings"]
        self.fields = flatten_mapping(mappings["properties"])
        self.dynamic = [
            (rule["path_match"], rule["mapping"])
            for entry in mappings.get("dynamic_templates", [])
            for rule in entry.values()
            if "path_match" in rule
        ]

    def lookup(self, field: str) -> dict | None:
        if field in self.fields:
            return self.fields[field]
        for pattern, mapping in self.dynamic:
            if fnmatch.fnmatchcase(field, pattern):
                return {"type": mapping["type"], "nested": False, "indexed": True, "doc_values": True}
        return None


def _pattern_index(objects_by_id: dict[str, dict], obj: dict) -> str | None:
    for ref in obj["references"]:
        if ref["type"] == "index-pattern":
            title = objects_by_id[ref["id"]]["attributes"]["title"]
            return index_for_title(title)
    return None


def index_for_title(title: str) -> str:
    if title == "news" or title.startswith("news-"):
        return "news"
    if title.startswith("newsingest-runs"):
        return "runs"
    raise AssertionError(f"index pattern / index {title!r} matches neither template")


_EXISTS = re.compile(r"_exists_:([A-Za-z0-9_.]+)")


def field_uses(objects: list[dict[str, Any]]) -> list[FieldUse]:
    """Every field that an index pattern, search or visualisation uses, with what it needs."""
    by_id = {o["id"]: o for o in objects}
    uses: list[FieldUse] = []
    for obj in objects:
        attrs, oid = obj["attributes"], obj["id"]
        if obj["type"] == "index-pattern":
            uses.append(FieldUse(oid, index_for_title(attrs["title"]), attrs["timeFieldName"], "time_field"))
        elif obj["type"] == "search":
            index = _pattern_index(by_id, obj)
            uses += [FieldUse(oid, index, c, "column") for c in attrs["columns"]]
            uses += [FieldUse(oid, index, s[0], "sort") for s in attrs["sort"]]
        elif obj["type"] == "visualization":
            state = json.loads(attrs["visState"])
            if state["type"] == "metrics":  # TSVB: fields by index name
                params = state["params"]
                index = index_for_title(params["index_pattern"])
                uses.append(FieldUse(oid, index, params["time_field"], "time_field"))
                for series in params["series"]:
                    for metric in series["metrics"]:
                        if metric.get("field"):
                            uses.append(FieldUse(oid, index, metric["field"], metric["type"]))
                        for side in ("numerator", "denominator"):
                            query = (metric.get(side) or {}).get("query", "")
                            uses += [FieldUse(oid, index, f, "exists") for f in _EXISTS.findall(query)]
                continue
            index = _pattern_index(by_id, obj)
            for agg in state["aggs"]:
                field = agg["params"].get("field")
                if field:
                    uses.append(FieldUse(oid, index, field, agg["type"]))
                if agg["type"] == "top_hits" and agg["params"].get("sortField"):
                    uses.append(FieldUse(oid, index, agg["params"]["sortField"], "sort"))
    return uses


def problem(use: FieldUse, spec: dict | None) -> str | None:
    """Why the mapping cannot serve this use, or None."""
    where = f"{use.obj}: field {use.field!r} ({use.need})"
    if spec is None:
        return f"{where} is not in the {use.index} index template"
    if spec["type"] not in NEEDS[use.need]:
        return f"{where} has type {spec['type']}, needs one of {sorted(NEEDS[use.need])}"
    if spec["nested"] and use.need not in ("column",):
        return f"{where} is inside a nested field: legacy visualisations cannot aggregate it"
    aggregating = use.need not in ("column", "exists", "top_hits")
    if aggregating and not spec["doc_values"]:
        return f"{where} has no doc values"
    if use.need == "exists" and not spec["indexed"] and not spec["doc_values"]:
        return f"{where} is neither indexed nor has doc values: an exists query fails"
    return None
