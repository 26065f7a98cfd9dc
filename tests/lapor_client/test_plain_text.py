"""Only plain text reaches LAPOR: no markup an officer's browser would run, no control characters."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lapor_client.models import Location, NewReport
from lapor_client.plain_text import file_name, plain


def test_markup_and_control_characters_are_removed_and_words_kept():
    typed = (
        'Jalan <b>rusak</b> <script>alert("x")</script><img src=x onerror=alert(1)> parah'
        "\r\nsejak\x00 2 < 3 minggu"
    )
    assert plain(typed) == "Jalan rusak parah\nsejak 2 < 3 minggu"
    assert plain(typed, multiline=False) == "Jalan rusak parah sejak 2 < 3 minggu"


def test_a_file_name_is_one_harmless_line():
    assert file_name('foto\r\nContent-Type: evil\r\n"a.jpg') == "foto Content-Type: evil 'a.jpg"
    assert file_name("../../etc/<b>passwd</b>") == "passwd"
    assert file_name("\r\n") == "lampiran"


def test_a_report_goes_out_as_plain_text():
    report = NewReport(
        "pengaduan",
        "Lampu <script>x()</script>mati",
        "Isi\x07 <i>cerita</i>",
        date(2026, 11, 1),
        location=Location(address="Jl. <b>Merdeka</b>\r\nBandung"),
    )
    sent = report.to_dict()
    assert (sent["title"], sent["body"], sent["location"]["address"]) == (
        "Lampu mati",
        "Isi cerita",
        "Jl. Merdeka Bandung",
    )


@given(st.text())
def test_nothing_tag_like_or_control_survives(text):
    cleaned = plain(text, multiline=False)
    assert "\r" not in cleaned and "\n" not in cleaned and "\x00" not in cleaned
    assert "<script" not in cleaned.lower()


def test_fullwidth_text_reaches_lapor_as_plain_letters_and_emoji_as_drawn():
    typed = "ｊａｌａｎ ｒｕｓａｋ ｄｉ ｊｌ． ｍｅｒｄｅｋａ ５ 🚧 ℹ️ ™ 👨‍👩‍👧 1️⃣"
    assert plain(typed) == "jalan rusak di jl. merdeka 5 🚧 ℹ️ ™ 👨‍👩‍👧 1️⃣"
    assert plain("𝐣𝐚𝐥𝐚𝐧 𝘳𝘶𝘴𝘢𝘬") == "jalan rusak"  # a "bold" or "italic" font from a keyboard app
    assert plain("luas 20 m², ½ jalan… ﬁlm") == "luas 20 m², ½ jalan… ﬁlm"  # what NFKC would change stays


@given(st.text())
def test_folding_never_lengthens_a_text_past_lapors_limits(text):
    assert len(plain(text)) <= len(text)


def test_a_fullwidth_tag_is_folded_before_tags_are_removed():
    assert "<script" not in plain("＜script＞alert(1)＜/script＞ jalan rusak")
