import pytest

from actions.report.start import CancelReport, FileOffered, KeepDraft, NoWrongDoor, StartReport
from tests.support.actions import make_tracker, run, slots_of, texts

OLD_DRAFT = {
    "classification": "aspirasi",
    "isi": "draf lama",
    "lampiran": [{"ref": "lama"}],
    "idempotency_key": "kunci-lama",
}


async def test_a_plain_request_opens_a_fresh_draft_and_asks_everything():
    events, messages = await run(
        StartReport(), make_tracker(OLD_DRAFT, text="saya mau lapor jalan rusak", intent="file_complaint")
    )
    slots = slots_of(events)
    assert slots["classification"] == "pengaduan" and slots["isi"] is None
    assert len(slots["idempotency_key"]) == 32 and slots["lampiran"] == []  # a new draft, a new key
    assert "batal" in texts(messages)


async def test_a_message_that_tells_the_story_keeps_it():
    text = "jln depan rumah sy rusak parah udh 3 bulan ga dibenerin"
    slots = slots_of((await run(StartReport(), make_tracker(text=text, intent="file_complaint")))[0])
    assert slots["isi"] == text


async def test_each_intent_opens_its_classification():
    for intent, classification in [
        ("file_aspiration", "aspirasi"),
        ("request_information", "permintaan_informasi"),
    ]:
        slots = slots_of((await run(StartReport(), make_tracker(text="mau", intent=intent)))[0])
        assert slots["classification"] == classification


async def test_a_photo_out_of_the_blue_opens_a_complaint_for_the_form_to_keep_it():
    photo = {
        "ref": "b" * 64 + ".jpg",
        "filename": "banjir.jpg",
        "content_type": "image/jpeg",
        "size": 10,
        "sha256": "b" * 64,
    }
    events, _ = await run(
        StartReport(),
        make_tracker(
            OLD_DRAFT, text="/share_evidence", intent="share_evidence", metadata={"attachments": [photo]}
        ),
    )
    slots = slots_of(events)
    # The old draft's files are gone; the form, run next in the same turn, takes the new photo.
    assert slots["classification"] == "pengaduan" and slots["lampiran"] == [] and slots["isi"] is None


def buttons_of(message) -> list[str]:
    return [b["payload"] for b in message.get("buttons") or []]


async def test_cancelling_a_draft_with_a_story_asks_first_and_keeps_it():
    events, messages = await run(
        CancelReport(), make_tracker(OLD_DRAFT, intent="cancel", active_loop="report_form")
    )
    slots = slots_of(events)
    assert "Isinya akan hilang" in texts(messages) and buttons_of(messages[0]) == ["/affirm", "/deny"]
    assert slots == {"requested_slot": None, "batal_ditanya": True}  # the draft's own slots untouched
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)


async def test_yes_to_cancelling_drops_the_draft_and_says_nothing_was_sent():
    asked = {**OLD_DRAFT, "batal_ditanya": True}
    events, messages = await run(CancelReport(), make_tracker(asked, text="ya", intent="affirm"))
    slots = slots_of(events)
    assert slots["isi"] is None and slots["idempotency_key"] is None and slots["batal_ditanya"] is None
    assert messages[0]["response"] == "utter_cancelled"


async def test_an_empty_draft_is_cancelled_at_once():
    empty = {"classification": "pengaduan", "idempotency_key": "kunci"}
    events, messages = await run(
        CancelReport(), make_tracker(empty, intent="cancel", active_loop="report_form")
    )
    assert slots_of(events)["idempotency_key"] is None and messages[0]["response"] == "utter_cancelled"


async def test_a_yes_after_the_draft_was_dropped_cancels_nothing():
    events, messages = await run(CancelReport(), make_tracker(text="ya", intent="affirm"))
    assert events == [] and messages[0]["response"] == "utter_nothing_to_cancel"


async def test_no_to_cancelling_takes_the_form_up_at_its_step():
    asked = {**OLD_DRAFT, "batal_ditanya": True}
    events, messages = await run(KeepDraft(), make_tracker(asked, text="tidak", intent="deny"))
    assert slots_of(events) == {"batal_ditanya": None}
    assert {"event": "active_loop", "name": "report_form"} in [
        {"event": e["event"], "name": e.get("name")} for e in events
    ]
    assert "lanjutkan" in texts(messages)


async def test_a_story_the_nlu_took_for_out_of_scope_is_offered_and_filed_on_yes():
    story = "lampu jalan di gang mawar mati semua sudah seminggu gelap"
    events, messages = await run(NoWrongDoor(), make_tracker(text=story, intent="out_of_scope"))
    assert texts(messages) == "Mau saya bantu laporkan ini?" and buttons_of(messages[0]) == [
        "/affirm",
        "/deny",
    ]
    offered = slots_of(events)
    assert offered == {"cerita_tawaran": story}

    events, messages = await run(FileOffered(), make_tracker(offered, text="/affirm", intent="affirm"))
    slots = slots_of(events)
    assert slots["classification"] == "pengaduan" and slots["isi"] == story
    assert slots["judul_saran"].startswith("Lampu jalan") and slots["cerita_tawaran"] is None
    assert events[-1] == {"event": "active_loop", "name": "report_form", "timestamp": None}
    assert "Cerita Anda sudah saya catat" in texts(messages)


