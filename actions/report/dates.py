"""Dates of incidents as citizens write them: "kmrn sore", "senin kemarin", "sejak 2 minggu lalu", "tgl 5",
"17 agst", "15-11-26", "lebaran kemarin", "wingi", "tos sabulan", "lupa".

The answer is first brought to one plain form (lower case, slang, typos, Javanese and Sundanese words and
spelled numbers become standard Indonesian words and digits), then the readers below are tried from the most
to the least specific; the first that finds a date wins, so "kemarin tgl 21" is the 21st. What they choose:

- "<weekday>" is the latest such day, today included; "<weekday> kemarin/lalu" the latest before today;
  "<weekday> minggu lalu" that day in the previous Monday-to-Sunday week; "malam <day>" the evening before
  <day> ("malem minggu kemarin" = last Saturday); "minggu lalu/kemarin" alone is a week ago, and a bare
  "minggu" is Sunday only with "hari/malam/pas" or a time of day ("pasar minggu" is a place).
- "N hari/minggu/bulan/tahun (lalu)", "sudah N ...", "sejak N ..." are N units back; "bulan/tahun lalu" the
  same day a month/year back; "beberapa hari" three days.
- "tanggal N" is this month's Nth unless it is still to come, else last month's; a day and month without a
  year ("17 agst", "15/11") the latest one not in the future; numeric dates are day-month-year (month-day-year
  only when the month would be over 12), or year-month-day when they start with the year; "nov 15" is read
  as "15 nov".
- A named period means its first day: a month ("des", "oktober 2025") its 1st, a bare year ("2019") 1 January,
  "bulan/minggu/tahun ini" the 1st, Monday, 1 January; "awal/tengah/akhir bulan" the 1st/15th/28th,
  "awal/pertengahan/akhir tahun" 1 January/1 July/1 December, "minggu kedua bulan ini" the 8th.
- Holidays: the latest before today ("lebaran kemarin", "pas 17an", "natal kemarin"), or the one of the year
  named ("17an tahun lalu"), "H-2 lebaran" and "2 hari sebelum lebaran" two days before, "malam X" the day
  before X. Fixed-date holidays are computed; the moving ones come from lokal-id's official calendar (only
  the years it has: a moving holiday outside them is unreadable rather than guessed).
- Such stand-ins are marked `approximate`. A date after today is the `future` problem; one over a year ago
  is `very_old`, for a check with the citizen.
- "lupa", "gak tau", "ga inget", "kurang tau", "lewati" (without any date): LAPOR requires an incident date,
  so the answer is today's date, marked `unknown` and `approximate`, with no problem: the report goes on and
  the summary can say the date was not remembered. A rough period said with it wins ("lupa, pokoknya minggu
  lalu" = a week ago).
"""

from __future__ import annotations

import calendar
import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable, Iterable, NamedTuple, Optional
from zoneinfo import ZoneInfo

from lokal import HOLIDAY_YEARS, get_holidays

from common.workdays import DAYS, MONTHS, format_date  # noqa: F401  (re-exported to the actions)

JAKARTA = ZoneInfo("Asia/Jakarta")
VERY_OLD = timedelta(days=365)
EVENING = 18  # from this hour on, "tadi malam" is tonight rather than last night

_DAY_WORDS = [d.lower() for d in DAYS]
_MONTH_WORDS = [m.lower() for m in MONTHS]


@dataclass(frozen=True)
class DateAnswer:
    """What a citizen's answer meant: a date, or why it cannot be used yet."""

    value: Optional[date]
    problem: Optional[str] = None  # "unreadable" | "future"
    very_old: bool = False
    approximate: bool = False  # a period or a rough span was named: the value is a day standing for it
    unknown: bool = False  # the citizen does not remember: the value is today's, as LAPOR requires a date


class _Reading(NamedTuple):
    value: Optional[date]  # None: a date was named that cannot be known (a holiday lokal-id has no year for)
    approximate: bool = False


# --- one plain form ---

