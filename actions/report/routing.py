"""Suggests the category and the responsible agency from what the citizen said and where.

One table of topics links the words citizens use to a LAPOR category and to the kind of agency
that handles it (matched by name, so the real LAPOR's lists work as well as the sandbox's). When
nothing fits, the choice is left to LAPOR's admins: no wrong door.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, TypeVar

from actions.report.titles import POLITE_PERMISSION
from lapor_client.models import Agency, Category

Named = TypeVar("Named", Category, Agency)


@dataclass(frozen=True)
class Topic:
    keywords: tuple[str, ...]  # word starts ("aspal" finds "aspalnya"); a trailing space means a whole word
    category: str  # words found in the category's name
    agency: str  # words found in the responsible agency's name


TOPICS = [
    Topic(
        ("jalan rusak", "jln rusak", "jalanan rusak", "jalan hancur", "berlubang", "lubang", "aspal"),
        "jalan rusak",
        "pekerjaan umum",
    ),
    Topic(("jembatan",), "jembatan", "pekerjaan umum"),
    Topic(
        ("banjir", "genangan", "selokan", "got ", "gorong", "drainase", "saluran air"),
        "drainase",
        "pekerjaan umum",
    ),
    Topic(
        ("lampu jalan", "lampu pju", "pju", "penerangan", "lampu mati", "jalan gelap"),
        "penerangan jalan",
        "pekerjaan umum",
    ),
    Topic(("bpjs", "jkn", "kis "), "bpjs", "bpjs kesehatan"),
    Topic(
        ("puskesmas", "rumah sakit", "rsud", "dokter", "bidan", "pasien", "obat"),
        "puskesmas",
        "dinas kesehatan",
    ),
    Topic(("ppdb", "zonasi", "daftar sekolah", "pendaftaran sekolah"), "ppdb", "dinas pendidikan"),
    # Whole words: "pipa PDAM bocor" and "kipas angin" are no school grants.
    Topic(("pip ", "kip ", "beasiswa"), "bantuan pendidikan", "dinas pendidikan"),
    Topic(("sekolah", "guru", "murid", "siswa"), "pendidikan", "dinas pendidikan"),
    Topic(("sampah", "tps", "bau busuk"), "sampah", "lingkungan hidup"),
    Topic(("limbah", "pencemaran", "polusi", "asap pabrik", "tercemar"), "pencemaran", "lingkungan hidup"),
    Topic(
        ("pungli", "pungutan", "uang pelicin", "dimintai uang", "minta uang", "suap", "sogok"),
        "pungutan liar",
        "pemerintah",
    ),
    Topic(("izin", "perizinan", "imb ", "pbg", "nib "), "perizinan", "pemerintah"),  # not "imbas"
    Topic(("ktp", "e-ktp", "ektp", "blangko"), "ktp", "kependudukan"),
    Topic(("kartu keluarga", "kk "), "kartu keluarga", "kependudukan"),
    Topic(("akta", "akte"), "akta kelahiran", "kependudukan"),
    Topic(("pkh",), "pkh", "dinas sosial"),
    Topic(("bpnt", "sembako"), "bpnt", "dinas sosial"),
    Topic(("bansos", "blt", "bantuan sosial"), "bantuan sosial", "dinas sosial"),
    Topic(("parkir", "jukir"), "parkir liar", "pamong praja"),
    Topic(("pkl", "pedagang kaki lima", "lapak"), "pedagang kaki lima", "pamong praja"),
]


def normalise(text: str) -> str:
    return " " + re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]+", " ", text.lower())).strip() + " "


_COURTESY = re.compile(rf"\b{POLITE_PERMISSION}", re.IGNORECASE)


def find_topic(text: str) -> Optional[Topic]:
    """The topic with the most keywords in the text (the first listed wins a tie); "izin lapor pak" is
    no permit."""
    said = normalise(_COURTESY.sub(" ", text))
    scored = [(sum(f" {k}" in said for k in t.keywords), -i, t) for i, t in enumerate(TOPICS)]
    best = max(scored, key=lambda s: s[:2])
    return best[2] if best[0] else None


def _named(options: Iterable[Named], needle: str) -> list[Named]:
    return [o for o in options if f" {needle}" in normalise(o.name)]


def suggest_category(text: str, categories: Sequence[Category]) -> Optional[Category]:
    topic = find_topic(text)
    found = _named(categories, topic.category) if topic else []
    return found[0] if found else None


def suggest_agency(text: str, region_code: Optional[str], agencies: Sequence[Agency]) -> Optional[Agency]:
    """The agency of the most specific region for the topic, else a national one, else the region's
    government. `agencies` is every agency LAPOR knows."""
    topic = find_topic(text)
    local = [
        a
        for a in agencies
        if a.region_code and region_code and (region_code + ".").startswith(a.region_code + ".")
    ]
    local.sort(key=lambda a: -len(a.region_code or ""))
    if topic:
        found = _named(local, topic.agency) or _named(
            [a for a in agencies if not a.region_code], topic.agency
        )
        if found:
            return found[0]
    governments = _named(local, "pemerintah")
    return governments[0] if governments else None


def pick(text: str, options: Sequence[Named]) -> Optional[Named]:
    """The option a typed answer names: the exact name, else the only one containing every word."""
    said = normalise(text).strip()
    if not said:
        return None
    exact = [o for o in options if normalise(o.name).strip() == said]
    if exact:
        return exact[0]
    words = said.split()
    containing = [o for o in options if all(f" {w}" in normalise(o.name) for w in words)]
    return containing[0] if len(containing) == 1 else None
