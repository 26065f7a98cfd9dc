"""Submitting confirmed reports to the real sandbox, with LAPOR up, down and slow."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import clients
from actions.report.draft import pending_report
from actions.report.form import ValidateReportForm
from actions.report.start import StartReport
from actions.report.steps import fresh_draft
from actions.report.submission import ConfirmAgain, ReportDelivered, SubmitReport
from actions.status import MyReports
from common import keys, outbox
from common.identity import pseudonym as user_ref
from common.media import MediaStore
from common.outbox import DeliveredReport
from common.reports import ReportsStore
from common.settings import media_dir
from tests.support import free_port
from tests.support.actions import JPEG, confirmed_pengaduan, make_tracker, run, slots_of, texts
from tests.support.activity import facts


def tracking_number(said: str) -> str:
    return said.split("Nomor pelacakan: #")[1].split()[0]


async def test_a_confirmed_report_gets_a_tracking_number_from_lapor(env):
    slots = confirmed_pengaduan()
    events, messages = await run(SubmitReport(), make_tracker(slots))
    tracking_id = tracking_number(texts(messages))
    report = await (await clients.lapor()).get_report(tracking_id)
    assert (report.title, report.status, report.category.id) == (slots["judul"], "submitted", "jalan-rusak")
    assert report.category.parent_id == "infrastruktur"  # a sub-category reaches LAPOR as the category
    assert await ReportsStore(env).is_filed_by("console:warga-1", tracking_id)
    assert await env.hlen(outbox.PENDING) == 0
    assert slots_of(events)["isi"] is None and slots_of(events)["idempotency_key"] is None


async def test_a_filing_is_recorded_for_the_dashboard_from_its_start_to_its_number(env):
    events, _ = await run(
        StartReport(), make_tracker(text="mau lapor", intent="file_complaint", sender="telegram:77")
    )
    slots = confirmed_pengaduan(idempotency_key=slots_of(events)["idempotency_key"])
    for _ in range(2):  # a repeated confirmation is neither queued nor filed again
        tracking_id = tracking_number(
            texts((await run(SubmitReport(), make_tracker(slots, sender="telegram:77")))[1])
        )
    citizen = {"conversation": user_ref("telegram:77"), "channel": "telegram"}
    key = slots["idempotency_key"]
    assert await facts(env) == [
        {"kind": "filing_started", "classification": "pengaduan", **citizen},
        {"kind": "report_queued", "outbox_key": key, **citizen},
        {
            "kind": "report_filed",
            "tracking_id": tracking_id,
            "classification": "pengaduan",
            "category_id": "jalan-rusak",
            "agency_id": "dpupr-kota-bandung",
            "region_code": "32.73.19",
            "confidential": "1",
            "outbox_key": key,
            **citizen,
        },
    ]


async def test_submitting_the_same_confirmation_twice_files_once(env):
    slots = confirmed_pengaduan()
    first = tracking_number(texts((await run(SubmitReport(), make_tracker(slots)))[1]))
    second = tracking_number(texts((await run(SubmitReport(), make_tracker(slots)))[1]))
    assert first == second
    assert [r.tracking_id for r in await ReportsStore(env).list_for("console:warga-1")] == [first]


async def test_nothing_is_sent_without_a_confirmation(env):
    events, messages = await run(SubmitReport(), make_tracker(confirmed_pengaduan(konfirmasi=None)))
    assert messages == [] and await env.hlen(outbox.PENDING) == 0
    assert slots_of(events)["classification"] is None


async def test_lapor_down_keeps_the_report_and_delivers_it_later_once(env, admin):
    slots = confirmed_pengaduan(judul="Sampah menumpuk di pasar")
    await admin.set_fault("down")
    _, messages = await run(SubmitReport(), make_tracker(slots))
    assert "akan dikirim otomatis" in texts(messages)
    assert await env.hexists(outbox.PENDING, slots["idempotency_key"])
    assert await outbox.retry_pending(await clients.lapor(), env, clients.media()) == 0  # still down

    await admin.set_fault("none")
    assert await outbox.retry_pending(await clients.lapor(), env, clients.media()) == 1
    delivered = await outbox.sent_report(env, slots["idempotency_key"])
    assert (delivered.sender, delivered.title) == ("console:warga-1", "Sampah menumpuk di pasar")
    assert await ReportsStore(env).is_filed_by("console:warga-1", delivered.tracking_id)
    assert await outbox.retry_pending(await clients.lapor(), env, clients.media()) == 0
    # Announced through the stream the notifier reads, written with the removal from the outbox.
    [(_, [(_, fields)])] = await env.xread({keys.OUTBOX_DELIVERED: "0"})
    assert DeliveredReport.from_json(fields[b"report"]) == delivered

    # The citizen hears the number through the notifier's external intent.
    _, said = await run(
        ReportDelivered(),
        make_tracker(
            text="",
            intent="EXTERNAL_report_delivered",
            entities=[{"entity": "tracking_id", "value": delivered.tracking_id}],
            external=True,
        ),
    )
    assert f"#{delivered.tracking_id}" in texts(said) and "Sampah menumpuk di pasar" in texts(said)


async def test_lapor_slow_answers_the_citizen_in_time_and_never_files_twice(env, admin, monkeypatch):
    monkeypatch.setenv("LAPOR_SUBMIT_WAIT", "0.5")
    await clients.reset()
    slots = confirmed_pengaduan()
    await admin.set_fault("slow", delay=1.5)
    _, messages = await run(SubmitReport(), make_tracker(slots))
    assert "akan dikirim otomatis" in texts(messages)
    await admin.set_fault("none")
    assert await outbox.retry_pending(await clients.lapor(), env, clients.media()) == 1
    # A second send of the same key (e.g. a stale copy) gets the very same report back.
    pending = pending_report(make_tracker(slots))
    again = await (await clients.lapor()).create_report(pending.new_report(), slots["idempotency_key"])
    assert (await outbox.sent_report(env, slots["idempotency_key"])).tracking_id == again.tracking_id


async def test_the_same_photo_sent_by_two_citizens_reaches_lapor_with_both_reports(env, admin):
    stored = await MediaStore(media_dir()).save(
        JPEG, "lubang.jpg"
    )  # a forwarded photo: one file, two reports
    attachment = stored.to_json()
    for sender in ("whatsapp:62811", "telegram:42"):
        slots = confirmed_pengaduan(lampiran=[attachment])
        _, messages = await run(SubmitReport(), make_tracker(slots, sender=sender))
        report = await admin.report(tracking_number(texts(messages)))
        assert len(report["attachment_ids"]) == 1


async def test_a_caption_sent_with_a_photo_reaches_lapor_in_the_report_body(env, admin):
    stored = await MediaStore(media_dir()).save(JPEG, "foto.jpg")
    photo = {**stored.to_json(), "caption": "ini lubangnya, sudah 2 minggu"}
    _, messages = await run(SubmitReport(), make_tracker(confirmed_pengaduan(lampiran=[photo])))
    report = await admin.report(tracking_number(texts(messages)))
    assert report["body"].endswith("Keterangan pada lampiran:\n- foto.jpg: ini lubangnya, sudah 2 minggu")
    assert report["body"].startswith(confirmed_pengaduan()["isi"]) and len(report["attachment_ids"]) == 1


async def test_a_report_lapor_refuses_is_parked_and_explained(env):
    slots = confirmed_pengaduan(kategori="kategori-yang-tidak-ada")
    _, messages = await run(SubmitReport(), make_tracker(slots))
    assert "tidak dapat menerima" in texts(messages)
    assert await env.hexists(outbox.FAILED, slots["idempotency_key"])
    assert await env.hlen(outbox.PENDING) == 0


@pytest.mark.parametrize(
    "classification, extra",
    [
        ("aspirasi", {"lokasi": "-", "instansi": "admin"}),
        ("permintaan_informasi", {"tujuan": "untuk penelitian", "instansi": "kemensos", "privasi": "biasa"}),
    ],
)
async def test_other_classifications_are_filed_too(env, classification, extra):
    slots = confirmed_pengaduan(classification=classification, tanggal_kejadian=None, kategori=None, **extra)
    _, messages = await run(SubmitReport(), make_tracker(slots))
    report = await (await clients.lapor()).get_report(tracking_number(texts(messages)))
    assert report.classification == classification


# --- one draft, one key: every repetition of a confirmation files the same report ---


def a_draft_started(**changes) -> dict:
    """A confirmed draft whose key was fixed when it started, as StartReport does it."""
    started = slots_of(fresh_draft("pengaduan"))
    return confirmed_pengaduan(idempotency_key=started["idempotency_key"], **changes)


async def reports_filed(sender: str = "console:warga-1") -> list[str]:
    return [r.tracking_id for r in await ReportsStore(clients.redis()).list_for(sender)]


async def test_a_draft_has_its_key_from_the_start_and_keeps_it_to_the_confirmation(env):
    events, _ = await run(StartReport(), make_tracker(text="mau lapor", intent="file_complaint"))
    key = slots_of(events)["idempotency_key"]
    assert key and key != slots_of(fresh_draft("pengaduan"))["idempotency_key"]
    confirming = make_tracker(
        confirmed_pengaduan(konfirmasi=None, idempotency_key=key), text="kirim", intent="affirm"
    )
    assert "idempotency_key" not in ValidateReportForm().validate_konfirmasi(
        "kirim", CollectingDispatcher(), confirming, {}
    )


async def test_the_timeout_case_a_resent_kirim_answers_sedang_dikirim_then_the_same_number(
    env, admin, monkeypatch
):
    """The gateway gave up on the confirming turn (RASA_TIMEOUT 3 s, LAPOR slow 5 s): the turn went on
    and its answer was lost; the citizen sends "kirim" again, once while LAPOR is still slow, once after."""
    monkeypatch.setenv("LAPOR_SUBMIT_WAIT", "0.5")
    await clients.reset()
    slots = a_draft_started()
    await admin.set_fault("slow", delay=1.5)
    await run(SubmitReport(), make_tracker(slots))  # its answer never reaches the citizen
    after_the_turn = make_tracker(text="kirim", intent="affirm")  # the draft was cleared by that turn
    _, said = await run(ConfirmAgain(), after_the_turn)
    assert "sedang dikirim" in texts(said)
    await admin.set_fault("none")
    await outbox.retry_pending(await clients.lapor(), env, clients.media())
    _, said = await run(ConfirmAgain(), after_the_turn)
    [filed] = await reports_filed()
    assert tracking_number(texts(said)) == filed


async def test_a_number_promised_while_another_worker_sends_the_report_is_announced_when_it_is_sent(env):
    """A resent "kirim" finds the report being sent by the first turn's action (its outbox lock held): the
    citizen is told the number comes later, so that delivery, not only the notifier's retry, announces it."""
    slots = a_draft_started()
    key = slots["idempotency_key"]
    await outbox.enqueue(env, pending_report(make_tracker(slots)))
    await env.set(keys.outbox_lock(key), "the first turn's action", ex=120)
    _, said = await run(SubmitReport(), make_tracker(slots))
    assert "akan kami kabarkan" in texts(said)
    await env.delete(keys.outbox_lock(key))
    delivered = await outbox.deliver(await clients.lapor(), env, clients.media(), key)  # the first turn's
    [(_, [(_, fields)])] = await env.xread({keys.OUTBOX_DELIVERED: "0"})
    assert DeliveredReport.from_json(fields[b"report"]) == delivered
    assert await env.exists(keys.outbox_promised(key)) == 0