@pytest.mark.parametrize(
    "intent, response",
    [
        ("out_of_scope", "utter_out_of_scope"),
        ("help", "utter_help"),
        ("cancel", "utter_nothing_to_cancel"),
        ("nlu_fallback", "utter_default"),
        ("human_handoff", "utter_human_handoff"),
    ],
)
async def test_a_short_message_gets_the_answer_of_its_guess(intent, response):
    events, messages = await run(NoWrongDoor(), make_tracker(text="cuaca besok gimana", intent=intent))
    assert [m.get("response") for m in messages] == [response] and slots_of(events) == {
        "cerita_tawaran": None
    }


async def test_a_yes_after_a_plain_answer_files_nothing(env):
    events, messages = await run(FileOffered(), make_tracker(text="ya", intent="affirm"))
    assert "classification" not in slots_of(events) and messages[0]["response"] == "utter_help"


async def test_an_emergency_gets_the_numbers_first_then_the_offer():
    events, messages = await run(
        NoWrongDoor(), make_tracker(text="tolong ada kebakaran", intent="out_of_scope")
    )
    assert "112" in messages[0]["text"] and "bukan layanan darurat" in messages[0]["text"]
    assert messages[1]["text"] == "Mau saya bantu laporkan ini?"
    # Too short to be the story: the form will ask for it.
    slots = slots_of((await run(FileOffered(), make_tracker(slots_of(events), intent="affirm")))[0])
    assert slots["isi"] is None and slots["classification"] == "pengaduan"


async def test_an_emergency_told_while_starting_a_report_gets_the_numbers_first():
    text = "tolong pak ada kecelakaan di depan pasar, motor ditabrak truk"
    _, messages = await run(StartReport(), make_tracker(text=text, intent="file_complaint"))
    assert "Ambulans 119" in messages[0]["text"] and "pengaduan" in messages[1]["text"]


async def test_a_past_flood_is_a_plain_complaint():
    text = "kemarin ada banjir, got mampet di depan rumah"
    _, messages = await run(StartReport(), make_tracker(text=text, intent="file_complaint"))
    assert "112" not in texts(messages)


async def test_asked_whether_a_bot_answers_it_says_so_and_how_to_reach_a_person():
    events, messages = await run(
        NoWrongDoor(), make_tracker(text="ini bot atau orang?", intent="out_of_scope")
    )
    assert "asisten otomatis (bot)" in messages[0]["text"]
    assert messages[1]["response"] == "utter_human_handoff" and slots_of(events) == {"cerita_tawaran": None}


async def test_the_nlu_takes_kamu_robot_for_human_handoff_and_the_bot_still_says_it_is_one():
    _, messages = await run(NoWrongDoor(), make_tracker(text="kamu robot?", intent="human_handoff"))
    assert (
        "asisten otomatis (bot)" in messages[0]["text"] and messages[1]["response"] == "utter_human_handoff"
    )


async def test_a_citizen_asking_for_a_person_is_not_offered_the_form_instead():
    text = "saya mau bicara langsung dengan petugas soal jalan rusak di kampung"
    events, messages = await run(NoWrongDoor(), make_tracker(text=text, intent="human_handoff"))
    assert [m.get("response") for m in messages] == ["utter_human_handoff"]
    assert slots_of(events) == {"cerita_tawaran": None}


async def test_an_answer_that_is_neither_yes_nor_no_to_cancelling_keeps_the_draft():
    asked = {**OLD_DRAFT, "batal_ditanya": True}
    events, _ = await run(NoWrongDoor(), make_tracker(asked, text="jl merdeka no 5", intent="out_of_scope"))
    assert slots_of(events) == {"batal_ditanya": None}
    assert events[-1]["event"] == "active_loop" and events[-1]["name"] == "report_form"


async def test_an_offered_request_for_information_becomes_a_permintaan_informasi():
    text = "kak mau nanya dong, gimana cara dapetin data APBD kab sumedang 2025?"
    offered = slots_of((await run(NoWrongDoor(), make_tracker(text=text, intent="out_of_scope")))[0])
    events, messages = await run(FileOffered(), make_tracker(offered, text="ya", intent="affirm"))
    slots = slots_of(events)
    assert slots["classification"] == "permintaan_informasi" and slots["isi"] == text
    assert slots["judul"].startswith("Permintaan informasi: ") and "permintaan informasi" in texts(messages)
    assert slots["tanggal_kejadian"] == "tidak ditanyakan"  # a request asks no date


@pytest.mark.parametrize(
    "story, kind",
    [
        ("saya mau kasih usulan biar jalan di komplek kami dibeton semua", "aspirasi"),
        ("mau minta data jumlah penerima bansos PKH di kota bandung tahun 2025", "permintaan_informasi"),
        # Stories that merely tell of asking or proposing stay complaints.
        ("warga sering nanya kapan jalan diperbaiki, rusaknya sudah parah", "pengaduan"),
        ("usulan warga sudah kami ajukan sejak 2023 tapi jalan tetap rusak", "pengaduan"),
    ],
)
async def test_an_offered_story_is_filed_as_the_kind_it_asks_for(env, story, kind):
    events, _ = await run(FileOffered(), make_tracker({"cerita_tawaran": story}, text="ya", intent="affirm"))
    assert slots_of(events)["classification"] == kind