# Single words as citizens type them → the standard word (or words) the readers know.
_WORDS = {
    **dict.fromkeys(
        "kmrn kmrin kmren kmrnn kemaren kmaren kmarin kmarn kemarn kemrin kemarim kamari wingi".split(),
        "kemarin",
    ),
    **dict.fromkeys("kepungkur kepengker katukang kapengker silam".split(), "lalu"),
    "yll": "lalu",
    "yg": "yang",
    "td": "tadi",
    "tdi": "tadi",
    "barusan": "tadi",
    "bsk": "besok",
    **dict.fromkeys("besuk sesuk isukan mbenjang benjang".split(), "besok"),
    "pageto": "lusa",
    **dict.fromkeys("ngarep payun hareup mendatang".split(), "depan"),
    **dict.fromkeys("skrg skrng sekarang saiki ayeuna".split(), "sekarang"),
    **dict.fromkeys("ieu iki niki puniki".split(), "ini"),
    **dict.fromkeys("semalem smalam smlm".split(), "semalam"),
    **dict.fromkeys("hr dino dina dinten poe".split(), "hari"),
    **dict.fromkeys("mgg mg mngg mingu mnggu pekan minggon".split(), "minggu"),
    **dict.fromkeys("bln sasi sasih wulan".split(), "bulan"),
    **dict.fromkeys("thn th taun tahon warsa".split(), "tahun"),
    **dict.fromkeys("tgl tg tggl tangal tanggl tnggl".split(), "tanggal"),
    **dict.fromkeys("esuk isuk enjing".split(), "pagi"),
    **dict.fromkeys("awan beurang".split(), "siang"),
    **dict.fromkeys("malem mlm bengi peuting".split(), "malam"),
    "sonten": "sore",
    **dict.fromkeys("bbrp bbrapa brp beberapa".split(), "beberapa"),
    "dpn": "depan",
    "pg": "pagi",
    "lami": "lama",
    "kemari": "kemari",  # "datang kemari" (here), not a typo of "kemarin"
    **dict.fromkeys("udah udh sdh sudh dah tos atos geus wis uwis sampun".split(), "sudah"),
    **dict.fromkeys("senen snin".split(), "senin"),
    **dict.fromkeys("salasa slasa selsa".split(), "selasa"),
    **dict.fromkeys("rebo rebu".split(), "rabu"),
    "kemis": "kamis",
    **dict.fromkeys("jumaat jumaah jumuah jemuwah jumah jmt".split(), "jumat"),
    **dict.fromkeys("setu saptu sbtu".split(), "sabtu"),
    "ahad": "minggu",
    "sehari": "1 hari",
    "sedino": "1 hari",
    "sapoe": "1 hari",
    **dict.fromkeys("seminggu sepekan saminggu".split(), "1 minggu"),
    "semingguan": "1 mingguan",
    **dict.fromkeys("sebulan sabulan sesasi sewulan".split(), "1 bulan"),
    "sebulanan": "1 bulanan",
    **dict.fromkeys("setahun sataun setaun".split(), "1 tahun"),
    "setahunan": "1 tahunan",
    "jan": "januari",
    **dict.fromkeys("feb peb pebruari febuari".split(), "februari"),
    **dict.fromkeys("mar mrt".split(), "maret"),
    "apr": "april",
    "may": "mei",
    "jun": "juni",
    "jul": "juli",
    **dict.fromkeys("agu ags agt agst agus agust aug".split(), "agustus"),
    **dict.fromkeys("sep sept".split(), "september"),
    **dict.fromkeys("okt oct".split(), "oktober"),
    **dict.fromkeys("nov nop nopember".split(), "november"),
    **dict.fromkeys("des dec".split(), "desember"),
    **dict.fromkeys("agustusan tujuhbelasan".split(), "17an"),
}
# Longer words that typos reach, with a typo's distance ("novembr", "agustsu", "kemrin").
_TYPO_TARGETS = ["kemarin"] + [m for m in _MONTH_WORDS if len(m) > 5]
_UNITS = r"hari|minggu|bulan|tahun"
_MONTH = "|".join(_MONTH_WORDS)
_WEEKDAY = "|".join(_DAY_WORDS)
# Phrases, rewritten in order once the words are plain.
_PHRASES = [
    (r"\byang (lalu|kemarin)\b", r"\1"),
    (r"\b(yang akan datang|ke depan|kedepan)\b", "depan"),
    (r"\bbaru (saja|aja|tadi)\b", "tadi"),
    (r"\bjum at\b", "jumat"),
    (r"\bmau (pagi|siang|sore|malam)\b", r"tadi \1"),  # Javanese "mau esuk"
    (r"\b(tadi malam|malam tadi)\b", "semalam"),
    (r"\btakbiran\b", "malam lebaran"),
    (r"\b(akhir minggu|weekend|wiken)\b", "sabtu"),
    (rf"(?<!\d )\b({_MONTH}) (\d{{1,2}})\b(?! (?:{_UNITS}))", r"\2 \1"),  # English order: "nov 15"
]
_NUMBERS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "sebelas": 11,
    # Javanese (ngoko and krama) and Sundanese
    "siji": 1,
    "loro": 2,
    "rong": 2,
    "kalih": 2,
    "telu": 3,
    "telung": 3,
    "tigo": 3,
    "papat": 4,
    "patang": 4,
    "sekawan": 4,
    "limo": 5,
    "limang": 5,
    "gangsal": 5,
    "enem": 6,
    "nem": 6,
    "pitu": 7,
    "pitung": 7,
    "wolu": 8,
    "wolung": 8,
    "songo": 9,
    "sangang": 9,
    "sedasa": 10,
    "hiji": 1,
    "tilu": 3,
    "opat": 4,
    "genep": 6,
    "dalapan": 8,
    "salapan": 9,
    "sapuluh": 10,
}
_NUMBER = "|".join(sorted(_NUMBERS, key=len, reverse=True))
_SPELLED = rf"\b(?:({_NUMBER}) belas|({_NUMBER}) puluh(?: ({_NUMBER}))?|({_NUMBER}))\b"


