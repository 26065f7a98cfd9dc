"""The Rasa hot-spot fixes of bot/rasa_server/patches.py behave exactly like the Rasa code they replace."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from types import SimpleNamespace

import jsonschema
import pytest
import rasa.core.agent
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from bot.local.train import MODEL, ROOT
from bot.rasa_server.patches import (
    _action_result_validator,
    _load_agent_on_start,
    _merge_trackers,
    _resolve_event_type,
    _save,
    _stored_events,
    _validate_action_result,
    original_merge_trackers,
    original_resolve_by_type,
    original_save,
)

DOMAIN = Domain.from_yaml("slots:\n  isi:\n    type: text\n    mappings: [{type: custom}]\n")


def tracker(events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("console:uji", events, DOMAIN.slots)


def test_a_valid_action_answer_passes_and_an_invalid_one_fails_with_rasas_message():
    action = RemoteAction("action_uji", None)
    assert _validate_action_result(
        action, {"events": [{"event": "slot", "name": "isi", "value": "x"}], "responses": []}
    )
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        _validate_action_result(action, {"events": "bukan daftar"})


ANSWERS = [
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "isi", "value": "jalan rusak", "timestamp": None},
            {"event": "active_loop", "name": "report_form"},
            {"event": "followup", "name": "utter_greet"},
        ],
        "responses": [{"text": "Judul?", "buttons": [{"title": "Pakai", "payload": "/affirm"}]}],
    },
    {"events": [{"event": "user", "text": "halo", "parse_data": {"intent": {"name": "greet"}}}]},
    {"events": "bukan daftar"},
    {"events": [{"name": "isi"}]},  # no event type
    {"events": [{"event": "slot", "name": "isi", "timestamp": "kemarin"}]},  # a timestamp must be a number
    {"events": [{"event": "bukan_event"}]},
    {"responses": "bukan daftar"},
]


@pytest.mark.parametrize("answer", ANSWERS)
def test_the_compiled_check_agrees_with_jsonschema(answer):
    schema = RemoteAction.action_response_format_spec()
    assert _action_result_validator().is_valid(answer) == jsonschema.validators.validator_for(schema)(
        schema
    ).is_valid(answer)


@pytest.mark.parametrize("split", [0, 2, 4])
def test_merge_matches_rasas_own(split):
    events = [
        SessionStarted(timestamp=1),
        ActionExecuted("action_listen", timestamp=2),
        UserUttered("halo", {"name": "greet"}, timestamp=3),
        ActionExecuted("utter_greet", timestamp=4),
        BotUttered("Halo!", timestamp=5),
        SlotSet("isi", "jalan rusak", timestamp=6),
        SessionStarted(timestamp=7),
        ActionExecuted("action_listen", timestamp=8),
    ]
    prior, current = tracker(events[: split + 2]), tracker(events[split:])
    ours = _merge_trackers(prior, current)
    rasas = original_merge_trackers(prior, current)
    assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in rasas.events]


def test_event_classes_are_found_as_rasa_finds_them():
    for event_class in all_subclasses(Event):
        assert _resolve_event_type(event_class.type_name) is original_resolve_by_type(event_class.type_name)
        assert _resolve_event_type(event_class.type_name) is original_resolve_by_type(
            event_class.type_name
        )  # cached
    assert _resolve_event_type("topic") is None
    assert _resolve_event_type("bukan_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        _resolve_event_type("bukan_event")


CONVERSATION = [
    SessionStarted(timestamp=1),
    ActionExecuted("action_listen", timestamp=2),
    UserUttered("halo", {"name": "greet"}, timestamp=3),
    ActionExecuted("utter_greet", timestamp=4),
    BotUttered("Halo!", timestamp=5),
    ActionExecuted("action_listen", timestamp=6),
    UserUttered("jalan rusak", {"name": "file_complaint"}, timestamp=7),
    SlotSet("isi", "jalan rusak", timestamp=8),
    ActionExecuted("action_listen", timestamp=9),
]
OTHER_SERVER = [  # what another Rasa server stored for the same conversation meanwhile
    SessionStarted(timestamp=1),
    ActionExecuted("action_listen", timestamp=2),
    UserUttered("halo", {"name": "greet"}, timestamp=3),
    ActionExecuted("utter_greet", timestamp=4),
    BotUttered("Halo juga!", timestamp=5.5),
    ActionExecuted("action_listen", timestamp=6.5),
]
LAST_SESSION = [  # what Rasa stores for a new conversation: the channel's metadata, then the session
    SlotSet("session_started_metadata", {"channel": "console"}, timestamp=0.5),
    ActionExecuted("action_session_start", timestamp=0.6),
    SessionStarted(timestamp=0.7),
    ActionExecuted("action_listen", timestamp=0.8),
]


@pytest.mark.parametrize(
    "stored, saved, merged",
    [
        (None, CONVERSATION, False),  # a new conversation
        (CONVERSATION[:4], CONVERSATION, False),  # the stored tracker plus new events
        (CONVERSATION, CONVERSATION, False),  # saved again unchanged
        (
            LAST_SESSION,
            LAST_SESSION[1:] + CONVERSATION[4:],
            True,
        ),  # the usual turn: Rasa reads back the last session only
        (CONVERSATION[:2] + [SlotSet("isi", "lain", timestamp=2.5)], CONVERSATION, True),  # diverged
        (OTHER_SERVER, CONVERSATION[:6], True),  # as many events stored as saved up to then, other ones
        (CONVERSATION, CONVERSATION[:5], True),  # an older state saved over a newer one
    ],
    ids=["new", "continues", "unchanged", "last-session", "diverged", "interleaved", "older"],
)
async def test_save_stores_what_rasas_save_stores(redis_proc, redis_sync, stored, saved, merged):
    def store(prefix: str) -> RedisTrackerStore:
        return RedisTrackerStore(DOMAIN, host=redis_proc.host, port=redis_proc.port, key_prefix=prefix)

    results = []
    for prefix, save in (("rasa", original_save), ("ours", _save)):
        tracker_store = store(prefix)
        if stored is not None:
            await original_save(tracker_store, tracker(stored))
        await save(tracker_store, tracker(saved))
        results.append(json.loads(redis_sync.get(f"{prefix}:tracker:console:uji")))
    assert results[0] == results[1]
    assert (results[1]["events"] != [event.as_dict() for event in saved]) is merged


def test_a_usual_turn_is_stored_without_rebuilding_the_stored_tracker():
    """The shortcut is taken for a realistic turn (parse data, entities, slots), not only correct."""
    turn = LAST_SESSION[1:] + [
        UserUttered(
            "cek status #1916449",
            {"name": "check_status", "confidence": 0.98},
            [{"entity": "tracking_id", "value": "1916449", "start": 11, "end": 19}],
            timestamp=10,
        ),
        ActionExecuted("action_check_status", policy="RulePolicy", confidence=1.0, timestamp=11),
    ]
    stored = json.loads(json.dumps(tracker(LAST_SESSION).as_dialogue().as_dict()))["events"]
    assert _stored_events(stored, tracker(turn)) == stored + [event.as_dict() for event in turn[3:]]
    assert _stored_events(stored[1:], tracker(turn)) == [event.as_dict() for event in turn]


PREDICTIONS = """
import asyncio, json, sys
if sys.argv[1] == "ours":
    import bot.rasa_server.patches  # noqa: F401 (its fixes apply on import)
