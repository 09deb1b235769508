"""The index template is installed once per run (``pipeline.prepare_index``), not by every load batch;
a first load on an empty node still prepares the index itself."""

from __future__ import annotations

from dataclasses import replace

from newsingest import layout, pipeline, storage
from newsingest.bench.synthetic import synthetic_articles
from newsingest.config import load_settings
from newsingest.load.index import alias_indices, template_name_for, write_alias_for


def test_template_is_installed_once_per_run(opensearch, alias, tmp_path):
    settings = replace(load_settings(), storage_root=str(tmp_path), index_alias=alias)
    path = layout.stage_path(settings.storage_root, "r1", "enrich", "s", "all")
    storage.write_jsonl_gz(path, (a.to_json() for a in synthetic_articles(10, seed=3)))
    template = template_name_for(alias)

    # A first load on an empty node: nothing prepared the index, so the batch does.
    first = pipeline.load_stage(settings, "r1", "s", path, opensearch)
    assert first["created"] == 10
    assert opensearch.indices.exists_index_template(name=template)
    assert alias_indices(opensearch, write_alias_for(alias)) == [f"{alias}-v1"]

    # Later batches find the write alias and leave the template alone.
    opensearch.indices.delete_index_template(name=template)
    again = pipeline.load_stage(settings, "r1", "s", path, opensearch, batch="b2")
    assert again["created"] == 0 and again["failed"] == 0
    assert not opensearch.indices.exists_index_template(name=template)

    # The run's setup step installs it (once) and reports the index it found.
    prepared = pipeline.prepare_index(settings, opensearch)
    assert prepared["index"] == f"{alias}-v1" and prepared["created"] is False
    assert opensearch.indices.exists_index_template(name=template)
