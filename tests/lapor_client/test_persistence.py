"""The sandbox keeps everything across a restart, and its auto-advance mode moves reports on a timer."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

from lapor_client import LaporClient, LaporSettings
from tests.support import start_sandbox
from tests.support.lapor import new_report, write_sample


async def test_restart_keeps_reports_events_replies_attachments_and_keys(sandbox, lapor, admin, tmp_path):
    photo = write_sample(tmp_path, "foto.jpg", "image/jpeg")
    attachment = await lapor.upload_attachment(photo)
    report_key, reply_key = str(uuid.uuid4()), str(uuid.uuid4())
    created = await lapor.create_report(
        new_report(attachment_ids=(attachment.attachment_id,)), idempotency_key=report_key
    )
    tracking_id = created.tracking_id
    await admin.transition(tracking_id, "verified")
    await admin.clarification(tracking_id, "Mohon sebutkan nama jalannya")
    reply_id = await lapor.post_reply(tracking_id, "Jalan Merdeka", idempotency_key=reply_key)
    report_before = await lapor.get_report(tracking_id)
    feed_before = [e async for e, _ in lapor.iter_events()]
    replies_before = await admin.replies(tracking_id)

    sandbox.restart()

    assert await lapor.get_report(tracking_id) == report_before
    assert [e async for e, _ in lapor.iter_events()] == feed_before
    assert await admin.replies(tracking_id) == replies_before
    assert (
        await lapor.create_report(
            new_report(attachment_ids=(attachment.attachment_id,)), idempotency_key=report_key
        )
        == created
    )
    assert await lapor.post_reply(tracking_id, "Jalan Merdeka", idempotency_key=reply_key) == reply_id
    stored = sandbox.data_dir / "attachments" / attachment.attachment_id
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == attachment.sha256
    # Event ids go on from where they were.
    newer = await lapor.create_report(
        new_report(attachment_ids=(attachment.attachment_id,)), idempotency_key=str(uuid.uuid4())
    )
    assert (await lapor.get_report(newer.tracking_id)).events[0].event_id == feed_before[-1].event_id + 1


async def test_auto_advance_moves_a_report_to_completed(tmp_path):
    sandbox = start_sandbox(tmp_path, "--auto-advance", "0.1")
    try:
        async with LaporClient(LaporSettings(base_url=sandbox.url, token=sandbox.token)) as lapor:
            tracking_id = (await lapor.create_report(new_report(), idempotency_key="demo")).tracking_id
            for _ in range(100):  # a give-up bound, not a timing assertion
                report = await lapor.get_report(tracking_id)
                if report.status == "completed":
                    break
                await asyncio.sleep(0.1)
    finally:
        sandbox.stop()
    assert [e.type for e in report.events] == [
        "status_changed",
        "status_changed",
        "status_changed",
        "clarification_requested",
        "follow_up",
        "closed",
    ]
    assert report.agency.name == "Pemerintah Kota Bandung"  # the report's region is Kota Bandung (32.73)
