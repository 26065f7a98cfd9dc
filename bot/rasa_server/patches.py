"""Hot spots of Rasa 3.6.21 fixed, applied on import (python -m bot.rasa_server run ... imports this).

Found by profiling the benchmark (bench/README.md, "Where the time goes"): the fixes cut Rasa's CPU
per turn to a fifth and the model's load time by two thirds. Each keeps Rasa's behaviour: an invalid
answer still fails with Rasa's own message, trackers are stored as before, and the loaded model
predicts the same numbers (tests/bot/test_rasa_server.py compares each with the code it replaces).

1. Every custom action's answer is checked with `jsonschema.validate(result, schema)`, which first
   re-checks Rasa's large events schema against the JSON-Schema meta-schema: ~60 ms of CPU per
   action call. A validator compiled once (jsonschema-rs) checks the same schema in microseconds;
   an answer it finds invalid goes to Rasa's own check, which explains the fault as before.
2. `RedisTrackerStore.save` merges the stored tracker into the new one by comparing every event
   with every other (`as_dict` each time): quadratic in the conversation's length. Comparing by a
   set of the events' serialised forms gives the same merge in linear time. And before merging,
   `save` rebuilds the whole stored tracker from JSON, every turn: the stored tracker holds every
   session while the one being saved holds only the last, so they always differ and the merge
   always runs. Stored events survive Rasa's JSON round trip unchanged, so the same merge is
   worked out on the serialised events without rebuilding anything; and in the usual turn, where
   the session read back ends the stored events, only the new events are compared.
3. Rebuilding a tracker from JSON looks up each event's class by walking every subclass of `Event`
   (with `inspect.isabstract` on each): most of the cost of reading a tracker. A table finds it.
4. Loading a TensorFlow model (DIETClassifier) first *trains* it on one example, only to create its
   weights before they are overwritten from the model file: tracing that training step is most of
   the load. One eager prediction creates the same weights without a training step.
5. Once the model is loaded, the process holds ~540 000 long-lived objects (TensorFlow's among
   them), and every full garbage collection walks them all: a ~270 ms pause in whichever turn it
   falls. `gc.freeze()` after the load takes them out of the collector's way.
6. Each policy, at each prediction, replays the whole conversation to read its past states: four
   replays a turn. The history is worked out once per turn and carried forward (history.py).
"""

from __future__ import annotations

import gc
import json
from functools import lru_cache
from itertools import takewhile

import jsonschema_rs
import rasa.core.run
import tensorflow as tf
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

from bot.rasa_server import history

# Rasa's own code, kept to fall back on and to compare against in tests.
original_validate = RemoteAction._validate_action_result
original_merge_trackers = RedisTrackerStore._merge_trackers
original_save = RedisTrackerStore.save
original_resolve_by_type = Event.resolve_by_type
original_load_model = RasaModel.load.__func__
original_load_agent_on_start = rasa.core.run.load_agent_on_start
_event_classes: dict[str, type[Event]] = {}


@lru_cache(maxsize=1)
def _action_result_validator() -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(RemoteAction.action_response_format_spec())


def _validate_action_result(self: RemoteAction, result: dict) -> bool:
    if _action_result_validator().is_valid(result):
        return True
    return original_validate(self, result)  # raises with Rasa's own explanation


def _event_key(event: dict) -> str:
    return json.dumps(event, sort_keys=True, default=str)


def _merge_trackers(
    prior_tracker: DialogueStateTracker, tracker: DialogueStateTracker
) -> DialogueStateTracker:
    if not prior_tracker.events:
        return tracker
    past_tracker = tracker.travel_back_in_time(target_time=prior_tracker.events[-1].timestamp)
    if past_tracker.events == prior_tracker.events:
        return tracker
    merged = tracker.init_copy()
    merged.update_with_events(list(prior_tracker.events), override_timestamp=False, domain=None)
    seen = {_event_key(event.as_dict()) for event in merged.events}
    for new_event in tracker.events:
        key = _event_key(new_event.as_dict())
        if key not in seen:
            merged.update(new_event)
            seen.add(key)
    return merged


