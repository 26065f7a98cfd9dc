"""Listening to the first message (report/noted.py and the form's catatan step), and digressions while
filling: answered and the step asked again, never stored; a step that fails twice gets a way out."""

from __future__ import annotations

from datetime import timedelta

from actions.report.dates import today
from actions.report.noted import date_told, place_told, purpose_told
from actions.report.questions import AskCatatan
from tests.support.actions import FORM, form_run_tracker, make_tracker, run, slots_of, texts, validate

# A draft whose story is told (and its confirmation asked), so the form's next step is the title.
TOLD = {"classification": "pengaduan", "isi": "Jalan berlubang besar, motor jatuh", "catatan": True}
STORY = "pak jalan di jl. ahmad yani kota bandung berlubang besar sejak kemarin, motor sering jatuh"


def test_a_story_tells_its_date_and_place_as_written():
    assert date_told(STORY) == ((today() - timedelta(days=1)).isoformat(), "sejak kemarin")
    typed, region = place_told(STORY)
    assert typed == "jl. ahmad yani kota bandung" and region.code == "32.73"
    typed, region = place_told("lampu jalan mati di depan sd 3 kuta, badung udah seminggu")
    assert typed == "depan sd 3 kuta, badung" and region.code.startswith("51.03")


def test_a_kabupaten_kota_named_in_full_counts_when_the_lower_levels_do_not_fit():
    # Sukajadi is a kecamatan of Kota Bandung, not one of its kelurahan: the address parser is unsure of it.
    typed, region = place_told("lampu jalan di gang mawar rt 3 kelurahan sukajadi kota bandung mati seminggu")
    assert typed == "gang mawar rt 3 kelurahan sukajadi kota bandung" and region.code == "32.73"


def test_a_story_without_time_or_region_tells_nothing():
    text = "jalan berlubang besar di depan rumah saya, motor sering jatuh"
    assert date_told(text) is None and place_told(text) is None  # "jatuh" is no village here


def test_an_information_request_states_its_purpose():
    assert purpose_told("minta data anggaran jalan 2023 untuk penelitian skripsi") == "penelitian skripsi"
    assert purpose_told("data anggaran untuk jalan desa") is None


async def test_the_opening_story_is_confirmed_in_one_step(env):
    slots, _ = await validate("isi", STORY)
    noted = slots["catatan_awal"]
    assert slots["catatan"] is None  # to be asked
    assert (noted["lokasi_kode"], noted["kategori"], noted["instansi"]) == (
        "32.73",
        "jalan-rusak",
        "dpupr-kota-bandung",
    )
    tracker = make_tracker({"classification": "pengaduan", "catatan_awal": noted, "judul_saran": "Jalan"})
    _, messages = await run(AskCatatan(), tracker)
    shown = texts(messages)
    assert "Saya catat" in shown and "sejak kemarin" in shown and "Kota Bandung" in shown
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]

    state = {"catatan_awal": noted, "judul_saran": "Jalan berlubang"}
    taken, _ = await validate("catatan", "iya kak bener", state, intent="affirm")
    assert taken["catatan"] is True and taken["judul"] == "Jalan berlubang"
    assert (taken["tanggal_kejadian"], taken["lokasi_kode"]) == (noted["tanggal_kejadian"], "32.73")
    assert (taken["kategori"], taken["instansi"]) == ("jalan-rusak", "dpupr-kota-bandung")

    # The place was wrong: everything else is kept, the place and the agency that follows it are asked.
    partly, _ = await validate("catatan", "lokasinya salah", state, intent="deny")
    assert partly["catatan"] is True and partly["tanggal_kejadian"] == noted["tanggal_kejadian"]
    assert "lokasi" not in partly and "instansi" not in partly and partly["kategori"] == "jalan-rusak"

    nothing, _ = await validate("catatan", "/deny", state, intent="deny")
    assert nothing == {"catatan": True}


async def test_a_request_keeps_its_subject_and_purpose():
    text = "Data anggaran perbaikan jalan 2026 di Kabupaten Banyuasin untuk penelitian skripsi"
    slots, _ = await validate("isi", text, {"classification": "permintaan_informasi"})
    assert slots["judul"].startswith("Permintaan informasi: Data anggaran")
    assert slots["tujuan"] == "penelitian skripsi"