def _digits(match: re.Match) -> str:
    teen, tens, ones, single = match.groups()
    if teen:
        return str(10 + _NUMBERS[teen])
    if tens:
        return str(10 * _NUMBERS[tens] + (_NUMBERS[ones] if ones else 0))
    return str(_NUMBERS[single])


def _plain_word(word: str) -> str:
    if word in _WORDS:
        return _WORDS[word]
    if len(word) >= 6 and word.isalpha():
        close = difflib.get_close_matches(word, _TYPO_TARGETS, n=1, cutoff=0.8)
        return close[0] if close else word
    return word


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(\w)['’`](\w)", r"\1\2", text)  # jum'at, mi'raj
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)  # kemarinnn
    text = re.sub(r"(\d) ?- ?an\b", r"\1an", text)  # 17-an
    text = re.sub(r"\b(?:jam|jm|pukul|pkl)\.? ?\d{1,2}(?:[.:]\d{2})?\b|\b\d{1,2}:\d{2}\b", " ", text)
    text = re.sub(r"(\d) ?([/.-]) ?(?=\d)", r"\1\2", text)  # 15 / 11 / 2026
    text = re.sub(r"\b(\d{1,2}) (\d{1,2}) ((?:19|20)\d{2})\b", r"\1/\2/\3", text)  # 15 11 2026
    text = re.sub(r"\bh ?([-+]) ?(?=\d)", r"h\1", text)  # H - 2 lebaran
    text = re.sub(r"(?<=\d)-?(?=[a-z]{2})(?!an\b)", " ", text)  # 2hr, 3-okt (but 17an)
    text = re.sub(r"(?<=[a-z]{2})-?(?=\d)", " ", text)  # tgl5, okt-2026
    text = re.sub(r"(?<=[a-z])\.|[^\w/.+-]", " ", text)  # tgl. 1, commas, brackets
    text = " ".join(_plain_word(word) for word in text.split())
    for pattern, replacement in _PHRASES:
        text = re.sub(pattern, replacement, text)
    text = re.sub(rf"{_SPELLED}(?= (?:{_UNITS})\b)", _digits, text)
    return re.sub(rf"(?<=tanggal ){_SPELLED}", _digits, text)