async def test_a_number_promised_after_the_report_was_sent_is_told_at_once(env):
    slots = a_draft_started()
    key = slots["idempotency_key"]
    await outbox.enqueue(env, pending_report(make_tracker(slots)))
    delivered = await outbox.deliver(await clients.lapor(), env, clients.media(), key)
    assert await outbox.promise_number(env, key) == delivered
    assert await env.xlen(keys.OUTBOX_DELIVERED) == 0  # the citizen's own turn said it


async def test_a_crash_after_lapor_filed_it_and_before_the_outbox_knew_files_it_once(env):
    """Kill point: the action server died right after LAPOR took the report. The confirmation is
    repeated (Rasa never saved the turn): same key, so LAPOR answers with the same report."""
    slots = a_draft_started()
    pending = pending_report(make_tracker(slots))
    first = await (await clients.lapor()).create_report(pending.new_report(), slots["idempotency_key"])
    _, said = await run(SubmitReport(), make_tracker(slots))
    assert tracking_number(texts(said)) == first.tracking_id
    assert await reports_filed() == [first.tracking_id]


async def test_a_crash_after_the_outbox_kept_it_and_before_sending_files_it_once(env):
    """Kill point: the report reached the outbox, nothing more. The notifier may send it first, or
    the citizen's repeated confirmation: either way one report."""
    slots = a_draft_started()
    await outbox.enqueue(env, pending_report(make_tracker(slots)))
    assert await outbox.retry_pending(await clients.lapor(), env, clients.media()) == 1
    _, said = await run(SubmitReport(), make_tracker(slots))  # Rasa replays the unsaved turn
    assert [tracking_number(texts(said))] == await reports_filed()


