"""The sources file: validation errors name file, source and field; env interpolation."""

from __future__ import annotations

from pathlib import Path

import pytest
from newsingest.sources import SourcesError, interpolate, load_sources, parse_sources

GOOD = """
sources:
  - name: daily-ledger
    homepage: ${SITE:-http://127.0.0.1:8765}/ledger/
    feeds: ["${SITE:-http://127.0.0.1:8765}/ledger/feed.xml"]
    sitemaps: ["${SITE:-http://127.0.0.1:8765}/ledger/sitemap.xml"]
    sections: [{url: "${SITE:-http://127.0.0.1:8765}/ledger/world/", pattern: "/ledger/\\\\d{4}/"}]
    language: en
    country: GB
    rate_limit: 5.0
    allow_private: true
  - name: off-source
    homepage: https://example.org/
    feeds: [https://example.org/rss]
    enabled: false
"""


def test_valid_file_with_defaults_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(GOOD)
    monkeypatch.delenv("SITE", raising=False)
    sources = load_sources(path)
    assert [s.name for s in sources] == ["daily-ledger", "off-source"]
    ledger = sources[0]
    assert ledger.homepage == "http://127.0.0.1:8765/ledger/"
    assert ledger.sections[0].pattern == "/ledger/\\d{4}/"
    assert ledger.rate_limit == 5.0 and ledger.allow_private and ledger.host == "127.0.0.1"
    assert sources[1].allow_private is False and sources[1].rate_limit == 1.0
    monkeypatch.setenv("SITE", "http://site.test:9000")
    assert load_sources(path, enabled_only=True)[0].feeds == ["http://site.test:9000/ledger/feed.xml"]


def test_interpolation_required_variable_missing() -> None:
    with pytest.raises(SourcesError, match=r"cfg\.yaml.*NOPE_NOT_SET is not set"):
        interpolate({"a": ["x${NOPE_NOT_SET}"]}, {}, where="cfg.yaml")
    assert interpolate("${A:-d}/${B}", {"B": "b"}) == "d/b"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "sources:\n  - name: a\n    homepage: ftp://x/\n    feeds: [http://x/f]\n",
            r"source 'a', field homepage: not an absolute http\(s\) URL",
        ),
        (
            "sources:\n  - name: a\n    homepage: http://x/\n    feeds: [http://x/f]\n    rate_limit: -1\n",
            r"source 'a', field rate_limit: Input should be greater than 0",
        ),
        (
            "sources:\n  - name: a\n    homepage: http://x/\n"
            "    sections: [{url: 'http://x/s', pattern: '(['}]\n",
            r"source 'a', field sections\.0\.pattern: not a valid regular expression",
        ),
        (
            "sources:\n  - name: a\n    homepage: http://x/\n",
            r"source 'a', field \(source\): needs at least one of feeds, sitemaps or sections",
        ),
        (
            "sources:\n  - homepage: http://x/\n    feeds: [http://x/f]\n",
            r"source #1, field name: Field required",
        ),
        (
            "sources:\n  - name: a\n    homepage: http://x/\n    feeds: [http://x/f]\n    colour: red\n",
            r"source 'a', field colour: Extra inputs are not permitted",
        ),
        (
            "sources:\n  - name: Bad Name\n    homepage: http://x/\n    feeds: [http://x/f]\n",
            r"source 'Bad Name', field name: must be a slug",
        ),
        (
            "sources:\n  - name: a\n    homepage: http://x/\n    feeds: [http://x/f]\n    country: gb\n",
            r"source 'a', field country: must be an ISO 3166-1 alpha-2",
        ),
        (
            "sources:\n  - {name: a, homepage: 'http://x/', feeds: ['http://x/f']}\n"
            "  - {name: a, homepage: 'http://y/', feeds: ['http://y/f']}\n",
            r"source 'a', field name: duplicate",
        ),
        ("just: [a, list]\n", r"expected a mapping with a top-level 'sources' list"),
        ("sources: [unclosed\n", r"not valid YAML"),
    ],
)
def test_errors_name_file_source_and_field(body: str, message: str) -> None:
    with pytest.raises(SourcesError, match=message) as info:
        parse_sources(body, "conf/sources.yaml")
    assert str(info.value).startswith("conf/sources.yaml")


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match=r"nope\.yaml: cannot read sources file"):
        load_sources(tmp_path / "nope.yaml")


def test_bundled_default_sources_file_is_valid() -> None:
    from newsingest.config import INCLUDE_DIR

    sources = load_sources(INCLUDE_DIR / "sources" / "default.yaml")
    assert len(sources) >= 5
    assert all(not s.allow_private for s in sources)
    assert all(s.homepage.startswith("https://") for s in sources)


def test_country_and_language_codes_stay_text() -> None:
    """YAML 1.1 reads NO (Norway) and no (Norwegian) as false; the sources file reads them as codes."""
    text = """
sources:
  - name: norsk
    homepage: https://example.no/
    feeds: [https://example.no/rss]
    country: NO
    language: no
    enabled: yes
"""
    (src,) = parse_sources(text, "norsk.yaml")
    assert (src.country, src.language, src.enabled) == ("NO", "no", True)


def test_a_number_for_a_code_says_to_quote_it() -> None:
    text = "sources:\n  - {name: x, homepage: 'https://x.org/', feeds: ['https://x.org/rss'], country: 44}\n"
    with pytest.raises(SourcesError, match=r"(?s)x.yaml: .*source 'x', field country: .*quote it"):
        parse_sources(text, "x.yaml")
