"""Cross-document entity canonicalisation: the entity registry (``<alias>-entities``).

Enrichment settles names within one article ("Putin" into "Vladimir Putin" when the article has both).
Across articles the registry does: after the loads of a run, :func:`consolidate_entities`

1. **updates the evidence** incrementally (:mod:`newsingest.load.entity_evidence`): only the run's new
   and changed documents change the registry's counts (per name and type: articles, surface forms,
   first/last seen, sources); a document loaded again unchanged adds nothing, so reruns, backfills and
   reindexes converge on the same registry;
2. **resolves** it (:func:`resolve`): a name filed under several types takes the type with the most
   articles (weight of evidence, not per article; a one-word "person" that is no known person's last
   name counts half); a short or variant form maps to a full name when the
   evidence is one-sided -- it was merged into that name in other articles (``Trump`` into ``Donald
   Trump``), unless a namesake more articles name was never given that form (``Obama`` merged into
   ``Michelle Obama`` once, beside more articles on Barack Obama, stays) -- or, for a one-word person
   never merged anywhere, it is the last name of one known person (or of one holding :data:`DOMINANCE`
   times the articles of each other, or of the only one written with an office title the short form
   is written with: ``President Obama`` is Barack, not Michelle Obama, when only he is ever
   "President"; :func:`newsingest.load.entity_evidence.person_offices`). A form shared by several names
   (``Biden`` of Joe and Hunter Biden) stays as it is otherwise unless one name holds at least
   :data:`DOMINANCE` times the evidence of every other; two spellings of a person's name with the
   same first words and a last word one inserted letter apart (``Volodymyr Zelensky`` /
   ``Volodymyr Zelenskyy``, :func:`spelling_variants`) map to the one more articles use;
3. **rewrites documents** with one Painless script (:data:`APPLY_SCRIPT`): the facet fields
   (``persons``, ``organisations``, ``locations``) get the canonical value, the nested entity takes the
   canonical name and type and keeps every surface form in ``entities.forms``, and the old value goes to
   ``<type>_aliases`` so a facet filter on either name matches (a name settled as "other" leaves the
   facets; so does a person named after an organisation, "Nintendo Switch" beside the organisation
   "Nintendo"). The run's own documents are rewritten
   with every mapping that touches them; **older documents follow** by update-by-query on the
   ``persons``/``organisations``/``locations`` value of each mapping the registry learned in this run;
4. **stores the canonical targets** in the registry (one document per (name, type)), for the entries
   whose evidence or target changed.

Resolution reads the registry entries around the names whose evidence changed (:func:`read_around`),
never the article index; a whole-index consolidation (a reindex build) reads every entry.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError
from opensearchpy.helpers import bulk, scan

from newsingest.enrich.geo import fold
from newsingest.load.entity_evidence import (
    ensure_indices,
    entry_id,
    evidence_index,
    last_key,
    mget,
    update_evidence,
)

log = logging.getLogger(__name__)

FACET_FIELDS = {"person": "persons", "organisation": "organisations", "location": "locations"}
ALIAS_FIELDS = {t: f"{t}_aliases" for t in FACET_FIELDS}
TYPE_ORDER = ("person", "organisation", "location")  # tie-break between types with equal evidence
DOMINANCE = 10  # a shared form maps to the name holding >= 10x the evidence of every other
AGG_PAGE = 1000
MAX_FORMS = 50
UPDATE_CHUNK = 500
TERMS_CHUNK = 1000

REGISTRY_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "name": {"type": "keyword"},
        "type": {"type": "keyword"},
        "canonical": {"type": "keyword"},
        "canonical_type": {"type": "keyword"},
        "docs": {"type": "integer"},
        "forms": {"properties": {"form": {"type": "keyword"}, "docs": {"type": "integer"}}},
        "aliases": {"properties": {"form": {"type": "keyword"}, "docs": {"type": "integer"}}},
        "offices": {"properties": {"form": {"type": "keyword"}, "docs": {"type": "integer"}}},
        "first_seen": {"type": "date"},
        "last_seen": {"type": "date"},
        "sources": {"type": "keyword"},
        # lookup keys of the partial read (:func:`read_around`): folded name, folded last word of a name
        # of two words or more, folded surface forms; tokens of the consolidations applied (entity_evidence)
        "key": {"type": "keyword"},
        "last": {"type": "keyword"},
        "form_keys": {"type": "keyword"},
        "tokens": {"type": "keyword", "index": False, "doc_values": False},
    },
}

# params.map: "<type>|<name>" -> [canonical name, canonical type]; params.fields/aliases: type -> field.
APPLY_SCRIPT = """
Map m = params.map;
Map src = ctx._source;
boolean changed = false;
if (src.entities != null) {
  List out = new ArrayList();
  Map seen = new HashMap();
  for (def e : src.entities) {
    def hit = m.get(e.type + '|' + e.name);
    if (hit != null) {
      List forms = e.forms == null ? new ArrayList() : new ArrayList(e.forms);
      if (!forms.contains(e.name)) { forms.add(e.name); }
      e.forms = forms; e.name = hit[0]; e.type = hit[1]; changed = true;
    }
    String key = e.type + '|' + e.name;
    def prev = seen.get(key);
    if (prev == null) { seen.put(key, e); out.add(e); continue; }
    prev.count = (prev.count == null ? 0 : prev.count) + (e.count == null ? 0 : e.count);
    if (e.salience != null && (prev.salience == null || e.salience > prev.salience)) {
      prev.salience = e.salience;
    }
    List forms = prev.forms == null ? new ArrayList() : new ArrayList(prev.forms);
    if (e.forms != null) { for (def f : e.forms) { if (!forms.contains(f)) { forms.add(f); } } }
    prev.forms = forms;
  }
  src.entities = out;
}
Map newValues = new HashMap();
for (def t : params.fields.keySet()) { newValues.put(t, new ArrayList()); }
for (def t : params.fields.keySet()) {
  def values = src[params.fields[t]];
  if (values == null) { continue; }
  for (def v : values) {
    def hit = m.get(t + '|' + v);
    String name = hit == null ? v : hit[0];
    String type = hit == null ? t : hit[1];
    if (!newValues.containsKey(type)) { changed = true; continue; }
    List target = newValues.get(type);
    if (!target.contains(name)) { target.add(name); }
    if (hit != null) {
      changed = true;
      String af = params.aliases[type];
      List al = src[af] == null ? new ArrayList() : new ArrayList(src[af]);
      if (!al.contains(v)) { al.add(v); }
      if (!al.contains(name)) { al.add(name); }
      src[af] = al;
    }
  }
}
if (!changed) { ctx.op = 'noop'; return; }
for (def t : params.fields.keySet()) { src[params.fields[t]] = newValues.get(t); }
""".strip()


def registry_index(alias: str) -> str:
    return f"{alias}-entities"


@dataclass
class Entry:
    """Evidence for one (name, type) from the article index."""

    name: str
    type: str
    docs: int
    forms: dict[str, int] = field(default_factory=dict)  # surface form -> articles
    offices: dict[str, int] = field(default_factory=dict)  # office title before it -> articles
    first_seen: str | None = None
    last_seen: str | None = None
    sources: list[str] = field(default_factory=list)
    target: tuple[str, str] | None = None  # the canonical (name, type) the registry stores for it now


@dataclass
class ConsolidationReport:
    evidence_documents: int = 0  # run documents whose evidence was new or changed
    entries: int = 0
    mappings: int = 0
    new_mappings: int = 0
    run_documents_updated: int = 0
    older_documents_updated: int = 0
    recovered_claims: int = 0  # claims of a consolidation that died, applied by this one

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _entry(s: dict[str, Any]) -> Entry:
    return Entry(
        name=s["name"],
        type=s["type"],
        docs=int(s["docs"]),
        forms={f["form"]: int(f["docs"]) for f in s.get("forms") or []},
        offices={f["form"]: int(f["docs"]) for f in s.get("offices") or []},
        first_seen=s.get("first_seen"),
        last_seen=s.get("last_seen"),
        sources=s.get("sources") or [],
        target=(s["canonical"], s["canonical_type"]) if s.get("canonical") else None,
    )


def read_entries(client: OpenSearch, registry: str, terms: dict[str, list[str]] | None = None) -> list[Entry]:
    """Registry entries with evidence (articles > 0): every one, or those matching any of ``terms``
    (field -> values)."""
    query: dict[str, Any] = {"bool": {"filter": [{"range": {"docs": {"gt": 0}}}]}}
    if terms is not None:
        should = [
            {"terms": {f: v[i : i + TERMS_CHUNK]}}
            for f, v in terms.items()
            for i in range(0, len(v), TERMS_CHUNK)
        ]
        if not should:
            return []
        query["bool"].update(should=should, minimum_should_match=1)
    return [_entry(hit["_source"]) for hit in scan(client, index=registry, query={"query": query})]


def read_around(client: OpenSearch, registry: str, keys: Iterable[str]) -> tuple[list[Entry], set[str]]:
    """The entries resolution needs when the evidence of the folded names ``keys`` changed.

    Returns (entries, affected): ``affected`` are the folded names whose resolution may change -- the
    keys, and transitively every form of an affected name, the last word of an affected person's
    name (a short form votes for, or is the last name of, the names it may map to) and the first word of
    a name of several words (the organisation a product is named after; a name whose first word only
    later becomes an organisation follows at its own next change or a whole-index consolidation).
    ``entries`` holds every entry of an affected name, every entry that may be their target (holds an
    affected name as a form or last word, transitively for chains), whole name groups (all types of a
    name), and the entries stored with one of those as canonical (their forms are the target's aliases).
    :func:`resolve` on these entries gives, for the affected names, what it gives on the whole registry
    (tested on the node).
    """
    groups: dict[str, list[Entry]] = {}

    def load_groups(names: set[str]) -> None:
        missing = sorted(names - groups.keys())
        for k in missing:
            groups[k] = []
        for e in read_entries(client, registry, {"key": missing}) if missing else []:
            groups.setdefault(fold(e.name), []).append(e)

    affected: set[str] = set()
    frontier = set(keys)
    while frontier:
        load_groups(frontier)
        affected |= frontier
        nxt: set[str] = set()
        for g in frontier:
            nxt |= {fold(f) for e in groups[g] for f in e.forms}
            nxt |= {w for w in [last_key(g)] if w}
            nxt |= {g.split()[0]} if " " in g else set()  # the maker a product is named after
        nxt |= _variant_keys(client, registry, frontier)  # other spellings of a person's name
        frontier = nxt - affected
    need, done = set(affected), set[str]()
    while need - done:
        batch = sorted(need - done)
        done |= set(batch)
        names = {fold(e.name) for e in read_entries(client, registry, {"form_keys": batch, "last": batch})}
        load_groups(names)
        need |= names
    targets = {e.target[0] for g in groups.values() for e in g if e.target} | {
        e.name for g in groups.values() for e in g
    }
    load_groups({fold(e.name) for e in read_entries(client, registry, {"canonical": sorted(targets)})})
    return [e for g in sorted(groups) for e in groups[g]], affected


FUZZY_CHUNK = 200  # fuzzy clauses per request (each expands to a few terms; maxClauseCount is 1024)


def _variant_keys(client: OpenSearch, registry: str, names: Iterable[str]) -> set[str]:
    """Folded names of two words or more in the registry with the same first words as one of ``names``
    and a last word one edit away (a fuzzy query on ``last``): the candidates of
    :func:`spelling_variants`, which the partial read must hold as the full read does."""
    wanted: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for name in names:
        words = name.split()
        if len(words) >= 2 and len(words[-1]) >= VARIANT_MIN_LETTERS - 1:
            wanted[words[-1]].add(tuple(words[:-1]))
    shorter: dict[str, set[str]] = defaultdict(set)  # a wanted last word less one letter -> the word
    for w in wanted:
        for i in range(len(w)):
            shorter[w[:i] + w[i + 1 :]].add(w)

    def partners(last: str) -> set[str]:
        longer = {last[:i] + last[i + 1 :] for i in range(len(last))} & wanted.keys()
        return {w for w in longer | shorter.get(last, set()) if one_letter_apart(w, last)}

    lasts = sorted(wanted)
    found: set[str] = set()
    for i in range(0, len(lasts), FUZZY_CHUNK):
        should = [
            {"fuzzy": {"last": {"value": w, "fuzziness": 1, "transpositions": False, "max_expansions": 20}}}
            for w in lasts[i : i + FUZZY_CHUNK]
        ]
        query = {
            "bool": {"filter": [{"range": {"docs": {"gt": 0}}}], "should": should, "minimum_should_match": 1}
        }
        for hit in scan(client, index=registry, query={"query": query}, _source=["name"]):
            words = fold(hit["_source"]["name"]).split()
            if len(words) >= 2 and any(tuple(words[:-1]) in wanted[w] for w in partners(words[-1])):
                found.add(" ".join(words))
    return found


def _type_rank(t: str) -> int:
    return TYPE_ORDER.index(t) if t in TYPE_ORDER else len(TYPE_ORDER)


def resolve(
    entries: Iterable[Entry],
    *,
    major_place: Callable[[str], bool] | None = None,
    known_place: Callable[[str], bool] | None = None,
) -> dict[tuple[str, str], tuple[str, str]]:
    """(name, type) -> (canonical name, canonical type) for every entry that is not its own canonical.

    ``major_place`` (the gazetteer's country, state and large-city test) gives a place name filed as a
    location in some articles the location type unless another type holds :data:`DOMINANCE` times its
    articles ("Chicago" of a few sports stories, where it names the team, stays the city).
    ``known_place`` (any place the gazetteer or ISO 3166-2 knows) settles a tie in articles between the
    location type and another one for the location ("Aberystwyth" filed once as an organisation, once
    as a place)."""
    mapping: dict[tuple[str, str], tuple[str, str]] = {}
    # 1. One type per name: the type with the most articles (then person > organisation > location >
    #    other), a major place's location type first (above). A name most articles file as a product,
    #    work or group ("other": "Twitter" on X) leaves the facets everywhere.
    by_name: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_name[fold(e.name)].append(e)
    settled: dict[str, tuple[str, str]] = {}  # folded name -> (display name, type)
    docs_of: dict[tuple[str, str], int] = defaultdict(int)
    surnames = {fold(e.name).split()[-1] for e in entries if e.type == "person" and " " in fold(e.name)}

    def weight(e: Entry) -> tuple[float, int, str]:
        # A one-word "person" no known person has as last name is the model's guess: its articles count
        # half against another type ("Chelsea" of one football report typed person, one organisation).
        bare = e.type == "person" and " " not in fold(e.name) and fold(e.name) not in surnames
        return (e.docs / 2 if bare else e.docs, -_type_rank(e.type), e.name)

    for key, group in by_name.items():
        if not any(e.type in FACET_FIELDS for e in group):
            continue
        best = max(group, key=weight)
        place = max((e for e in group if e.type == "location"), key=lambda e: (e.docs, e.name), default=None)
        if (
            place is not None
            and best is not place
            and best.docs < DOMINANCE * place.docs
            and major_place is not None
            and major_place(place.name)
        ) or (
            place is not None
            and best is not place
            and best.docs == place.docs
            and known_place is not None
            and known_place(place.name)
        ):
            best = place
        for e in group:
            if e.type in FACET_FIELDS and (e.name, e.type) != (best.name, best.type):
                mapping[(e.name, e.type)] = (best.name, best.type)
        if best.type not in FACET_FIELDS:
            continue
        settled[key] = (best.name, best.type)
        for e in group:
            docs_of[settled[key]] += e.docs
    # 1b. A person named after an organisation ("Nintendo Switch" where "Nintendo" is settled as an
    #     organisation; not a known given name first) is that organisation's product: it leaves the facets.
    makers = {k for k, (_, t) in settled.items() if t == "organisation" and " " not in k}
    for key, (name, etype) in list(settled.items()):
        first = key.split()[0]
        if etype == "person" and " " in key and first in makers and first not in _given_names():
            for e in by_name[key]:
                if e.type in FACET_FIELDS:
                    mapping[(e.name, e.type)] = (name, "other")
            del settled[key]
    entries = [e for e in entries if fold(e.name) in settled]
    # 2. Short and variant forms: evidence that a form was merged into a longer name elsewhere.
    merged_into: dict[str, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for e in entries:
        target = settled[fold(e.name)]
        for form, n in e.forms.items():
            if fold(form) != fold(e.name):
                merged_into[fold(form)][target] += n
    offices_of: dict[str, set[str]] = defaultdict(set)  # folded person name -> its office titles
    for e in entries:
        if settled[fold(e.name)][1] == "person":
            offices_of[fold(e.name)] |= {o for o, n in e.offices.items() if n > 0}
    last_names: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for name, etype in settled.values():
        words = fold(name).split()
        if etype == "person" and len(words) >= 2:
            last_names[words[-1]].add((name, etype))
    short: dict[tuple[str, str], tuple[str, str]] = {}
    for key, (name, etype) in settled.items():
        dominant = _dominant(merged_into.get(key, {}), exclude=(name, etype))
        namesakes = last_names.get(key, set()) if etype == "person" and len(key.split()) == 1 else set()
        if dominant is not None and any(docs_of[p] > docs_of[dominant] for p in namesakes - {dominant}):
            # Merged elsewhere only into the lesser-known of two namesakes ("Obama" into "Michelle Obama"
            # in one article, while more articles name Barack Obama): the articles decide, or nothing.
            dominant = None
        if dominant is None and namesakes:
            dominant = _dominant({p: docs_of[p] for p in namesakes}, exclude=(name, etype))
        if dominant is None and namesakes and offices_of[key]:
            # "President Obama": of the namesakes, only the one ever written with that office title.
            holders = {p for p in namesakes if offices_of[fold(p[0])] & offices_of[key]}
            dominant = holders.pop() if len(holders) == 1 else None
        if dominant is not None and dominant[1] == etype and len(fold(dominant[0])) > len(key):
            short[(name, etype)] = dominant

    # 3. Spellings of one person across articles ("Volodymyr Zelensky" / "Volodymyr Zelenskyy").
    for src, dst in spelling_variants(settled, docs_of, offices_of).items():
        short.setdefault(src, dst)

    # Chains (a -> b -> c) end at the last name; mappings of the type step are redirected too.
    def final(node: tuple[str, str]) -> tuple[str, str]:
        seen = {node}
        while node in short and short[node] not in seen:
            node = short[node]
            seen.add(node)
        return node

    for src, dst in list(mapping.items()):
        mapping[src] = final(dst)
    for src in short:
        mapping[src] = final(src)
    return {k: v for k, v in mapping.items() if k != v}


VARIANT_MIN_LETTERS = 6  # last names this long or longer may differ by one letter between spellings


def one_letter_apart(a: str, b: str) -> bool:
    """``b`` is ``a`` with one letter inserted, or the other way round ("zelensky" / "zelenskyy"); a
    plural "s" at the end does not count ("andrew" / "andrews" may be two families)."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) != len(a) + 1 or len(a) < VARIANT_MIN_LETTERS or b == a + "s":
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def spelling_variants(
    settled: dict[str, tuple[str, str]],
    docs_of: dict[tuple[str, str], int],
    offices_of: dict[str, set[str]],
) -> dict[tuple[str, str], tuple[str, str]]:
    """Persons of two words or more whose names differ only by one letter inserted in the last word
    (:func:`one_letter_apart`, same first words) are one person written two ways: the spelling with
    fewer articles maps to the one with more (ties: the longer). Not when their office titles are
    known and disjoint ("Senator" vs "Judge": two people)."""
    by_first: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for key, (name, etype) in settled.items():
        words = key.split()
        if etype == "person" and len(words) >= 2:
            by_first[tuple(words[:-1])].append((name, etype))
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for names in by_first.values():
        if len(names) < 2:
            continue
        rank = sorted(names, key=lambda n: (docs_of[n], len(n[0]), n[0]), reverse=True)
        for i, lesser in enumerate(rank):
            for greater in rank[:i]:
                a, b = fold(lesser[0]).split()[-1], fold(greater[0]).split()[-1]
                oa, ob = offices_of[fold(lesser[0])], offices_of[fold(greater[0])]
                if one_letter_apart(a, b) and not (oa and ob and oa.isdisjoint(ob)):
                    out[lesser] = greater
                    break
    return out


def _dominant(votes: dict[tuple[str, str], int], *, exclude: tuple[str, str]) -> tuple[str, str] | None:
    ranked = sorted(((n, t) for t, n in votes.items() if t != exclude), reverse=True)
    if not ranked:
        return None
    if len(ranked) == 1 or ranked[0][0] >= DOMINANCE * ranked[1][0]:
        return ranked[0][1]
    return None


def _params(mapping: dict[tuple[str, str], tuple[str, str]]) -> dict[str, Any]:
    return {
        "map": {f"{t}|{n}": [cn, ct] for (n, t), (cn, ct) in mapping.items()},
        "fields": FACET_FIELDS,
        "aliases": ALIAS_FIELDS,
    }


def apply_mapping(
    client: OpenSearch,
    alias: str,
    mapping: dict[tuple[str, str], tuple[str, str]],
    *,
    doc_ids: Iterable[str] | None = None,
) -> int:
    """Rewrite documents holding a mapped value (only ``doc_ids`` when given); returns documents updated."""
    if not mapping:
        return 0
    by_type: dict[str, list[str]] = defaultdict(list)
    for name, etype in mapping:
        by_type[etype].append(name)
    updated = 0
    items = sorted(mapping.items())
    ids = sorted(set(doc_ids)) if doc_ids is not None else None
    for i in range(0, len(items), UPDATE_CHUNK):
        part = dict(items[i : i + UPDATE_CHUNK])
        names: dict[str, list[str]] = defaultdict(list)
        for name, etype in part:
            names[etype].append(name)
        should = [{"terms": {FACET_FIELDS[t]: sorted(v)}} for t, v in sorted(names.items())]
        query: dict[str, Any] = {"bool": {"should": should, "minimum_should_match": 1}}
        if ids is not None:
            query["bool"]["filter"] = [{"ids": {"values": ids}}]
        resp = client.update_by_query(
            index=alias,
            body={
                "query": query,
                "script": {"lang": "painless", "source": APPLY_SCRIPT, "params": _params(part)},
            },
            conflicts="proceed",
            refresh=True,
        )
        updated += int(resp.get("updated", 0))
    return updated


def load_registry(client: OpenSearch, alias: str) -> dict[tuple[str, str], tuple[str, str]]:
    """The mappings the registry holds now ((name, type) -> (canonical, type))."""
    index = registry_index(alias)
    if not client.indices.exists(index=index):
        return {}
    out = {}
    query = {
        "query": {"exists": {"field": "canonical"}},
        "_source": ["name", "type", "canonical", "canonical_type"],
    }
    for hit in scan(client, index=index, query=query):
        s = hit["_source"]
        out[(s["name"], s["type"])] = (s["canonical"], s["canonical_type"])
    return out


def store_targets(
    client: OpenSearch,
    registry: str,
    entries: list[Entry],
    mapping: dict[tuple[str, str], tuple[str, str]],
    changed: set[tuple[str, str]],
) -> int:
    """Write canonical target and aliases of the ``changed`` entries and of their targets; returns writes."""
    aliases: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in entries:
        target = mapping.get((e.name, e.type), (e.name, e.type))
        for form, n in e.forms.items():
            aliases[target][form] += n
        if target != (e.name, e.type):
            aliases[target][e.name] += e.docs
    keys = set(changed) | {mapping[k] for k in changed if k in mapping}
    known = {(e.name, e.type) for e in entries}
    actions = []
    for name, etype in sorted(keys & known):
        canonical = mapping.get((name, etype))
        doc = {
            "canonical": canonical[0] if canonical else None,
            "canonical_type": canonical[1] if canonical else None,
            "aliases": [{"form": f, "docs": n} for f, n in sorted(aliases.get((name, etype), {}).items())],
        }
        actions.append({"_op_type": "update", "_index": registry, "_id": entry_id(name, etype), "doc": doc})
    bulk(client, actions, refresh=True)
    return len(actions)


def _given_names() -> frozenset[str]:
    from newsingest.enrich.normalize import given_names

    return given_names()


def _major_place(name: str) -> bool:
    from newsingest.enrich.geo import default_gazetteer

    return default_gazetteer().is_major_place(name)


def _known_place(name: str) -> bool:
    from newsingest.enrich.geo import default_gazetteer
    from newsingest.enrich.normalize import known_place

    return known_place(name, default_gazetteer())


def _needs_keys(client: OpenSearch, registry: str) -> bool:
    """Whether entries written before the lookup keys existed lack them (the partial read would miss them)."""
    query = {"bool": {"filter": [{"range": {"docs": {"gt": 0}}}], "must_not": [{"exists": {"field": "key"}}]}}
    return bool(client.count(index=registry, body={"query": query})["count"])


def _add_keys(client: OpenSearch, registry: str) -> int:
    """Give every entry its lookup keys (once, for a registry written by an older version)."""
    actions = []
    for hit in scan(
        client, index=registry, query={"query": {"bool": {"must_not": [{"exists": {"field": "key"}}]}}}
    ):
        s = hit["_source"]
        doc = {"key": fold(s["name"]), "last": last_key(s["name"]),
               "form_keys": sorted({fold(f["form"]) for f in s.get("forms") or []})}  # fmt: skip
        actions.append({"_op_type": "update", "_index": registry, "_id": hit["_id"], "doc": doc})
    bulk(client, actions, refresh=True)
    return len(actions)


def _stored(
    client: OpenSearch, registry: str, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, str]]:
    """The canonical targets the registry stores for ``keys`` (by document id, not a search)."""
    ids = {entry_id(n, t): (n, t) for n, t in keys}
    out = {}
    for d in mget(client, registry, sorted(ids), ["canonical", "canonical_type"]):
        s = d.get("_source") or {}
        if d.get("found") and s.get("canonical"):
            out[ids[d["_id"]]] = (s["canonical"], s["canonical_type"])
    return out


def _evidence_ids(client: OpenSearch, registry: str) -> set[str]:
    return {h["_id"] for h in scan(client, index=evidence_index(registry), query={"_source": False})}


def consolidate_entities(
    client: OpenSearch,
    alias: str,
    doc_ids: Iterable[str] | None,
    *,
    registry_alias: str | None = None,
    full: bool = False,
) -> ConsolidationReport:
    """Update the registry from ``doc_ids`` (every document when None) and bring them and older
    documents to canonical names. ``registry_alias`` names the registry's alias when ``alias`` is a
    build (a reindex consolidates the new physical index into the live alias's registry): then every
    document the registry counted that the build lacks is subtracted (a rebuild that drops pages).

    Resolution reads only the entries around the names whose evidence changed (:func:`read_around`);
    ``full`` (and a whole-index consolidation) reads every entry instead, with the same result.
    """
    report = ConsolidationReport()
    registry = registry_index(registry_alias or alias)
    try:
        client.indices.refresh(index=alias)
        if doc_ids is None:
            ids = sorted(h["_id"] for h in scan(client, index=alias, query={"_source": False}))
        else:
            ids = sorted(set(doc_ids))
    except NotFoundError:
        return report
    ensure_indices(client, registry, REGISTRY_MAPPINGS)
    if _needs_keys(client, registry):
        log.info("entity registry %s: lookup keys added to %d entries", registry, _add_keys(client, registry))
    full = full or doc_ids is None
    before = load_registry(client, registry_alias or alias) if full else {}
    if doc_ids is None:  # documents counted before that the rebuilt index no longer has are subtracted
        ids = sorted(set(ids) | _evidence_ids(client, registry))
    update = update_evidence(client, alias, registry, ids)
    report.evidence_documents, report.recovered_claims = update.changed, update.recovered
    if full:
        entries = read_entries(client, registry)
        mapping = resolve(entries, major_place=_major_place, known_place=_known_place)
        run_mapping = mapping
        learned = {k: v for k, v in mapping.items() if before.get(k) != v}
        dropped = {k for k in before if k not in mapping}  # a mapping the evidence no longer supports
    else:
        keys = {fold(n) for n, _ in update.touched} | {fold(f) for f in update.forms}
        entries, affected = read_around(client, registry, keys)
        local = resolve(entries, major_place=_major_place, known_place=_known_place)
        mapping = {}
        for e in entries:
            k = (e.name, e.type)
            if fold(e.name) not in affected:
                if e.target:
                    mapping[k] = e.target
            elif k in local:
                mapping[k] = local[k]
        mine = {(e.name, e.type): e.target for e in entries if fold(e.name) in affected}
        learned = {k: v for k, v in mapping.items() if k in mine and mine[k] != v}
        dropped = {k for k, v in mine.items() if v and k not in mapping}
        run_mapping = {**_stored(client, registry, update.run_keys - set(mine)), **mapping}
    report.entries, report.mappings = len(entries), len(mapping)
    report.run_documents_updated = apply_mapping(client, alias, run_mapping, doc_ids=doc_ids)
    report.new_mappings = len(learned)
    report.older_documents_updated = apply_mapping(client, alias, learned)
    store_targets(client, registry, entries, mapping, update.touched | set(learned) | dropped)
    log.info("entity registry %s: %s", registry, report.to_dict())
    return report
