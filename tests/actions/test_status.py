"""Status answers from the real sandbox: full details for the citizen's own reports only."""

from __future__ import annotations

from datetime import datetime, timedelta

from actions.status import LOOKUPS_PER_HOUR, CheckStatus, MyReports, named_tracking_id
from common.clarifications import OpenClarifications
from common.workdays import WIB
from tests.support.actions import file_report, make_tracker, run, texts, tracking_entity


async def status_said(tracking_id: str, sender: str = "console:warga-1") -> str:
    tracker = make_tracker(
        text=f"cek status #{tracking_id}",
        intent="check_status",
        entities=tracking_entity(f"#{tracking_id}"),
        sender=sender,
    )
    return texts((await run(CheckStatus(), tracker))[1])


async def test_own_report_shows_status_agency_follow_up_and_next_step(env, admin):
    tracking_id = await file_report()
    await admin.transition(tracking_id, "verified")
    await admin.transition(tracking_id, "forwarded", agency_id="dpupr-kota-bandung")
    said = await status_said(tracking_id)
    assert "Jalan berlubang di Jl. Merdeka" in said
    assert "Diteruskan ke instansi" in said and "Dinas Pekerjaan Umum dan Penataan Ruang Kota Bandung" in said
    assert "paling lambat" in said and "5 hari kerja" in said

    await admin.follow_up(tracking_id, "Jalan sudah ditambal oleh tim UPT.")
    said = await status_said(tracking_id)
    assert "Sudah ditindaklanjuti" in said and "Jalan sudah ditambal oleh tim UPT." in said
    assert "ditutup selesai pada" in said


async def test_a_new_report_says_when_admins_verify_it(env):
    said = await status_said(await file_report())
    assert "Belum terverifikasi" in said and "Admin LAPOR! memverifikasi" in said


async def test_someone_elses_report_gets_the_public_status_only(env, admin):
    tracking_id = await file_report(sender="telegram:pelapor-lain")
    await admin.transition(tracking_id, "verified")
    said = await status_said(tracking_id, sender="console:warga-1")
    assert "Terverifikasi" in said and "Detail lengkap hanya untuk pelapornya" in said
    assert "Jalan berlubang" not in said and "Instansi" not in said


async def test_an_unknown_number_gets_a_friendly_answer(env):
    said = await status_said("9999999")
    assert "tidak ditemukan" in said and "#9999999" in said


async def test_without_a_number_it_asks_and_offers_own_reports(env):
    tracking_id = await file_report()
    _, messages = await run(CheckStatus(), make_tracker(text="cek status", intent="check_status"))
    assert "nomor laporannya" in texts(messages)
    assert messages[0]["buttons"][0]["payload"] == f'/check_status{{"tracking_id": "{tracking_id}"}}'


async def test_lapor_down_is_said_plainly(env, admin):
    await admin.set_fault("down")
    assert "tidak dapat dihubungi" in await status_said("1234567")


async def test_my_reports_lists_own_reports_with_their_status(env, admin):
    first = await file_report(judul="Lampu jalan mati")
    second = await file_report(judul="Sampah di pasar")
    await admin.transition(first, "verified")
    said = texts((await run(MyReports(), make_tracker(text="laporan saya", intent="my_reports")))[1])
    assert f"#{second} Sampah di pasar: Belum terverifikasi" in said
    assert f"#{first} Lampu jalan mati: Terverifikasi" in said
    other = texts((await run(MyReports(), make_tracker(sender="telegram:orang-lain")))[1])
    assert "belum punya laporan" in other


async def test_looking_up_other_peoples_numbers_is_limited_so_they_cannot_be_walked(env):
    theirs = await file_report(sender="telegram:pelapor-lain")
    for _ in range(LOOKUPS_PER_HOUR):
        assert "Status:" in await status_said(theirs, sender="console:penjelajah")
    assert "banyak nomor laporan" in await status_said(theirs, sender="console:penjelajah")
    assert "banyak nomor laporan" in await status_said("9999999", sender="console:penjelajah")
    # The reporter, and anyone else, is not held back by that.
    assert "Status:" in await status_said(theirs, sender="telegram:pelapor-lain")
    assert "Status:" in await status_said(theirs, sender="console:tetangga")


async def test_an_unanswered_agency_question_is_mentioned_with_its_age(env, admin):
    """Asked two days ago and still waiting: the reporter's status says so; once answered, it does not."""
    tracking_id = await file_report()
    now = datetime.now(WIB)
    await admin.backdate(tracking_id, now - timedelta(days=3))
    await admin.transition(tracking_id, "verified", at=now - timedelta(days=3))
    await admin.transition(
        tracking_id, "forwarded", agency_id="dpupr-kota-bandung", at=now - timedelta(days=3)
    )
    asked = (await admin.clarification(tracking_id, "Mohon kirim foto.", at=now - timedelta(days=2)))[
        "events"
    ][-1]
    questions = OpenClarifications(env)
    await questions.add("console:warga-1", tracking_id, str(asked["event_id"]), asked["message"])
    said = await status_said(tracking_id)
    assert "Ada pertanyaan dari instansi sejak 2 hari lalu yang belum dijawab" in said
    assert "pertanyaan dari instansi" not in await status_said(tracking_id, sender="console:tetangga")

    await questions.remove("console:warga-1", str(asked["event_id"]))
    assert "pertanyaan dari instansi" not in await status_said(tracking_id)


async def grouped_said(text: str, entity: str = "") -> str:
    tracker = make_tracker(
        text=text, intent="check_status", entities=tracking_entity(entity) if entity else []
    )
    return texts((await run(CheckStatus(), tracker))[1])


async def test_a_number_typed_in_groups_is_one_tracking_number(env):
    tracking_id = await file_report()
    dashed = f"{tracking_id[:5]}-{tracking_id[5:]}"
    # The NLU's regex takes the first five digits of "#96035-21" for the number.
    assert f"#{tracking_id}: Jalan berlubang" in await grouped_said(f"cek status #{dashed}", dashed[:5])
    spaced = f"{tracking_id[:4]} {tracking_id[4:]}"  # groups too short for the regex: no entity
    assert f"#{tracking_id}: Jalan berlubang" in await grouped_said(f"cek laporan {spaced}")
    # A whole number stays whole, whatever follows it.
    said = await grouped_said(f"cek status {tracking_id} 12 jam lalu", tracking_id)
    assert f"#{tracking_id}: Jalan berlubang" in said


async def test_a_grouped_number_of_the_wrong_length_asks_for_the_seven_digits(env):
    said = await grouped_said("cek status #96035-213", "96035")
    assert "terdiri dari 7 angka" in said and "tidak ditemukan" not in said


def test_dates_and_amounts_are_no_grouped_tracking_number():
    for text in ["kejadiannya 1-11-2026", "tgl 12-1-2026", "pungli Rp 1.500.000", "hp 0812 3456 7890"]:
        assert named_tracking_id(make_tracker(text=text)) == "", text
