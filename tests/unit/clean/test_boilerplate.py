"""newsingest.clean.boilerplate: which lines are page furniture."""

from __future__ import annotations

import pytest
from newsingest.clean.boilerplate import is_junk_line


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
        (
            "Ad block users: Some features of this site may not work while an ad blocker is enabled, because "
            "it blocks the scripts and the content the pages depend on. If you cannot see comments below, "
            "for example, please disable your ad blocker and reload the page.",
            True,
        ),
        ("Got a story? Get in touch with our news desk by emailing us at desk@paper.example.", True),
        ("For more stories like this, check our news page.", True),
        ("Personen-Box aufklappen Personen-Box zuklappen", True),
        ("Box aufklappen Box zuklappen", True),
        ("Show more Show less", True),
        ("He urged drivers to turn off the engine rather than let it idle outside the school gates.", False),
        ("Die Stadt will die Box im Herbst aufklappen und die Ausstellung zeigen.", False),
        ("Bildrechte: Stadtwerke/Jan Berger", True),
        ("Foto: dpa", True),
        ("imago images/Kurt Rehm", True),
        ("Photos: how the flood spread across the valley over three days", False),
        ("Uppdaterad 15.59 | Publicerad 14.14", True),
        ("Ende der weiteren Informationen", True),
        ("Zum Anhören", True),
        ("Mehr zum Thema Hitzeschäden", True),
        ("Mehr zum Thema Hitze bleibt in der Stadt und auf dem Land wichtig", False),
        ("If you liked this Design post by Ana Lind, you’ll probably like reading Ferries, ranked, …", True),
        ("If you liked this, write to the editor and tell us why.", False),
        ("If you enjoyed this post, please consider leaving a comment or subscribing to the RSS feed.", True),
        # appeals for the reader's money
        ("Hat Ihnen der Text gefallen? Dann unterstützen Sie uns bitte mit einer Spende.", True),
        ("If you value our reporting, please support us with a donation or a membership.", True),
        ("Soutenez-nous en faisant un don.", True),
        ('"They did not support us," the mayor said of the council.', False),
        ("The charity asked the public to support it with donations after the flood.", False),
    ],
)
def test_reading_time_and_media_furniture_lines(line, junk):
    assert is_junk_line(line) is junk
