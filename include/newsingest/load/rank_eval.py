"""Measure search relevance with OpenSearch's ``_rank_eval`` API (nDCG@k over judged documents).

A judgements file (JSON or YAML) lists queries and graded ratings (0-3) of documents named by ``doc_id``,
by URL (canonical or fetched), or by URL ``path`` (matches any host, e.g. the sample site on any port)::

    {"k": 10,
     "queries": [{"id": "ecb", "query": "ECB interest rates", "filters": {"countries": ["DE"]},
                  "ratings": [{"url": "https://.../ecb-raises-rates", "rating": 3},
                              {"doc_id": "ab12..", "rating": 1}]}]}

Unrated documents count as irrelevant. The requests are built by the same code as ``newsingest search``
(:func:`newsingest.load.search.build_query`), so the score measures what users get.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from opensearchpy import OpenSearch

from newsingest.load.search import build_query

QueryBuilder = Callable[..., dict[str, Any]]


class JudgementsError(ValueError):
    """The judgements file is malformed; the message names the file, query and field."""


@dataclass(frozen=True)
class Rating:
    rating: int
    doc_id: str | None = None
    url: str | None = None
    path: str | None = None

    @property
    def key(self) -> str:
        return self.doc_id or self.url or self.path or ""


@dataclass(frozen=True)
class JudgedQuery:
    id: str
    query: str
    ratings: tuple[Rating, ...]
    filters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Judgements:
    queries: tuple[JudgedQuery, ...]
    k: int = 10


@dataclass
class RankEvalResult:
    metric: str
    k: int
    score: float  # mean over queries
    per_query: dict[str, float]
    unrated_hits: dict[str, list[str]]  # query id -> doc ids in the top k nobody rated
    missing: list[str]  # rated documents not found in the index
    skipped_queries: list[str] = field(default_factory=list)  # none of their rated documents is indexed


def parse_judgements(data: Any, origin: str = "<judgements>") -> Judgements:
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list) or not data["queries"]:
        raise JudgementsError(f"{origin}: expected an object with a non-empty 'queries' list")
    k = data.get("k", 10)
    if not isinstance(k, int) or k < 1:
        raise JudgementsError(f"{origin}: 'k' must be a positive integer, got {k!r}")
    queries, ids = [], set()
    for n, raw in enumerate(data["queries"]):
        where = f"{origin}: queries[{n}]"
        if not isinstance(raw, dict):
            raise JudgementsError(f"{where}: expected an object")
        qid, text = raw.get("id"), raw.get("query")
        if not isinstance(qid, str) or not qid or qid in ids:
            raise JudgementsError(f"{where}: 'id' must be a unique non-empty string, got {qid!r}")
        ids.add(qid)
        if not isinstance(text, str) or not text.strip():
            raise JudgementsError(f"{where} ({qid}): 'query' must be a non-empty string")
        filters = raw.get("filters") or {}
        if not isinstance(filters, dict):
            raise JudgementsError(f"{where} ({qid}): 'filters' must be an object")
        ratings = []
        for m, r in enumerate(raw.get("ratings") or []):
            if not isinstance(r, dict) or not isinstance(r.get("rating"), int) or r["rating"] < 0:
                raise JudgementsError(f"{where} ({qid}): ratings[{m}] needs an integer 'rating' >= 0")
            if not (r.get("doc_id") or r.get("url") or r.get("path")):
                raise JudgementsError(f"{where} ({qid}): ratings[{m}] needs 'doc_id', 'url' or 'path'")
            ratings.append(
                Rating(rating=r["rating"], doc_id=r.get("doc_id"), url=r.get("url"), path=r.get("path"))
            )
        if not ratings:
            raise JudgementsError(f"{where} ({qid}): no ratings")
        queries.append(JudgedQuery(id=qid, query=text, ratings=tuple(ratings), filters=filters))
    return Judgements(queries=tuple(queries), k=k)


def load_judgements(path: str | Path) -> Judgements:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise JudgementsError(f"cannot read judgements file {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise JudgementsError(
            f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {exc}"
        ) from exc
    return parse_judgements(data, str(path))


def _resolve(
    client: OpenSearch, alias: str, judgements: Judgements
) -> tuple[dict[str, tuple[str, str]], list]:
    """Map every rated doc_id/url/path to (physical index, _id)."""
    ratings = [r for q in judgements.queries for r in q.ratings]
    ids = sorted({r.doc_id for r in ratings if r.doc_id})
    urls = sorted({r.url for r in ratings if r.url})
    paths = sorted({r.path for r in ratings if r.path and not (r.doc_id or r.url)})
    should: list[dict[str, Any]] = []
    if ids:
        should.append({"ids": {"values": ids}})
    if urls:
        should += [{"terms": {"canonical_url": urls}}, {"terms": {"url": urls}}]
    for path in paths:
        should += [{"wildcard": {f: {"value": f"*{path}"}}} for f in ("canonical_url", "url")]
    response = client.search(
        index=alias,
        body={
            "size": len(ids) + 2 * len(urls) + 4 * len(paths),
            "query": {"bool": {"should": should}},
            "_source": ["canonical_url", "url"],
        },
    )
    found: dict[str, tuple[str, str]] = {}
    for hit in response["hits"]["hits"]:
        ref = (hit["_index"], hit["_id"])
        found[hit["_id"]] = ref
        for value in (hit["_source"].get("canonical_url"), hit["_source"].get("url")):
            if value:
                found[value] = ref
                for path in paths:
                    if value.endswith(path):
                        found.setdefault(path, ref)
    missing = [key for key in (*ids, *urls, *paths) if key not in found]
    return found, missing


def run_rank_eval(
    client: OpenSearch,
    alias: str,
    judgements: Judgements | str | Path,
    *,
    k: int | None = None,
    query_builder: QueryBuilder = build_query,
) -> RankEvalResult:
    """nDCG@k of ``query_builder`` (default: the search command's query) over the judged queries.

    Queries none of whose rated documents are in the index are left out (``skipped_queries``).
    """
    if not isinstance(judgements, Judgements):
        judgements = load_judgements(judgements)
    k = k or judgements.k
    found, missing = _resolve(client, alias, judgements)
    requests, skipped = [], []
    for q in judgements.queries:
        ratings = []
        for r in q.ratings:
            ref = found.get(r.key)
            if ref:
                ratings.append({"_index": ref[0], "_id": ref[1], "rating": r.rating})
        if not ratings:
            skipped.append(q.id)
            continue
        requests.append(
            {"id": q.id, "request": {"query": query_builder(q.query, **q.filters)}, "ratings": ratings}
        )
    if not requests:
        raise JudgementsError(f"none of the judged documents is in {alias!r}; nothing to evaluate")
    body = {"requests": requests, "metric": {"dcg": {"k": k, "normalize": True}}}
    response = client.rank_eval(index=alias, body=body)
    if response.get("failures"):
        raise RuntimeError(f"rank_eval failed for queries: {response['failures']}")
    details = response["details"]
    return RankEvalResult(
        metric=f"nDCG@{k}",
        k=k,
        score=float(response["metric_score"]),
        per_query={qid: float(d["metric_score"]) for qid, d in details.items()},
        unrated_hits={
            qid: [u["_id"] for u in d.get("unrated_docs", [])]
            for qid, d in details.items()
            if d.get("unrated_docs")
        },
        missing=missing,
        skipped_queries=skipped,
    )
