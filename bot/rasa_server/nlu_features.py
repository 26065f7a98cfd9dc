"""A Rasa pipeline step that scales each sparse sentence feature vector to unit length (L2).

Without transformer layers DIET reads a message only through its sentence features: the counts of its
words and character n-grams. Raw counts grow with the message, so a citizen's 30-word story lands far
from every short training example; scaled to unit length, it is judged by the mix of its words
instead. Placed in dialogue/config.yml after the featurizers.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.preprocessing import normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceFeatureNormalizer(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceFeatureNormalizer:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            message.features = [_normalized(features) for features in message.features]
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data


def _normalized(features: Features) -> Features:
    if features.type != FEATURE_TYPE_SENTENCE or features.attribute != TEXT or not features.is_sparse():
        return features
    unit = normalize(features.features, norm="l2").tocoo()
    return Features(unit, features.type, features.attribute, features.origin)
