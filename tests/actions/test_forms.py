"""Every step of the report form, validated as the action server would (ValidateReportForm)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.report.dates import today
from actions.report.draft import pending_report, summary
from actions.report.pins import lies_abroad
from actions.report.questions import (
    AskInstansi,
    AskJudul,
    AskKategori,
    AskKonfirmasi,
    AskLampiranSelesai,
    AskLokasi,
    AskTanggalKejadian,
)
from actions.report.routing import find_topic
from common.identity import pseudonym as user_ref
from tests.support.actions import (
    DOMAIN,
    FORM,
    confirmed_pengaduan,
    form_run_tracker,
    make_tracker,
    run,
    slots_of,
    texts,
    validate,
)
from tests.support.activity import facts

# --- which steps each classification asks ---


@pytest.mark.parametrize(
    "classification, steps",
    [
        # A pengaduan asks every step of the domain's form but the purpose of a request.
        ("pengaduan", [s for s in DOMAIN["forms"]["report_form"]["required_slots"] if s != "tujuan"]),
        ("aspirasi", ["isi", "catatan", "judul", "lokasi", "instansi", "privasi", "konfirmasi"]),
        ("permintaan_informasi", ["isi", "instansi", "tujuan", "privasi", "konfirmasi"]),
    ],
)
async def test_each_classification_asks_only_its_steps(classification, steps):
    tracker = make_tracker({"classification": classification})
    assert await FORM.required_slots([], CollectingDispatcher(), tracker, DOMAIN) == steps


async def test_the_form_asks_the_next_missing_step_after_a_valid_answer():
    text = "Lampu jalan di gang kami mati, gelap sekali"
    events, _ = await run(FORM, form_run_tracker({"classification": "pengaduan"}, {"isi": text}, text=text))
    slots = slots_of(events)
    assert slots["isi"] == text and slots["judul_saran"] == "Lampu jalan di gang kami mati"
    assert slots["catatan"] == "tidak ditanyakan"  # it tells no date and no place: nothing to confirm
    assert slots["requested_slot"] == "judul"


async def test_each_step_the_form_asks_is_recorded_for_the_dashboard(env):
    text = "Lampu jalan di gang kami mati, gelap sekali"
    await run(FORM, form_run_tracker({"classification": "pengaduan"}, {"isi": text}, text=text))
    await run(FORM, form_run_tracker({"classification": "pengaduan"}, {"isi": "mati"}, text="mati"))
    assert await facts(env, "step_asked") == [
        {
            "kind": "step_asked",
            "step": "judul",
            "conversation": user_ref("console:warga-1"),
            "channel": "console",
        },
        {
            "kind": "step_asked",
            "step": "isi",
            "conversation": user_ref("console:warga-1"),
            "channel": "console",
        },
    ]


async def test_evidence_sent_at_any_step_is_kept_and_acknowledged():
    attachment = {
        "ref": "a" * 64 + ".jpg",
        "filename": "lubang.jpg",
        "content_type": "image/jpeg",
        "size": 2048,
        "sha256": "a" * 64,
    }
    tracker = form_run_tracker(
        {"classification": "pengaduan", "requested_slot": "isi", "lampiran": []},
        {},
        intent="share_evidence",
        text="/share_evidence",
        metadata={"attachments": [attachment]},
    )
    events, messages = await run(FORM, tracker)
    assert slots_of(events)["lampiran"] == [attachment]
    assert "Bukti 1 diterima: lubang.jpg" in texts(messages)


async def test_a_pin_is_taken_as_the_location():
    tracker = form_run_tracker(
        {"classification": "pengaduan", "requested_slot": "lokasi"},
        {},
        intent="share_location",
        text="/share_location",
        metadata={"location": {"lat": -6.9147, "lon": 107.6098}},
    )
    events, messages = await run(FORM, tracker)
    slots = slots_of(events)
    assert slots["lokasi_titik"] == {"lat": -6.9147, "lon": 107.6098}
    assert slots["lokasi"].startswith("Titik peta") and slots["requested_slot"] != "lokasi"
    assert slots["lokasi_kode"] == "32.73"  # the routing's region: Kota Bandung
    assert "Lokasi diterima: Kota Bandung, Jawa Barat." in texts(messages)


# --- isi and judul ---


async def test_a_too_short_story_is_asked_again():
    slots, said = await validate("isi", "rusak")
    assert slots == {"isi": None} and "lebih lengkap" in said


async def test_an_information_request_gets_its_title_without_asking():
    slots, _ = await validate(
        "isi", "Saya minta rincian APBDes Sukamaju tahun 2025", {"classification": "permintaan_informasi"}
    )
    assert slots["judul"].startswith("Permintaan informasi: ")


async def test_the_suggested_title_is_accepted_with_a_yes():
    slots, _ = await validate("judul", "/affirm", {"judul_saran": "Jalan berlubang"}, intent="affirm")
    assert slots == {"judul": "Jalan berlubang"}


async def test_a_typed_title_replaces_the_suggestion():
    slots, _ = await validate("judul", "Jalan Merdeka berlubang", {"judul_saran": "Jalan berlubang"})
    assert slots == {"judul": "Jalan Merdeka berlubang"}


async def test_a_no_to_the_suggestion_asks_for_a_title():
    slots, _ = await validate("judul", "tidak", {"judul_saran": "Jalan berlubang"}, intent="deny")
    assert slots == {"judul": None, "judul_saran": None}


# --- tanggal ---


async def test_yesterday_is_read():
    slots, _ = await validate("tanggal_kejadian", "kemarin")
    assert slots["tanggal_kejadian"] == (today() - timedelta(days=1)).isoformat()


async def test_a_future_date_is_refused():
    slots, said = await validate("tanggal_kejadian", "besok")
    assert slots["tanggal_kejadian"] is None and "masa depan" in said


async def test_an_unreadable_date_is_explained():
    slots, said = await validate("tanggal_kejadian", "pokoknya waktu itu")
    assert slots["tanggal_kejadian"] is None and "Contoh" in said


async def test_a_very_old_date_is_checked_then_accepted():
    slots, _ = await validate("tanggal_kejadian", "1 januari 2020")
    assert slots == {"tanggal_kejadian": None, "tanggal_lama": "2020-01-01"}
    confirmed, _ = await validate(
        "tanggal_kejadian", "/affirm", {"tanggal_lama": "2020-01-01"}, intent="affirm"
    )
    assert confirmed == {"tanggal_kejadian": "2020-01-01", "tanggal_lama": None}


async def test_the_old_date_question_shows_the_date():
    _, messages = await run(AskTanggalKejadian(), make_tracker({"tanggal_lama": "2020-01-01"}))
    assert "Rabu, 1 Januari 2020" in texts(messages) and messages[0]["buttons"]


# --- lokasi ---


async def test_a_full_address_is_resolved():
    slots, _ = await validate("lokasi", "Jl. Merdeka 5, Sumur Bandung, Kota Bandung")
    assert slots["lokasi_kode"] == "32.73.19" and slots["lokasi"].startswith("Jl. Merdeka")


async def test_an_ambiguous_place_is_asked_with_buttons_then_chosen():
    slots, _ = await validate("lokasi", "jl dago bandung")
    assert slots["lokasi"] is None and len(slots["lokasi_pilihan"]["choices"]) == 2
    _, messages = await run(AskLokasi(), make_tracker({"lokasi_pilihan": slots["lokasi_pilihan"]}))
    assert {b["payload"] for b in messages[0]["buttons"]} >= {
        "Kota Bandung, Jawa Barat",
        "Kabupaten Bandung, Jawa Barat",
    }
    chosen, _ = await validate("lokasi", "kota", {"lokasi_pilihan": slots["lokasi_pilihan"]})
    assert chosen == {"lokasi": "jl dago bandung", "lokasi_kode": "32.73", "lokasi_pilihan": None}


@pytest.mark.parametrize("typed", ["sukamaju", "cibeureum", "kebonjeruk", "sukamaju, kabupaten bandung"])
async def test_a_name_several_regions_share_is_always_asked_each_button_its_own(typed):
    slots, _ = await validate("lokasi", typed)
    pending = slots["lokasi_pilihan"]
    assert slots["lokasi"] is None and len(pending["choices"]) >= 2
    _, messages = await run(AskLokasi(), make_tracker({"lokasi_pilihan": pending}))
    payloads = [b["payload"] for b in messages[0]["buttons"] if b["payload"] != "/deny"]
    assert len(set(payloads)) == len(payloads) == len(pending["choices"])
    # Tapping the last button stores that region, not the first one of the same name.
    chosen, _ = await validate("lokasi", payloads[-1], {"lokasi_pilihan": pending})
    assert chosen["lokasi_kode"] == pending["choices"][-1]["code"] and chosen["lokasi"] == typed


async def test_a_name_several_choices_share_typed_again_chooses_none():
    slots, _ = await validate("lokasi", "sukamaju, kabupaten bandung")
    again, _ = await validate("lokasi", "sukamaju", {"lokasi_pilihan": slots["lokasi_pilihan"]})
    assert again["lokasi"] is None and "lokasi_kode" not in again


async def test_an_informal_city_name_is_read_through_the_nlu_synonym():
    slots, _ = await validate(
        "lokasi", "depan stasiun tugu jogja", entities=[{"entity": "wilayah", "value": "Kota Yogyakarta"}]
    )
    assert slots["lokasi_kode"] == "34.71"


async def test_a_province_alone_asks_for_the_kabupaten():
    slots, said = await validate("lokasi", "jawa barat")
    assert slots["lokasi"] is None and "kabupaten/kota mana di Jawa Barat" in said


async def test_the_location_can_be_skipped():
    slots, _ = await validate("lokasi", "lewati", intent="deny")
    assert slots["lokasi"] == "-"


# --- bukti ---


async def test_evidence_step_ends_with_done():
    slots, _ = await validate("lampiran_selesai", "selesai", intent="affirm")
    assert slots == {"lampiran_selesai": True}


async def test_text_at_the_evidence_step_asks_for_a_file():
    slots, said = await validate("lampiran_selesai", "fotonya nanti ya")
    assert slots == {"lampiran_selesai": None} and "kirim foto" in said


async def test_wrong_types_and_too_many_files_are_refused_one_by_one():
    kept = [{"ref": f"{i}" * 64 + ".jpg", "sha256": f"{i}" * 64} for i in range(1, 5)]
    files = [
        {
            "ref": "f" * 64 + ".exe",
            "filename": "virus.exe",
            "content_type": "application/x-msdownload",
            "size": 10,
            "sha256": "f" * 64,
        },
        {
            "ref": "e" * 64 + ".jpg",
            "filename": "lima.jpg",
            "content_type": "image/jpeg",
            "size": 10,
            "sha256": "e" * 64,
        },
        {
            "ref": "d" * 64 + ".jpg",
            "filename": "enam.jpg",
            "content_type": "image/jpeg",
            "size": 10,
            "sha256": "d" * 64,
        },
    ]
    tracker = form_run_tracker(
        {"classification": "pengaduan", "lampiran": kept, "requested_slot": "lampiran_selesai"},
        {},
        intent="share_evidence",
        metadata={"attachments": files},
    )
    events, messages = await run(FORM, tracker)
    said = texts(messages)
    assert len(slots_of(events)["lampiran"]) == 5
    assert "virus.exe tidak bisa dilampirkan" in said and "Bukti 5 diterima: lima.jpg" in said
    assert "Maksimal 5 lampiran; enam.jpg" in said


async def test_the_evidence_question_counts_what_came():
    _, messages = await run(AskLampiranSelesai(), make_tracker({"lampiran": [{"ref": "x"}, {"ref": "y"}]}))
    assert "Sudah 2 bukti" in texts(messages)


# --- routing ---


@pytest.mark.parametrize(
    "story, topic",
    [
        (
            "pipa PDAM bocor di jl sukajadi kota bandung airnya muncrat ke jalan",
            None,
        ),  # was "bantuan pendidikan"
        ("dana PIP anak saya belum cair", "bantuan pendidikan"),
        ("kartu KIP kuliah saya ditolak", "bantuan pendidikan"),
        ("kipas angin di puskesmas mati", "puskesmas"),
        ("imbas proyek galian, air sumur warga keruh", None),
        ("IMB rumah saya belum keluar 3 bulan", "perizinan"),
        # "izin lapor pak" is a courtesy, not a permit
        ("izin lapor pak, parkir liar di depan pasar bikin macet", "parkir liar"),
        ("mohon izin, bansos tidak tepat sasaran di desa kami", "bantuan sosial"),
        ("izin usaha saya ditolak tanpa alasan", "perizinan"),
    ],
)
def test_a_short_keyword_or_a_courtesy_never_makes_the_topic(story, topic):
    found = find_topic(story)
    assert (found.category if found else None) == topic


async def test_category_is_suggested_from_the_story_and_accepted(env):
    tracker = make_tracker({"isi": "Jalan di depan rumah berlubang besar dan aspalnya mengelupas"})
    events, messages = await run(AskKategori(), tracker)
    suggestion = slots_of(events)["kategori_saran"]
    assert suggestion["id"] == "jalan-rusak" and "Jalan Rusak" in texts(messages)
    slots, _ = await validate("kategori", "/affirm", {"kategori_saran": suggestion}, intent="affirm")
    assert slots == {"kategori": "jalan-rusak", "kategori_nama": "Jalan Rusak"}


async def test_another_category_can_be_picked_by_name(env):
    slots, _ = await validate(
        "kategori", "/deny", {"kategori_saran": {"id": "jalan-rusak", "name": "Jalan Rusak"}}, intent="deny"
    )
    assert slots == {"kategori": None, "kategori_saran": {}}
    _, messages = await run(AskKategori(), make_tracker({"kategori_saran": {}}))
    assert "Infrastruktur" in {b["title"] for b in messages[0]["buttons"]}
    picked, _ = await validate("kategori", "Pungutan Liar", {"kategori_saran": {}})
    assert picked == {"kategori": "pungutan-liar", "kategori_nama": "Pungutan Liar"}


async def test_a_category_with_sub_categories_asks_which_one(env):
    picked, _ = await validate("kategori", "Kesehatan", {"kategori_saran": {}})
    assert picked == {"kategori": None, "kategori_nama": None, "kategori_saran": {"parent_id": "kesehatan"}}
    _, messages = await run(AskKategori(), make_tracker({"kategori_saran": picked["kategori_saran"]}))
    buttons = {b["title"]: b["payload"] for b in messages[0]["buttons"]}
    assert "Kesehatan" in texts(messages) and buttons["BPJS Kesehatan"] == "BPJS Kesehatan"
    assert buttons["Lainnya (Kesehatan)"] == "Kesehatan" and len(set(buttons.values())) == len(buttons)
    pending = {"kategori_saran": {"parent_id": "kesehatan"}}
    sub, _ = await validate("kategori", "BPJS Kesehatan", pending)
    assert sub == {"kategori": "bpjs-kesehatan", "kategori_nama": "BPJS Kesehatan"}
    for whole in ("Kesehatan", "lainnya aja"):
        itself, _ = await validate("kategori", whole, pending)
        assert itself == {"kategori": "kesehatan", "kategori_nama": "Kesehatan"}


@pytest.mark.parametrize(
    "typed, category",
    [("lampu jalan", "penerangan-jalan"), ("jalan berlubang", "jalan-rusak"), ("parkir liar", "parkir-liar")],
)
async def test_a_category_typed_as_citizens_say_it_is_found(env, typed, category):
    picked, _ = await validate("kategori", typed, {"kategori_saran": {}})
    assert picked["kategori"] == category


async def test_routing_can_be_left_to_lapor_admins(env):
    slots, _ = await validate("kategori", "tidak tahu", {"kategori_saran": {}}, intent="deny")
    assert slots == {"kategori": "admin", "kategori_nama": None}


async def test_the_agency_is_suggested_from_story_and_region(env):
    tracker = make_tracker({"isi": "Lampu jalan (PJU) di gang kami mati semua", "lokasi_kode": "32.73.19"})
    events, messages = await run(AskInstansi(), tracker)
    assert slots_of(events)["instansi_saran"]["id"] == "dpupr-kota-bandung"
    assert "Dinas Pekerjaan Umum" in texts(messages)


async def test_an_information_request_is_routed_to_the_region_it_names(env):
    tracker = make_tracker(
        {
            "classification": "permintaan_informasi",
            "isi": "Data anggaran perbaikan jalan tahun 2026 di Kabupaten Banyuasin",
        }
    )
    events, messages = await run(AskInstansi(), tracker)
    assert "banyuasin" in slots_of(events)["instansi_saran"]["id"]
    assert "Banyuasin" in texts(messages)


async def test_an_agency_named_without_its_region_means_the_local_one(env):
    slots, _ = await validate(
        "instansi", "dinas kesehatan", {"lokasi_kode": "32.73.19", "instansi_saran": {}}
    )
    assert slots == {"instansi": "dinkes-kota-bandung", "instansi_nama": "Dinas Kesehatan Kota Bandung"}


async def test_an_unknown_agency_is_explained(env):
    slots, said = await validate("instansi", "dinas perhubungan antariksa", {"instansi_saran": {}})
    assert slots == {"instansi": None} and "tidak saya temukan" in said


# --- tujuan, privasi ---


async def test_purpose_is_kept():
    slots, _ = await validate(
        "tujuan", "untuk penelitian skripsi", {"classification": "permintaan_informasi"}
    )
    assert slots == {"tujuan": "untuk penelitian skripsi"}


@pytest.mark.parametrize("text, intent", [("lewati", "deny"), ("skip", "out_of_scope"), ("ok", "affirm")])
async def test_a_skipped_purpose_is_asked_again_not_sent_as_the_purpose(text, intent):
    # The probe's "lewati" reached LAPOR as "Tujuan penggunaan: lewati".
    slots, said = await validate("tujuan", text, {"classification": "permintaan_informasi"}, intent=intent)
    assert slots == {"tujuan": None} and "wajib" in said


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("rahasia", "out_of_scope", "rahasia"),
        ("anonim aja", "out_of_scope", "anonim"),
        ("biasa", "affirm", "biasa"),
        ("lewati", "deny", "rahasia"),
        ("terserah", "out_of_scope", "rahasia"),
    ],
)
async def test_privacy_choices_default_to_the_safer_one(text, intent, expected):
    slots, _ = await validate("privasi", text, intent=intent)
    assert slots == {"privasi": expected}


async def test_an_unclear_privacy_answer_lists_the_choices():
    slots, said = await validate("privasi", "hmm gimana ya")
    assert slots == {"privasi": None} and "Rahasia, Anonim, atau Biasa" in said


# --- summary, confirmation and changes ---


async def test_the_summary_shows_every_step_with_send_change_cancel():
    _, messages = await run(AskKonfirmasi(), make_tracker(confirmed_pengaduan(konfirmasi=None)))
    said = texts(messages)
    for part in (
        "Judul: Jalan berlubang",
        "(Sumur Bandung, Kota Bandung, Jawa Barat)",
        "Tanggal kejadian: Jumat, 20 November 2026",
        "Kategori: Jalan Rusak",
        "Instansi tujuan: Dinas PUPR",
        "🔒 Rahasia",
    ):
        assert part in said
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny", "/cancel"]


async def test_confirming_keeps_the_key_the_draft_started_with():
    slots, _ = await validate("konfirmasi", "/affirm", {"idempotency_key": "kunci-lama"}, intent="affirm")
    assert slots["konfirmasi"] is True and "idempotency_key" not in slots


async def test_change_asks_which_step_then_clears_it():
    slots, _ = await validate("konfirmasi", "/deny", intent="deny")
    assert slots == {"konfirmasi": None, "sedang_ubah": True}
    _, messages = await run(
        AskKonfirmasi(), make_tracker({"classification": "aspirasi", "sedang_ubah": True})
    )
    assert [b["title"] for b in messages[0]["buttons"]] == ["Isi", "Judul", "Lokasi", "Instansi", "Privasi"]
    chosen, _ = await validate("konfirmasi", "ubah lokasi", {"sedang_ubah": True})
    assert chosen["lokasi"] is None and chosen["lokasi_kode"] is None and chosen["sedang_ubah"] is None


async def test_a_step_can_be_named_directly_from_the_summary():
    slots, _ = await validate("konfirmasi", "ganti tanggalnya")
    assert slots["tanggal_kejadian"] is None and slots["konfirmasi"] is None


async def test_the_title_question_offers_the_suggestion():
    _, messages = await run(AskJudul(), make_tracker({"judul_saran": "Jalan berlubang"}))
    assert "Jalan berlubang" in texts(messages) and messages[0]["buttons"][0]["payload"] == "/affirm"


@pytest.mark.parametrize("abroad", [{"lat": 48.8566, "lon": 2.3522}, {"lat": 1.2903, "lon": 103.8519}])
async def test_a_pin_abroad_is_refused_kindly_and_the_location_asked_again(abroad):
    told = {"isi": "jalan berlubang besar di depan sekolah", "catatan": "tidak ditanyakan"}
    at_place = {"classification": "pengaduan", **told, "judul": "Jalan berlubang", "tanggal_kejadian": "-"}
    tracker = form_run_tracker(
        {**at_place, "requested_slot": "lokasi"},
        {},
        intent="share_location",
        text="/share_location",
        metadata={"location": abroad},  # Paris; Singapore, across the strait from Batam
    )
    events, messages = await run(FORM, tracker)
    slots = slots_of(events)
    assert "lokasi_titik" not in slots and slots.get("lokasi") is None and slots["requested_slot"] == "lokasi"
    assert "di luar Indonesia" in texts(messages) and "Lokasi diterima" not in texts(messages)


def test_a_pin_in_batam_or_at_sea_is_not_abroad():
    assert not lies_abroad(1.1301, 104.0529)  # Batam
    assert not lies_abroad(-5.0, 110.0)  # the Java Sea, far from any town


async def test_a_pin_sent_later_keeps_the_typed_address_and_adds_its_point():
    typed = {"lokasi": "kampung melayu jakarta timur", "lokasi_kode": "31.75.03.1001"}
    pin = {"lat": -6.225, "lon": 106.865}  # GeoNames names only the province here: DKI Jakarta
    state = {**confirmed_pengaduan(**typed), "lampiran_selesai": None, "requested_slot": "lampiran_selesai"}
    tracker = form_run_tracker(
        state, {}, intent="share_location", text="/share_location", metadata={"location": pin}
    )
    events, messages = await run(FORM, tracker)
    slots = slots_of(events)
    assert slots["lokasi_titik"] == pin and slots["lokasi_kode"] == "31.75.03.1001" and "lokasi" not in slots
    assert "Alamat yang Anda tulis tetap saya catat" in texts(messages)
    draft = make_tracker({**state, **slots})
    sent = pending_report(draft).report["location"]
    assert sent["address"].startswith("kampung melayu jakarta timur (Kampung Melayu, Jatinegara")
    assert (sent["lat"], sent["lon"], sent["region_code"]) == (-6.225, 106.865, "31.75.03.1001")
    assert "kampung melayu jakarta timur" in summary(draft) and "titik peta (-6.22500, 106.86500)" in summary(
        draft
    )


async def test_a_pin_elsewhere_than_the_typed_address_replaces_it():
    typed = {"lokasi": "kampung melayu jakarta timur", "lokasi_kode": "31.75.03.1001"}
    state = {**confirmed_pengaduan(**typed), "lampiran_selesai": None, "requested_slot": "lampiran_selesai"}
    bandung = {"lat": -6.9147, "lon": 107.6098}
    tracker = form_run_tracker(
        state, {}, intent="share_location", text="/share_location", metadata={"location": bandung}
    )
    slots = slots_of((await run(FORM, tracker))[0])
    assert slots["lokasi"].startswith("Titik peta") and slots["lokasi_kode"] == "32.73"
    assert pending_report(make_tracker({**state, **slots})).report["location"]["address"] is None
