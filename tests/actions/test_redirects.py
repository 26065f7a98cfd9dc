"""Answers that belong somewhere other than the step asked (actions/report/redirects.py): a step's answer
is tried as that step's answer first, whatever the NLU guessed; an answer for another step is applied
there and the step asked again; a change of kind keeps the story."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.message import CitizenMessage
from actions.report import texts as said
from actions.report.dates import today
from actions.report.draft import summary
from actions.report.questions import AskCatatan
from actions.report.redirects import already_said, kind_asked
from tests.support.actions import FORM, form_run_tracker, make_tracker, run, slots_of, texts, tracking_entity

STORY = "jalan di depan rumah saya berlubang besar sejak kemarin, motor sering jatuh"
# A pengaduan told and titled, at the date step.
AT_DATE = {
    "classification": "pengaduan",
    "isi": STORY,
    "catatan": True,
    "judul": "Jalan berlubang besar",
    "requested_slot": "tanggal_kejadian",
}
AT_PLACE = {**AT_DATE, "tanggal_kejadian": "2026-11-20", "requested_slot": "lokasi"}
NOTHING_TOLD = {"catatan": "tidak ditanyakan", "catatan_awal": None}  # a story with no date or place


async def answer(state: dict, text: str, intent: str = "out_of_scope", **message) -> tuple[dict, str]:
    """The form's run with `text` as the answer to the state's requested step: (slots set, bot's words)."""
    tracker = form_run_tracker(state, {state["requested_slot"]: text}, text=text, intent=intent, **message)
    events, messages = await run(FORM, tracker)
    return slots_of(events), texts(messages)


@pytest.mark.parametrize(
    "text, rest",
    [
        ("kan udh sy bilang 2 minggu lalu", "2 minggu lalu"),
        ("udah sy bilang tadi", ""),
        ("kan td udh dibilang", ""),
        ("sudah saya sebutkan di atas", ""),
        ("kan udh sy bilang tadi pagi", "tadi pagi"),
        ("2 minggu lalu", None),
        ("saya bilang jalannya rusak", None),  # no "already": an answer like any other
    ],
)
def test_i_said_it_already_is_taken_out_of_the_answer(text, rest):
    assert already_said(text) == rest


async def test_i_said_it_already_at_the_date_step_is_the_date_not_a_status_check():
    two_weeks = (today() - timedelta(weeks=2)).isoformat()
    slots, bot = await answer(AT_DATE, "kan udh sy bilang 2 minggu lalu", intent="check_status")
    assert slots["tanggal_kejadian"] == two_weeks and slots["requested_slot"] == "lokasi"
    assert "nomor" not in bot.lower()  # no "which tracking number?"


async def test_i_said_it_already_takes_the_date_the_story_told():
    noted = {"tanggal_kejadian": "2026-11-17", "tanggal_teks": "2 minggu lalu"}
    slots, _ = await answer({**AT_DATE, "catatan_awal": noted}, "udah sy bilang tadi", intent="nlu_fallback")
    assert slots["tanggal_kejadian"] == "2026-11-17"  # not today, which "tadi" alone would be
    slots, _ = await answer(AT_DATE, "kan td udh dibilang", intent="nlu_fallback")
    assert slots["tanggal_kejadian"] == (today() - timedelta(days=1)).isoformat()  # "sejak kemarin"
    untold = {**AT_DATE, "isi": "jalan di depan rumah saya berlubang besar, motor sering jatuh"}
    slots, bot = await answer(untold, "kan td udh dibilang", intent="nlu_fallback")
    assert slots["tanggal_kejadian"] is None and "belum saya temukan" in bot


async def test_i_said_it_already_at_the_place_step_takes_the_place_the_story_told():
    noted = {
        "lokasi": "jl. ahmad yani kota bandung",
        "lokasi_kode": "32.73",
        "lokasi_wilayah": "Kota Bandung",
    }
    slots, _ = await answer(
        {**AT_PLACE, "catatan_awal": noted}, "kan udah saya bilang", intent="nlu_fallback"
    )
    assert (slots["lokasi"], slots["lokasi_kode"]) == ("jl. ahmad yani kota bandung", "32.73")


async def test_a_status_check_mid_form_is_still_answered_and_the_step_asked_again(env):
    slots, bot = await answer(
        AT_DATE, "cek status 1916449", intent="check_status", entities=tracking_entity("1916449")
    )
    assert "1916449" in bot and slots["tanggal_kejadian"] is None
    assert slots["requested_slot"] == "tanggal_kejadian"


async def test_no_photo_at_the_place_step_answers_the_evidence_and_asks_the_place_again():
    slots, bot = await answer(AT_PLACE, "ga jadi pake foto", intent="deny")
    assert slots["lokasi"] is None and slots["requested_slot"] == "lokasi"  # not skipped
    assert slots["lampiran_selesai"] is True and said.NO_EVIDENCE_NOTED in bot
    slots, _ = await answer(
        {**AT_PLACE, "requested_slot": "kategori", "lokasi": "-"}, "eh ga jadi pake foto deh"
    )
    assert slots["lampiran_selesai"] is True and slots["requested_slot"] == "kategori"
    # Photos already sent stay: nothing the citizen gave is dropped.
    sent = [{"ref": "a" * 64 + ".jpg", "sha256": "a" * 64}]
    slots, bot = await answer({**AT_PLACE, "lampiran": sent}, "ga jadi pake foto", intent="deny")
    assert slots["lampiran_selesai"] is True and "lampiran" not in slots and "1 berkas" in bot
    assert slots["lokasi"] is None and slots["requested_slot"] == "lokasi"


async def test_a_date_at_the_place_step_is_the_date_and_the_place_is_asked_again():
    slots, bot = await answer({**AT_PLACE, "tanggal_kejadian": None}, "2 minggu lalu")
    assert slots["tanggal_kejadian"] == (today() - timedelta(weeks=2)).isoformat()
    assert slots["lokasi"] is None and slots["requested_slot"] == "lokasi" and "saya catat" in bot


@pytest.mark.parametrize(
    "text, current, kind",
    [
        ("eh ini jadiin pengaduan aja deh", "aspirasi", "pengaduan"),
        ("jadiin aspirasi aja", "pengaduan", "aspirasi"),
        ("sebenarnya sy cuma mau tanya", "pengaduan", "permintaan_informasi"),
        ("ganti jadi permintaan informasi aja", "aspirasi", "permintaan_informasi"),
        ("jadiin aspirasi aja", "aspirasi", None),  # already one
        (
            "saya mau kasih saran supaya jalan di depan sekolah segera diperbaiki dan diberi lampu",
            "pengaduan",
            None,
        ),
    ],
)
def test_a_change_of_kind_is_recognised(text, current, kind):
    assert kind_asked(CitizenMessage("file_aspiration", text), current) == kind


async def test_changing_to_aspirasi_keeps_the_story_and_place_and_goes_on_with_its_steps():
    state = {
        **AT_PLACE,
        **NOTHING_TOLD,
        "lokasi": "jl. dago, kota bandung",
        "lokasi_kode": "32.73",
        "requested_slot": "kategori",
    }
    slots, bot = await answer(state, "jadiin aspirasi aja", intent="file_aspiration")
    assert slots["classification"] == "aspirasi" and "jadikan aspirasi" in bot and "tetap tersimpan" in bot
    assert "isi" not in slots and "lokasi" not in slots  # kept as they were
    assert "tanggal_kejadian" not in slots  # an aspirasi does not ask the date, but the one given stays
    assert "catatan" not in slots  # nothing to confirm, for either kind
    given = {**state, **slots, "kategori": "penerangan-jalan", "kategori_nama": "Penerangan Jalan Umum"}
    shown = summary(make_tracker(given))  # what reaches LAPOR is shown, asked by this kind or not
    assert "Ringkasan aspirasi" in shown and "20 November 2026" in shown and "Penerangan Jalan Umum" in shown
    assert slots["kategori"] == "tidak ditanyakan" and slots["requested_slot"] == "instansi"


async def test_changing_to_a_request_keeps_the_story_as_its_subject():
    slots, bot = await answer(AT_DATE, "sebenarnya sy cuma mau tanya", intent="nlu_fallback")
    assert slots["classification"] == "permintaan_informasi" and "batal" not in bot.lower()
    assert slots["judul"].startswith("Permintaan informasi: Jalan di depan rumah")
    assert slots["tanggal_kejadian"] == "tidak ditanyakan" and slots["requested_slot"] == "instansi"


async def test_changing_from_a_request_to_a_pengaduan_asks_the_reports_steps(env):
    state = {
        "classification": "permintaan_informasi",
        "isi": "data anggaran perbaikan jalan di kota bandung tahun 2025",
        "judul": "Permintaan informasi: Data anggaran perbaikan jalan",
        "requested_slot": "instansi",
        **{
            step: "tidak ditanyakan" for step in ("catatan", "tanggal_kejadian", "lokasi", "lampiran_selesai")
        },
        "kategori": "tidak ditanyakan",
    }
    slots, _ = await answer(state, "eh ini jadiin pengaduan aja deh", intent="file_complaint")
    assert slots["classification"] == "pengaduan" and slots["tujuan"] == "tidak ditanyakan"
    assert slots["judul"] is None and slots["judul_saran"].startswith("Data anggaran")
    # The story names Kota Bandung: it is confirmed next, as for an opening message.
    assert slots["catatan_awal"]["lokasi_kode"] == "32.73" and slots["requested_slot"] == "catatan"


@pytest.mark.parametrize(
    "text", ["ok nanti sy lanjut ya", "besok sy sambung lagi ya kak", "oke nnti dilanjut"]
)
async def test_see_you_later_parks_the_draft_whatever_the_nlu_heard(text):
    state = {**AT_DATE, "requested_slot": "judul", "judul": None, "judul_saran": "Jalan berlubang besar"}
    # A soft "ok ... ya" heard as a yes.
    events, messages = await run(FORM, form_run_tracker(state, {"judul": text}, text=text, intent="affirm"))
    assert slots_of(events).get("judul") is None
    assert [m.get("response") for m in messages][:1] == ["utter_goodbye_draft_kept"]


async def test_a_story_that_says_later_is_no_goodbye():
    state = {**AT_DATE, "requested_slot": "isi", "isi": None}
    text = "lampu jalan mati, nanti malam gelap lagi, tolong dilanjutkan perbaikannya"
    _, messages = await run(FORM, form_run_tracker(state, {"isi": text}, text=text, intent="affirm"))
    assert "utter_goodbye_draft_kept" not in [m.get("response") for m in messages]


@pytest.mark.parametrize(
    "text, yes, no",
    [
        ("tidak pak, terima kasih", False, True),
        ("gak kak makasih", False, True),
        ("iya bu, makasih", True, False),
        ("baik pak", True, False),
        ("nggih", True, False),
        ("tidak ada fotonya", False, False),  # an answer, not a bare no
        ("ya tapi judulnya salah", False, False),
    ],
)
def test_a_yes_or_no_with_courtesies_around_it(text, yes, no):
    message = CitizenMessage("thank", text)  # what the NLU may make of "tidak pak, terima kasih"
    assert (message.yes(), message.no()) == (yes, no)


@pytest.mark.parametrize(
    "text, current, kind",
    [
        ("eh bukan pengaduan deng, saya mau kasih usulan aja biar jalannya dibeton", "pengaduan", "aspirasi"),
        (
            "ga jadi pengaduan, sebenernya saya mau nanya jadwal perbaikan jalan di kota bogor",
            "pengaduan",
            "permintaan_informasi",
        ),
        (
            "bukan aspirasi, saya mau ngadu soal jalan rusak di depan rumah yang sudah lama",
            "aspirasi",
            "pengaduan",
        ),
        # Stories that merely name a kind, or deny something else, are no change of mind.
        (
            "bukan pengaduan pertama, sudah sering kami kirim usulan ke kelurahan tapi jalan tetap rusak",
            "pengaduan",
            None,
        ),
        (
            "usulan warga soal jalan sudah kami ajukan sejak 2023 tapi belum ada informasi dari dinas",
            "pengaduan",
            None,
        ),
        (
            "bukan saya yang mau nanya, tetangga saya yang jalannya rusak parah sekali sejak kemarin",
            "pengaduan",
            None,
        ),
        (
            "minta informasi kapan jalan di depan rumah kami yang rusak parah ini akan diperbaiki ya",
            "pengaduan",
            None,
        ),
    ],
)
def test_a_change_of_kind_in_a_longer_sentence_says_which_kind_it_is_not(text, current, kind):
    assert kind_asked(CitizenMessage("out_of_scope", text), current) == kind


async def test_a_change_of_kind_in_a_longer_sentence_at_the_summary_of_the_story_is_applied():
    told = {"tanggal_kejadian": "2026-11-20", "lokasi": "jl sukasari kota bogor", "lokasi_kode": "32.71"}
    state = {**AT_DATE, "catatan": None, "catatan_awal": told, "judul": None, "requested_slot": "catatan"}
    text = "eh bukan pengaduan deng, saya mau kasih usulan aja biar jalannya dibeton"
    slots, bot = await answer(state, text, intent="file_aspiration")
    assert slots["classification"] == "aspirasi" and "jadikan aspirasi" in bot
    assert "isi" not in slots and slots["requested_slot"] == "catatan"  # the story kept, its summary again


AT_EVIDENCE = {
    **AT_PLACE,
    "tanggal_kejadian": today().isoformat(),
    "lokasi": "-",
    "requested_slot": "lampiran_selesai",
}


async def test_a_date_correction_at_the_evidence_step_changes_the_date_and_asks_for_evidence_again():
    slots, bot = await answer(AT_EVIDENCE, "eh tanggalnya salah, maksud saya kemarin", intent="deny")
    assert slots["tanggal_kejadian"] == (today() - timedelta(days=1)).isoformat()
    assert slots["lampiran_selesai"] is None and slots["requested_slot"] == "lampiran_selesai"  # not skipped
    assert "Tanggal kejadian saya catat" in bot


async def test_a_date_correction_at_the_storys_summary_is_the_date_it_shows_to_confirm():
    noted = {"tanggal_kejadian": today().isoformat(), "tanggal_teks": "hari ini"}
    state = {**AT_DATE, "catatan": None, "catatan_awal": noted, "judul": None, "requested_slot": "catatan"}
    slots, bot = await answer(state, "eh bukan, maksud saya banjirnya kemarin sore", intent="deny")
    yesterday = (today() - timedelta(days=1)).isoformat()
    assert slots["catatan_awal"] == {"tanggal_kejadian": yesterday, "tanggal_teks": "kemarin sore"}
    assert slots["catatan"] is None and slots["requested_slot"] == "catatan"  # not "Ubah": all asked again
    assert "Tanggal kejadian saya catat" in bot
    _, asked = await run(AskCatatan(), make_tracker({**state, **slots}))
    assert "kemarin sore" in texts(asked) and "Benar?" in texts(asked)


async def test_a_title_or_a_place_that_says_bukan_is_no_date_correction(env):
    at_title = {**AT_DATE, "judul": None, "requested_slot": "judul"}
    slots, bot = await answer(at_title, "Jalan rusak bukan main sejak kemarin")
    assert "tanggal_kejadian" not in slots and "Tanggal kejadian saya catat" not in bot
    slots, _ = await answer(AT_PLACE, "bukan di jl merdeka tapi jl sudirman kota bandung")
    assert "tanggal_kejadian" not in slots and slots["lokasi"]
