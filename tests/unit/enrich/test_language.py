"""Language identification (lingua, low-accuracy mode)."""

from __future__ import annotations

import pytest
from newsingest.enrich.language import detect_language

TEXTS = {
    "en": "The government announced on Tuesday that it would raise taxes on large companies next year.",
    "de": "Die Bundesregierung hat am Dienstag angekündigt, die Steuern für große Unternehmen zu erhöhen.",
    "fr": "Le gouvernement a annoncé mardi qu'il augmenterait les impôts des entreprises l'an prochain",
    "es": "El gobierno anunció el martes que subirá los impuestos a las grandes empresas el próximo año",
    "no": "Regjeringen kunngjorde tirsdag at den vil øke skatten for store selskaper neste år i Norge.",
    "ja": "政府は火曜日、来年から大企業への税金を引き上げると発表しました。",
    "zh": "政府周二宣布，明年将提高对大型企业的税收，以支持公共服务和基础设施建设。",
}


@pytest.mark.parametrize(("code", "text"), sorted(TEXTS.items()))
def test_detects(code, text):
    guess = detect_language(text)
    assert guess.code == code
    assert 0.0 < guess.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "12345 678"])
def test_undetermined(text):
    guess = detect_language(text)
    assert guess.code is None and guess.confidence == 0.0


def test_bad_mode_is_a_clear_error():
    from newsingest.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="NEWSINGEST_LANGID_MODE='fast'"):
        load_settings({"NEWSINGEST_LANGID_MODE": "fast"})
