"""Author byline normalisation: split, strip roles and noise, route wire agencies to ``agency``."""

from __future__ import annotations

import re

from newsingest.clean.text import normalize_space

# Wire/news agencies: credited as a source, not as a person.
AGENCIES: dict[str, str] = {
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "dpa": "dpa",
    "deutsche presse-agentur": "dpa",
    "efe": "EFE",
    "ansa": "ANSA",
    "upi": "UPI",
    "united press international": "UPI",
    "bloomberg": "Bloomberg",
    "pa": "PA Media",
    "pa media": "PA Media",
    "press association": "PA Media",
    "pa wire": "PA Media",
    "xinhua": "Xinhua",
    "kyodo": "Kyodo",
    "kyodo news": "Kyodo",
    "yonhap": "Yonhap",
    "tass": "TASS",
    "ria novosti": "RIA Novosti",
    "anp": "ANP",
    "apa": "APA",
    "sda": "SDA",
    "ats": "ATS",
    "kna": "KNA",
    "epd": "epd",
    "aap": "AAP",
    "australian associated press": "AAP",
    "cp": "The Canadian Press",
    "the canadian press": "The Canadian Press",
    "canadian press": "The Canadian Press",
    "ians": "IANS",
    "pti": "PTI",
    "press trust of india": "PTI",
    "anadolu": "Anadolu Agency",
    "anadolu agency": "Anadolu Agency",
    "europa press": "Europa Press",
    "belga": "Belga",
    "ntb": "NTB",
    "tt": "TT",
    "ritzau": "Ritzau",
    "stt": "STT",
    "ctk": "ČTK",
    "pap": "PAP",
    "lusa": "Lusa",
    "agência lusa": "Lusa",
    "sapa": "SAPA",
    "cna": "CNA",
    "bernama": "Bernama",
    "wafa": "WAFA",
}

_ROLE_WORDS = (
    r"senior|chief|deputy|associate|assistant|contributing|special|staff|political|business|sports?|"
    r"foreign|economics?|health|science|technology|tech|education|crime|courts?|legal|entertainment|"
    r"culture|travel|royal|showbiz|news|investigations?|investigative|data|digital|executive|managing|"
    r"global|international|national|local|europe|us|uk|environment|climate|fashion|food|lifestyle|"
    r"consumer|money|finance|financial|property|motoring|features|video|audio|social media|trending|"
    r"breaking|live|weekend|night|morning|white house|washington|london|new york|opinion|guest|"
    r"contributing opinion|political|senior staff"
)
_ROLE_NOUNS = (
    r"reporter|correspondent|editor|writer|journalist|columnist|contributor|producer|analyst|"
    r"photographer|critic|presenter|host|intern|fellow|freelancer|freelance writer|author|"
    r"redakteur(?:in)?|korrespondent(?:in)?|journaliste|periodista|redactor|giornalista"
)
_ROLE = re.compile(rf"^(?:(?:{_ROLE_WORDS})\s+)*(?:{_ROLE_NOUNS})s?$", re.I)
_PREFIX = re.compile(
    r"^(?:written\s+by|reported\s+by|words\s+by|story\s+by|text\s+by|photos?\s+by|by|from|"
    r"von|par|por|di|da|door|af|av|przez|autor(?:in)?|author|reporter|posted\s+by)\s*[:\-–]?\s+",
    re.I,
)
_FOR_OUTLET = re.compile(r"\s+(?:for|in)\s+(?:the\s+)?[A-Z][\w.&' -]*$")
_NOISE = re.compile(
    r"\b(?:email(?:\s+the)?\s+(?:author|me)|follow\s+(?:on|me|@).*|updated?\b.*|published\b.*|"
    r"view\s+(?:all\s+)?(?:posts|articles|profile).*|more\s+(?:from|by)\b.*|read\s+more.*|"
    r"twitter|facebook|instagram|linkedin|@\w+)",
    re.I,
)
_DATEISH = re.compile(
    r"\b(?:\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"\s+\d{1,2}|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|\d+\s+(?:min|hour|day)s?"
    r"\s+ago)\b.*$",
    re.I,
)
_SPLIT = re.compile(
    r"\s*(?:,|;|\||\s/\s|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\ben\b|\bog\b|\boch\b|\bi\b)\s*", re.I
)
_URLISH = re.compile(r"^(?:https?://|www\.)|\.(?:com|org|net|co\.uk)\b", re.I)
_LETTER = re.compile(r"[^\W\d_]")
_PAREN = re.compile(r"\s*\([^)]{0,30}\)?\s*$")
_CJK_ROLE = re.compile(r"\s*(?:기자|특파원|선임기자|記者|记者|特派員|特派员|編集委員|論説委員)(?:\s.*)?$")
_CREDIT = re.compile(
    r"\b(?:getty|istock(?:photo)?|shutterstock|alamy|image|images|photo|photos|picture|"
    r"pictures|credit|staff photo|file photo|handout)\b",
    re.I,
)


def is_role_line(text: str) -> bool:
    """True for a bare job title line ("Opinion Columnist", "Senior Reporter")."""
    return len(text) < 60 and bool(_ROLE.match(text.strip(" .,:|")))


def agency_name(text: str) -> str | None:
    """The canonical agency name when ``text`` names a wire agency, else None."""
    key = normalize_space(text).strip(" .()[]").lower()
    return AGENCIES.get(key)


def _clean_one(name: str) -> str | None:
    name = normalize_space(name).strip(" .,:;-–—|()[]\"'")
    if not name:
        return None
    name = _PREFIX.sub("", name)
    name = _DATEISH.sub("", name)
    name = _NOISE.sub("", name)
    name = _FOR_OUTLET.sub("", name) if " for " in name or " in " in name else name
    name = _PAREN.sub("", name)  # "Jane Doe (jd)", "Jane Doe (Text)"
    name = _CJK_ROLE.sub("", name)  # "신현주 기자", "松岡大地記者"
    name = normalize_space(name).strip(" .,:;-–—|()[]\"'*")
    if not name or _URLISH.search(name) or not _LETTER.search(name):
        return None
    if _ROLE.match(name) or _CREDIT.search(name):
        return None
    if " " not in name and "-" in name and name.islower():
        return None  # a URL slug ("jane-doe"), not a display name
    if len(name) > 60 or len(name.split()) > 6:
        return None
    return name


def split_authors(raw: str | list[str]) -> tuple[list[str], list[str]]:
    """Split bylines into (people, agencies), stripping "By", roles, outlets, dates and noise.

    >>> split_authors("By Jane Doe and John Roe, Senior Reporters, for The Times")
    (['Jane Doe', 'John Roe'], [])
    """
    items = raw if isinstance(raw, list) else [raw]
    people: list[str] = []
    agencies: list[str] = []
    for item in items:
        if not item:
            continue
        text = normalize_space(str(item))
        if _URLISH.search(text):
            continue
        text = _PREFIX.sub("", text)
        text = re.sub(r"\s+(?:with|additional reporting by)\s+.*$", "", text, flags=re.I)
        for part in _SPLIT.split(text):
            agency = agency_name(part)
            if agency:
                if agency not in agencies:
                    agencies.append(agency)
                continue
            name = _clean_one(part)
            if not name:
                continue
            agency = agency_name(name)
            if agency:
                if agency not in agencies:
                    agencies.append(agency)
            elif name.lower() not in {p.lower() for p in people}:
                people.append(name)
    return people, agencies
