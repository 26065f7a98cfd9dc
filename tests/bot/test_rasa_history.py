"""The history worked out once per turn (bot/rasa_server/history.py) is Rasa's own, event by event."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot.local.train import ROOT
from bot.rasa_server import history

DOMAIN_PATH = str(ROOT / "dialogue" / "domain.yml")
DOMAIN = Domain.load(DOMAIN_PATH)
RULE_ONLY = {"rule_only_slots": ["requested_slot"], "rule_only_loops": ["report_form"]}
# As the policies ask: MemoizationPolicy without rule-only turns, RulePolicy with them.
ASKED = [{}, {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY}, {"rule_only_data": RULE_ONLY}]


def user(intent: str) -> list:
    return [ActionExecuted("action_listen"), UserUttered(intent, {"name": intent})]


# A form's unhappy path, a reverted user message and action, and a restart: Rasa undoes events for each.
UNHAPPY = [
    ActionExecuted("action_session_start"),
    SessionStarted(),
    *user("file_complaint"),
    ActionExecuted("report_form"),
    ActiveLoop("report_form"),
    SlotSet("requested_slot", "isi"),
    *user("greet"),
    ActionExecutionRejected("report_form"),
    ActionExecuted("utter_greet"),
    ActionExecuted("report_form"),
    SlotSet("requested_slot", "isi"),
    *user("inform"),
    ActionExecuted("report_form"),
    SlotSet("isi", "jalan berlubang"),
    SlotSet("requested_slot", "tanggal"),
    *user("help"),
    UserUtteranceReverted(),
    *user("inform"),
    ActionExecuted("report_form"),
    ActionReverted(),
    ActionExecuted("report_form"),
    ActiveLoop(None),
    SlotSet("requested_slot", None),
    ActionExecuted("action_submit_report"),
    Restarted(),
    *user("greet"),
    ActionExecuted("utter_greet"),
]


def conversations() -> list[list]:
    importer = TrainingDataImporter.load_from_dict(
        domain_path=DOMAIN_PATH, training_data_paths=[str(ROOT / "dialogue" / "data")]
    )
    trackers = TrainingDataGenerator(importer.get_stories(), DOMAIN, augmentation_factor=0).generate()
    return [list(t.events) for t in trackers] + [UNHAPPY]


def rasas_own(tracker: DialogueStateTracker, **asked) -> tuple[list, list]:
    fresh = DialogueStateTracker.from_events(tracker.sender_id, list(tracker.events), DOMAIN.slots)
    applied = history.original_applied_events(fresh)
    states = history.original_states_for_tracker_history(DOMAIN, fresh, **asked)
    return applied, states


@pytest.fixture(scope="module")
def installed():
    saved = DialogueStateTracker.applied_events, Domain.states_for_tracker_history
    history.install()
    yield
    DialogueStateTracker.applied_events, Domain.states_for_tracker_history = saved


@pytest.mark.parametrize("events_between_asks", [1, 3, 4])
def test_every_step_of_every_story_and_rule_has_rasas_own_history(installed, events_between_asks):
    stories = conversations()
    assert len(stories) > 20 and any(isinstance(e, ActiveLoop) for story in stories for e in story)
    steps = 0
    for events in stories:
        tracker = DialogueStateTracker("uji", DOMAIN.slots)  # grows as in a turn, asked in between
        for number, event in enumerate(events, 1):
            tracker.update(event)
            if number % events_between_asks and number < len(events):
                continue
            for asked in ASKED:
                applied, states = rasas_own(tracker, **asked)
                assert tracker.applied_events() == applied
                assert tracker.past_states(DOMAIN, **asked) == states
            steps += 1
    assert steps > 400 / events_between_asks


def test_states_handed_out_are_fresh_copies(installed):
    tracker = DialogueStateTracker.from_events("uji", UNHAPPY[:12], DOMAIN.slots)
    first = tracker.past_states(DOMAIN)
    for state in first:  # policies change the states they are given (e.g. drop the user's text)
        for sub_state in state.values():
            sub_state.clear()
    assert tracker.past_states(DOMAIN) == rasas_own(tracker)[1]


def test_the_undone_parts_of_a_form_are_left_out_as_rasa_leaves_them(installed):
    tracker = DialogueStateTracker.from_events("uji", UNHAPPY, DOMAIN.slots)
    applied = tracker.applied_events()
    assert applied == rasas_own(tracker)[0]
    assert [e.action_name for e in applied if isinstance(e, ActionExecuted)] == [
        "action_listen",
        "utter_greet",
    ]
