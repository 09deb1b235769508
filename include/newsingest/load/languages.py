"""Per-language analysis: which languages get their own analysed copy of title and body.

English text is analysed by the main fields (``title``, ``body``, ...: ``english`` analyser, plus a
language-neutral ``.std`` sub-field). An article in one of the languages below also gets
``title_<code>`` and ``body_<code>`` fields analysed with that language's built-in analyser
(stemming and stop words from OpenSearch's analysis-common module; no plugin needed). The index
template (``data/index_template.json``) declares exactly these fields; a unit test keeps the two in step.
"""

from __future__ import annotations

# ISO 639-1 code (as language detection reports it) -> built-in OpenSearch analyser.
LANGUAGE_ANALYZERS: dict[str, str] = {
    "ar": "arabic",
    "bg": "bulgarian",
    "bn": "bengali",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "es": "spanish",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "gl": "galician",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "ja": "cjk",
    "ko": "cjk",
    "lt": "lithuanian",
    "lv": "latvian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "th": "thai",
    "tr": "turkish",
    "zh": "cjk",
}

# Codes that share a field with another code.
LANGUAGE_ALIASES: dict[str, str] = {"nb": "no", "nn": "no", "pt-br": "pt", "zh-cn": "zh", "zh-tw": "zh"}

# Text fields that get a per-language copy.
LANGUAGE_TEXT_FIELDS: tuple[str, ...] = ("title", "body")


def language_field_code(language: str | None) -> str | None:
    """The per-language field suffix for ``language`` (e.g. ``de``), or None for English/unsupported."""
    if not language:
        return None
    code = language.strip().lower().replace("_", "-")
    code = LANGUAGE_ALIASES.get(code, code)
    if code not in LANGUAGE_ANALYZERS:
        code = code.split("-", 1)[0]
        code = LANGUAGE_ALIASES.get(code, code)
    return code if code in LANGUAGE_ANALYZERS else None
