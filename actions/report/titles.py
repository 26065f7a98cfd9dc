"""A report's title from the citizen's story, and whether an opening message already tells one."""

from __future__ import annotations

import re

from actions.report import texts

_FILLER = {
    "saya",
    "sy",
    "sa",  # Papuan and eastern "saya"
    "aku",
    "gue",
    "gw",
    "mau",
    "ingin",
    "pengen",
    "pgn",
    "mo",
    "lapor",
    "melapor",
    "laporkan",
    "melaporkan",
    "ngelapor",
    "lapor",
    "min",
    "admin",
    "pak",
    "bu",
    "kak",
    "tolong",
    "mohon",
    "dong",
    "nih",
    "ya",
    "halo",
    "hai",
    "bikin",
    "buat",
    "membuat",
    "pengaduan",
    "aduan",
    "mengadu",
    "ngadu",
    "komplain",
    "keluhan",
    "mengeluh",
    "ada",
    "yang",
    "tentang",
    "soal",
    "mengenai",
    "ini",
    "itu",
    "sih",
    "deh",
    "gan",
    "usul",
    "usulan",
    "saran",
    "aspirasi",
    "menyampaikan",
    "sampaikan",
    "kasih",
    # "mau minta informasi min, data penerima bansos …": the request, before what is asked for
    "minta",
    "meminta",
    "informasi",
    "info",
    "permintaan",
    "permohonan",
    # "bang gue mau complain nih" (Betawi)
    "bang",
    "abang",
    "complain",
    "komplen",
    # "gini min, sy mo nanya": an opening, not yet the question
    "gini",
    "begini",
    "nanya",
    "tanya",
    "bertanya",
    # Sundanese and Javanese courtesies and "I want to report / to give": "punten kang, abdi bade masihan
    # usulan", "nuwun sewu mas, kulo badhe matur"
    "punten",
    "permisi",
    "nuwun",
    "sewu",
    "kang",
    "teh",
    "mas",
    "mbak",
    "abdi",
    "kulo",
    "kula",
    "bade",
    "badhe",
    "hoyong",
    "arep",
    "masihan",
    "matur",
    "ngalaporkeun",
}


# "izin lapor pak", "mohon izin bertanya": a courtesy, not a permit ("izin usaha ditolak" is one).
POLITE_PERMISSION = (
    r"(?:mohon\s+)?(?:izin|ijin)(?=\s*(?:[,.!?]|$|(?:lapor|melapor|bertanya|tanya|nanya|menyampaikan"
    r"|pak|bu|bapak|ibu|min|kak|mas|mbak|admin)\b))(?:\s+(?:lapor|melapor|bertanya|tanya|nanya|menyampaikan))?"
)
# Greetings and polite openings a story may start with, before what happened ("Bapak" only as an
# address: "Ibu saya sakit" is the story).
_GREETING = re.compile(
    r"^(?:assalamu'?alaikum(?:\s+(?:wr\.?\s*wb\.?|warahmatullahi\s+wabarakatuh))?|salam(?:\s+sejahtera)?"
    rf"|{POLITE_PERMISSION}"
    r"|selamat\s+(?:pagi|siang|sore|malam)|nuwun\s+sewu|punten|permisi|(?:mohon\s+)?maaf(?:\s+mengganggu)?"
    r"|sebelumnya|halo|hallo|hai|hi|perkenalkan|kenalkan|pak|bu|mas|mbak|kak|min|admin|gan|om"
    r"|sis|wr\.?\s*wb\.?|(?:bapak|ibu)(?:/(?:bapak|ibu))?(?=\s*[,.!]))\b[\s,.!?:;-]*",
    re.IGNORECASE,
)
_I = r"(?:saya|sy|aku|abdi|kulo|kula)"  # "I", as citizens write it (Sundanese abdi, Javanese kulo)
# "nama saya X", "saya bernama X", "saya X" (X capitalised): the citizen's own name, never a title.
_INTRODUCTION = re.compile(
    rf"^(?:nama\s+(?:{_I}|ku)(?:\s+adalah)?|{_I}\s+(?:bernama|adalah)|{_I}(?=\s+(?-i:[A-Z])))\s+",
    re.IGNORECASE,
)
# A NIK or phone number the citizen opens with ("NIK 3273… no hp 0812…,"), with its label: never a title.
_IDENTITY = re.compile(
    r"^(?:(?:nik|no\.?\s*ktp|ktp|(?:no\.?|nomor)?\s*(?:hp|wa|telp|tlp|telepon))\s*[:.]?\s*)?"
    r"\+?\d(?:[\s.-]?\d){7,}\b[\s,.;:-]*",
    re.IGNORECASE,
)
# Where the reporter lives: "dari RT 03 RW 05", "warga Desa Sukamaju", "tinggal di Jl. Melati".
_RESIDENCE = re.compile(rf"^(?:{_I}\s+)?(?:dari|warga|tinggal\s+di|beralamat\s+di)\s+", re.IGNORECASE)
# Where a name or an address stops: the story goes on with one of these (or a comma, a full stop).
_ABBREVIATIONS = {"jl.", "jln.", "gg.", "no.", "kel.", "kec.", "ds.", "kab.", "rt.", "rw.", "perum."}
_STORY_GOES_ON = _FILLER | {
    "dari",
    "warga",
    "tinggal",
    "beralamat",
    "akan",
    "hendak",
    "dan",
    "sudah",
    "mengenai",
}