# --- calendar helpers ---


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _made(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _latest_past(today: date, candidates: Iterable[Optional[date]]) -> Optional[date]:
    past = [c for c in candidates if c and c <= today]
    return max(past) if past else None


def _in_recent_years(today: date, make: Callable[[int], Optional[date]]) -> Optional[date]:
    """The latest of this year's and last year's `make(year)` that is not after today."""
    return _latest_past(today, (make(today.year), make(today.year - 1)))


def _year(digits: str) -> int:
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


# --- the readers: (plain text, now) → a reading or None ---


def _numeric(text: str, now: datetime) -> Optional[_Reading]:
    today = now.date()
    if m := re.search(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b", text):
        found = _made(int(m[1]), int(m[2]), int(m[3]))
        if found:
            return _Reading(found)
    for m in re.finditer(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})\b|\b(\d{2})(\d{2})(\d{4})\b", text):
        day, month, year = (int(m[1]), int(m[2]), _year(m[3])) if m[1] else (int(m[4]), int(m[5]), int(m[6]))
        found = _made(year, month, day) or _made(year, day, month)  # 11/15/2026: month first
        if found:
            return _Reading(found)
    if m := re.search(r"\b(\d{1,2})[/-](\d{4})\b", text):
        found = _made(int(m[2]), int(m[1]), 1)
        if found:
            return _Reading(found, approximate=True)
    # "15/11", but not "rt 03/05" nor "2-3 hari"
    day_month = rf"(?<!rt )(?<!rw )\b(\d{{1,2}})[-/.](\d{{1,2}})\b(?![-/.]\d)(?! (?:{_UNITS}))"
    for m in re.finditer(day_month, text):
        found = _in_recent_years(today, lambda year: _made(year, int(m[2]), int(m[1])))
        if found:
            return _Reading(found)
    return None


class _Holiday(NamedTuple):
    pattern: str
    in_year: Callable[[int], Optional[date]]


def _official(name: str) -> Callable[[int], Optional[date]]:
    """The first day off of a moving holiday in lokal-id's official calendar (None for years it lacks)."""

    def in_year(year: int) -> Optional[date]:
        if year not in HOLIDAY_YEARS:
            return None
        days = [
            h.date
            for h in get_holidays(year).holidays
            if h.name.startswith(name) and h.type == "libur_nasional"
        ]
        return date.fromisoformat(min(days)) if days else None

    return in_year


def _fixed(month: int, day: int) -> Callable[[int], Optional[date]]:
    return lambda year: date(year, month, day)


# Most specific first: "lebaran haji" before "lebaran", "tahun baru imlek" before "tahun baru".
_HOLIDAYS = [
    _Holiday(
        r"lebaran (?:haji|kurban|qurban)|idul ?adh?a|hari raya (?:haji|kurban|qurban)|idul ?qurban",
        _official("Iduladha"),
    ),
    _Holiday(
        r"lebaran|idul ?fitri|hari raya(?! (?:waisak|nyepi|natal|imlek))|riyaya|riyoyo",
        _official("Idulfitri"),
    ),
    _Holiday(r"tahun baru imlek|imlek|sincia", _official("Tahun Baru Imlek")),
    _Holiday(r"tahun baru (?:islam|hijriah|hijriyah)|1 muharr?am|1 suro|suroan", _official("1 Muharam")),
    _Holiday(r"tahun baru|taun anyar", _fixed(1, 1)),
    _Holiday(r"natal|natalan|christmas|x-?mas", _fixed(12, 25)),
    _Holiday(r"nyepi", _official("Hari Suci Nyepi")),
    _Holiday(r"waisak|waisyak", _official("Hari Raya Waisak")),
    _Holiday(r"paskah", _official("Kebangkitan Yesus")),
    _Holiday(r"jumat agung|wafat (?:yesus|isa)", _official("Wafat Yesus")),
    _Holiday(r"kenaikan (?:yesus|isa)", _official("Kenaikan Yesus")),
    _Holiday(r"maulid|muludan|mulud", _official("Maulid Nabi")),
    _Holiday(r"isra miraj|isra mikraj|rajaban", _official("Isra Mikraj")),
    _Holiday(r"hari buruh|may day", _fixed(5, 1)),
    _Holiday(r"hari (?:lahir )?pancasila", _fixed(6, 1)),
    _Holiday(r"17an|17 agustusan|tujuh belasan|hut ri|hari kemerdekaan|proklamasi", _fixed(8, 17)),
]


def _holiday(text: str, now: datetime) -> Optional[_Reading]:
    """ "lebaran kemarin", "17an tahun lalu", "natal besok", "H-2 lebaran", "seminggu sebelum lebaran"."""
    today = now.date()
    before = r"(?:\bh([-+]\d+) |\b(malam) |\b(\d+) (hari|minggu) (sebelum|sesudah|setelah|sehabis) )?"
    for holiday in _HOLIDAYS:
        m = re.search(rf"{before}\b(?:{holiday.pattern})\b(?: (\w+(?: \w+)?))?", text)
        if not m:
            continue
        offset, after = int(m[1] or 0) - bool(m[2]), m[6] or ""
        if m[3]:  # "seminggu sebelum lebaran"
            offset = int(m[3]) * (7 if m[4] == "minggu" else 1) * (-1 if m[5] == "sebelum" else 1)
        if after.startswith(("tahun lalu", "tahun kemarin")):
            day = holiday.in_year(today.year - 1)
        elif after.startswith("tahun ini"):
            day = holiday.in_year(today.year)
        elif after.startswith(("depan", "nanti", "besok")):
            this_year = holiday.in_year(today.year)
            day = this_year if this_year and this_year > today else holiday.in_year(today.year + 1)
        elif holiday.in_year(today.year) is None:
            day = None  # without this year's calendar the latest one cannot be known
        else:
            day = _in_recent_years(today, holiday.in_year)
        if day is None:
            return _Reading(None)  # claimed, so that "lebaran tahun lalu" is not read as "tahun lalu"
        return _Reading(day + timedelta(days=offset))
    return None


def _day_and_month(text: str, now: datetime) -> Optional[_Reading]:
    """ "17 agst", "3 okt 2025", "15 nov 26", "17 agustus tahun lalu"."""
    year = rf"(?: (\d{{4}}|\d{{2}})\b(?! (?:{_UNITS})))?"
    for m in re.finditer(rf"\b(\d{{1,2}}) ({_MONTH})\b{year}( tahun lalu)?", text):
        day, month = int(m[1]), _MONTH_WORDS.index(m[2]) + 1
        if m[3]:
            found = _made(_year(m[3]), month, day)
        elif m[4]:
            found = _made(now.year - 1, month, day)
        else:
            found = _in_recent_years(now.date(), lambda year: _made(year, month, day))
        if found:
            return _Reading(found)
    return None


def _day_of_month(text: str, now: datetime) -> Optional[_Reading]:
    """ "tanggal 20", "tgl 5 kemarin", "tanggal 28 bulan lalu", "tgl 12 bulan 10", "bulan lalu tanggal 10",
    or a bare "20"."""
    if m := re.search(r"\bbulan (ini|lalu|kemarin|depan) tanggal (\d{1,2})(an)?\b", text):
        month, day, rough = m[1], int(m[2]), bool(m[3])
    elif m := re.search(r"\btanggal (\d{1,2})(an)?\b(?: bulan (ini|lalu|kemarin|depan|\d{1,2})\b)?", text):
        day, rough, month = int(m[1]), bool(m[2]), m[3]
    elif re.fullmatch(r"\d{1,2}", text):
        day, rough, month = int(text), False, None
    else:
        return None
    today = now.date()
    this_month = date(today.year, today.month, 1)
    if month and month.isdigit():
        found = _in_recent_years(today, lambda year: _made(year, int(month), day))
    elif month in ("ini", "depan"):
        start = _add_months(this_month, 1 if month == "depan" else 0)
        found = _made(start.year, start.month, day)
    else:
        back = range(1, 4) if month in ("lalu", "kemarin") else range(0, 3)
        starts = (_add_months(this_month, -n) for n in back)
        found = _latest_past(today, (_made(s.year, s.month, day) for s in starts))
    return _Reading(found, approximate=rough) if found else None


_PART_DAY = {"awal": 1, "tengah": 15, "pertengahan": 15, "akhir": 28}
_PART_MONTH = {"awal": 1, "tengah": 7, "pertengahan": 7, "akhir": 12}
_PART_WEEKDAY = {"awal": 0, "tengah": 2, "pertengahan": 2}
_WEEK_NUMBERS = {"pertama": 1, "kedua": 2, "ketiga": 3, "keempat": 4, "terakhir": 4}
_ORDINAL = "|".join(_WEEK_NUMBERS) + "|ke [1-4]"


def _part_of_period(text: str, now: datetime) -> Optional[_Reading]:
    """ "awal bulan", "pertengahan bulan lalu", "akhir september", "awal tahun ini", "awal minggu ini"."""
    m = re.search(
        rf"\b(awal|tengah|pertengahan|akhir) (bulan|tahun|minggu|{_MONTH})\b"
        r"(?: (ini|lalu|kemarin|depan|\d{4})\b)?",
        text,
    )
    if not m or (m[2] == "minggu" and m[1] not in _PART_WEEKDAY):
        return None
    part, period, which, today = m[1], m[2], m[3], now.date()
    step = {"lalu": -1, "kemarin": -1, "depan": 1, "ini": 0}.get(which)
    if period == "minggu":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=step or 0)
        return _Reading(monday + timedelta(days=_PART_WEEKDAY[part]), approximate=True)
    if period == "bulan":
        this_month = date(today.year, today.month, _PART_DAY[part])
        found = (
            _add_months(this_month, step)
            if step is not None
            else _latest_past(today, (this_month, _add_months(this_month, -1)))
        )
    elif period == "tahun":

        def in_year(year: int) -> date:
            return date(year, _PART_MONTH[part], 1)

        found = (
            in_year(int(which))
            if which and which.isdigit()
            else in_year(today.year + step)
            if step is not None
            else _in_recent_years(today, in_year)
        )
    else:
        month = _MONTH_WORDS.index(period) + 1
        if which and which.isdigit():
            found = date(int(which), month, _PART_DAY[part])
        else:
            found = _in_recent_years(today, lambda year: date(year, month, _PART_DAY[part]))
    return _Reading(found, approximate=True)


