import pytest

from actions.report.noted import place_told
from actions.report.pins import region_of_pin
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
    assert resolve_place("denpasar barat").place.code == "51.71.03"
    assert resolve_place("denpasarbarat").place.code == "51.71.03"  # typed without its space


@pytest.mark.parametrize("bare", ["sukamaju", "cibeureum", "kebonjeruk", "pasar minggu"])
def test_a_bare_name_that_fits_several_regions_is_asked_never_guessed(bare):
    answer = resolve_place(bare)
    assert answer.place is None and len(answer.choices) >= 2
    assert len({c.path for c in answer.choices}) == len(answer.choices)


def test_a_bare_name_in_the_first_message_is_not_taken_for_the_place():
    # Listening to the first message (report/noted.py) takes only a kabupaten/kota named plainly.
    for story in (
        "jalan rusak di sukamaju kemarin",
        "banjir di kebonjeruk tadi pagi",
        "lampu mati di bandung",
    ):
        assert place_told(story) is None


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


@pytest.mark.parametrize(
    ("lat", "lon", "code"),
    [
        (-6.9147, 107.6098, "32.73"),  # Alun-alun Bandung: Kota Bandung
        (-6.9800, 107.6300, "32.04"),  # Dayeuhkolot, south of the city: Kabupaten Bandung
        (-7.7956, 110.3695, "34.71"),  # Malioboro: Kota Yogyakarta
        (-8.6500, 115.2167, "51.71"),  # Kota Denpasar
        (-2.9800, 104.7500, "16.71"),  # Kota Palembang ("South Sumatra")
        (-6.1754, 106.8272, "31"),  # Monas: GeoNames names no kota in Jakarta, so the province
    ],
)
def test_a_pin_lies_in_its_kemendagri_region(lat, lon, code):
    assert region_of_pin(lat, lon).code == code


def test_a_pin_outside_indonesia_or_far_at_sea_has_no_region():
    assert region_of_pin(1.2903, 103.8519) is None  # Singapore
    assert region_of_pin(-5.0, 90.0) is None  # the Indian Ocean
