"""Messages that must not wait for the report form: an emergency happening now, and a citizen asking
whether a person or a machine answers. Word lists, not the NLU: they must hold without a retrain."""

from __future__ import annotations

import re

# Fire, accidents, floods, crime and violence, as citizens write them.
_HAZARD = (
    r"(kebakaran|kebakar|terbakar|ledakan|meledak|kecelakaan|kecelakan|tabrakan|ditabrak|ketabrak|tertabrak"
    r"|tenggelam|banjir|kebanjiran|longsor|tanggul jebol|begal|dibegal|rampok|dirampok|perampokan"
    r"|jambret|dijambret|penjambretan|maling|diculik|penculikan|dipukuli|dipukul|pemukulan|dianiaya"
    r"|penganiayaan|dikeroyok|pengeroyokan|tawuran|ditusuk|penusukan|dibacok|pembacokan|dibunuh"
    r"|pembunuhan|kdrt)"
)
# Words that put it now: "ada kebakaran", "tolong", "sekarang", "lagi banjir" ("banjir lagi" is "again").
_NOW = re.compile(
    rf"\b(sekarang|skrg|skrang|skg|barusan|baru saja|tolong|tlg|toloong+|darurat|segera|cepat)\b"
    rf"|\b(ada|lagi|sedang|lg)\s+(yang\s+|yg\s+|orang\s+)?{_HAZARD}"
)
# Words that make it a past or recurring matter, which is a normal complaint ("kemarin ada banjir").
# "lalu lintas" is traffic, not "ago".
_NOT_NOW = re.compile(
    r"\b(kemarin|kemaren|kmrn|kmarin|tadi|semalam|dulu|pernah|sering|selalu|tiap|setiap|langganan"
    r"|terus|mulu|melulu|rawan|bekas|sisa|bikin|menyebabkan|penyebab|potensi|kalau|kalo|klo|jika|waktu itu)\b"
    r"|\blalu\b(?!\s+lintas)"
)
_HAZARD_WORD = re.compile(rf"\b{_HAZARD}\b")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def is_emergency(text: str) -> bool:
    """True when the message tells of a fire, an accident, a flood, a crime or violence happening now."""
    plain = _plain(text)
    return bool(_HAZARD_WORD.search(plain) and _NOW.search(plain) and not _NOT_NOW.search(plain))


_MACHINE = r"(bot|robot|chatbot|ai|mesin|otomatis)"
_ASKS_WHO_ANSWERS = re.compile(
    r"\b(ini|kamu|km|anda|kau|lu|lo|situ|min|mimin|kak)\b.*\b(bot|robot|chatbot)\b"
    rf"|\b{_MACHINE}\s+(atau|ato|apa)\s+(orang|manusia)\b"
    r"|\b(balasan|dibalas|dibales|jawaban)\s+(otomatis|mesin)\b"
    r"|\b(orang|manusia|admin|mimin|petugas)\s+(beneran|asli|betulan|sungguhan|nyata)\b"
    r"|\b(ini|kamu|km|anda)\s+(manusia|orang)\s*(atau|ato|apa|(bukan|bkn|kan)\s*$|$)"
    # "ini siapa?", "kamu siapa sih": the whole message ("siapa ini yang buang sampah" is a story)
    r"|^(?:(ini|kamu|km|anda)\s+siapa|siapa\s+(ini|kamu|km|anda))(\s+(sih|ya|kak|min|pak|bu))*$"
)
_SHORT_QUESTION_WORDS = 10  # a story that mentions a machine is no question about the assistant


def asks_if_bot(text: str) -> bool:
    """True for "ini bot atau orang?", "kamu robot?", "ini admin beneran?" and the like."""
    plain = _plain(text)
    return len(plain.split()) <= _SHORT_QUESTION_WORDS and bool(_ASKS_WHO_ANSWERS.search(plain))
