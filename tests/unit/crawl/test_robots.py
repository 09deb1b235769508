"""newsingest.crawl.robots: robots.txt rules per host and the agent token."""

from __future__ import annotations

from newsingest.crawl.robots import RobotsPolicy, agent_token

UA = "newsingest/0.1 (+https://github.com/newsingest/newsingest)"


def test_robots_policy() -> None:
    text = (
        b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: newsingest\nDisallow: /*.pdf$\n"
    )
    policy = RobotsPolicy.from_response(200, text)
    assert agent_token(UA) == "newsingest"
    assert policy.allowed("https://ex.com/private/x", UA)  # our own group replaces the * group
    assert not policy.allowed("https://ex.com/files/report.pdf", UA)
    assert not policy.allowed("https://ex.com/private/x", "OtherBot/1.0")
    assert policy.crawl_delay("OtherBot/1.0") == 2.0
    assert RobotsPolicy.from_response(404, b"").allowed("https://ex.com/anything", UA)
    assert RobotsPolicy.from_response(503, b"").status == "unavailable"
    assert not RobotsPolicy.from_response(None, b"").allowed("https://ex.com/", UA)