async def test_a_crash_of_the_action_server_mid_submit_leaves_a_confirmed_draft_that_kirim_sends(env):
    """Kill point: Rasa saved the turn without the action's events (the action server died), so the
    draft is still there, confirmed, with the form closed: "kirim" sends it, once."""
    slots = a_draft_started()
    _, said = await run(ConfirmAgain(), make_tracker(slots, text="kirim", intent="affirm"))
    first = tracking_number(texts(said))
    _, said = await run(ConfirmAgain(), make_tracker(slots, text="kirim", intent="affirm"))
    assert tracking_number(texts(said)) == first and await reports_filed() == [first]


async def test_a_yes_after_the_report_was_filed_names_it_as_sent_before_never_as_a_new_filing(env):
    """The probe's citizen at the daily limit answered "benar" and heard "✅ Laporan Anda terkirim!" with
    the fifth report's number, as if the sixth had been filed."""
    slots = a_draft_started(judul="Sampah numpuk di TPS")
    _, said = await run(SubmitReport(), make_tracker(slots))
    filed = tracking_number(texts(said))
    _, said = await run(ConfirmAgain(), make_tracker(text="benar", intent="affirm"))
    again = texts(said)
    assert tracking_number(again) == filed and await reports_filed() == [filed]
    assert '"Sampah numpuk di TPS" sudah terkirim sebelumnya' in again and "terkirim!" not in again