async def test_a_question_about_the_bot_is_answered_and_never_stored():
    tracker = form_run_tracker(
        {**TOLD, "requested_slot": "judul", "judul_saran": "Jalan rusak"},
        {"judul": "ini bot atau orang?"},
        text="ini bot atau orang?",
    )
    events, messages = await run(FORM, tracker)
    slots = slots_of(events)
    assert "asisten otomatis" in texts(messages)
    assert slots["judul"] is None and slots["requested_slot"] == "judul"


async def test_small_talk_at_the_place_step_is_no_place():
    said = "ngomong2 kamu orang bali jg?"
    tracker = form_run_tracker(
        {"classification": "pengaduan", "requested_slot": "lokasi"}, {"lokasi": said}, text=said
    )
    events, messages = await run(FORM, tracker)
    assert slots_of(events)["lokasi"] is None and "asisten otomatis" in texts(messages)


async def test_a_greeting_or_a_menu_button_mid_form_asks_the_step_again():
    for text, intent in (("halo", "greet"), ("/file_complaint", "file_complaint")):
        tracker = form_run_tracker(
            {**TOLD, "judul": "Jalan rusak", "requested_slot": "tanggal_kejadian"},
            {},
            text=text,
            intent=intent,
        )
        events, _ = await run(FORM, tracker)
        # A slot event keeps Rasa from rejecting the form (which answered "Maaf, saya belum paham").
        assert slots_of(events)["tanggal_kejadian"] is None
        assert slots_of(events)["requested_slot"] == "tanggal_kejadian"


async def test_the_title_is_changed_at_any_step():
    said = "judulnya ganti jd Jalan Ahmad Yani rusak parah"
    tracker = form_run_tracker(
        {"classification": "pengaduan", "requested_slot": "privasi", "judul": "Jalan di jl"},
        {"privasi": said},
        text=said,
    )
    events, messages = await run(FORM, tracker)
    slots = slots_of(events)
    assert slots["judul"] == "Jalan Ahmad Yani rusak parah" and slots["privasi"] is None
    assert "Judul diganti" in texts(messages)
    taken, _ = await validate("judul", said, {"judul_saran": "Jalan di jl"})
    assert taken == {"judul": "Jalan Ahmad Yani rusak parah"}


async def test_a_step_that_fails_twice_explains_and_offers_a_way_out():
    state = {"classification": "pengaduan", "requested_slot": "tanggal_kejadian"}
    first = form_run_tracker(state, {"tanggal_kejadian": "pokoknya waktu itu"}, text="pokoknya waktu itu")
    events, messages = await run(FORM, first)
    assert slots_of(events)["gagal"] == {"step": "tanggal_kejadian", "count": 1}
    assert not any(m.get("buttons") for m in messages)
    again = form_run_tracker(
        {**state, "gagal": slots_of(events)["gagal"]}, {"tanggal_kejadian": "ya itu"}, text="ya itu"
    )
    events, messages = await run(FORM, again)
    payloads = [b["payload"] for m in messages for b in m.get("buttons") or []]
    assert "Contoh" in texts(messages) and "lupa" in payloads and "/human_handoff" in payloads


async def test_a_place_in_another_region_asks_the_agency_again():
    chosen = {
        "instansi": "pem-kota-bandung",
        "instansi_nama": "Pemerintah Kota Bandung",
        "lokasi_kode": "32.73",
    }
    slots, _ = await validate("lokasi", "jl. pantai kuta, kuta, kabupaten badung", chosen)
    assert slots["lokasi_kode"].startswith("51.03") and slots["instansi"] is None
    same, _ = await validate("lokasi", "jl. dago, kota bandung", chosen)
    assert "instansi" not in same


async def test_a_story_told_in_two_quick_messages_is_one_story(env):
    state = {**TOLD, "isi": "mau lapor selokan mampet jadi banjir, air masuk rumah warga"}
    said = "itu di perumahan griya asri, kota banjarmasin kemarin"
    slots, _ = await validate("judul", said, state)
    assert slots["judul"] is None and slots["catatan"] is None  # the story's facts are confirmed next
    assert slots["isi"].endswith(said) and slots["catatan_awal"]["lokasi_kode"] == "63.71"
    typed, _ = await validate("judul", "Banjir di Kota Banjarmasin", state)
    assert typed == {"judul": "Banjir di Kota Banjarmasin"}


def test_a_number_in_a_time_phrase_goes_with_its_unit():
    two_weeks = (today() - timedelta(weeks=2)).isoformat()
    assert date_told("sampah numpuk di pasar minggu 2 minggu lalu") == (two_weeks, "2 minggu lalu")
