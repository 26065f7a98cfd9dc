"""Whole conversations through the gateway's console channel (REST) against the running stack:
one report of each classification, checked field by field in the LAPOR sandbox afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from lapor_client import SandboxAdmin
from tests.support.console import TRACKING, Citizen

pytestmark = pytest.mark.stack


@pytest.fixture
async def citizen(stack):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as http:
        yield Citizen(http, stack)


@pytest.fixture
async def admin(stack):
    async with SandboxAdmin(stack.sandbox_url) as sandbox_admin:
        yield sandbox_admin


async def test_walking_skeleton_pengaduan_with_photo_place_and_status(citizen, admin):
    tracking_id = await citizen.conversation(
        [
            ("saya mau lapor jalan rusak", "Ceritakan apa yang terjadi"),
            ("Jalan di depan pasar Cicadas berlubang besar, motor sering jatuh", "Usulan judul"),
            ("Jalan berlubang depan Pasar Cicadas", "Kapan kejadiannya"),
            ("kemarin", "Di mana lokasinya"),
            ("jl. cicadas, kota bandung", "bukti"),
            ("<foto>", "Bukti 1 diterima"),
            ("selesai", "kategori"),
            ("/affirm", "berwenang"),
            ("/affirm", "kerahasiaan"),
            ("anonim", "Ringkasan pengaduan"),
            ("/affirm", "Nomor pelacakan"),
        ]
    )
    stored = await admin.report(tracking_id)
    yesterday = (datetime.now(ZoneInfo("Asia/Jakarta")) - timedelta(days=1)).date().isoformat()
    assert stored["classification"] == "pengaduan"
    assert stored["title"] == "Jalan berlubang depan Pasar Cicadas"
    assert stored["body"] == "Jalan di depan pasar Cicadas berlubang besar, motor sering jatuh"
    assert stored["incident_date"] == yesterday
    assert stored["location"]["region_code"] == "32.73"  # Kota Bandung
    assert "cicadas" in stored["location"]["address"].lower()
    assert len(stored["attachment_ids"]) == 1
    assert stored["category_id"] == "jalan-rusak"
    assert stored["agency_id"] == "dpupr-kota-bandung"
    assert (stored["anonymous"], stored["confidential"]) == (True, False)
    assert stored["reporter"]["channel"] == "console"

    status = await citizen.says(f"cek status {tracking_id}")
    assert f"#{tracking_id}" in status and "Belum terverifikasi" in status
    assert tracking_id in await citizen.says("laporan saya")


async def test_aspirasi_with_region_and_agency(citizen, admin):
    tracking_id = await citizen.conversation(
        [
            ("saya mau kasih usulan", "saran atau usulan"),
            ("Tolong tambah lampu penerangan di taman kota supaya aman malam hari", "Usulan judul"),
            ("Lampu taman kota", "wilayah"),
            ("kota denpasar", "berwenang"),
            ("/affirm", "kerahasiaan"),
            ("biasa", "Ringkasan aspirasi"),
            ("/affirm", "Nomor pelacakan"),
        ]
    )
    stored = await admin.report(tracking_id)
    assert stored["classification"] == "aspirasi"
    assert stored["title"] == "Lampu taman kota"
    assert stored["location"]["region_code"] == "51.71"  # Kota Denpasar
    assert "denpasar" in stored["agency_id"]
    assert (stored["anonymous"], stored["confidential"]) == (False, False)


async def test_permintaan_informasi_with_body_and_purpose(citizen, admin):
    tracking_id = await citizen.conversation(
        [
            ("sy mau minta informasi publik", "Informasi apa"),
            (
                "Data anggaran perbaikan jalan tahun 2026 di Kabupaten Banyuasin",
                "Pemerintah Kabupaten Banyuasin",
            ),
            ("/affirm", "Untuk apa"),
            ("untuk penelitian skripsi", "kerahasiaan"),
            ("rahasia", "Ringkasan permintaan informasi"),
            ("/affirm", "Nomor pelacakan"),
        ]
    )
    stored = await admin.report(tracking_id)
    assert stored["classification"] == "permintaan_informasi"
    assert stored["body"].startswith("Data anggaran perbaikan jalan tahun 2026")
    assert "penelitian skripsi" in stored["body"]
    assert "banyuasin" in stored["agency_id"]  # routed by the region the request names
    assert (stored["anonymous"], stored["confidential"]) == (False, True)


async def test_cancel_midway_asks_first_then_says_nothing_was_sent(citizen):
    await citizen.says("saya mau lapor jalan rusak")
    await citizen.says("Lampu jalan di gang kami mati sudah seminggu")
    assert "Isinya akan hilang" in await citizen.says("batal")
    answer = await citizen.says("ya")
    assert "dibatalkan" in answer.lower() and "tidak ada laporan" in answer.lower()
    assert not TRACKING.search(answer)


async def test_a_first_message_with_what_where_when_is_confirmed_in_one_step(citizen, admin):
    """The story's date, place, category and agency are confirmed together: four messages after it."""
    tracking_id = await citizen.conversation(
        [
            (
                "pak jalan di jl. ahmad yani kota bandung berlubang besar sejak kemarin, motor sering jatuh",
                "Saya catat dari cerita Anda",
            ),
            ("iya bener", "bukti"),
            ("ga ada fotonya", "kerahasiaan"),
            ("rahasia", "Ringkasan pengaduan"),
            ("/affirm", "Nomor pelacakan"),
        ]
    )
    stored = await admin.report(tracking_id)
    yesterday = (datetime.now(ZoneInfo("Asia/Jakarta")) - timedelta(days=1)).date().isoformat()
    assert stored["incident_date"] == yesterday
    assert stored["location"]["region_code"] == "32.73"
    assert "ahmad yani" in stored["location"]["address"].lower()
    assert (stored["category_id"], stored["agency_id"]) == ("jalan-rusak", "dpupr-kota-bandung")