async def test_kirim_with_nothing_confirmed_lately_gets_the_help(env):
    _, said = await run(ConfirmAgain(), make_tracker(text="ya", intent="affirm", sender="console:baru"))
    assert said == [{**said[0], "response": "utter_help"}]


async def test_redis_down_at_the_confirmation_writes_nothing_and_asks_to_send_again(
    env, redis_url, monkeypatch
):
    """Redis is unreachable for longer than the client's retries: the citizen is told it is not saved,
    the confirmed draft stays (no events), and "kirim" once Redis is back files it."""
    slots = a_draft_started()
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    await clients.reset()
    events, said = await run(SubmitReport(), make_tracker(slots))
    assert events == [] and "belum tersimpan" in texts(said)
    monkeypatch.setenv("REDIS_URL", redis_url)
    await clients.reset()
    assert await env.hlen(outbox.PENDING) == 0
    _, said = await run(ConfirmAgain(), make_tracker(slots, text="kirim", intent="affirm"))
    assert [tracking_number(texts(said))] == await reports_filed()


async def test_laporan_saya_lists_a_report_waiting_in_the_outbox(env, admin):
    await admin.set_fault("down")
    await run(SubmitReport(), make_tracker(a_draft_started(judul="Lampu jalan mati")))
    _, said = await run(MyReports(), make_tracker(text="laporan saya", intent="my_reports"))
    assert "• Lampu jalan mati: ⏳ menunggu dikirim ke LAPOR!" in texts(said)
    _, others = await run(MyReports(), make_tracker(text="laporan saya", sender="console:lain"))
    assert "Lampu jalan mati" not in texts(others)
