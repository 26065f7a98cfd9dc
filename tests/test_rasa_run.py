"""The Rasa hot-spot fixes of bot/rasa_run.py behave exactly like the Rasa code they replace."""
from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_run import _merge_trackers, _validate_action_result, original_merge_trackers
from bot.train import MODEL, ROOT

DOMAIN = Domain.from_yaml("slots:\n  isi:\n    type: text\n    mappings: [{type: custom}]\n")


def tracker(events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("console:uji", events, DOMAIN.slots)


def test_a_valid_action_answer_passes_and_an_invalid_one_fails_with_rasas_message():
    action = RemoteAction("action_uji", None)
    assert _validate_action_result(action, {"events": [{"event": "slot", "name": "isi", "value": "x"}], "responses": []})
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        _validate_action_result(action, {"events": "bukan daftar"})


@pytest.mark.parametrize("split", [0, 2, 4])
def test_merge_matches_rasas_own(split):
    events = [
        SessionStarted(timestamp=1), ActionExecuted("action_listen", timestamp=2),
        UserUttered("halo", {"name": "greet"}, timestamp=3), ActionExecuted("utter_greet", timestamp=4),
        BotUttered("Halo!", timestamp=5), SlotSet("isi", "jalan rusak", timestamp=6),
        SessionStarted(timestamp=7), ActionExecuted("action_listen", timestamp=8),
    ]
    prior, current = tracker(events[:split + 2]), tracker(events[split:])
    ours = _merge_trackers(prior, current)
    rasas = original_merge_trackers(prior, current)
    assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in rasas.events]


PREDICTIONS = """
import asyncio, json, sys
if sys.argv[1] == "ours":
    import bot.rasa_run  # noqa: F401 (its fixes apply on import)
from rasa.core.agent import Agent

agent = Agent.load(sys.argv[2])

async def ranking(text):
    parsed = await agent.parse_message(text)
    return [[r["name"], r["confidence"]] for r in parsed["intent_ranking"]]

print(json.dumps({text: asyncio.run(ranking(text)) for text in json.loads(sys.argv[3])}))
"""
MESSAGES = ["saya mau lapor jalan rusak", "halo min", "cek status #1916449", "gak jadi deh", "iya betul",
            "makasih ya pak", "usul taman kota diperbanyak", "minta info anggaran desa", "laporan saya mana aja",
            "bisa bicara sama petugas?", "kemarin sore", "siapa presiden pertama", "ikuti laporan ini", "👍"]


def predictions(loader: str) -> dict[str, list]:
    result = subprocess.run([sys.executable, "-c", PREDICTIONS, loader, str(MODEL), json.dumps(MESSAGES)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.model
def test_the_model_loaded_without_a_training_step_predicts_exactly_as_rasas_load():
    rasas, ours = predictions("rasa"), predictions("ours")
    assert set(ours) == set(MESSAGES)
    for text in MESSAGES:
        assert [name for name, _ in ours[text]] == [name for name, _ in rasas[text]], text
        assert [c for _, c in ours[text]] == pytest.approx([c for _, c in rasas[text]], abs=1e-6), text
