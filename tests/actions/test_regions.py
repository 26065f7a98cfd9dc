from actions.report.places import region_named_in, resolve_place


def test_a_full_address_resolves_to_its_kecamatan():
    answer = resolve_place("Jl. Merdeka 5, Sumur Bandung, Kota Bandung")
    assert answer.place.code == "32.73.19" and "Kota Bandung" in answer.place.path


def test_bandung_alone_asks_kota_or_kabupaten():
    answer = resolve_place("bandung")
    assert answer.place is None
    assert {c.name for c in answer.choices} == {"Kota Bandung", "Kabupaten Bandung"}


def test_a_level_word_settles_it():
    assert resolve_place("kab. bandung").place.code == "32.04"


def test_a_kecamatan_without_level_word_is_found():
    assert resolve_place("pasar minggu").place.code == "31.74.04"


def test_a_province_alone_is_not_enough():
    answer = resolve_place("jawa barat")
    assert answer.place is None and answer.province.name == "Jawa Barat"


def test_no_region_is_said_plainly():
    answer = resolve_place("depan rumah saya")
    assert answer.place is None and not answer.choices and answer.province is None


def test_a_region_named_in_free_text_is_found_and_none_is_invented():
    assert region_named_in("Data anggaran perbaikan jalan tahun 2026 di Kabupaten Banyuasin") == "16.07"
    assert region_named_in("jadwal vaksin di puskesmas kota bandung") == "32.73"
    assert region_named_in("data penerima bansos tahun lalu") is None
