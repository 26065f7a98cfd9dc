"""A report's title names the problem, never the citizen: greetings and self-introductions are left out."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.report import texts
from actions.report.form import ValidateReportForm
from actions.report.titles import is_only_introduction, suggest_title
from tests.support.actions import DOMAIN, make_tracker

OPENINGS = [
    ("Nama saya Budi Santoso. Jalan di depan rumah berlubang besar.", "Jalan di depan rumah berlubang besar"),
    ("Saya Budi dari RT 03 RW 05, mau lapor lampu jalan mati seminggu", "Lampu jalan mati seminggu"),
    ("Perkenalkan, saya Siti warga Desa Sukamaju. Jembatan desa rusak parah.", "Jembatan desa rusak parah"),
    (
        "Selamat siang, nama saya budi santoso mau melaporkan sampah menumpuk di pasar",
        "Sampah menumpuk di pasar",
    ),
    ("nuwun sewu mas, saya Joko dari Kelurahan Mergangsan, selokan mampet", "Selokan mampet"),
    ("Assalamualaikum wr wb. Saya warga RT 02 ingin lapor jalan rusak parah", "Jalan rusak parah"),
    (
        "Assalamualaikum, selamat pagi pak. Nama saya Dewi Lestari, tinggal di Jl. Melati 5. Air PDAM mati",
        "Air PDAM mati",
    ),
    ("Punten, abdi Asep. Lampu jalan mati di gang kami", "Lampu jalan mati di gang kami"),
    (
        "Mohon maaf mengganggu, saya Rina dari perumahan Griya Asri blok C, banjir tiap hujan",
        "Banjir tiap hujan",
    ),
    ("Sy bernama Agus, warga RW 7. Pohon tumbang menutup jalan", "Pohon tumbang menutup jalan"),
    ("selamat malam admin, perkenalkan nama saya Rudi. Parit meluap ke jalan", "Parit meluap ke jalan"),
    ("Permisi pak, saya adalah Wati dari Dusun Krajan. Jembatan gantung putus", "Jembatan gantung putus"),
    ("Salam sejahtera. Kulo Slamet, warga Desa Wonosari, irigasi sawah kering", "Irigasi sawah kering"),
    (
        "Hai kak, aku Nina. Angkot ngetem sembarangan di depan sekolah",
        "Angkot ngetem sembarangan di depan sekolah",
    ),
    ("Selamat sore bapak, saya Hendra warga Kec. Cibeunying. Trotoar rusak parah", "Trotoar rusak parah"),
    (
        "Assalamualaikum. Perkenalkan nama saya Ahmad Fauzi, dari RT 04 RW 02. Saluran air tersumbat",
        "Saluran air tersumbat",
    ),
    ("Halo pak, nama saya Lina mau lapor parkir liar di trotoar", "Parkir liar di trotoar"),
]


@pytest.mark.parametrize("story, title", OPENINGS)
def test_the_suggested_title_leaves_out_greetings_and_the_citizens_name(story, title):
    assert suggest_title(story) == title


@pytest.mark.parametrize("story", ["Nama saya Budi Santoso", "Assalamualaikum, selamat siang pak. Saya Budi"])
def test_a_story_of_only_a_greeting_and_a_name_gets_a_plain_title_not_the_name(story):
    assert suggest_title(story) == texts.UNTITLED


@pytest.mark.parametrize(
    "typed",
    [
        "Saya Budi",
        "Nama saya Budi Santoso",
        "Selamat siang",
        "assalamualaikum pak",
        "nuwun sewu mas",
        "Perkenalkan, saya Siti dari RT 03",
    ],
)
async def test_a_typed_title_of_only_a_name_or_greeting_is_refused_with_an_example(typed):
    assert is_only_introduction(typed)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"classification": "pengaduan"}, text=typed, intent="greet")
    slots = await ValidateReportForm().validate_judul(typed, dispatcher, tracker, DOMAIN)
    assert slots == {"judul": None}
    assert dispatcher.messages[0]["text"] == texts.TITLE_IS_NAME
    assert texts.TITLE_EXAMPLE in texts.TITLE_IS_NAME
    for problem in ("Jalan rusak di Jl. Merdeka", "Pak RT tidak menanggapi keluhan warga"):
        tracker = make_tracker({"classification": "pengaduan"}, text=problem, intent="out_of_scope")
        taken = await ValidateReportForm().validate_judul(problem, CollectingDispatcher(), tracker, DOMAIN)
        assert taken == {"judul": problem}  # a title about the problem is taken as typed
