"""Search that never breaks, against the real node: the CLI and the Dashboards request shapes (Discover in
Lucene and DQL, every saved visualization with the dashboards' own time range) with long queries and
Lucene special characters, over the fixture articles and a runs index in which nothing failed."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from dashboards_requests import discover_request, tsvb_requests, visualization_request
from newsingest.cli.search import search_command
from newsingest.load.bulk import load_articles
from newsingest.load.index import drop_alias_and_indices, ensure_index
from newsingest.load.search import search
from newsingest.models import EnrichedArticle
from newsingest.quality.runs_index import ensure_runs_index
from opensearchpy import OpenSearch

pytestmark = pytest.mark.opensearch

REPO = Path(__file__).resolve().parents[3]
NDJSON = REPO / "include" / "dashboards" / "saved_objects.ndjson"

# A question a journalist might type (14+ words failed with too_many_nested_clauses before).
QUESTION = "what did the prime minister say about the new budget for schools and hospitals last week"
FIFTY_WORDS = (
    "central bank interest rates inflation euro zone deposit rate decision lagarde frankfurt markets bond "
    "yields wildfires heatwave spain evacuations firefighters measles vaccination world health organisation "
    "warning outbreak election parliament coalition talks union spd bundestag strike rail workers sncf "
    "france paris budget schools hospitals minister week said new plan government reform"
)
# about 1,000 characters of prose, as someone would paste a paragraph
PARAGRAPH = (
    "The European Central Bank raised its deposit rate again on Thursday, arguing that inflation in the "
    "euro zone remains too high for comfort even as growth slows. Christine Lagarde told reporters in "
    "Frankfurt that the governing council was united, that energy prices had fallen but services "
    "inflation had not, and that wage settlements in Germany, France and Spain would be watched closely "
    "over the winter. Markets had expected a pause; bond yields rose and the euro gained against the "
    "dollar. Economists at several banks said the decision showed the bank was willing to risk a mild "
    "recession to bring prices under control, while unions warned that households already squeezed by "
    "rents and food costs would pay for it. The next meeting is in six weeks; analysts now expect rates "
    "to stay at this level well into next year, unless unemployment climbs faster than forecast or the "
    "heatwave and wildfires hit harvests and tourism. Governments in the south asked for patience; the "
    "north asked for more, and sooner."
)
SPECIAL = 'C++ (budget) [2026] {schools} "prime minister" ~hospitals^2 a:b ! ? * / \\ && || - + < > = "'
LUCENE_VALID = '"prime minister" AND (budget OR schools) -hospitals +week~ sch*ls C\\+\\+ 10\\/10 title:rates'


@pytest.fixture(scope="module")
def loaded(opensearch: OpenSearch, fixture_articles: list[EnrichedArticle]) -> Iterator[str]:
    alias = f"t_load_never_{uuid.uuid4().hex[:8]}"
    ensure_index(opensearch, alias)
    # as the pipeline stores them: every article in a story cluster, most of them alone in theirs
    articles = [
        a.model_copy(update={"cluster_id": a.cluster_id or f"c-{a.doc_id}"}) for a in fixture_articles
    ]
    report = load_articles(
        opensearch, alias, articles, dead_letter_path=None, crawled_at=datetime.now(UTC), refresh=True
    )
    assert report.created == len(fixture_articles)
    yield alias
    drop_alias_and_indices(opensearch, alias)


@pytest.fixture(scope="module")
def runs_index(opensearch: OpenSearch) -> Iterator[str]:
    """A runs index from the template with one run in which nothing failed (no fetch_errors at all)."""
    name = f"t_load_runs_{uuid.uuid4().hex[:8]}"
    ensure_runs_index(opensearch, name)
    now = datetime.now(UTC).isoformat()
    doc = {"run_id": "r1", "source": "daily-ledger", "interval_start": now, "interval_end": now,
           "discovered": 12, "attempted": 12, "fetched": 12, "cleaned": 11, "enriched": 11, "indexed": 11,
           "failed": 0, "fetch_errors": {}, "dropped": {"too_short": 1}}  # fmt: skip
    opensearch.index(index=name, body=doc, refresh=True)
    yield name
    opensearch.indices.delete(index=name, ignore_unavailable=True)


@pytest.fixture(scope="module")
def objects() -> dict[str, dict]:
    return {o["id"]: o for o in map(json.loads, NDJSON.read_text().splitlines())}


def _time_range(objects: dict[str, dict], dashboard_id: str) -> tuple[str, str]:
    attrs = objects[dashboard_id]["attributes"]
    assert attrs["timeRestore"] is True
    return attrs["timeFrom"], attrs["timeTo"]


@pytest.mark.parametrize(
    "query", [QUESTION, FIFTY_WORDS, PARAGRAPH, SPECIAL], ids=["14w", "50w", "1000c", "special"]
)
def test_cli_answers_long_and_odd_queries(opensearch_url: str, loaded: str, query: str) -> None:
    assert len(FIFTY_WORDS.split()) == 50 and 1000 <= len(PARAGRAPH) <= 1050
    result = CliRunner().invoke(search_command, ["--url", opensearch_url, "--index", loaded, query, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] >= 0 and "Traceback" not in result.output
    if query is PARAGRAPH:  # the pasted ECB paragraph finds the ECB story first
        assert data["hits"][0]["title"].startswith("ECB raises interest rates")


def test_query_whose_words_sit_in_different_fields_still_finds_the_page(
    opensearch: OpenSearch, alias: str, fixture_articles: list[EnrichedArticle]
) -> None:
    """No minimum-should-match: a paywalled page ('NFL' only in the subtitle, a stub body) is found."""
    ensure_index(opensearch, alias)
    stub = fixture_articles[0].model_copy(
        update={
            "url": "https://sports.example/nfl/suspension",
            "canonical_url": "https://sports.example/nfl/suspension",
            "doc_id": "nfl-suspension",
            "title": "Linebacker suspended three games",
            "subtitle": "The NFL punished the player for a helmet-to-helmet hit",
            "body": "Subscribe to read the full story.",
            "paragraphs": ["Subscribe to read the full story."],
            "cluster_id": None,
        }
    )
    load_articles(opensearch, alias, [stub, *fixture_articles[1:5]], dead_letter_path=None, refresh=True)
    result = search(opensearch, alias, "NFL player suspended for helmet attack")
    assert [h.doc_id for h in result.hits][:1] == ["nfl-suspension"]


@pytest.mark.parametrize("language", ["lucene", "kuery"])
@pytest.mark.parametrize(
    "text",
    [QUESTION, FIFTY_WORDS, PARAGRAPH, LUCENE_VALID, "heatwave Spain"],
    ids=["14w", "50w", "1000c", "syntax", "2w"],
)
def test_discover_request_shapes_answer(
    opensearch: OpenSearch, loaded: str, objects: dict, language: str, text: str
) -> None:
    time_from, time_to = _time_range(objects, "newsingest-news-overview")
    if language == "kuery" and text is LUCENE_VALID:
        text = SPECIAL  # DQL free text: special characters are just text
    body = discover_request(
        text, language=language, time_field="published", time_from=time_from, time_to=time_to
    )
    response = opensearch.search(index=loaded, body=body)
    assert response["hits"]["total"]["value"] >= 0
    if text == "heatwave Spain":
        assert response["hits"]["total"]["value"] >= 2
        assert any(h.get("highlight") for h in response["hits"]["hits"])


def test_default_fields_are_set_on_new_and_existing_indices(opensearch: OpenSearch, alias: str) -> None:
    info = ensure_index(opensearch, alias)
    wanted = ["title", "subtitle", "lead", "body", "captions"]

    def current() -> list[str] | None:
        got = opensearch.indices.get_settings(index=info.index, name="index.query.default_field")
        return got[info.index]["settings"]["index"]["query"]["default_field"] if got else None

    assert current() == wanted
    opensearch.indices.put_settings(index=info.index, body={"index": {"query": {"default_field": ["*"]}}})
    ensure_index(opensearch, alias)  # an index created before the setting gets it
    assert current() == wanted


def test_every_visualization_returns_buckets_in_the_dashboards_time_range(
    opensearch: OpenSearch, loaded: str, runs_index: str, objects: dict, fixture_articles: list
) -> None:
    news_range = _time_range(objects, "newsingest-news-overview")
    runs_range = _time_range(objects, "newsingest-ingestion-health")
    patterns = {"newsingest-news": loaded, "newsingest-runs": runs_index}
    time_fields = {"newsingest-news": "published", "newsingest-runs": "interval_start"}
    names = {"news": loaded, "newsingest-runs": runs_index}
    empty: list[str] = []
    checked = 0
    for obj in objects.values():
        if obj["type"] != "visualization":
            continue
        state = json.loads(obj["attributes"]["visState"])
        if state["type"] == "metrics":
            params = state["params"]
            index = names[params["index_pattern"]]
            time_from, time_to = runs_range if index == runs_index else news_range
            for series_id, body in tsvb_requests(params, time_from=time_from, time_to=time_to).items():
                buckets = opensearch.search(index=index, body=body)["aggregations"][series_id]["timeseries"][
                    "buckets"
                ]
                with_docs = [b for b in buckets if b["doc_count"]]
                if not with_docs:
                    empty.append(f"{obj['id']}/{series_id}")
                for bucket in with_docs:  # a metric over a mapped field reads a number, 0 when nothing failed
                    for key, value in bucket.items():
                        if isinstance(value, dict) and "value" in value:
                            assert value["value"] is not None, (obj["id"], series_id, key)
            checked += 1
            continue
        (ref,) = [r for r in obj["references"] if r["type"] == "index-pattern"]
        time_from, time_to = runs_range if ref["id"] == "newsingest-runs" else news_range
        body = visualization_request(
            state, time_field=time_fields[ref["id"]], time_from=time_from, time_to=time_to
        )
        aggs = opensearch.search(index=patterns[ref["id"]], body=body)["aggregations"]
        (top,) = aggs.values()
        if not top["buckets"]:
            empty.append(obj["id"])
        if obj["id"] == "newsingest-articles-over-time":  # the restored range holds the whole corpus
            assert sum(b["doc_count"] for b in top["buckets"]) == len(fixture_articles)
        if obj["id"] == "newsingest-story-clusters":
            assert top["buckets"] and all(b["doc_count"] >= 2 for b in top["buckets"]), top["buckets"]
        checked += 1
    assert checked >= 12 and empty == []


def test_fetch_error_chart_reads_zero_when_nothing_failed(
    opensearch: OpenSearch, runs_index: str, objects: dict
) -> None:
    params = json.loads(objects["newsingest-runs-errors"]["attributes"]["visState"])["params"]
    time_from, time_to = _time_range(objects, "newsingest-ingestion-health")
    caps = opensearch.field_caps(index=runs_index, fields="fetch_errors.*")["fields"]
    for series_id, body in tsvb_requests(params, time_from=time_from, time_to=time_to).items():
        field = body["aggs"][series_id]["aggs"]["timeseries"]["aggs"][f"{series_id}-m"]["sum"]["field"]
        assert field in caps, f"{field} is not mapped before any error happened"
        buckets = opensearch.search(index=runs_index, body=body)["aggregations"][series_id]["timeseries"][
            "buckets"
        ]
        assert [b[f"{series_id}-m"]["value"] for b in buckets if b["doc_count"]] == [0.0]
