"""Measure search relevance: recall-aware nDCG@k over judged queries, ours beside a plain BM25 baseline.

A judgements file (JSON or YAML) lists queries and graded ratings (0-3) of documents named by ``doc_id``,
by URL (canonical or fetched), or by URL ``path`` (matches any host, e.g. the sample site on any port)::

    {"k": 10,
     "queries": [{"id": "ecb", "query": "ECB interest rates", "filters": {"countries": ["DE"]},
                  "ratings": [{"url": "https://.../ecb-raises-rates", "rating": 3},
                              {"doc_id": "ab12..", "rating": 1}]},
                 {"id": "nothing", "query": "penguins on mars", "ratings": []}]}

Unrated documents count as irrelevant. nDCG@k divides the DCG of the top k hits by the ideal DCG of
**all** judged documents found in the index, so a relevant page the query never returns costs score
(OpenSearch's ``_rank_eval`` normalises by the returned rated documents only, and rejects queries with
nothing relevant). A query with ``"ratings": []`` (or only zeros) should match nothing: it is left out of
the mean and its hit count is reported instead. The requests are built by the same code as
``newsingest search`` (:func:`newsingest.load.search.build_query`), so the score measures what users get;
:func:`baseline_query` (a plain ``multi_match`` over ``title^2, lead, body``) is the anchor.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from opensearchpy import OpenSearch

from newsingest.errors import PermanentError
from newsingest.load.search import build_filters, build_query

QueryBuilder = Callable[..., dict[str, Any]]


class JudgementsError(PermanentError, ValueError):
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
    score: float  # mean nDCG@k over the queries with a relevant indexed document
    per_query: dict[str, float]
    unrated_hits: dict[str, list[str]]  # query id -> doc ids in the top k nobody rated
    missing: list[str]  # rated documents not found in the index
    skipped_queries: list[str] = field(default_factory=list)  # relevant documents judged, none indexed
    no_match_hits: dict[str, int] = field(default_factory=dict)  # should-match-nothing query -> total hits
    top_ids: dict[str, list[str]] = field(default_factory=dict)  # query id -> top k doc ids


def baseline_query(query: str, **filters: Any) -> dict[str, Any]:
    """The anchor: a plain BM25 ``multi_match`` over ``title^2, lead, body``, with the same filters."""
    return {
        "bool": {
            "must": [{"multi_match": {"query": query, "fields": ["title^2", "lead", "body"]}}],
            "filter": build_filters(**filters),
        }
    }


def dcg(gains: list[int]) -> float:
    """Discounted cumulative gain with exponential gain, as OpenSearch's ``dcg`` metric computes it."""
    return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg(ranked_ratings: list[int], all_ratings: list[int], k: int) -> float:
    """nDCG@k of a ranking (ratings of the returned hits, 0 when unrated) against every judged rating."""
    ideal = dcg(sorted(all_ratings, reverse=True)[:k])
    return dcg(ranked_ratings[:k]) / ideal if ideal else 0.0


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
        if not isinstance(raw.get("ratings"), list):
            raise JudgementsError(
                f"{where} ({qid}): needs a 'ratings' list (use [] for a query that should match nothing)"
            )
        ratings = []
        for m, r in enumerate(raw["ratings"]):
            if not isinstance(r, dict) or not isinstance(r.get("rating"), int) or r["rating"] < 0:
                raise JudgementsError(f"{where} ({qid}): ratings[{m}] needs an integer 'rating' >= 0")
            if not (r.get("doc_id") or r.get("url") or r.get("path")):
                raise JudgementsError(f"{where} ({qid}): ratings[{m}] needs 'doc_id', 'url' or 'path'")
            ratings.append(
                Rating(rating=r["rating"], doc_id=r.get("doc_id"), url=r.get("url"), path=r.get("path"))
            )
        queries.append(JudgedQuery(id=qid, query=text, ratings=tuple(ratings), filters=filters))
    return Judgements(queries=tuple(queries), k=k)


def retarget_urls(judgements: Judgements, urls: dict[str, str]) -> Judgements:
    """The judgements with every rated ``url`` found in ``urls`` replaced by its mapping (e.g. the
    original address of a page to where a benchmark served it)."""
    queries = tuple(
        dataclasses.replace(
            q,
            ratings=tuple(
                dataclasses.replace(r, url=urls.get(r.url, r.url)) if r.url else r for r in q.ratings
            ),
        )
        for q in judgements.queries
    )
    return dataclasses.replace(judgements, queries=queries)


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
    if not should:
        return {}, []
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
    """Recall-aware nDCG@k of ``query_builder`` (default: the search command's query) over the judgements.

    Queries whose relevant documents are all missing from the index are left out (``skipped_queries``);
    queries with nothing relevant go to ``no_match_hits`` (how many documents they matched).
    """
    if not isinstance(judgements, Judgements):
        judgements = load_judgements(judgements)
    k = k or judgements.k
    found, missing = _resolve(client, alias, judgements)
    evaluated: list[tuple[JudgedQuery, dict[str, int]]] = []
    skipped: list[str] = []
    for q in judgements.queries:
        ratings: dict[str, int] = {}
        for r in q.ratings:
            ref = found.get(r.key)
            if ref:
                ratings[ref[1]] = max(ratings.get(ref[1], 0), r.rating)
        if any(r.rating > 0 for r in q.ratings) and not any(ratings.values()):
            skipped.append(q.id)
            continue
        evaluated.append((q, ratings))
    if not evaluated:
        raise JudgementsError(f"none of the judged documents is in {alias!r}; nothing to evaluate")
    lines: list[dict[str, Any]] = []
    for q, _ in evaluated:
        lines += [
            {"index": alias},
            {
                "query": query_builder(q.query, **q.filters),
                "size": k,
                "_source": False,
                "track_total_hits": True,
            },
        ]
    responses = client.msearch(body=lines)["responses"]
    per_query: dict[str, float] = {}
    unrated: dict[str, list[str]] = {}
    no_match: dict[str, int] = {}
    top: dict[str, list[str]] = {}
    for (q, ratings), response in zip(evaluated, responses, strict=True):
        if "error" in response:
            raise RuntimeError(f"query {q.id!r} failed: {response['error']}")
        ids = [h["_id"] for h in response["hits"]["hits"]]
        top[q.id] = ids
        if not any(ratings.values()):
            no_match[q.id] = int(response["hits"]["total"]["value"])
            continue
        per_query[q.id] = ndcg([ratings.get(i, 0) for i in ids], list(ratings.values()), k)
        if any(i not in ratings for i in ids):
            unrated[q.id] = [i for i in ids if i not in ratings]
    return RankEvalResult(
        metric=f"nDCG@{k}",
        k=k,
        score=sum(per_query.values()) / len(per_query) if per_query else 0.0,
        per_query=per_query,
        unrated_hits=unrated,
        missing=missing,
        skipped_queries=skipped,
        no_match_hits=no_match,
        top_ids=top,
    )