def _week_of_month(text: str, now: datetime) -> Optional[_Reading]:
    """ "minggu kedua bulan ini", "minggu pertama november", "minggu terakhir bulan lalu": its first day."""
    m = re.search(rf"\bminggu ({_ORDINAL})(?: (?:bulan )?(ini|lalu|kemarin|{_MONTH}))?\b", text)
    if not m:
        return None
    number = int(m[1][-1]) if m[1].startswith("ke ") else _WEEK_NUMBERS[m[1]]
    day, today, which = 1 + 7 * (number - 1), now.date(), m[2]
    this_month = date(today.year, today.month, day)
    if which in _MONTH_WORDS:
        found = _in_recent_years(today, lambda year: date(year, _MONTH_WORDS.index(which) + 1, day))
    elif which == "ini":
        found = this_month
    elif which:  # lalu, kemarin
        found = _add_months(this_month, -1)
    else:
        found = _latest_past(today, (this_month, _add_months(this_month, -1)))
    return _Reading(found, approximate=True)


def _month(text: str, now: datetime) -> Optional[_Reading]:
    """ "des", "agustus kemarin", "oktober 2025", "bulan 10": the month's first day."""
    m = re.search(rf"\b(?:({_MONTH})|bulan (\d{{1,2}}))\b(?: (\d{{4}})\b)?( tahun lalu)?", text)
    if not m or (m[2] and not 1 <= int(m[2]) <= 12):
        return None
    month = _MONTH_WORDS.index(m[1]) + 1 if m[1] else int(m[2])
    if m[3]:
        found = date(int(m[3]), month, 1)
    elif m[4]:
        found = date(now.year - 1, month, 1)
    else:
        found = _in_recent_years(now.date(), lambda year: date(year, month, 1))
    return _Reading(found, approximate=True)