def _drop_words(text: str, most: int, name: bool = False) -> str:
    """Drops a name or an address: up to `most` words, stopping at punctuation or where the story goes on
    (for a name written capitalised, at the first word that is not; a lowercase one is taken shorter)."""
    words = text.split()
    capitalised = name and bool(words) and words[0][:1].isupper()
    most = most - 1 if name and not capitalised else most
    for count, word in enumerate(words[:most]):
        if re.sub(r"\W", "", word.lower()) in _STORY_GOES_ON or (capitalised and not word[:1].isupper()):
            return " ".join(words[count:])
        if re.search(r"[,.!?;:]$", word) and word.lower() not in _ABBREVIATIONS:
            return " ".join(words[count + 1 :])
    return " ".join(words[most:])


def without_introduction(text: str) -> str:
    """The text without its greetings and self-introduction ("Selamat siang, nama saya Budi dari RT 03,",
    "NIK 3273… no hp 0812…,")."""
    while True:
        before = text
        text = _GREETING.sub("", text.lstrip(" \t\n,.!?:;-"))
        text = _IDENTITY.sub("", text)
        if intro := _INTRODUCTION.match(text):
            text = _drop_words(text[intro.end() :], most=4, name=True)
        if residence := _RESIDENCE.match(text):
            text = _drop_words(text[residence.end() :], most=8)
        if text == before:
            return text


def is_only_introduction(title: str) -> bool:
    """True when a typed title is only a greeting, the citizen's name or where they live."""
    rest = re.findall(r"\w+", without_introduction(title).lower())
    return not [w for w in rest if w not in _FILLER]


# Words beyond the filler that make a message a story worth offering to file: with 5, citizens' stranded
# complaints were caught with almost no wrong offers (issue 13).
STORY_MIN_WORDS = 5


def describes_problem(text: str, min_words: int = 4) -> bool:
    """True when the message already tells what happened, beyond "saya mau lapor": at least `min_words`
    words that are not filler."""
    words = re.findall(r"\w+", text.lower())
    return len([w for w in words if w not in _FILLER]) >= min_words


