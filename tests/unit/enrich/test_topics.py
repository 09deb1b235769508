"""IPTC topics on fixture texts written for these tests (short wire items and longer stories)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from newsingest.enrich.topics import TopicClassifier, tokenize, top_label

SHORT_ITEMS = [
    (
        "Sports",
        "United edge City in derby thriller",
        "A late penalty gave United a 2-1 win over City on Sunday, "
        "lifting them to third in the league table.",
    ),
    (
        "Sports",
        "Serena advances to quarter-finals",
        "The top seed beat her Czech opponent in straight sets to reach the last eight of the tournament.",
    ),
    (
        "Sports",
        "Yankees rally past Red Sox",
        "A two-run homer in the ninth inning lifted New York to a 5-4 victory over Boston on Tuesday night.",
    ),
    (
        "Business",
        "Oil prices climb as supply fears grow",
        "Crude futures rose 2 percent on Monday as traders worried that output cuts would tighten markets.",
    ),
    (
        "Business",
        "Retailer posts higher quarterly profit",
        "The company said net income rose 12 percent on strong holiday sales, beating analysts' forecasts.",
    ),
    (
        "Business",
        "Central bank holds interest rates steady",
        "Policymakers kept the benchmark rate unchanged, citing "
        "slowing inflation and weaker consumer spending.",
    ),
    (
        "Sci/Tech",
        "New chip promises faster laptops",
        "The semiconductor maker unveiled a processor that it says "
        "doubles battery life for notebook computers.",
    ),
    (
        "Sci/Tech",
        "Probe sends back images of distant moon",
        "Scientists said the spacecraft's camera captured the first "
        "close-up pictures of the icy moon's surface.",
    ),
    (
        "Sci/Tech",
        "Hackers exploit flaw in web browser",
        "Security researchers warned that attackers were using a "
        "software bug to install malware on users' computers.",
    ),
    (
        "World",
        "Rebels seize town in eastern region",
        "Government troops withdrew after heavy fighting as "
        "insurgents took control of the town, officials said.",
    ),
    (
        "World",
        "Leaders meet for talks on border dispute",
        "The two presidents agreed to resume negotiations over the contested frontier at a summit on Friday.",
    ),
    (
        "World",
        "Opposition wins landslide in parliamentary vote",
        "Election officials said the opposition party took two thirds of the seats, ending a decade of rule.",
    ),
]

STORIES = [
    (
        "politics",
        "Prime minister faces backbench revolt over welfare bill",
        "The prime minister is facing a rebellion from dozens of MPs over plans to cut welfare spending. "
        "Opposition leaders said the bill would push families into "
        "poverty, and the government may lose the vote "
        "in parliament next week. Ministers insisted the reforms were needed to balance the budget.",
    ),
    (
        "entertainment",
        "Veteran director's new film tops box office",
        "The director's latest film took the top spot at the box office this weekend, earning an estimated "
        "$45m. Critics praised the lead actress's performance, and the movie is already tipped for Oscar "
        "nominations. The soundtrack album also entered the charts at number one.",
    ),
    (
        "tech",
        "Phone maker unveils folding handset",
        "The smartphone maker has unveiled a handset with a folding screen, aiming to revive slowing sales. "
        "The device runs the latest version of Android and has a faster processor, and the company said its "
        "software update would bring new artificial intelligence features to users.",
    ),
    (
        "sport",
        "Champions reach cup final with late winner",
        "The holders reached the cup final after a stoppage-time "
        "goal sealed a 2-1 victory in the semi-final. "
        "The manager praised his players for their comeback, and the "
        "striker's winner was his 20th of the season.",
    ),
    (
        "business",
        "Carmaker to cut 3,000 jobs as profits fall",
        "The carmaker said it would cut 3,000 jobs after annual profits fell by a quarter. Shares dropped 6% "
        "after the announcement, and the chief executive said the firm faced rising costs and weak demand in "
        "its key markets.",
    ),
]


def test_tokenize_handles_possessives_and_symbols():
    assert tokenize("Moody's cut the U.S. rating; S&P 500 fell $3 — Apple's shares") == [
        "moody", "cut", "the", "u.s", "rating", "s&p", "500", "fell", "$", "3", "apple", "shares",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def clf():
    return TopicClassifier()


@pytest.mark.parametrize(("label", "title", "text"), SHORT_ITEMS)
def test_short_items_agnews_mapping(clf, label, title, text):
    assert top_label(clf.scores(title, text), "agnews") == label


@pytest.mark.parametrize(("label", "title", "text"), STORIES)
def test_stories_bbc_mapping(clf, label, title, text):
    assert top_label(clf.scores(title, text), "bbc") == label


def test_classify_is_ranked_multilabel_with_subtopics(clf):
    topics = clf.classify(
        "Striker banned for doping as club fined",
        "The football club's striker was banned for two years after failing a drug test, and the club was "
        "fined by the league. The anti-doping agency said the banned substance was found after the match.",
    )
    codes = [t.code for t in topics]
    assert codes[0] == "medtop:15000000"
    assert "medtop:20001104" in codes  # drug use in sport
    top_levels = [t for t in topics if t.code.startswith("medtop:1") or t.code.startswith("medtop:0")]
    assert all(a.score >= b.score for a, b in pairwise(top_levels))
    assert all(0 < t.score <= 1 for t in topics)


def test_publisher_tags_are_evidence(clf):
    text = "The results were announced on Thursday after a long night."
    assert clf.classify("Results are in", text) == []
    tagged = clf.classify("Results are in", text, tags=["Football", "Premier League"])
    assert tagged and tagged[0].code == "medtop:15000000"


def test_no_topic_for_empty_text(clf):
    assert clf.classify("", "") == []
    assert top_label({}, "agnews") == "World"
    with pytest.raises(ValueError, match="unknown topic scheme"):
        top_label({"medtop:15000000": 1.0}, "imdb")