def _bare_year(text: str, now: datetime) -> Optional[_Reading]:
    m = re.search(r"\b((?:19|20)\d{2})\b", text)
    return _Reading(date(int(m[1]), 1, 1), approximate=True) if m else None


_WEEKS = {"minggu lalu": -1, "minggu kemarin": -1, "minggu depan": 1, "minggu ini": 0}


def _weekday(text: str, now: datetime) -> Optional[_Reading]:
    """ "senin kemarin", "hari sabtu", "jumat minggu lalu", "malem minggu kemarin" (Saturday evening)."""
    today = now.date()
    monday = today - timedelta(days=today.weekday())
    pattern = (
        rf"(?:\b(hari|malam|pas) )?\b({_WEEKDAY})\b( (?:pagi|siang|sore|malam|subuh))?"
        rf"(?: ({'|'.join(_WEEKS)}|kemarin|lalu|depan|ini)\b)?"
    )
    for m in re.finditer(pattern, text):
        before, which = m[1], m[4]
        if m[2] == "minggu" and not (before or m[3] or which in _WEEKS or text == "minggu"):
            continue  # a week ("minggu lalu", "2 minggu", "minggu kedua") or a place ("pasar minggu")
        if not which and re.search(r"\bminggu (?:lalu|kemarin)\b", text[: m.start()] + text[m.end() :]):
            which = "minggu lalu"  # "minggu lalu pak, hari rabu"
        weekday = _DAY_WORDS.index(m[2]) - (before == "malam")  # "malam jumat" is Thursday evening
        if which in _WEEKS:
            return _Reading(monday + timedelta(weeks=_WEEKS[which], days=weekday % 7))
        if which == "ini":
            return _Reading(monday + timedelta(days=weekday % 7))
        days_back = (today.weekday() - weekday) % 7
        if which == "depan":
            return _Reading(today + timedelta(days=(7 - days_back) % 7 or 7))
        evening_to_come = before == "malam" and now.hour < EVENING
        if days_back == 0 and (which in ("kemarin", "lalu") or evening_to_come):
            days_back = 7
        return _Reading(today - timedelta(days=days_back))
    return None


