"""The gateway core against a real Redis and a real (local) HTTP server standing in for Rasa."""

from __future__ import annotations

import asyncio
import json
import unicodedata

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from bot.gateway.conversations import (
    ASSISTANT_UNAVAILABLE,
    BIDI_CONTROLS,
    SHARE_LOCATION,
    SLOW_DOWN,
    Conversations,
    Incoming,
    typed_text,
)
from bot.gateway.limits import MAX_JSON_DEPTH, load_json
from bot.rasa_client import RasaClient, RasaUnavailable
from common import activity, keys
from common.identity import pseudonym as user_ref
from tests.support.activity import facts
from tests.support.fake_rasa import fake_rasa as running_fake_rasa


@pytest.fixture
async def fake_rasa():
    """Rasa's REST channel: echoes the message and records the bodies."""
    async with running_fake_rasa() as fake:
        yield fake.url, fake.received


@pytest.fixture
async def conversations(fake_rasa, redis_async):
    url, _ = fake_rasa
    async with aiohttp.ClientSession() as http:
        yield Conversations(RasaClient(url, http), redis_async, max_text_chars=50)


async def test_relays_with_channel_metadata_and_buttons(conversations, fake_rasa):
    _, received = fake_rasa
    replies = await conversations.handle(Incoming("telegram", "42", "halo", "m1", {"x": 1}))
    assert replies[0].text == "echo halo"
    assert replies[0].buttons[0].payload == "/affirm"
    # Only metadata the gateway vouches for reaches Rasa.
    assert received == [{"sender": "telegram:42", "message": "halo", "metadata": {"channel": "telegram"}}]


async def test_a_conversation_is_recorded_once_per_spell_of_messages(conversations, redis_async):
    for message_id in ("m1", "m1", "m2"):  # a redelivery, then the next message of the same spell
        await conversations.handle(Incoming("telegram", "42", "halo", message_id))
    await conversations.handle(Incoming("whatsapp", "62811", "halo", "w1"))
    silence = await redis_async.ttl(keys.activity_active(user_ref("telegram:42")))
    assert 0 < silence <= activity.CONVERSATION_IDLE_SECONDS
    await redis_async.delete(keys.activity_active(user_ref("telegram:42")))  # as after a long silence
    await conversations.handle(Incoming("telegram", "42", "halo lagi", "m3"))
    telegram = {
        "kind": "conversation_started",
        "conversation": user_ref("telegram:42"),
        "channel": "telegram",
    }
    assert await facts(redis_async, "conversation_started") == [
        telegram,
        {"kind": "conversation_started", "conversation": user_ref("whatsapp:62811"), "channel": "whatsapp"},
        telegram,
    ]


async def test_gateway_payloads_carry_their_checked_metadata(conversations, fake_rasa):
    _, received = fake_rasa
    pin = {"location": {"lat": -6.2, "lon": 106.8}, "x": 1}
    await conversations.handle(Incoming("telegram", "42", SHARE_LOCATION, "m1", pin))
    await conversations.handle(
        Incoming("telegram", "42", SHARE_LOCATION, "m2", {"location": {"lat": 91, "lon": 0}})
    )
    await conversations.handle(Incoming("telegram", "42", "/help", "m3"))
    assert [(b["message"], b["metadata"]) for b in received] == [
        (SHARE_LOCATION, {"location": {"lat": -6.2, "lon": 106.8}, "channel": "telegram"}),
        ("share_location", {"channel": "telegram"}),  # out of range: no pin, so not the payload either
        ("/help", {"channel": "telegram"}),
    ]


async def test_a_button_payload_is_taken_only_from_whom_it_was_offered(conversations, fake_rasa):
    _, received = fake_rasa
    await conversations.handle(Incoming("whatsapp", "628111", "halo", "w1"))  # offers "/affirm"
    await conversations.handle(Incoming("whatsapp", "628111", "/affirm", "w2"))
    await conversations.handle(Incoming("whatsapp", "628222", "/affirm", "w3"))  # never offered to them
    await conversations.handle(Incoming("whatsapp", "628111", '/affirm{"x": 1}', "w4"))  # not as offered
    assert [b["message"] for b in received[1:]] == ["/affirm", "affirm", 'affirm{"x": 1}']


async def test_a_flood_is_answered_once_and_not_relayed(fake_rasa, redis_async):
    url, received = fake_rasa
    async with aiohttp.ClientSession() as http:
        conv = Conversations(RasaClient(url, http), redis_async, messages_per_minute=3)
        answers = [await conv.handle(Incoming("console", "u", f"pesan {i}", str(i))) for i in range(6)]
        other = await conv.handle(Incoming("console", "v", "halo", "v1"))
    assert [b["message"] for b in received] == ["pesan 0", "pesan 1", "pesan 2", "halo"]
    assert [a[0].text for a in answers[3:4]] == [SLOW_DOWN] and answers[4:] == [[], []]
    assert other[0].text == "echo halo"


