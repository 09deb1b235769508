"""Whether a short text is shaped like a person's name (bylines, credits): shared by the rooms."""

from __future__ import annotations

_NAME_PARTICLES = frozenset(
    {"de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "bin", "al", "el"}
)


def looks_like_person_name(name: str) -> bool:
    """Two to four capitalised words ("Jemima Kelly", "Lê Phương"), or one short token in a script
    without letter case ("松岡大地")."""
    words = name.split()
    if any(ch.isdigit() or ch in ":|@" for ch in name):
        return False
    if len(words) == 1:
        word = words[0]
        return 2 <= len(word) <= 6 and not any(ch.isupper() or ch.islower() for ch in word)
    return (
        2 <= len(words) <= 5
        and words[0][0].isupper()
        and words[-1][0].isupper()
        and all(w[0].isupper() or w in _NAME_PARTICLES for w in words)
    )
