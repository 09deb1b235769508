"""include/dashboards/saved_objects.ndjson: parses, references resolve, every field fits the templates."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from compose_support import REPO
from saved_objects_support import (
    NDJSON,
    NEWS_TEMPLATE,
    RUNS_TEMPLATE,
    FieldUse,
    Mapping,
    field_uses,
    problem,
    read_objects,
)

AGGREGATING = {"terms", "date_histogram", "geohash_grid", "sum", "min", "max", "cardinality"}
JSON_ATTRS = {
    "visualization": ["visState", "uiStateJSON"],
    "dashboard": ["panelsJSON", "optionsJSON"],
    "index-pattern": ["fields"],
}


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return read_objects()


@pytest.fixture(scope="module")
def mappings() -> dict[str, Mapping]:
    return {"news": Mapping(NEWS_TEMPLATE), "runs": Mapping(RUNS_TEMPLATE)}


def test_every_line_is_a_saved_object(objects):
    assert len(objects) == len(NDJSON.read_text().splitlines())
    for obj in objects:
        assert {"id", "type", "attributes", "references"} <= set(obj), obj.get("id")
        assert obj["type"] in ("index-pattern", "search", "visualization", "dashboard"), obj["id"]
        assert obj["attributes"].get("title"), f"{obj['id']} has no title"
        for attr in JSON_ATTRS.get(obj["type"], []):
            json.loads(obj["attributes"][attr])
        meta = obj["attributes"].get("kibanaSavedObjectMeta")
        if meta:
            json.loads(meta["searchSourceJSON"])
    ids = [(o["type"], o["id"]) for o in objects]
    assert len(ids) == len(set(ids)), "duplicate saved object ids"


def test_the_expected_objects_are_there(objects):
    titles = {(o["type"], o["attributes"]["title"]) for o in objects}
    for expected in [
        ("index-pattern", "news"),
        ("index-pattern", "newsingest-runs*"),
        ("search", "News"),
        ("dashboard", "News overview"),
        ("dashboard", "Ingestion health"),
        ("visualization", "Articles over time"),
        ("visualization", "Places mentioned"),
        ("visualization", "Largest story clusters"),
        ("visualization", "Funnel per source"),
        ("visualization", "Fetch errors by class"),
    ]:
        assert expected in titles, expected
    news = next(o for o in objects if o["id"] == "newsingest-news")
    assert news["attributes"]["timeFieldName"] == "published"
    fields = {u.field for u in field_uses(objects) if u.need in ("terms",)}
    for facet in ("persons", "organisations", "locations", "countries", "topics.label", "source", "language"):
        assert facet in fields, f"no terms visualisation over {facet}"


def test_every_reference_resolves(objects):
    present = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        names = {r["name"] for r in obj["references"]}
        assert len(names) == len(obj["references"]), f"{obj['id']}: duplicate reference names"
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in present, f"{obj['id']}: dangling reference {ref}"
        meta = obj["attributes"].get("kibanaSavedObjectMeta")
        if meta:
            index_ref = json.loads(meta["searchSourceJSON"]).get("indexRefName")
            if index_ref:
                assert index_ref in names, f"{obj['id']}: indexRefName {index_ref} has no reference"
        if obj["type"] == "dashboard":
            panels = json.loads(obj["attributes"]["panelsJSON"])
            assert panels, f"dashboard {obj['id']} has no panels"
            refs = {r["name"]: r for r in obj["references"]}
            for panel in panels:
                ref = refs.get(panel["panelRefName"])
                assert ref and ref["type"] in ("visualization", "search"), f"{obj['id']}: {panel}"
            assert len({p["panelIndex"] for p in panels}) == len(panels)


def test_every_used_field_exists_with_a_fitting_type(objects, mappings):
    uses = field_uses(objects)
    assert len(uses) > 30, "field scanner found too little: it is broken"
    problems = [p for u in uses if (p := problem(u, mappings[u.index].lookup(u.field)))]
    assert problems == []


def test_field_check_catches_wrong_fields(mappings):
    news = mappings["news"]
    cases = [
        (FieldUse("t", "news", "title", "terms"), "has type text"),
        (FieldUse("t", "news", "persons", "date_histogram"), "has type keyword"),
        (FieldUse("t", "news", "no_such_field", "terms"), "not in the news index template"),
        (FieldUse("t", "news", "entities.name", "terms"), "nested"),
        (FieldUse("t", "news", "lead_image", "exists"), "neither indexed"),
        (FieldUse("t", "news", "url", "geohash_grid"), "has type keyword"),
    ]
    for use, expected in cases:
        assert expected in (problem(use, news.lookup(use.field)) or ""), use
    assert mappings["runs"].lookup("fetch_errors.timeout")["type"] == "long"


def test_committed_file_is_what_the_generator_writes():
    proc = subprocess.run(
        [sys.executable, str(REPO / "include" / "dashboards" / "build_saved_objects.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.opensearch
def test_fields_are_served_by_real_indices_from_the_templates(opensearch_url, objects):
    """Create an index from each template on the real node; _field_caps (what Dashboards calls to build an
    index pattern's field list) must report every used field with the needed type and capability."""
    from newsingest.load.client import make_client

    client = make_client(opensearch_url)
    suffix = uuid.uuid4().hex[:8]
    names = {"news": f"t_deploy_news_{suffix}", "runs": f"t_deploy_runs_{suffix}"}
    templates = {"news": NEWS_TEMPLATE, "runs": RUNS_TEMPLATE}
    uses = field_uses(objects)
    try:
        for key, name in names.items():
            body = json.loads(templates[key].read_text())["template"]
            client.indices.create(index=name, body=body)
        # dynamic fields (fetch_errors.<class>) exist once a document carries them
        dynamic = {
            u.field.removeprefix("fetch_errors."): 1
            for u in uses
            if u.index == "runs" and u.field.startswith("fetch_errors.")
        }
        client.index(
            index=names["runs"],
            body={"source": "s", "interval_start": "2026-11-01T00:00:00Z", "fetch_errors": dynamic},
            refresh=True,
        )
        failures = []
        for key, name in names.items():
            wanted = sorted({u.field for u in uses if u.index == key})
            caps = client.field_caps(index=name, fields=",".join(wanted))["fields"]
            for use in (u for u in uses if u.index == key):
                if use.field not in caps:
                    failures.append(f"{use.obj}: {use.field} not reported by _field_caps on {name}")
                    continue
                (ftype, cap), *_ = caps[use.field].items()
                if use.need in AGGREGATING and not cap["aggregatable"]:
                    failures.append(f"{use.obj}: {use.field} ({ftype}) not aggregatable on {name}")
                if use.need in ("time_field", "date_histogram") and ftype != "date":
                    failures.append(f"{use.obj}: {use.field} is {ftype}, not date")
                if use.need == "geohash_grid" and ftype != "geo_point":
                    failures.append(f"{use.obj}: {use.field} is {ftype}, not geo_point")
                if use.need == "exists" and not cap["searchable"]:
                    failures.append(f"{use.obj}: {use.field} not searchable on {name}")
        assert failures == []
    finally:
        client.indices.delete(index=",".join(names.values()), ignore_unavailable=True)


# Latest saved-object migration per type in OpenSearch Dashboards (src/plugins/*/server/saved_objects/
# *_migrations.ts). An object stamped with a newer version is refused on import ("belongs to a more recent
# version"); an older one is migrated on import.
OSD_LATEST_MIGRATION = {
    "index-pattern": "7.6.0",
    "search": "7.9.3",
    "visualization": "7.10.0",
    "dashboard": "7.9.3",
}


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


def test_migration_versions_are_known_to_dashboards(objects):
    for obj in objects:
        stamped = obj["migrationVersion"][obj["type"]]
        assert _version(stamped) <= _version(OSD_LATEST_MIGRATION[obj["type"]]), obj["id"]