from rasa.core.agent import Agent

agent = Agent.load(sys.argv[2])

async def ranking(text):
    parsed = await agent.parse_message(text)
    return [[r["name"], r["confidence"]] for r in parsed["intent_ranking"]]

print(json.dumps({text: asyncio.run(ranking(text)) for text in json.loads(sys.argv[3])}))
"""
MESSAGES = [
    "saya mau lapor jalan rusak",
    "halo min",
    "cek status #1916449",
    "gak jadi deh",
    "iya betul",
    "makasih ya pak",
    "usul taman kota diperbanyak",
    "minta info anggaran desa",
    "laporan saya mana aja",
    "bisa bicara sama petugas?",
    "kemarin sore",
    "siapa presiden pertama",
    "ikuti laporan ini",
    "👍",
]


def predictions(loader: str) -> dict[str, list]:
    result = subprocess.run(
        [sys.executable, "-c", PREDICTIONS, loader, str(MODEL), json.dumps(MESSAGES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.model
def test_the_model_loaded_without_a_training_step_predicts_exactly_as_rasas_load():
    rasas, ours = predictions("rasa"), predictions("ours")
    assert set(ours) == set(MESSAGES)
    for text in MESSAGES:
        assert [name for name, _ in ours[text]] == [name for name, _ in rasas[text]], text
        assert [c for _, c in ours[text]] == pytest.approx([c for _, c in rasas[text]], abs=1e-6), text


async def test_the_loaded_model_is_kept_out_of_the_garbage_collectors_way(monkeypatch):
    loaded = object()

    async def load_agent(**kwargs):  # Rasa's loader; the model itself is not the point here
        return loaded

    monkeypatch.setattr(rasa.core.agent, "load_agent", load_agent)
    app = SimpleNamespace(ctx=SimpleNamespace())
    try:
        assert await _load_agent_on_start(str(MODEL), None, None, app, None) is loaded
        assert app.ctx.agent is loaded and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


async def test_an_erasure_leaves_only_the_conversation_after_it(redis_url, redis_sync):
    """Rasa saves the whole tracker after the erasure action: the store must drop what came before, the
    earlier sessions kept only in Redis included."""
    from bot.rasa_server.stores import UrlRedisTrackerStore
    from common import keys

    store = UrlRedisTrackerStore(DOMAIN, host=redis_url, key_prefix="rasa")
    await store.save(tracker(CONVERSATION))  # an earlier session, with the citizen's words
    erasing = LAST_SESSION[1:] + [
        UserUttered("hapus data saya", {"name": "delete_my_data"}, timestamp=20),
        SlotSet("isi", "NIK 3273010101010001", timestamp=20.5),
        ActionExecuted("utter_confirm_delete_my_data", timestamp=21),
        ActionExecuted("action_listen", timestamp=22),
        UserUttered("ya", {"name": "affirm"}, timestamp=23),
        ActionExecuted("action_delete_my_data", timestamp=24),
        BotUttered("Data Anda sudah dihapus.", timestamp=25),
        ActionExecuted("action_listen", timestamp=26),
    ]
    await store.save(tracker(erasing))

    stored = redis_sync.get(keys.rasa_tracker("console:uji")).decode()
    assert not any(
        words in stored for words in ("jalan rusak", "halo", "hapus data saya", "3273010101010001")
    )
    kept = await store.retrieve("console:uji")
    assert kept.get_slot("isi") is None
    assert [e.as_dict()["event"] for e in kept.events] == ["bot", "action"]
    # The next turn is stored as usual after it.
    await store.save(tracker(list(kept.events) + [UserUttered("halo lagi", {"name": "greet"}, timestamp=30)]))
    assert "halo lagi" in redis_sync.get(keys.rasa_tracker("console:uji")).decode()
