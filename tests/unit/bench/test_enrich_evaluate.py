"""Evaluation helpers on small corpora written for these tests (no shared corpora needed)."""

from __future__ import annotations

import json

from newsingest.bench.enrich_evaluate import (
    PRF,
    canonical_gold,
    evaluate_language,
    evaluate_topics,
    read_conll,
)

from .conll_sample import CONLL


def test_read_conll(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text(CONLL, encoding="utf-8")
    docs = read_conll(path)
    assert len(docs) == 2
    first = docs[0]
    assert first.text.startswith("PARIS TALKS\nAngela Merkel met the U.S. team")
    assert first.gold == {"LOC": {"paris", "u.s."}, "PER": {"angela merkel", "merkel"}, "ORG": {"acme corp"}}
    start = first.text.index("Acme Corp")
    assert (start, start + len("Acme Corp"), "ORG") in first.gold_spans
    assert first.title_end == len("PARIS TALKS\n")


def test_canonical_gold_maps_aliases_and_last_names(normalizer):
    gold = {"LOC": {"u.s.", "paris"}, "PER": {"angela merkel", "merkel"}}
    assert canonical_gold(gold, normalizer) == {
        "LOC": {"united states", "paris"},
        "PER": {"angela merkel"},
    }


def test_prf():
    prf = PRF()
    prf.add({"a", "b"}, {"b", "c"})
    assert (prf.tp, prf.fp, prf.fn) == (1, 1, 1)
    assert prf.precision == prf.recall == prf.f1 == 0.5
    assert PRF().f1 == 0.0


def test_evaluate_language(tmp_path):
    path = tmp_path / "gt.jsonl"
    rows = [
        {
            "id": "a",
            "language": "en",
            "body": "The council met on Tuesday to discuss the new budget for schools.",
        },
        {
            "id": "b",
            "language": "de",
            "body": "Der Rat hat am Dienstag über den neuen Haushalt für Schulen beraten.",
        },
        {
            "id": "c",
            "language": "fr",
            "body": "The label says French but this text is clearly written in English.",
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = evaluate_language(path)
    assert report.total == 3 and report.correct == 2
    assert report.errors == [("c", "fr", "en")]


def test_evaluate_topics():
    rows = [
        {"label": "Sports", "title": "Champions win cup final", "text": "A late goal won the match."},
        {"label": "Business", "title": "Shares fall on profit warning", "text": "Investors sold the stock."},
        {"label": "Business", "title": "Striker scores twice", "text": "The team won the league game 2-0."},
    ]
    report = evaluate_topics(rows, scheme="agnews")
    assert report.total == 3 and abs(report.accuracy - 2 / 3) < 1e-9
    assert report.per_class["Sports"].fp == 1 and report.per_class["Business"].fn == 1
