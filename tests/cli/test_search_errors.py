"""`newsingest search` and `rank-eval` when OpenSearch is down, refuses, or is not OpenSearch at all."""

from __future__ import annotations

import uuid

import pytest
from newsingest.cli.errors import FAILURE, UNAVAILABLE
from newsingest.config import DATA_DIR

JUDGEMENTS = str(DATA_DIR / "sample_judgements.json")
DOWN = "http://127.0.0.1:1"


def test_search_and_rank_eval_with_opensearch_down(cli):
    expected = f"cannot reach OpenSearch at {DOWN} ([Errno 111] Connection refused); start it"
    cli("search", "budget", "--url", DOWN).fails(UNAVAILABLE, expected)
    cli("rank-eval", JUDGEMENTS, "--url", DOWN).fails(UNAVAILABLE, expected)


def test_url_at_a_server_that_is_not_opensearch(cli, sample_site):
    message = f"the server at {sample_site.url} answered HTTP"
    for args in (["search", "budget"], ["rank-eval", JUDGEMENTS]):
        result = cli(*args, "--url", sample_site.url).fails(
            UNAVAILABLE, message, "check NEWSINGEST_OPENSEARCH_URL"
        )
        assert "\n" not in result.stderr.strip()


@pytest.fixture
def empty_alias(opensearch_client):
    from newsingest.load.index import drop_alias_and_indices, ensure_index

    alias = f"t_cli_{uuid.uuid4().hex[:8]}"
    ensure_index(opensearch_client, alias)
    yield alias
    drop_alias_and_indices(opensearch_client, alias)


@pytest.mark.opensearch
def test_long_query_is_an_answer_or_one_line(cli, opensearch_url, empty_alias):
    """A 16-word query hit maxClauseCount (issue 15 fixes the query); here: never a traceback."""
    words = "what did the prime minister say about the new budget for schools and hospitals last week"
    result = cli("search", words, "--url", opensearch_url, "--index", empty_alias)
    if result.code:
        result.fails(FAILURE, f"OpenSearch at {opensearch_url} refused the request (HTTP 500)")
    else:
        assert "0 articles" in result.stdout


@pytest.mark.opensearch
def test_missing_alias(cli, opensearch_url):
    result = cli("search", "x", "--url", opensearch_url, "--index", "t_cli_no_such_alias")
    result.fails(FAILURE, f"index alias 't_cli_no_such_alias' does not exist at {opensearch_url}")
