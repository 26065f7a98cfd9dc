from actions.report.start import CancelReport, StartReport
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


async def test_cancel_clears_the_draft_and_says_nothing_was_sent():
    events, messages = await run(CancelReport(), make_tracker(OLD_DRAFT, active_loop="report_form"))
    slots = slots_of(events)
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    assert slots["isi"] is None and slots["idempotency_key"] is None
    assert messages[0]["response"] == "utter_cancelled"
