"""`clean --jsonl` and `enrich --jsonl`: every good record comes out, in order, around bad ones."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
STORY = (PAGES / "wire_story.html").read_text(encoding="utf-8")
NOT_FOUND = (PAGES / "error_404.html").read_text(encoding="utf-8")


def _page(id_: str, html: str, url: str) -> str:
    return json.dumps({"id": id_, "url": url, "html": html})


def _article(id_: str, body: str) -> str:
    url = f"https://a.example/{id_}"
    return json.dumps({"id": id_, "url": url, "canonical_url": url, "title": "Storm", "body": body})


BAD_LINES = ["not json", "null", "[1, 2]", '"text"', "42"]


def test_clean_keeps_good_pages_around_bad_lines(cli):
    lines = [_page("a", STORY, "https://wire.example/2024/05/15/q"), *BAD_LINES,
             _page("b", NOT_FOUND, "https://e.example/404"), json.dumps({"id": "c", "url": "x"})]  # fmt: skip
    result = cli("clean", "--jsonl", input="\n".join(lines) + "\n")
    result.fails(1, "stdin line 2: not JSON", "stdin line 3: expected a JSON object, got null",
                 "stdin line 4: expected a JSON object, got a list",
                 'line 8: expected an object with a string "html"',
                 "6 of 8 lines of stdin skipped")  # fmt: skip
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["id"], o["kind"]) for o in out] == [("a", "article"), ("b", "dropped")]
    assert out[1]["reason"] == "page_type:error"


def test_a_line_that_is_not_utf8_is_one_bad_line(cli, tmp_path):
    page = tmp_path / "p.jsonl"
    good = _page("a", STORY, "https://wire.example/2024/05/15/q").encode()
    page.write_bytes(b'{"id": "caf\xe9"}\n' + good + b"\n")
    result = cli("clean", "--jsonl", str(page))
    result.fails(1, f"{page} line 1: not UTF-8 text (byte 0xe9 at column 12); skipped")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a"]


def test_clean_reads_a_file_or_dash(cli, tmp_path):
    page = tmp_path / "p.jsonl"
    page.write_text(_page("a", STORY, "https://wire.example/2024/05/15/q") + "\n", encoding="utf-8")
    from_file = cli("clean", "--jsonl", str(page))
    assert from_file.code == 0 and json.loads(from_file.stdout)["id"] == "a"
    from_stdin = cli("clean", "--jsonl", "-", input=page.read_text())
    assert from_stdin.stdout == from_file.stdout
    html = cli("clean", "-", "--json", "--url", "https://wire.example/2024/05/15/q", input=STORY)
    assert html.code == 0 and json.loads(html.stdout)["kind"] == "article"


def test_clean_on_error_fail_writes_what_came_before(cli):
    lines = [
        _page("a", STORY, "https://wire.example/2024/05/15/q"),
        "null",
        _page("b", STORY, "https://w.example/b"),
    ]
    result = cli("clean", "--jsonl", "--on-error", "fail", input="\n".join(lines) + "\n")
    result.fails(
        1, "stdin line 2: expected a JSON object, got null (--on-error fail); 1 records written before it"
    )
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a"]


def test_enrich_keeps_good_records_and_passes_dropped_through(cli):
    dropped = {"id": "d", "kind": "dropped", "url": "https://e.example/404", "stage": "clean",
               "reason": "page_type:error"}  # fmt: skip
    lines = [_article("a", "Rain in Paris."), "not json", json.dumps(dropped), "null",
             _article("b", ""), json.dumps({"id": "x", "url": 5}), _article("c", "")]  # fmt: skip
    result = cli("enrich", "--jsonl", "--batch", "2", input="\n".join(lines) + "\n")
    result.fails(1, "stdin line 2: not JSON", "stdin line 4: expected a JSON object, got null",
                 "stdin line 6: not a CleanedArticle record", "3 of 7 lines of stdin skipped")  # fmt: skip
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "d", "b", "c"]
    assert out[1] == dropped and out[0]["enrichment_version"]


def test_enrich_on_error_fail_flushes_the_batch_read_before(cli):
    lines = [_article("a", ""), _article("b", ""), "[]", _article("c", "")]
    result = cli("enrich", "--jsonl", "--on-error", "fail", input="\n".join(lines) + "\n")
    result.fails(1, "stdin line 3: expected a JSON object, got a list (--on-error fail)")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "b"]


def test_clean_pipe_into_enrich_with_dropped_pages(cli):
    pages = [
        _page("a", STORY, "https://wire.example/2024/05/15/q"),
        _page("b", NOT_FOUND, "https://e.example/404"),
    ]
    cleaned = cli("clean", "--jsonl", input="\n".join(pages) + "\n")
    assert cleaned.code == 0, cleaned.output
    enriched = cli("enrich", "--jsonl", input=cleaned.stdout)
    assert enriched.code == 0, enriched.output
    out = [json.loads(line) for line in enriched.stdout.splitlines()]
    assert [(o["id"], o.get("kind")) for o in out] == [("a", None), ("b", "dropped")]
    assert out[0]["doc_id"]


# Random lines: valid records (tagged with their position) among arbitrary JSON values and junk.
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet="abc", max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
# Blank lines are not records (they are passed over without a word), so junk is never blank.
_junk = st.one_of(
    _json.map(json.dumps), st.text(alphabet='{}[]",:ab ', min_size=1, max_size=8).filter(str.strip)
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.booleans(), _junk), min_size=1, max_size=12))
def test_clean_random_lines_one_output_per_valid_line(cli, rows):
    lines = [_page(str(i), "<p>short</p>", f"https://h.example/{i}") if good else junk
             for i, (good, junk) in enumerate(rows)]  # fmt: skip
    result = cli("clean", "--jsonl", input="\n".join(lines) + "\n")
    valid = [str(i) for i, (good, _) in enumerate(rows) if good]
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == valid
    assert result.code == (0 if len(valid) == len(rows) else 1), result.output
    assert "Traceback" not in result.output


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["article", "dropped", "junk"]), _junk), min_size=1, max_size=10))
def test_enrich_random_lines_one_output_per_valid_line(cli, rows):
    def line(i: int, kind: str, junk: str) -> str:
        if kind == "article":
            return _article(str(i), "")
        if kind == "dropped":
            return json.dumps({"id": str(i), "kind": "dropped", "url": f"https://h.example/{i}"})
        return junk

    lines = [line(i, kind, junk) for i, (kind, junk) in enumerate(rows)]
    result = cli("enrich", "--jsonl", "--batch", "3", input="\n".join(lines) + "\n")
    valid = [str(i) for i, (kind, _) in enumerate(rows) if kind != "junk"]
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == valid
    assert result.code == (0 if len(valid) == len(rows) else 1), result.output
    assert "Traceback" not in result.output