def _stored_events(stored: list[dict], tracker: DialogueStateTracker) -> list[dict] | None:
    """The events Rasa's `save` stores for `tracker` when `stored` are in Redis, worked out on the
    serialised events as `_merge_trackers` does on rebuilt ones; None when only Rasa's own event
    comparison can tell (as many events travelled back in time as stored, but not the same ones)."""
    events = [event.as_dict() for event in tracker.events]
    if not stored:
        return events
    last_timestamp = stored[-1]["timestamp"]
    past = list(takewhile(lambda event: event["timestamp"] <= last_timestamp, events))
    if past == stored:
        return events
    if past and past == stored[-len(past) :]:
        # The usual turn: Rasa read back only the conversation's last session, which ends the stored
        # events; what follows is new unless already stored (equal in every field, timestamp included).
        new = events[len(past) :]
        timestamps = {event["timestamp"] for event in new}
        return _merged(stored, new, [event for event in stored if event["timestamp"] in timestamps])
    if len(past) == len(stored):
        return None
    return _merged(stored, events, stored)


def _merged(stored: list[dict], events: list[dict], comparable: list[dict]) -> list[dict]:
    """`stored` followed by those of `events` that neither `comparable` (of `stored`) nor an earlier
    one of `events` already holds: Rasa's merge of `_merge_trackers`, on serialised events."""
    merged, seen = list(stored), {_event_key(event) for event in comparable}
    for event in events:
        key = _event_key(event)
        if key not in seen:
            merged.append(event)
            seen.add(key)
    return merged


async def _save(self: RedisTrackerStore, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
    await self.stream_events(tracker)
    if not timeout and self.record_exp:
        timeout = self.record_exp
    key = self.key_prefix + tracker.sender_id
    stored = self.red.get(key)
    events = _stored_events(json.loads(stored)["events"] if stored is not None else [], tracker)
    if events is None:
        merged = self._merge_trackers(self.deserialise_tracker(tracker.sender_id, stored), tracker)
        serialised = self.serialise_tracker(merged)
    else:
        serialised = json.dumps(
            {"events": events, "name": tracker.sender_id}
        )  # as serialise_tracker writes it
    self.red.set(key, serialised, ex=timeout)


def _resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    event_class = _event_classes.get(type_name)
    if event_class is None:
        event_class = original_resolve_by_type(type_name, default)
        if event_class is not None and event_class.type_name == type_name:
            _event_classes[type_name] = event_class
    return event_class


def _load_model(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None = None,
    finetune_mode: bool = False,
    *args,
    **kwargs,
) -> RasaModel:
    if finetune_mode or predict_data_example is None:  # training goes on: Rasa's way builds the optimizer too
        return original_load_model(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
        )
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(
        optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
        run_eagerly=config.get(RUN_EAGERLY),
    )
    batch = next(iter(RasaBatchDataGenerator(predict_data_example, batch_size=1, shuffle=False)))[0]
    model.predict_step(batch)  # eager: creates every weight that prediction uses
    model.load_weights(model_file_name).expect_partial()  # the optimizer's state is not needed
    model.prepared_for_prediction = False  # its label embeddings came from the random weights
    model.run_inference(predict_data_example)  # traces the prediction graph now, as Rasa does
    return model


async def _load_agent_on_start(*args, **kwargs) -> Agent:
    agent = await original_load_agent_on_start(*args, **kwargs)
    gc.freeze()
    return agent


RemoteAction._validate_action_result = _validate_action_result
RasaModel.load = classmethod(_load_model)
RedisTrackerStore._merge_trackers = staticmethod(_merge_trackers)
RedisTrackerStore.save = _save
Event.resolve_by_type = staticmethod(_resolve_event_type)
rasa.core.run.load_agent_on_start = _load_agent_on_start
history.install()
