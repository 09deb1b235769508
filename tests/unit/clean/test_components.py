"""Building blocks: decoding, pre-stripping, authors, dates, titles, JSON-LD."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from newsingest.clean.authors import split_authors
from newsingest.clean.boilerplate import is_junk_line
from newsingest.clean.dates import DateCandidate, best_date, date_from_text, date_from_url, parse_date
from newsingest.clean.extract import canonicalize_url
from newsingest.clean.fields.titles import strip_site_suffix
from newsingest.clean.metadata import parse_ld_json
from newsingest.clean.scoring import _DATELINE_ONLY, _STAMP
from newsingest.clean.text import prestrip
from newsingest.web.charset import UndecodableInput, decode_html


@pytest.mark.parametrize(
    ("raw", "people", "agencies"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"], []),
        ("By Jane Doe, Senior Political Correspondent", ["Jane Doe"], []),
        ("Jane Doe for The Guardian", ["Jane Doe"], []),
        ("By Jane Doe | Updated March 3, 2024 10:15 am", ["Jane Doe"], []),
        ("Jane Doe Email the author", ["Jane Doe"], []),
        ("Associated Press", [], ["Associated Press"]),
        ("By Maya Gebeily and Reuters", ["Maya Gebeily"], ["Reuters"]),
        ("AFP", [], ["AFP"]),
        ("Von Lena Hoffmann und Jörg Weber", ["Lena Hoffmann", "Jörg Weber"], []),
        (["Jane Doe", "jane doe", "https://site.example/authors/jane"], ["Jane Doe"], []),
        ("(Image: Getty Images/iStockphoto)", [], []),
        ("jane-doe", [], []),
        ("dpa", [], ["dpa"]),
        ("Elena Oberholzer (obe), Oliver Maksan (oma)", ["Elena Oberholzer", "Oliver Maksan"], []),
        ("신현주 기자", ["신현주"], []),
    ],
)
def test_split_authors(raw, people, agencies):
    assert split_authors(raw) == (people, agencies)


def test_parse_date_forms():
    assert parse_date("2024-03-12T10:30:00+01:00") == datetime(2024, 3, 12, 9, 30, tzinfo=UTC)
    assert parse_date("2024-03-12T10:30:00Z").tzinfo is not None
    naive = parse_date("2024-03-12 10:30")
    assert naive is not None and naive.tzinfo is UTC
    assert parse_date("Tue, 12 Mar 2024 10:30:00 GMT") == datetime(2024, 3, 12, 10, 30, tzinfo=UTC)
    assert parse_date("1710239400") == datetime(2024, 3, 12, 10, 30, tzinfo=UTC)
    for junk in ("", "yesterday-ish", "2024-02-30", None, "x" * 200):
        assert parse_date(junk) is None


def test_date_from_url():
    assert date_from_url("https://x.example/2024/05/17/story") == datetime(2024, 5, 17, tzinfo=UTC)
    assert date_from_url("https://x.example/news/20240517-story") == datetime(2024, 5, 17, tzinfo=UTC)
    assert date_from_url("https://x.example/news/story-12345") is None


def test_best_date_ranks_and_rejects_future_and_ancient():
    now = datetime(2024, 6, 1, tzinfo=UTC)
    ld = DateCandidate(datetime(2024, 5, 1, tzinfo=UTC), "json-ld", 0)
    meta = DateCandidate(datetime(2024, 5, 2, tzinfo=UTC), "meta", 2)
    future = DateCandidate(datetime(2024, 7, 1, tzinfo=UTC), "json-ld", 0)
    ancient = DateCandidate(datetime(1970, 1, 1, tzinfo=UTC), "json-ld", 0)
    assert best_date([meta, ld], now=now) is ld
    assert best_date([future, ancient, meta], now=now) is meta
    assert best_date([future], now=now) is None


def test_decode_html():
    assert decode_html("already text") == "already text"
    assert decode_html("Grüße".encode()) == "Grüße"
    latin = '<meta charset="windows-1252"><p>café “quoted”</p>'.encode("cp1252")
    assert "café “quoted”" in decode_html(latin)
    with pytest.raises(UndecodableInput):
        decode_html(b"%PDF-1.7\n" + bytes(200))


def test_prestrip_removes_scripts_and_keeps_json_ld():
    html = (
        '<head><script type="application/ld+json">{"@type":"NewsArticle"}</script>'
        "<script>alert('<p>x</p>')</script><style>p{}</style></head>"
        "<body><!-- comment <p>hidden</p> --><nav>menu</nav><p>kept</p></body>"
    )
    prepared = prestrip(html)
    assert prepared.ld_json == ['{"@type":"NewsArticle"}']
    assert "alert" not in prepared.html and "hidden" not in prepared.html and "menu" not in prepared.html
    assert "<p>kept</p>" in prepared.html


def test_parse_ld_json_tolerates_broken_blocks_and_flattens_graph():
    nodes = parse_ld_json(
        [
            "{not json",
            '{"@graph": [{"@type": "WebSite", "name": "S"}, {"@type": ["NewsArticle"], "headline": "H",}]}',
            "",
        ]
    )
    assert [n.get("headline") for n in nodes if n.get("headline")] == ["H"]


@pytest.mark.parametrize(
    ("title", "sites", "expected"),
    [
        ("Flood barrier approved | The Northern Ledger", ["The Northern Ledger"], "Flood barrier approved"),
        ("Flood barrier approved - BBC News", ["BBC News"], "Flood barrier approved"),
        ("Northern Ledger: Flood barrier approved", ["northernledger"], "Flood barrier approved"),
        ("BUDGET 3.0 | Sars gets R4bn", ["TimesLIVE"], "BUDGET 3.0 | Sars gets R4bn"),
        (
            "Tony Blair: Why there has to be compromise",
            ["Evening Standard"],
            "Tony Blair: Why there has to be compromise",
        ),
    ],
)
def test_strip_site_suffix(title, sites, expected):
    assert strip_site_suffix(title, sites) == expected


def test_canonicalize_url_drops_tracking_and_fragment():
    url = canonicalize_url("HTTPS://WWW.Example.COM:443/a/b?utm_source=x&id=3#frag")
    assert url == "https://www.example.com/a/b?id=3"


@pytest.mark.parametrize("url", ["", "file:///tmp/page.html", "page.html", "http://[x/"])
def test_canonicalize_url_keeps_a_url_it_cannot_canonicalise(url):
    assert canonicalize_url(f" {url} ") == url


def test_naive_offsets_and_aware_offsets_compare_correctly():
    aware = parse_date("2024-03-12T23:30:00-05:00")
    assert aware.utcoffset() == timedelta(hours=-5)
    assert aware == datetime(2024, 3, 13, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement",
        "ADVERTISEMENT",
        "Anzeige",
        "Read more",
        "Sign up to our newsletter for the latest news in your inbox",
        "[button link=”https://x.example/”]Send us your review[/button]",
        "5 min read",
        "Lesen Sie auch",
    ],
)
def test_junk_lines(line):
    from newsingest.clean.boilerplate import is_junk_line

    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "He said [the plan] would be announced on Monday, and officials agreed.",
        "Readers can click the map to see where the flooding was worst.",
        "The advertisement campaign cost the party more than £2m, according to its accounts.",
    ],
)
def test_sentences_are_not_junk(line):
    from newsingest.clean.boilerplate import is_junk_line

    assert not is_junk_line(line)


@pytest.mark.parametrize(
    ("line", "junk"),
    [
        ("15.04.2025, 17:59 Lesezeit: 5 Min.", True),
        ("Reading time: 4 minutes", True),
        ("02:57 Min. Verfügbar bis 06.05.2024", True),
        ("Empfohlener redaktioneller Inhalt", True),
        ("Du kannst ihn dir mit einem Klick anzeigen lassen und wieder ausblenden.", True),
        ("The reading time was long, five minutes at least, she said.", False),
        ("12:30 Uhr begann die Sitzung mit einer Schweigeminute.", False),
        ("渡辺洋介2025年1月13日 21時37分", True),
        ("【関連記事】", True),
        ("有料会員になると会員限定の有料記事もお読みいただけます。", True),
        ("2025年1月13日に気象庁は津波注意報を発表した。", False),
        ("— The City Council (@CityCouncil) October 9, 2018", True),
        ("Quelle: AFP", True),
        ("Ein Klick für den Datenschutz", True),
        ("Ad block users: Some site features may not work correctly while an ad blocker is enabled.", True),
        ("Source: the ministry said the numbers were wrong, and it would correct them soon.", False),
    ],
)
def test_reading_time_and_media_furniture_lines(line, junk):
    assert is_junk_line(line) is junk


@pytest.mark.parametrize(
    "line",
    ["Stand: 22.04.2024, 06:00 Uhr", "Veröffentlicht am 22.04.2024", "Mis à jour le 3 mars 2024"],
)
def test_update_stamps_in_other_languages_are_datelines(line):
    assert _DATELINE_ONLY.match(line)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Datum 28.04.2023 Autorin/Autor Roman", "2023-04-28"),
        ("Do 25.04.24 | 14:07 Uhr | Von Eva", "2024-04-25"),
        ("Montag, 5. Juni 2023", "2023-06-05"),
        ("Publié le 12 mars 2024 à 10h", "2024-03-12"),
        ("3 de mayo de 2024", "2024-05-03"),
        ("Publicerad 23 okt 2025 kl 10.23", "2025-10-23"),
        ("5. maj 2024", "2024-05-05"),
        ("12 déc. 2023", "2023-12-12"),
        ("Published May 3, 2024", "2024-05-03"),
        ("Version 1.2 of the app", None),
    ],
)
def test_date_from_text_reads_european_forms(text, day):
    found = date_from_text(text)
    assert (found.date().isoformat() if found else None) == day


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        ("23. 12. 2024 13:31", True),
        ("22.04.2024 | 15:54", True),
        ("On 22.04.2024 at 15:54 the police arrived. Then they left.", False),
    ],
)
def test_date_and_time_stamps(line, stamp):
    assert bool(_STAMP.match(line)) is stamp