async def test_redeliveries_and_refused_messages_do_not_use_up_the_rate(fake_rasa, redis_async):
    url, received = fake_rasa
    async with aiohttp.ClientSession() as http:
        conv = Conversations(RasaClient(url, http), redis_async, messages_per_minute=3)
        for _ in range(5):  # a platform redelivering the first message after an outage
            await conv.handle(Incoming("console", "u", "pesan 0", "0"))
        answers = [await conv.handle(Incoming("console", "u", f"pesan {i}", str(i))) for i in range(1, 6)]
    assert [b["message"] for b in received] == ["pesan 0", "pesan 1", "pesan 2"]
    assert answers[2][0].text == SLOW_DOWN
    # Only the three messages taken are counted: the redeliveries and the refusals are not.
    assert await redis_async.zcard(keys.rate_limit("messages", "console:u")) == 3


_NOISE = [
    "/",
    " ",
    "\t",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\xa0",
    "\u3000",
    "\u2060",
    "\u0338",
    "\uff0f",
    "\u2215",
]
_NOISE += ["\u2044", "\u29f8", "\ufe68", "\u00ad", "\n", "\u202e", "\U000e0020"]


@settings(max_examples=400, deadline=None)
@given(
    prefix=st.lists(st.sampled_from(_NOISE) | st.characters(categories=["Cc", "Cf", "Zs", "Mn"]), max_size=8),
    rest=st.text(max_size=20),
)
def test_typed_text_never_reads_as_an_intent(prefix, rest):
    typed = typed_text("".join(prefix) + "/EXTERNAL_status_changed" + rest)
    assert YAMLStoryReader.unpack_regex_message(Message(data={"text": typed})).get("intent") is None
    shown = unicodedata.normalize("NFKC", typed).lstrip()
    assert not shown.startswith("/") and not shown[:1].isspace()
    assert typed_text(typed) == typed


@given(
    st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1),
    st.text(alphabet=st.characters(exclude_characters="".join(map(chr, BIDI_CONTROLS)))),
)
def test_typed_text_leaves_ordinary_text_alone(first, rest):
    assert typed_text(first + rest) == first + rest


def test_typed_text_drops_bidirectional_controls_that_would_reorder_a_report():
    # From the probe: the story reached LAPOR with U+202E, shown reversed to whoever reads it.
    typed = typed_text("\u202eharap perbaiki jalan\u202c di kota bandung ya pak 🙏 \u2067x\u2069")
    assert typed == "harap perbaiki jalan di kota bandung ya pak 🙏 x"


def test_json_depth_is_bounded_whatever_the_depth():
    assert load_json(json.dumps({"a": [{"b": 1}]})) == {"a": [{"b": 1}]}
    for depth in (MAX_JSON_DEPTH + 1, 900, 200_000):
        with pytest.raises(ValueError):
            load_json("[" * depth + "]" * depth)


async def test_duplicate_delivery_is_processed_once(conversations, fake_rasa):
    _, received = fake_rasa
    first = await conversations.handle(Incoming("whatsapp", "628123", "halo", "wamid.1"))
    second = await conversations.handle(Incoming("whatsapp", "628123", "halo", "wamid.1"))
    assert first and second is None
    assert len(received) == 1


async def test_one_users_messages_stay_in_order(conversations, fake_rasa):
    _, received = fake_rasa
    await asyncio.gather(
        conversations.handle(Incoming("console", "u", "lambat", "1")),
        conversations.handle(Incoming("console", "u", "cepat", "2")),
    )
    assert [b["message"] for b in received] == ["lambat", "cepat"]


async def test_over_long_text_gets_a_friendly_refusal(conversations, fake_rasa):
    _, received = fake_rasa
    replies = await conversations.handle(Incoming("console", "u", "x" * 51, "long"))
    assert "terlalu panjang" in replies[0].text and "50" in replies[0].text
    assert received == []


async def test_rasa_down_releases_the_delivery_for_a_retry(redis_async, unused_tcp_port):
    async with aiohttp.ClientSession() as http:
        conv = Conversations(RasaClient(f"http://127.0.0.1:{unused_tcp_port}", http, timeout=2), redis_async)
        msg = Incoming("whatsapp", "628123", "halo", "wamid.2")
        with pytest.raises(RasaUnavailable):
            await conv.handle(msg)
        # The platform's redelivery is not mistaken for a duplicate.
        assert await conv.claim(msg)
        # A channel without platform retries (the delivery was acknowledged) tells the citizen instead.
        told = await conv.respond(Incoming("telegram", "42", "halo", "update-7"))
    assert [m.text for m in told] == [ASSISTANT_UNAVAILABLE] and "gangguan" in told[0].text


def test_user_ref_hides_the_id():
    ref = user_ref("whatsapp:6281234567890")
    assert "6281234567890" not in ref and ref == user_ref("whatsapp:6281234567890")
