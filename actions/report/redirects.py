"""Answers that belong somewhere other than the step asked (issue 13): to what the story already told
("kan udh sy bilang 2 minggu lalu"), to another step ("ga jadi pake foto" at the location step), or to
another kind of report ("eh ini jadiin pengaduan aja deh"). The form applies them and asks its step
again; nothing here is stored as the step's answer."""

from __future__ import annotations

import re
from typing import Optional

from actions.message import CitizenMessage
from actions.report.noted import date_told
from actions.report.steps import ASPIRASI, INFORMASI, PENGADUAN

# "kan udh sy bilang", "udah sy bilang tadi", "kan td udh dibilang", "sudah saya sebutkan di atas".
_ALREADY_SAID = re.compile(
    r"\b(?:(?:kan|kn|tadi|td|udah|udh|uda|sudah|sdh|dah|sy|saya|aku|gw|gue|kok)\s+)+"
    r"(?:bilang|dibilang|bilangin|sebut|disebut|sebutkan|sebutin|tulis|ditulis|ngomong|jelasin|dijelaskan"
    r"|dijelasin|cerita|ceritain|kasih\s+tau|kasih\s+tahu|kasi\s+tau)"
    r"(?:\s+(?:kok|ya|kan|sih|dong|lho|loh|di\s*atas|sebelumnya))*\b[\s,.!?]*",
    re.IGNORECASE,
)
_ALREADY = re.compile(r"\b(?:kan|kn|tadi|td|udah|udh|uda|sudah|sdh|dah|di\s*atas|sebelumnya)\b", re.I)


def already_said(text: str) -> Optional[str]:
    """What is left of "kan udh sy bilang 2 minggu lalu" once "I said it already" is taken out ("2 minggu
    lalu", or "" when nothing is); None when the message does not say so."""
    found = _ALREADY_SAID.search(text)
    if not found or not _ALREADY.search(found[0]):
        return None
    rest = (text[: found.start()] + " " + text[found.end() :]).strip(" ,.!?")
    # "udah sy bilang tadi": said a while ago, not "today" ("... tadi pagi" is a time all the same).
    return "" if rest.lower() in ("tadi", "td", "barusan") else rest


# --- an answer for another step ---

_EVIDENCE = r"(?:foto\w*|gambar\w*|video\w*|bukti\w*|lampiran\w*|dokumen\w*|poto\w*|pic\w*)"
# "ga jadi pake foto", "tanpa foto aja", "fotonya ga ada", "ga punya bukti".
_NO_EVIDENCE = re.compile(
    rf"\b(?:ga|gak|nggak|ngga|enggak|tidak|tdk|tak|ndak|gk)\s+(?:jadi|usah|perlu|ada|punya)\s+"
    rf"(?:(?:pake|pakai|pakek|kirim|ngirim|ada)\s+)?{_EVIDENCE}"
    rf"|\btanpa\s+{_EVIDENCE}"
    rf"|\b{_EVIDENCE}\s+(?:nya\s+)?(?:ga|gak|nggak|tidak|tdk|gk)\s+(?:ada|jadi|usah)\b",
    re.IGNORECASE,
)


def says_no_evidence(message: CitizenMessage) -> bool:
    return bool(_NO_EVIDENCE.search(message.plain))


def only_a_date(message: CitizenMessage) -> Optional[str]:
    """The ISO date of a message that is nothing but a time phrase ("2 minggu lalu", "kemarin sore")."""
    told = date_told(message.text)
    if not told:
        return None
    iso, phrase = told
    return iso if len(phrase.split()) >= len(message.plain.split()) else None


# "eh tanggalnya salah, maksud saya kemarin", "eh bukan, maksud saya banjirnya kemarin sore".
_CORRECTS = re.compile(r"\b(?:salah|keliru|ralat|koreksi|maksud\w*|bukan|bkn)\b")
_NAMES_DATE = re.compile(r"\b(?:tanggal\w*|tgl\w*|harinya|waktunya|kejadiannya)\b")


def date_corrected(message: CitizenMessage, free_text: bool) -> Optional[tuple[str, str]]:
    """(iso date, as said) of a message that corrects the date at a later step; at a step whose answer
    is free text (a title), only when it names the date too ("tanggalnya salah, …"). Else None."""
    if not _CORRECTS.search(message.plain) or (free_text and not _NAMES_DATE.search(message.plain)):
        return None
    return date_told(message.text)


# --- another kind of report ---

