"""Submitting confirmed reports to the real sandbox, with LAPOR up, down and slow."""

from __future__ import annotations

import pytest

from actions import clients
from actions.report.draft import pending_report
from actions.report.submission import ReportDelivered, SubmitReport
from common import outbox
from common.media import MediaStore
from common.reports import ReportsStore
from common.settings import media_dir
from tests.support.actions import (
    JPEG,
    confirmed_pengaduan,
    make_tracker,
    run,
    slots_of,
    texts,
)

# The smallest valid JPEG: what a phone photo is to the media store and the sandbox.


def tracking_number(said: str) -> str:
    return said.split("Nomor pelacakan: #")[1].split()[0]


async def test_a_confirmed_report_gets_a_tracking_number_from_lapor(env):
    slots = confirmed_pengaduan()
    events, messages = await run(SubmitReport(), make_tracker(slots))
    tracking_id = tracking_number(texts(messages))
    report = await (await clients.lapor()).get_report(tracking_id)
    assert (report.title, report.status, report.category.id) == (slots["judul"], "submitted", "jalan-rusak")
    assert await ReportsStore(env).is_filed_by("console:warga-1", tracking_id)
    assert await env.hlen(outbox.PENDING) == 0
    assert slots_of(events)["isi"] is None and slots_of(events)["idempotency_key"] is None


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
    assert (
        await outbox.retry_pending(await clients.lapor(), env, clients.media()) == []
    )  # still down: still kept

    await admin.set_fault("none")
    delivered = await outbox.retry_pending(await clients.lapor(), env, clients.media())
    assert [(d.sender, d.title) for d in delivered] == [("console:warga-1", "Sampah menumpuk di pasar")]
    assert await ReportsStore(env).is_filed_by("console:warga-1", delivered[0].tracking_id)
    assert await outbox.retry_pending(await clients.lapor(), env, clients.media()) == []

    # The citizen hears the number through the notifier's external intent.
    _, said = await run(
        ReportDelivered(),
        make_tracker(
            text="",
            intent="EXTERNAL_report_delivered",
            entities=[{"entity": "tracking_id", "value": delivered[0].tracking_id}],
            external=True,
        ),
    )
    assert f"#{delivered[0].tracking_id}" in texts(said) and "Sampah menumpuk di pasar" in texts(said)


async def test_lapor_slow_answers_the_citizen_in_time_and_never_files_twice(env, admin, monkeypatch):
    monkeypatch.setenv("LAPOR_SUBMIT_WAIT", "0.5")
    await clients.reset()
    slots = confirmed_pengaduan()
    await admin.set_fault("slow", delay=1.5)
    _, messages = await run(SubmitReport(), make_tracker(slots))
    assert "akan dikirim otomatis" in texts(messages)
    await admin.set_fault("none")
    first = await outbox.retry_pending(await clients.lapor(), env, clients.media())
    # A second send of the same key (e.g. a stale copy) gets the very same report back.
    pending = pending_report(make_tracker(slots))
    again = await (await clients.lapor()).create_report(pending.new_report(), slots["idempotency_key"])
    assert [d.tracking_id for d in first] == [again.tracking_id]


async def test_evidence_files_are_uploaded_with_the_report(env):
    stored = await MediaStore(media_dir()).save(JPEG, "lubang.jpg")
    attachment = stored.to_json()
    _, messages = await run(SubmitReport(), make_tracker(confirmed_pengaduan(lampiran=[attachment])))
    assert "Nomor pelacakan" in texts(messages)
    assert (media_dir() / "submitted" / stored.ref).exists()


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
