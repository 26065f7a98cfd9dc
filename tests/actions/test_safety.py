import pytest

from actions.safety import asks_if_bot, is_emergency

EMERGENCIES = [
    "ada kebakaran",
    "ADA KEBAKARAN DI PASAR!!!",
    "tolong ada kecelakaan di depan",
    "banjir masuk rumah sekarang",
    "lagi banjir di rumah saya",
    "ada begal",
    "ada yang dipukuli",
    "toloong ada maling di rumah tetangga",
    "kecelakaan lalu lintas barusan di perempatan",
]
# Past or recurring matters are normal complaints; "banjir lagi" is "flooded again".
COMPLAINTS = [
    "kemarin ada banjir, got mampet",
    "tadi pagi ada tabrakan",
    "tolong perbaiki jalan, sering kecelakaan",
    "jalan rusak rawan kecelakaan tolong diperbaiki",
    "tiap hujan banjir tolong dong",
    "jalan ini banjir lagi",
    "tolong pak lampu jalan mati",
    "di sini banyak maling",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_an_emergency_happening_now_is_recognised(text):
    assert is_emergency(text)


@pytest.mark.parametrize("text", COMPLAINTS)
def test_a_past_or_recurring_matter_is_no_emergency(text):
    assert not is_emergency(text)


@pytest.mark.parametrize(
    "text",
    [
        "ini bot atau orang?",
        "kamu robot?",
        "ini admin beneran?",
        "kamu manusia atau bukan",
        "min ini bot ya?",
        "kamu manusia bukan",
        "ini orang kan?",
        "ini siapa?",
        "Kamu siapa sih min",
    ],
)
def test_asking_who_answers_is_recognised(text):
    assert asks_if_bot(text)


@pytest.mark.parametrize(
    "text",
    [
        "kamu orang bali jg?",
        "wah cepet jg ya balesnya, kamu kerja 24 jam ya?",
        "ini pintu otomatis rusak",
        "bot ini buat apa",
        "ini orang bukan warga sini parkir sembarangan",
        "siapa ini yang buang sampah sembarangan",
        "pak ini mesin pompa air di kampung kami rusak sudah seminggu tidak ada yang memperbaiki bot",
    ],
)
def test_other_messages_are_no_question_about_the_assistant(text):
    assert not asks_if_bot(text)
