"""A conversation's history worked out once per turn, not once per policy and prediction (Rasa 3.6.21).

Each prediction makes MemoizationPolicy and RulePolicy ask for the dialogue's past states, and each
asks by replaying the whole conversation into a fresh tracker (`generate_all_prior_trackers`): every
event applied again, every slot copied, the state read at every action. Rasa predicts about twice per
turn, so a turn replays the conversation four times, and each replay first works out which events
count (`applied_events`, which walks back through the events at every form step: quadratic in a form).
The profile of the benchmark put these at a third of Rasa's time per turn (bench/README.md).

A tracker only grows during a turn (events are appended), so both are kept on the tracker and carried
forward by the events that came since: the events that count, folded exactly as Rasa folds them, and
what Rasa reads of each prior tracker (its state, latest action, follow-up action and active loop).
Whenever the tracker changed otherwise (events replaced, a new loop appeared that changes how earlier
events count, a different domain), it is worked out from the start as before. The states handed out
are fresh copies, as Rasa's are: policies change them. tests/bot/test_rasa_server.py compares both with
Rasa's own code, event by event, over the dialogue's stories and rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from rasa.shared.core import constants
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

# Rasa's own code, kept to fall back on and to compare against in tests.
original_applied_events = DialogueStateTracker.applied_events
original_states_for_tracker_history = Domain.states_for_tracker_history

_APPLIED = "_lapor_applied_events"
_PRIOR = "_lapor_prior_turns"


@dataclass
class _Applied:
    events: Any  # the tracker's deque they were folded from
    count: int
    last: Event | None
    loop_names: set[str]
    applied: list[Event]


def _fold(tracker: DialogueStateTracker, events: Any, loop_names: set[str], applied: list[Event]) -> None:
    """Rasa's `applied_events` loop, continued from `applied` (which it changes) over `events`."""
    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)


def _loop_names(events: Any) -> set[str]:
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def applied_events(self: DialogueStateTracker) -> list[Event]:
    events, cache = self.events, self.__dict__.get(_APPLIED)
    count = len(events)
    grown = (
        cache is not None
        and cache.events is events
        and cache.count <= count
        and (cache.count == 0 or events[cache.count - 1] is cache.last)
    )
    new = list(islice(events, cache.count, count)) if grown else []
    if not grown or not _loop_names(new) <= cache.loop_names:
        cache = _Applied(events, 0, None, _loop_names(events), [])
        new = list(events)
        self.__dict__[_APPLIED] = cache
    _fold(self, new, cache.loop_names, cache.applied)
    cache.count, cache.last = count, events[-1] if count else None
    return list(cache.applied)


@dataclass
class _PriorTurn:
    """What `states_for_tracker_history` reads of the tracker before an action (or at the end)."""

    hide_rule_turn: bool
    latest_action: dict | None
    followup_action: str | None
    latest_action_name: str | None
    active_loop_name: str | None
    state: State


@dataclass
class _PriorTurns:
    domain: Domain
    replay: DialogueStateTracker  # the conversation replayed up to the end of `applied`
    applied: list[Event] = field(default_factory=list)
    turns: list[_PriorTurn] = field(default_factory=list)


def _prior_turn(domain: Domain, tracker: DialogueStateTracker, hide_rule_turn: bool) -> _PriorTurn:
    return _PriorTurn(
        hide_rule_turn,
        tracker.latest_action,
        tracker.followup_action,
        tracker.latest_action_name,
        tracker.active_loop_name,
        domain.get_active_state(tracker),
    )


def _prior_turns(tracker: DialogueStateTracker, domain: Domain) -> list[_PriorTurn]:
    """`generate_all_prior_trackers` as what is read of each, carried forward from the last call."""
    applied, cache = tracker.applied_events(), tracker.__dict__.get(_PRIOR)
    if (
        cache is None
        or cache.domain is not domain
        or len(applied) < len(cache.applied)
        or any(seen is not event for seen, event in zip(cache.applied, applied))
    ):
        cache = _PriorTurns(domain, tracker.init_copy())
        tracker.__dict__[_PRIOR] = cache
    for event in islice(applied, len(cache.applied), None):
        if isinstance(event, ActionExecuted):
            cache.turns.append(_prior_turn(domain, cache.replay, event.hide_rule_turn))
        cache.replay.update(event)
    cache.applied = applied
    return [*cache.turns, _prior_turn(domain, cache.replay, False)]


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    if omit_unset_slots:  # only training asks for it
        return original_states_for_tracker_history(
            self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
    copies: dict[int, dict] = {}  # one copy per latest action, shared where Rasa's states share it

    def fresh(state: State) -> State:
        return {
            kind: copies.setdefault(id(sub), dict(sub)) if kind == constants.PREVIOUS_ACTION else dict(sub)
            for kind, sub in state.items()
        }

    # From here on, Rasa's loop over the prior trackers (Domain.states_for_tracker_history).
    states: list[State] = []
    last_ml_action_sub_state = None
    turn_was_hidden = False
    for turn in _prior_turns(tracker, self):
        if ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action_sub_state = turn.latest_action
            if not turn.followup_action and not turn.latest_action_name == turn.active_loop_name:
                turn_was_hidden = turn.hide_rule_turn
            if turn_was_hidden:
                continue
        state = fresh(turn.state)
        if ignore_rule_only_turns:
            self._remove_rule_only_features(state, rule_only_data)
            if states:
                self._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action_sub_state:
                state[constants.PREVIOUS_ACTION] = copies.setdefault(
                    id(last_ml_action_sub_state), dict(last_ml_action_sub_state)
                )
        states.append(self._clean_state(state))
    return states


def install() -> None:
    DialogueStateTracker.applied_events = applied_events
    Domain.states_for_tracker_history = states_for_tracker_history
