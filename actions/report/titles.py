"""A report's title from the citizen's story, and whether an opening message already tells one."""

from __future__ import annotations

import re

_FILLER = {
    "saya",
    "sy",
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
}


def describes_problem(text: str, min_words: int = 4) -> bool:
    """True when the message already tells what happened, beyond "saya mau lapor": at least `min_words`
    words that are not filler."""
    words = re.findall(r"\w+", text.lower())
    return len([w for w in words if w not in _FILLER]) >= min_words


def suggest_title(body: str, limit: int = 60) -> str:
    """A short title from the first sentence, without "saya mau lapor" and the like."""
    first = re.split(r"(?<=[.!?])\s|\n", body.strip())[0]
    clause = first.split(",")[0]
    words = (clause if len(clause.split()) >= 3 else first).split()
    while words and re.sub(r"\W", "", words[0].lower()) in _FILLER:
        words.pop(0)
    title = ""
    for word in words or first.split():
        if len(title) + len(word) + 1 > limit:
            break
        title = f"{title} {word}".strip()
    title = title.strip(" ,.;:-") or first[:limit]
    return title[:1].upper() + title[1:]
