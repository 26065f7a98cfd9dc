"""Dates of incidents as citizens write them: "kemarin", "tadi pagi", "3 hari yang lalu", "17 Agustus".

dateparser reads Indonesian; this module first rewrites the informal parts it does not know
(abbreviations, spelled numbers, times of day, "udah seminggu") and then judges the date: never in
the future, and gently questioned when it is over a year old.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

import dateparser
from dateparser.search import search_dates

JAKARTA = ZoneInfo("Asia/Jakarta")
VERY_OLD = timedelta(days=365)

_SETTINGS = {"PREFER_DATES_FROM": "past", "TIMEZONE": "Asia/Jakarta", "DATE_ORDER": "DMY",
             "RETURN_AS_TIMEZONE_AWARE": False}
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember"]
_DAY_NAMES = "senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu"
_NUMBERS = {"satu": "1", "dua": "2", "tiga": "3", "empat": "4", "lima": "5", "enam": "6", "tujuh": "7",
            "delapan": "8", "sembilan": "9", "sepuluh": "10", "sebelas": "11", "dua belas": "12"}
# (pattern, replacement), applied in order to the lower-cased answer.
_REWRITES = [
    (r"\b(kmrn|kmrin|kmren|kemaren|kmaren|kmarin|kmarn|kemarn)\b", "kemarin"),
    (r"\bhr\b", "hari"), (r"\byg\b", "yang"), (r"\byll\b", "yang lalu"), (r"\blalu2\b", "lalu"),
    (r"\bbln\b", "bulan"), (r"\b(mgg|mg|mngg)\b", "minggu"), (r"\b(thn|th)\b", "tahun"),
    (r"\b(tgl|tg)\b", "tanggal"), (r"\bjum'?at\b", "jumat"),
    (r"\b(\d{1,2})an\b", r"\1"),  # "17an agustus"
    (r"\b(jam|pukul|pkl)\s*\d{1,2}([.:]\d{2})?\b", " "),
    (r"\b(kejadiannya|kejadian|terjadi|terjadinya|itu|sekitar|sekitaran|kira-kira|kira2|kurang lebih|"
     r"tepatnya|pada|pas|waktu|saat|sejak|dari|mulai|tanggal|wib|min|kak|pak|bu)\b", " "),
    (r"\b(awal)\s+(" + "|".join(m.lower() for m in MONTHS) + r")\b", r"1 \2"),
    (r"\b(pertengahan|tengah)\s+(" + "|".join(m.lower() for m in MONTHS) + r")\b", r"15 \2"),
    (r"\b(akhir)\s+(" + "|".join(m.lower() for m in MONTHS) + r")\b", r"28 \2"),
    (r"\bhari\s+(" + _DAY_NAMES + r")\b", r"\1"),
    (r"\b(minggu)\s+(lalu|kemarin)\b", "1 minggu lalu"),
    (r"\b(" + _DAY_NAMES.replace("|minggu", "") + r")\s+(lalu|kemarin)\b", r"\1"),
    (r"\b(\d{1,2} (?:" + "|".join(m.lower() for m in MONTHS) + r")(?: \d{4})?)\s+(yang lalu|lalu|kemarin)\b", r"\1"),
    (r"\b(kemarin)\s+(pagi|siang|sore|malam)\b", "kemarin"),
    (r"\b(tadi|barusan|baru saja|td)\s*(pagi|siang|sore|subuh)?\b", "hari ini"),
    (r"\b(pagi|siang|sore|malam|subuh) (ini|tadi)\b", "hari ini"),
    (r"\b(pagi|siang|sore|subuh|dini hari)\b", " "),
    (r"\b(?:sudah|udah|udh|sdh|sudh)\s+(\d+ |se)(hari|minggu|bulan|tahun)\b(?!\s*(yang\s+)?lalu)", r"\1\2 lalu"),
]


@dataclass(frozen=True)
class DateAnswer:
    """What a citizen's answer meant: a date, or why it cannot be used yet."""
    value: Optional[date]
    problem: Optional[str] = None  # "unreadable" | "future"
    very_old: bool = False


def today() -> date:
    return datetime.now(JAKARTA).date()


def _normalise(text: str, now: datetime) -> str:
    text = " " + text.lower().strip() + " "
    # "Tadi malam"/"semalam" is yesterday's evening unless the evening has already come.
    night = "hari ini" if now.hour >= 18 else "kemarin"
    text = re.sub(r"\b(tadi malam|semalam|semalem|tdi malam|td malam|malam tadi)\b", night, text)
    for word, digit in _NUMBERS.items():
        text = re.sub(rf"\b{word}\b", digit, text)
    for pattern, replacement in _REWRITES:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"\b(\d+)\s+(hari|minggu|bulan|tahun)\s+lalu\b", r"\1 \2 yang lalu", text)
    return re.sub(r"\s+", " ", text).strip(" ,.")


def parse_incident_date(text: str, now: Optional[datetime] = None) -> DateAnswer:
    now = now or datetime.now(JAKARTA)
    normalised = _normalise(text, now)
    settings = {**_SETTINGS, "RELATIVE_BASE": now.replace(tzinfo=None)}
    parsed = dateparser.parse(normalised, languages=["id"], settings=settings) if normalised else None
    if parsed is None and normalised:
        found = search_dates(normalised, languages=["id"], settings=settings)
        parsed = found[0][1] if found else None
    if parsed is None:
        return DateAnswer(None, "unreadable")
    value = parsed.date()
    if value > now.date():
        return DateAnswer(value, "future")
    return DateAnswer(value, very_old=now.date() - value > VERY_OLD)


def format_date(value: date) -> str:
    """"Sabtu, 21 November 2026"."""
    return f"{DAYS[value.weekday()]}, {value.day} {MONTHS[value.month - 1]} {value.year}"
