"""The two Rasa hot-spot fixes behave exactly like the Rasa code they replace."""
from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_run import _merge_trackers, _validate_action_result, original_merge_trackers

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
