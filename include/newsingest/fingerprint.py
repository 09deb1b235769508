"""Code fingerprints: a hash of some of the package's source files and library versions.

A memo that skips work on unchanged input (the clean memo, the discovery parse memo) keys its entries
with the fingerprint of the code that produced them, so upgraded code never reuses an old outcome.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from functools import cache
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


@cache
def code_fingerprint(patterns: tuple[str, ...], dists: tuple[str, ...] = ()) -> str:
    """A hash of the files matching ``patterns`` (globs below the newsingest package) and the installed
    versions of ``dists``: any change to either gives another value."""
    digest = hashlib.sha256()
    for path in sorted({p for pattern in patterns for p in PACKAGE_ROOT.glob(pattern)}):
        digest.update(path.relative_to(PACKAGE_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    for dist in dists:
        digest.update(f"{dist}=={importlib.metadata.version(dist)}".encode())
    return digest.hexdigest()[:24]