def _first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence: "jl. ahmad yani" goes on ("Jalan di jl" was one)."""
    for end in re.finditer(r"[.!?](?=\s)|\n", text):
        words = text[: end.end()].split()
        if end[0] == "\n" or not words or words[-1].lower() not in _ABBREVIATIONS:
            return text[: end.start()]
    return text


# The words that start a unit of an address ("jl. ahmad yani", "no. 12", "kec. cicendo"); a place in a
# title is kept in whole units, never cut inside a name.
_ADDRESS_MARKS = {"jl", "jln", "gg", "gang", "kel", "kelurahan", "desa", "ds", "kec", "kecamatan", "kab"}
_ADDRESS_MARKS |= {"kabupaten", "kota", "rt", "rw", "rt/rw", "no", "nomor", "blok", "perum", "perumahan"}
_ADDRESS_MARKS |= {"komplek"}
_PLACE_STARTS = {"di", "depan", "dekat", "deket"}
# A title never ends in one of these: the address or the sentence would dangle ("... di jl.").
_DANGLING = {"di", "ke", "dari", "pada", "dan", "yang", "yg", "dengan", "dgn", "untuk", "utk", "karena"}
_DANGLING |= {"krn", "sejak", "padahal", "sehingga", "atau", "tapi", "jl", "jln", "gg", "no", "nomor"}
_DANGLING |= {"kec", "kel", "kab", "ds", "rt", "rw", "rt/rw", "blok", "kecamatan", "kelurahan", "kabupaten"}
# "... mati udah", "... seminggu ga": a title cut before what is (not) done.
_DANGLING |= {"udah", "udh", "sudah", "sdh", "ga", "gak", "nggak", "tidak", "tdk", "belum", "blm"}
# Where what happened stops and its circumstances begin ("... ktp padahal katanya gratis").
_CLAUSE_ENDS = {"dan", "padahal", "sehingga", "karena", "krn", "yang", "yg", "tapi", "namun", "sejak"}


def _key(word: str) -> str:
    return re.sub(r"[^\w/]", "", word.lower())


def _without_dangling_end(words: list[str]) -> list[str]:
    while words and _key(words[-1]) in _DANGLING:
        words = words[:-1]
    return words


def _fits(words: list[str], limit: int) -> bool:
    return len(" ".join(words)) <= limit


def _cut(words: list[str], limit: int) -> list[str]:
    """The most words that fit, cut between words and never after a dangling one."""
    taken: list[str] = []
    for word in words:
        if not _fits(taken + [word], limit):
            break
        taken.append(word)
    return _without_dangling_end(taken)


def _what_and_where(words: list[str], limit: int) -> list[str]:
    """A title too long for the limit, cut between words. What happened and where ("... ktp di kantor
    kecamatan") when the plain cut would end inside an address ("di Jl. Ahmad") or keep the story's
    circumstances ("... ktp padahal katanya") instead of its place; the place in whole units."""
    plain = _cut(words, limit)
    at = next((i for i, w in enumerate(words) if i >= 2 and _key(w) in _PLACE_STARTS), None)
    if at is None:
        return plain
    what, where = words[:at], words[at:]
    ends = [i for i, w in enumerate(what) if i >= 2 and _key(w) in _CLAUSE_ENDS]
    what = _without_dangling_end(what[: ends[0]] if ends else what)
    starts = [i for i, w in enumerate(where) if i > 1 and _key(w) in _ADDRESS_MARKS | _PLACE_STARTS]
    units = [where[:end] for end in starts + [len(where)]]  # the place, one whole unit more each
    fitting = [u for u in units if _fits(what + u, limit) and _without_dangling_end(u) == u]
    cut = len(plain) - at  # where the plain cut falls inside the place
    inside_address = cut > 1 and cut not in starts and any(_key(w) in _ADDRESS_MARKS for w in plain[at:])
    if fitting and (inside_address or ends):
        return what + fitting[-1]
    return _cut(what, limit) if inside_address else plain  # "... di perumahan" without its name: no place


def _without_filler(words: list[str]) -> list[str]:
    """The words from the first one that is not filler ("mau lapor pak, ada pungli" → "pungli")."""
    while words and re.sub(r"\W", "", words[0].lower()) in _FILLER:
        words = words[1:]
    return words


def suggest_title(body: str, limit: int = 60) -> str:
    """A short title from the first sentence, without greetings, the citizen's name and "saya mau lapor":
    what happened and where, within `limit` characters, cut between words."""
    clauses = _first_sentence(without_introduction(body.strip())).split(",")
    # An opening clause of nothing but "mau lapor pak" gives way to the next one, if any tells more.
    while len(clauses) > 1 and not _without_filler(clauses[0].split()):
        if not _without_filler(" ".join(clauses[1:]).split()):
            break
        clauses = clauses[1:]
    first, clause = ",".join(clauses), clauses[0]
    words = _without_filler((clause if len(clause.split()) >= 3 else first).split()) or first.split()
    chosen = _without_dangling_end(words) if _fits(words, limit) else _what_and_where(words, limit)
    title = " ".join(chosen).strip(" ,.;:!?-") or texts.UNTITLED
    return title[:1].upper() + title[1:]
