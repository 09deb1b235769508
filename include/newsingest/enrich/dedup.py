"""Exact and near-duplicate detection: content hashes, MinHash/LSH band hashes and story clusters.

- ``content_hash``: sha256 of the normalised body (Unicode NFKC, case-folded, whitespace collapsed);
  equal hashes are exact duplicates.
- MinHash (datasketch, 128 permutations, seed 1) over word 5-shingles of the normalised body. The
  signature is stored on the document (``minhash_signature``, 128 unsigned 32-bit ints) and cut into
  32 LSH bands of 4 rows; each band becomes one ``minhash_bands`` term ``"<band>-<hash>"``. Two stories
  share at least one band with probability 1-(1-J^4)^32: ~50% at Jaccard 0.42, >99% at 0.6.
- Candidates (band matches within the batch and, through ``cluster_lookup``, in the index) are
  confirmed by the Jaccard similarity estimated from the two signatures (>= ``JACCARD_THRESHOLD``). If
  a candidate has no stored signature, the estimate falls back to the share of equal bands,
  (shared/32)^(1/4), which is coarser.
- A story joins the cluster of its confirmed matches already in the index (the most common
  ``cluster_id`` among them); a group of new stories takes the ``doc_id`` of its earliest member, so
  cluster ids stay stable across runs and days.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 5
SEED = 1
SCHEME = "affine32"  # datasketch permutation scheme; values fit in 32 bits
JACCARD_THRESHOLD = 0.5
LOOKUP_CHUNK = 4096  # band terms per cluster_lookup call

ClusterLookup = Callable[[list[str]], list[dict]]
_WORD = re.compile(r"\w+")


def normalise_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def hashed_text(body: str | None, title: str | None) -> str:
    """The text an article's content hash is taken from: its body, else its title (title-only pages)."""
    return (body or "").strip() or (title or "").strip()


def content_hash(text: str) -> str:
    """sha256 hex of the normalised text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    words = _WORD.findall(normalise_text(text))
    if not words:
        return set()
    if len(words) <= k:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


@cache
def _permutations():
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(text: str) -> list[int]:
    """MinHash signature (NUM_PERM ints < 2**32) of the text's word shingles; [] for empty text."""
    grams = shingles(text)
    if not grams:
        return []
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME)
    mh.update_batch(list(grams))
    return [int(v) for v in mh.hashvalues]


def band_hashes(sig: Sequence[int]) -> list[str]:
    """LSH band terms ``"<band:02d>-<16 hex>"`` of a signature."""
    if not sig:
        return []
    if len(sig) != NUM_PERM:
        raise ValueError(f"MinHash signature must have {NUM_PERM} values, got {len(sig)}")
    out = []
    for b in range(BANDS):
        chunk = sig[b * ROWS : (b + 1) * ROWS]
        digest = hashlib.blake2b(
            b"".join(int(v).to_bytes(8, "little") for v in chunk), digest_size=8, person=b"nsi-lsh"
        )
        out.append(f"{b:02d}-{digest.hexdigest()}")
    return out


def estimate_jaccard(a_sig: Sequence[int], b_sig: Sequence[int]) -> float:
    if not a_sig or len(a_sig) != len(b_sig):
        return 0.0
    return sum(1 for x, y in zip(a_sig, b_sig, strict=True) if x == y) / len(a_sig)


def estimate_jaccard_from_bands(a_bands: Iterable[str], b_bands: Iterable[str]) -> float:
    shared = len(set(a_bands) & set(b_bands))
    return (shared / BANDS) ** (1 / ROWS) if shared else 0.0


@dataclass
class Sketch:
    """What clustering needs to know about one document."""

    doc_id: str
    content_hash: str | None
    signature: list[int] = field(default_factory=list)
    bands: list[str] = field(default_factory=list)
    cluster_id: str | None = None  # set for documents already in the index
    order: tuple = ()  # sort key for "earliest" (published, doc_id)

    @classmethod
    def from_candidate(cls, cand: dict) -> Sketch:
        if "doc_id" not in cand:
            raise ValueError(f"cluster_lookup candidate has no doc_id: {sorted(cand)}")
        return cls(
            doc_id=str(cand["doc_id"]),
            content_hash=cand.get("content_hash"),
            signature=[int(v) for v in cand.get("minhash_signature") or []],
            bands=list(cand.get("minhash_bands") or []),
            cluster_id=cand.get("cluster_id") or str(cand["doc_id"]),
        )


