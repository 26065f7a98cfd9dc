"""A report's title names the problem, never the citizen: greetings and self-introductions are left out."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.report import texts
from actions.report.form import ValidateReportForm
from actions.report.titles import describes_problem, is_only_introduction, suggest_title
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


LONG_STORIES = [
    # What and where, the place in whole units, when the plain cut would keep the circumstances.
    (
        "petugas minta uang 200 ribu buat bikin ktp padahal katanya gratis di kantor kecamatan banyuasin iii",
        "Petugas minta uang 200 ribu buat bikin ktp di kantor",
    ),
    (
        "saluran air tersumbat sampah sehingga banjir setiap hujan deras di rt/rw 03/05 kel. sukajadi",
        "Saluran air tersumbat sampah di rt/rw 03/05 kel. sukajadi",
    ),
    # Never "... di Jl. Ahmad Yani Kota": the address is cut between its units.
    (
        "Jalan berlubang besar dan membahayakan di Jl. Ahmad Yani Kota Bandung, sudah seminggu",
        "Jalan berlubang besar di Jl. Ahmad Yani Kota Bandung",
    ),
    (
        "Jalan berlubang besar dan membahayakan pengendara di Jl. Ahmad Yani No. 12 Kec. Cicendo Kota Bogor",
        "Jalan berlubang besar di Jl. Ahmad Yani No. 12 Kec. Cicendo",
    ),
    # No place in the first 60 characters: the words that fit, cut between words.
    (
        "Jalan berlubang sangat besar membahayakan pengendara motor di Jl. Ahmad Yani No. 12",
        "Jalan berlubang sangat besar membahayakan pengendara motor",
    ),
    ("lampu jalan mati di jl.", "Lampu jalan mati"),
    ("Trotoar rusak di Kec.", "Trotoar rusak"),
    (
        "air pdam mati total tiga hari berturut-turut di perumahan griya asri blok c no.",
        "Air pdam mati total tiga hari berturut-turut",
    ),
]


# What citizens wrote in the outsider's probe: an opening clause of nothing but "mau lapor pak", a NIK and
# a phone number first, a cut before "udah"/"ga".
PROBED = [
    (
        "mau lapor pak, ada pungli parkir liar di alun-alun kota bandung tiap malam minggu",
        "Pungli parkir liar di alun-alun",
    ),
    (
        "nama saya Siti Rahmawati NIK 3273014509870002 no hp 081234567890, saya mau lapor pungli di "
        "kantor kelurahan cipedes kota tasikmalaya, petugas minta 200rb buat bikin KK",
        "Pungli di kantor kelurahan cipedes kota tasikmalaya",
    ),
    (
        "lapor min, sampah di TPS pasar kosambi kota bandung udah seminggu ga diangkut, bau banget",
        "Sampah di TPS pasar kosambi kota bandung udah seminggu",
    ),
    (
        "gini min sy mo nanya, kenapa blangko ktp di disdukcapil kosong terus",
        "Kenapa blangko ktp di disdukcapil kosong terus",
    ),
]


@pytest.mark.parametrize("story, title", PROBED)
def test_the_title_starts_at_the_problem_not_at_the_request_or_the_citizens_numbers(story, title):
    assert suggest_title(story) == title


@pytest.mark.parametrize(
    "message",
    ["punten kang, abdi bade masihan usulan", "nuwun sewu mas, kulo badhe matur", "gini min sy mo nanya"],
)
def test_a_regional_courtesy_that_only_asks_to_report_tells_no_story(message):
    assert not describes_problem(message)


@pytest.mark.parametrize("story, title", LONG_STORIES)
def test_a_long_story_gets_what_and_where_within_60_characters(story, title):
    assert suggest_title(story) == title


@pytest.mark.parametrize(
    "story",
    [story for story, _ in LONG_STORIES + OPENINGS]
    + ["lampu penerangan jalan umum di sepanjang jalan raya mati total di jl. ahmad yani kota bandung"],
)
def test_a_title_never_ends_in_a_dangling_word(story):
    title = suggest_title(story)
    last = title.split()[-1].lower().strip(".,")
    assert len(title) <= 60 and last not in {
        "di",
        "jl",
        "jln",
        "kec",
        "no",
        "rt/rw",
        "rt",
        "rw",
        "dan",
        "yang",
    }
    assert story.lower().replace(" ", "").find(title.lower().replace(" ", "")[:20]) >= 0  # words of the story


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