def _back(today: date, count: int, unit: str) -> date:
    if unit == "hari":
        return today - timedelta(days=count)
    if unit == "minggu":
        return today - timedelta(weeks=count)
    return _add_months(today, -count * (12 if unit == "tahun" else 1))


def _relative(text: str, now: datetime) -> Optional[_Reading]:
    """ "3 hari lalu", "sejak 2 minggu", "udah 3 bulanan", "2 hari lagi", "bulan lalu", "minggu ini"."""
    today = now.date()
    m = re.search(rf"\b(\d+|beberapa) ({_UNITS})(an)?\b(?: (lagi|depan)\b)?", text)
    if m:
        count = 3 if m[1] == "beberapa" else int(m[1])
        rough = bool(m[1] == "beberapa" or m[3] or m[2] in ("bulan", "tahun"))
        return _Reading(_back(today, -count if m[4] else count, m[2]), approximate=rough)
    m = re.search(rf"\b({_UNITS}) (lalu|kemarin|depan|ini)\b", text)
    if not m:
        return None
    unit, which = m[1], m[2]
    if which != "ini":
        return _Reading(_back(today, -1 if which == "depan" else 1, unit), approximate=unit != "hari")
    start = {
        "hari": today,
        "minggu": today - timedelta(days=today.weekday()),
        "bulan": today.replace(day=1),
        "tahun": date(today.year, 1, 1),
    }[unit]
    return _Reading(start, approximate=unit != "hari")


def _nearby_day(text: str, now: datetime) -> Optional[_Reading]:
    """ "kemarin lusa", "semalam", "kemarin", "tadi pagi", "hari ini", "besok", "lusa"."""
    night = 0 if now.hour >= EVENING else -1
    for pattern, days in (
        (r"kemarin lusa|lusa kemarin", -2),
        (r"semalam", night),
        (r"kemarin", -1),
        (r"tadi|sekarang|(?:pagi|siang|sore|malam|subuh) ini", 0),
        (r"besok", 1),
        (r"lusa", 2),
    ):
        if re.search(rf"\b(?:{pattern})\b", text):
            return _Reading(now.date() + timedelta(days=days))
    return None


_READERS = (
    _numeric,
    _holiday,
    _day_and_month,
    _day_of_month,
    _part_of_period,
    _week_of_month,
    _month,
    _bare_year,
    _weekday,
    _relative,
    _nearby_day,
)
_NOT_REMEMBERED = re.compile(
    r"\b(?:lupa|lali|poho|hilap|kesupen|entah|entahlah|lewati|lewatin|skip|gatau|gtau|gatahu"
    r"|sudah lama|dari dulu|bertahun-? ?tahun|berbulan-? ?bulan"
    r"|(?:g|ga|gak|gk|ngga|nggak|ngak|enggak|engga|nda|ndak|tidak|tdk|tak|kurang|ora|mboten|teu|henteu)"
    r" ?(?:tau|tahu|ingat|inget|yakin|ngerti|ngertos|terang|apal|emut|pasti))\b"
)


def today() -> date:
    return datetime.now(JAKARTA).date()


def parse_incident_date(text: str, now: Optional[datetime] = None) -> DateAnswer:
    now = (now or datetime.now(JAKARTA)).astimezone(JAKARTA)
    plain = _plain(text)
    reading = next(filter(None, (read(plain, now) for read in _READERS)), None)
    if reading is None and _NOT_REMEMBERED.search(plain):
        return DateAnswer(now.date(), approximate=True, unknown=True)
    if reading is None or reading.value is None:
        return DateAnswer(None, "unreadable")
    value, approximate = reading
    if value > now.date():
        return DateAnswer(value, "future", approximate=approximate)
    return DateAnswer(value, very_old=now.date() - value > VERY_OLD, approximate=approximate)
