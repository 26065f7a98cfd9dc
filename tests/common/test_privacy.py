"""NIKs and phone numbers a citizen writes into a report: found, masked, and never logged."""

from __future__ import annotations

import pytest

from common.privacy import mask_personal_numbers, personal_numbers, redact


@pytest.mark.parametrize(
    "text, found",
    [
        ("NIK saya 3273010101010001, tolong dibantu", ["3273010101010001"]),
        ("nik 3273 0101 0101 0001 atas nama ibu saya", ["3273 0101 0101 0001"]),
        ("NIK: 3273.0101.0101.0001", ["3273.0101.0101.0001"]),
        ("hubungi 081234567890 kalau perlu", ["081234567890"]),
        ("wa saya +62 812-3456-7890 ya", ["+62 812-3456-7890"]),
        ("nomor hp 62 812 3456 7890 sore hari", ["62 812 3456 7890"]),
        ("hp 0812-3456-7890, nik 3273010101010001", ["3273010101010001", "0812-3456-7890"]),
    ],
)
def test_niks_and_phone_numbers_are_found_however_they_are_grouped(text, found):
    assert personal_numbers(text) == found
    assert not any(number in redact(text) for number in found)  # the same patterns keep them out of logs


@pytest.mark.parametrize(
    "text",
    ["Jalan berlubang 20 meter sejak 2025", "RT 03 RW 05 No. 14, lebar 3,5 m", "dana desa Rp 150.000.000"],
)
def test_ordinary_numbers_of_a_story_are_not_personal_data(text):
    assert personal_numbers(text) == []
    assert mask_personal_numbers(text) == text


def test_masking_keeps_the_first_and_last_four_digits():
    story = "NIK 3273 0101 0101 0001, HP 0812-3456-7890, WA +6281234567890. Jalan rusak di RT 03."
    assert mask_personal_numbers(story) == (
        "NIK 3273********0001, HP 0812****7890, WA +6281*****7890. Jalan rusak di RT 03."
    )
    assert personal_numbers(mask_personal_numbers(story)) == []


def test_a_pseudonym_whose_hash_has_a_long_run_of_digits_stays_whole_in_a_log_line():
    # The probe's citizen "console:u09" is "u_67973969e1": its 8 digits were redacted as a number.
    line = "turn done channel=console user=u_67973969e1 replies=3, hp 081234567890"
    assert redact(line) == "turn done channel=console user=u_67973969e1 replies=3, hp [nomor]"


@pytest.mark.parametrize(
    "line",
    [
        '{"text": "Budi Santoso", "event": "rest.message.received.timeout"}',
        "{'text': 'Jl Melati 5', 'intent': 'inform'}",
        '{"text": "kata \\"Budi\\" Santoso", "event": "x"}',
    ],
)
def test_a_message_text_quoted_in_a_short_structured_line_is_not_logged(line):
    # The probe found `{"text": "kirim", "event": "rest.message.received.timeout"}` in Rasa's log.
    redacted = redact(line)
    assert "Budi" not in redacted and "Melati" not in redacted and "Santoso" not in redacted
    assert "[teks]" in redacted  # the line itself stays: short enough for the payload rule