async def test_digressions_are_answered_and_the_draft_waits_for_the_citizen(citizen, admin):
    """ "ini bot atau orang?" and small talk are answered, never stored; "nanti sy lanjut" parks the
    draft at its step and the next answer continues it; "judulnya ganti jd X" sets the title; a place
    changed from the summary asks the agency again (a Kuta report must not keep Kota Bandung's)."""
    await citizen.says("saya mau lapor jalan rusak")
    assert "Usulan judul" in await citizen.says("Jalan berlubang besar di depan sekolah, motor sering jatuh")
    answer = await citizen.says("ini bot atau orang?")
    assert "asisten otomatis" in answer and "Usulan judul" in answer
    answer = await citizen.says("ok nanti sy lanjut ya")
    assert "tetap tersimpan" in answer and "Usulan judul" in answer
    assert "Kapan kejadiannya" in await citizen.says("judulnya ganti jd Jalan rusak depan SD 3")
    assert "lokasinya" in (await citizen.says("kemarin")).lower()
    answer = await citizen.says("wah cepet jg ya balesnya, kamu kerja 24 jam ya?")
    assert "asisten otomatis" in answer and "lokasinya" in answer.lower()
    assert "bukti" in await citizen.says("jl. cicadas, kota bandung")
    assert "kategori" in await citizen.says("lewati")
    assert "Dinas Pekerjaan Umum dan Penataan Ruang Kota Bandung" in await citizen.says("/affirm")
    assert "kerahasiaan" in await citizen.says("/affirm")
    assert "Ringkasan" in await citizen.says("rahasia")
    assert "lokasinya" in (await citizen.says("lokasinya salah")).lower()
    assert "Kabupaten Badung" in await citizen.says("jl. pantai kuta, kuta, kabupaten badung")
    assert "Ringkasan" in await citizen.says("/affirm")
    tracking_id = TRACKING.search(await citizen.says("/affirm"))[1]
    stored = await admin.report(tracking_id)
    assert stored["title"] == "Jalan rusak depan SD 3"
    assert stored["location"]["region_code"].startswith("51.03")
    assert stored["agency_id"] == "dpupr-kabupaten-badung"


async def test_answers_the_nlu_misreads_stay_in_the_form_and_a_change_of_kind_keeps_them(citizen, admin):
    """Issue 13: "kan udh sy bilang 2 minggu lalu" (a status check to the NLU) is the date; "ga jadi pake
    foto" at the place step answers the evidence; a category with sub-categories asks which one, typed as
    citizens say it; "jadiin aspirasi aja" keeps the story and what was given."""
    story = "Lampu jalan di gang kami mati, gelap sekali kalau malam"
    tracking_id = await citizen.conversation(
        [
            ("saya mau lapor", "Ceritakan apa yang terjadi"),
            (story, "Usulan judul"),
            ("/affirm", "Kapan kejadiannya"),
            ("kan udh sy bilang 2 minggu lalu", "Di mana lokasinya"),
            ("ga jadi pake foto", "Di mana lokasinya"),
            ("jl. cicadas, kota bandung", "kategori"),  # the evidence was answered: not asked
            ("/deny", "Pilih kategori"),
            ("Infrastruktur", "bagian mana"),
            ("lampu jalan", "berwenang"),
            ("/affirm", "kerahasiaan"),
            ("jadiin aspirasi aja", "kerahasiaan"),
            ("rahasia", "Ringkasan aspirasi"),
            ("/affirm", "Nomor pelacakan"),
        ]
    )
    stored = await admin.report(tracking_id)
    two_weeks_ago = (datetime.now(ZoneInfo("Asia/Jakarta")) - timedelta(weeks=2)).date().isoformat()
    assert (stored["classification"], stored["body"]) == ("aspirasi", story)
    assert (stored["incident_date"], stored["location"]["region_code"]) == (two_weeks_ago, "32.73")
    assert stored["category_id"] == "penerangan-jalan" and stored["attachment_ids"] == []