def similar(a: Sketch, b: Sketch, threshold: float = JACCARD_THRESHOLD) -> bool:
    if a.content_hash and a.content_hash == b.content_hash:
        return True
    if a.signature and b.signature:
        return estimate_jaccard(a.signature, b.signature) >= threshold
    return estimate_jaccard_from_bands(a.bands, b.bands) >= threshold


def lookup_candidates(batch: Sequence[Sketch], lookup: ClusterLookup | None) -> list[Sketch]:
    """Documents from the index that share a band with the batch (deduplicated by doc_id)."""
    if lookup is None:
        return []
    terms = sorted({band for s in batch for band in s.bands})
    found: dict[str, Sketch] = {}
    for i in range(0, len(terms), LOOKUP_CHUNK):
        for cand in lookup(terms[i : i + LOOKUP_CHUNK]) or []:
            sk = Sketch.from_candidate(cand)
            found.setdefault(sk.doc_id, sk)
    return list(found.values())


def _keys(node: Sketch) -> list[str]:
    return [*node.bands, *(["sha:" + node.content_hash] if node.content_hash else [])]


class UnionFind:
    """Disjoint sets over node indices 0..n-1."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def link_similar(nodes: Sequence[Sketch], first: int, threshold: float = JACCARD_THRESHOLD) -> UnionFind:
    """Components of ``nodes``: each of the first ``first`` nodes is joined with every node sharing a band
    (or its content hash) whose similarity is confirmed."""
    sets = UnionFind(len(nodes))
    by_key: dict[str, list[int]] = {}
    for i, node in enumerate(nodes):
        for key in _keys(node):
            by_key.setdefault(key, []).append(i)
    checked: set[tuple[int, int]] = set()
    for i in range(first):
        for key in _keys(nodes[i]):
            for j in by_key.get(key, ()):
                pair = (min(i, j), max(i, j))
                if j == i or pair in checked:
                    continue
                checked.add(pair)
                if similar(nodes[i], nodes[j], threshold):
                    sets.union(i, j)
    return sets


def assign_clusters(
    batch: Sequence[Sketch], *, lookup: ClusterLookup | None = None, threshold: float = JACCARD_THRESHOLD
) -> dict[str, str]:
    """cluster_id for every document of the batch (doc_id -> cluster_id)."""
    existing = lookup_candidates(batch, lookup)
    batch_ids = {s.doc_id for s in batch}
    # A re-enriched document keeps the cluster it already has in the index.
    previous = {s.doc_id: s.cluster_id for s in existing if s.doc_id in batch_ids}
    nodes: list[Sketch] = list(batch) + [s for s in existing if s.doc_id not in batch_ids]
    find = link_similar(nodes, len(batch), threshold).find
    groups: dict[int, list[int]] = {}
    for i in range(len(nodes)):
        groups.setdefault(find(i), []).append(i)
    result: dict[str, str] = {}
    for members in groups.values():
        known = Counter(c for i in members if (c := _known_cluster(i, len(batch), nodes, previous)))
        if known:
            top = max(known.values())
            cluster = min(c for c, n in known.items() if n == top)
        else:
            first = min(
                (i for i in members if i < len(batch)), key=lambda i: (nodes[i].order, nodes[i].doc_id)
            )
            cluster = nodes[first].doc_id
        for i in members:
            if i < len(batch):
                result[nodes[i].doc_id] = cluster
    return result


def _known_cluster(
    i: int, batch_len: int, nodes: list[Sketch], previous: dict[str, str | None]
) -> str | None:
    """The cluster a node already has in the index (existing candidates and re-enriched batch docs)."""
    if i >= batch_len:
        return nodes[i].cluster_id
    return previous.get(nodes[i].doc_id)
