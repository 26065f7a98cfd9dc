"""`rasa` with three hot spots of Rasa 3.6.21 fixed; arguments as for `rasa` (python -m bot.rasa_run run ...).

Found by profiling the benchmark (bench/README.md, "Where the time goes"): the first two halve Rasa's
CPU per turn, the third cuts the model's load time by two thirds. Each keeps Rasa's behaviour: an
invalid answer still fails with Rasa's own message, and the loaded model predicts the same numbers.

1. Every custom action's answer is checked with `jsonschema.validate(result, schema)`, which first
   re-checks Rasa's large events schema against the JSON-Schema meta-schema: ~60 ms of CPU per
   action call. One validator built once checks answers the same way in ~4 ms.
2. `RedisTrackerStore.save` merges the stored tracker into the new one by comparing every event
   with every other (`as_dict` each time): quadratic in the conversation's length. Comparing by a
   set of the events' serialised forms gives the same merge in linear time.
3. Loading a TensorFlow model (DIETClassifier) first *trains* it on one example, only to create its
   weights before they are overwritten from the model file: tracing that training step is most of
   the load. One eager prediction creates the same weights without a training step.
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache

import jsonschema
import tensorflow as tf
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

_original_validate = RemoteAction._validate_action_result
original_merge_trackers = RedisTrackerStore._merge_trackers  # kept to compare against in tests
original_load_model = RasaModel.load.__func__


@lru_cache(maxsize=1)
def _action_result_validator() -> jsonschema.protocols.Validator:
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict) -> bool:
    if _action_result_validator().is_valid(result):
        return True
    return _original_validate(self, result)  # raises with Rasa's own explanation


def _event_key(event) -> str:
    return json.dumps(event.as_dict(), sort_keys=True, default=str)


def _merge_trackers(prior_tracker: DialogueStateTracker, tracker: DialogueStateTracker) -> DialogueStateTracker:
    if not prior_tracker.events:
        return tracker
    past_tracker = tracker.travel_back_in_time(target_time=prior_tracker.events[-1].timestamp)
    if past_tracker.events == prior_tracker.events:
        return tracker
    merged = tracker.init_copy()
    merged.update_with_events(list(prior_tracker.events), override_timestamp=False, domain=None)
    seen = {_event_key(event) for event in merged.events}
    for new_event in tracker.events:
        key = _event_key(new_event)
        if key not in seen:
            merged.update(new_event)
            seen.add(key)
    return merged


def _load_model(cls: type[RasaModel], model_file_name: str, model_data_example: RasaModelData,
                predict_data_example: RasaModelData | None = None, finetune_mode: bool = False,
                *args, **kwargs) -> RasaModel:
    if finetune_mode or predict_data_example is None:  # training goes on: Rasa's way builds the optimizer too
        return original_load_model(cls, model_file_name, model_data_example, predict_data_example,
                                   finetune_mode, *args, **kwargs)
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                  run_eagerly=config.get(RUN_EAGERLY))
    batch = next(iter(RasaBatchDataGenerator(predict_data_example, batch_size=1, shuffle=False)))[0]
    model.predict_step(batch)  # eager: creates every weight that prediction uses
    model.load_weights(model_file_name).expect_partial()  # the optimizer's state is not needed
    model.prepared_for_prediction = False  # its label embeddings came from the random weights
    model.run_inference(predict_data_example)  # traces the prediction graph now, as Rasa does
    return model


RemoteAction._validate_action_result = _validate_action_result
RasaModel.load = classmethod(_load_model)
RedisTrackerStore._merge_trackers = staticmethod(_merge_trackers)

if __name__ == "__main__":
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    sys.exit(main())
