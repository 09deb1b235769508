"""Text helpers for the cleaner: pre-stripping markup, whitespace (decoding is in ``web.charset``).

Everything here works on plain strings before (or without) a parse tree, so it is cheap and safe
on hostile input: linear scans with ``str.find``, no backtracking regular expressions over the page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Pages larger than this (characters, after stripping scripts and styles) are cut before parsing:
# article text sits near the top of the markup and a multi-megabyte tail is page furniture or junk.
MAX_PARSE_CHARS = 2_000_000

_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u200c\u200d\u2060\u00ad]")
_WORDS = re.compile(r"\w+")

# Elements whose content is never article text. Their raw text is removed before parsing, which
# cuts parse time; JSON-LD script bodies are kept aside for the metadata reader.
_STRIP_TAGS = (
    "script",
    "style",
    "svg",
    "noscript",
    "template",
    "iframe",
    "select",
    "button",
    "canvas",
    "object",
    "math",
    "nav",
    "aside",
    "footer",
    "textarea",
)
_OPEN_TAG = re.compile(r"<(" + "|".join(_STRIP_TAGS) + r")\b([^>]*)>|<!--", re.I)
_LD_JSON = re.compile(r"""type\s*=\s*["']?application/ld\+json""", re.I)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_RAW_TEXT = frozenset({"script", "style", "template", "textarea", "svg", "math"})


def _balanced(lower: str, start: int, end: int) -> bool:
    """True when the common container tags open and close equally often in ``lower[start:end]``."""
    for tag in ("div", "section", "ul", "article"):
        if lower.count(f"<{tag}", start, end) != lower.count(f"</{tag}", start, end):
            return False
    return True


def text_looks_binary(text: str) -> bool:
    """True when decoded text is mostly replacement or control characters."""
    head = text[:4096]
    if not head:
        return False
    bad = sum(1 for ch in head if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f"))
    return bad > len(head) * 0.1


@dataclass
class Prepared:
    """Markup ready to parse, plus what was lifted out of it."""

    html: str
    ld_json: list[str] = field(default_factory=list)
    truncated: bool = False
    original_chars: int = 0  # length of the stripped markup before any cut


def prestrip(html: str) -> Prepared:
    """Remove scripts, styles, comments and page chrome (nav/aside/footer) from raw markup.

    A linear scan: each opening tag is matched with ``str.find`` of its closing tag; an unclosed
    element runs to the end of the page, as browsers treat an unclosed script. JSON-LD blocks are
    returned separately.
    """
    out: list[str] = []
    ld: list[str] = []
    pos = 0
    lower = html.lower()
    if len(lower) != len(html):  # str.lower() can change length ("İ" -> "i̇"): positions must match
        lower = html.translate(_ASCII_LOWER)
    n = len(html)
    while pos < n:
        m = _OPEN_TAG.search(html, pos)
        if m is None:
            out.append(html[pos:])
            break
        out.append(html[pos : m.start()])
        if m.group(0) == "<!--":
            end = html.find("-->", m.end())
            pos = n if end < 0 else end + 3
            continue
        tag = m.group(1).lower()
        close = f"</{tag}"
        end = lower.find(close, m.end())
        if tag == "script" and _LD_JSON.search(m.group(2) or ""):
            ld.append(html[m.end() : end if end >= 0 else n])
        if end < 0:
            # An unclosed script/style runs to the end; unclosed chrome drops only its opening tag.
            pos = n if tag in ("script", "style", "svg", "template", "textarea") else m.end()
            continue
        if tag not in _RAW_TEXT and (
            not _balanced(lower, m.end(), end) or (tag == "aside" and lower.find("<h1", m.end(), end) >= 0)
        ):
            # Markup inside does not nest (a stray </div> would re-parent the page), or an <aside> holds
            # a headline (old themes put the post in <aside class="blogPost">): keep it for the parser
            # and let the tree-level furniture rules judge the element instead.
            out.append(m.group(0))
            pos = m.end()
            continue
        gt = html.find(">", end)
        pos = n if gt < 0 else gt + 1
        # An <iframe> keeps an empty tag with its size: a video player's frame tells a video post from an
        # empty page (only the size is copied: other attributes may hold markup such as ``srcdoc``).
        out.append(_empty_iframe(m.group(2) or "") if tag == "iframe" else " ")
    stripped = "".join(out)
    original = len(stripped)
    truncated = original > MAX_PARSE_CHARS
    if truncated:
        stripped = stripped[:MAX_PARSE_CHARS]
    return Prepared(stripped, ld, truncated, original)


_SIZE_ATTR = re.compile(r"""\b(width|height)\s*=\s*["']?(\d{1,5})""", re.I)


def _empty_iframe(attrs: str) -> str:
    sizes = " ".join(f'{name.lower()}="{value}"' for name, value in _SIZE_ATTR.findall(attrs))
    return f"<iframe {sizes}></iframe>" if sizes else "<iframe></iframe>"


def normalize_space(text: str) -> str:
    """Collapse runs of spaces (incl. NBSP and zero-width) to one space and trim."""
    if not text:
        return ""
    text = _ZERO_WIDTH.sub("", text)
    return _WS.sub(" ", text.replace("\n", " ")).strip()


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC) and whitespace of a text fragment."""
    return normalize_space(unicodedata.normalize("NFC", text))


def words(text: str) -> list[str]:
    """Word tokens (``\\w+``), as the benchmark metric counts them."""
    return _WORDS.findall(text)
