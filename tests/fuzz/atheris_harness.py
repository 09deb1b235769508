"""Coverage-guided fuzzing (atheris / libFuzzer) of the parsers that read untrusted input.

Usage: ``python tests/fuzz/atheris_harness.py TARGET [libFuzzer options] [CORPUS_DIR ...]`` with TARGET one
of ``clean``, ``feed``, ``sitemap``, ``canonicalize``. Options such as ``-max_total_time=60``,
``-timeout=5`` (seconds per input), ``-rss_limit_mb=2048`` and ``-max_len=65536`` bound the session.
A crash (an exception outside a target's contract), a hang past ``-timeout`` or memory past
``-rss_limit_mb`` stops libFuzzer with a non-zero exit and writes the input to ``crash-*``/``timeout-*``.
``scripts/fuzz.sh`` runs longer sessions; ``tests/fuzz/test_atheris.py`` runs a short one in CI.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["newsingest", "bs4", "feedparser", "defusedxml"]):
    import fuzz_targets

SEEDS: dict[str, list[bytes]] = {
    "clean": [
        b"<html><head><title>T</title></head><body><article><h1>Head</h1><p>Body text of the story.</p>"
        b"</article></body></html>",
        b'<script type="application/ld+json">{"@type":"NewsArticle","headline":"x"}</script>',
    ],
    "feed": [
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>a</title><link>/a</link>'
        b"<pubDate>Tue, 03 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://x/a"/></entry></feed>',
    ],
    "sitemap": [
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a</loc>'
        b"<lastmod>2026-11-03</lastmod></url></urlset>",
        b"<sitemapindex><sitemap><loc>https://x/s1.xml</loc></sitemap></sitemapindex>",
        b"https://x/a\nhttps://x/b\n",
    ],
    "canonicalize": [b"https://Example.COM:443/a/../b/?utm_source=x&b=2&a=1#frag", b"http://[::1]:80/%7e"],
}


def _one_input(target: str):
    def clean(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        if fdp.ConsumeBool():
            fuzz_targets.target_clean(fdp.ConsumeUnicodeNoSurrogates(len(data)))
        else:
            fuzz_targets.target_clean(fdp.ConsumeBytes(len(data)))

    def canonicalize(data: bytes) -> None:
        fuzz_targets.target_canonicalize(data.decode("utf-8", errors="replace"))

    return {
        "clean": clean,
        "feed": fuzz_targets.target_feed,
        "sitemap": fuzz_targets.target_sitemap,
        "canonicalize": canonicalize,
    }[target]


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in SEEDS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(SEEDS)}}} [libFuzzer options] [corpus dirs]")
    target = sys.argv.pop(1)
    for arg in sys.argv[1:]:  # seed any empty corpus folder
        folder = Path(arg)
        if not arg.startswith("-") and folder.is_dir() and not any(folder.iterdir()):
            for i, seed in enumerate(SEEDS[target]):
                (folder / f"seed-{i}").write_bytes(seed)
    atheris.Setup(sys.argv, _one_input(target))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