_KIND_WORDS = {
    PENGADUAN: r"pengaduan|aduan|komplain|keluhan|laporan\s+pengaduan",
    ASPIRASI: r"aspirasi|usulan|usul|saran",
    INFORMASI: r"permintaan\s+informasi|minta\s+informasi|minta\s+info|informasi|info",
}
_TO_KIND = {
    kind: re.compile(
        rf"\b(?:jadi(?:in|kan)?|jd(?:in)?|ganti(?:\s+(?:jadi|jd|ke))?|ubah(?:\s+(?:jadi|jd|ke))?"
        rf"|pindah\s+ke)\s+(?:ke\s+)?(?:{words})\b"
        rf"|\b(?:ini|itu)\s+(?:{words})\s+(?:aja|saja|deh)\b",
        re.IGNORECASE,
    )
    for kind, words in _KIND_WORDS.items()
}
# "sebenarnya sy cuma mau tanya": a question, not a complaint.
_ONLY_ASKING = re.compile(
    r"\b(?:cuma|cuman|cman|cm|hanya|sebenarnya|sebenernya|sbnrnya|sbenernya)\b.*"
    r"\b(?:tanya|nanya|bertanya|tanya2|minta\s+info\w*)\b",
    re.IGNORECASE,
)
# What a message the NLU took for no filing asks for, when offered to be filed (report/start.py): a
# wish to ask or to be given information ("mau nanya dong, gimana cara dapetin data APBD …"), or to
# propose ("saya mau kasih usulan biar …"); anything else is a pengaduan.
_WISH = r"(?:mau|mo|ingin|pengen|pingin|pgn|boleh|bisa|izin|ijin|numpang|tolong|mohon|bade|badhe)"
_TOLD_KINDS = {
    INFORMASI: re.compile(
        rf"\b{_WISH}\s+(?:\w+\s+)?(?:nanya|tanya|bertanya|menanyakan|nanyain)\b"
        r"|\b(?:mau|mo|ingin|pengen|pingin|boleh|bisa|tolong|mohon|cara|caranya|gimana|bagaimana|gmn)\s+"
        r"(?:\w+\s+)?(?:minta|meminta|dapat\w*|dapet\w*|mendapat\w*|memperoleh|akses|mengakses|lihat"
        r"|melihat|unduh|download)\s+(?:\w+\s+)?(?:data|informasi|info|dokumen|salinan|rincian|daftar)\b",
        re.IGNORECASE,
    ),
    ASPIRASI: re.compile(
        rf"\b{_WISH}\s+(?:\w+\s+)?(?:usul\w*|saran|menyarankan|aspirasi)\b"
        r"|\b(?:usul|usulan|usulkan|saran)\s+(?:saya\s+|kami\s+)?(?:agar|supaya|biar)\b",
        re.IGNORECASE,
    ),
}


def kind_told(text: str) -> str:
    """The classification a message offered to be filed asks for: the first wish it says, else a
    pengaduan."""
    wishes = [(found.start(), kind) for kind, wish in _TOLD_KINDS.items() if (found := wish.search(text))]
    return min(wishes)[1] if wishes else PENGADUAN


KIND_CHANGE_MOST_WORDS = 10  # a longer message that names a kind is a story, unless it says "bukan …"
# "eh bukan pengaduan deng, …", "ga jadi aspirasi, …", "bukan mau ngadu, …": the kind the draft is said
# not to be.
_DENIED_WORDS = {**_KIND_WORDS, PENGADUAN: _KIND_WORDS[PENGADUAN] + r"|ngadu|mengadu"}
_NOT_KIND = {
    kind: re.compile(rf"\b(?:bukan|bkn|ga|gak|nggak|ngga|tidak|tdk)\s+(?:jadi\s+|mau\s+)?(?:{words})\b", re.I)
    for kind, words in _DENIED_WORDS.items()
}
# … then what is wanted instead: a wish ("saya mau kasih usulan", "mau nanya") or "usulan aja".
_WANTED_INSTEAD = {
    **_TOLD_KINDS,
    PENGADUAN: re.compile(rf"\b{_WISH}\s+(?:\w+\s+)?(?:ngadu|mengadu|lapor|melapor|komplain)\b", re.I),
}


def kind_asked(message: CitizenMessage, current: str) -> Optional[str]:
    """The other classification a short "jadiin aspirasi aja" asks for, or a longer message that says
    the draft is not its kind and wishes another ("eh bukan pengaduan deng, saya mau kasih usulan aja
    biar …"), else None."""
    if not message.text:
        return None
    wanted = _wanted_instead(message.plain, current)
    if not wanted and len(message.plain.split()) <= KIND_CHANGE_MOST_WORDS:
        wanted = [kind for kind, pattern in _TO_KIND.items() if pattern.search(message.plain)]
        if not wanted and _ONLY_ASKING.search(message.plain):
            wanted = [INFORMASI]
    return wanted[0] if len(wanted) == 1 and wanted[0] != current else None


def _wanted_instead(plain: str, current: str) -> list[str]:
    """The kinds wished for after the draft's own kind is denied ("bukan pengaduan, … mau usul …")."""
    denied = current in _NOT_KIND and _NOT_KIND[current].search(plain)
    if not denied:
        return []
    rest = plain[denied.end() :]
    return [
        kind
        for kind, wish in _WANTED_INSTEAD.items()
        if kind != current
        and (wish.search(rest) or re.search(rf"\b(?:{_KIND_WORDS[kind]})\s+(?:aja|saja)\b", rest))
    ]
