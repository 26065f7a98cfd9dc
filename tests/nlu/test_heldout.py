"""The held-out NLU files stay unseen by training, and the evaluation tool retrains what it says."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
import yaml
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.local.nlu_eval import CONFIG, MODEL, NLU_DATA, heldout_files, score_model, seeded_config
from bot.rasa_server.nlu_features import SentenceFeatureNormalizer

# The least intent accuracy of the trained model on each held-out file, a little under what DIET's seeds
# 1-3 and 7 gave. The outside-style file stands in for the outside check of real citizens' messages
# (issue 13 asks >= 0.90 there); the files in the team's own style must stay near perfect.
FLOORS = {
    "heldout.yml": 0.97,
    "heldout_fresh.yml": 0.97,
    "heldout_citizens.yml": 0.94,
    "heldout_outside.yml": 0.95,
}


def _texts(path) -> set[str]:
    return {" ".join(m.get("text").lower().split()) for m in load_data(str(path)).intent_examples}


def test_heldout_messages_are_not_in_the_training_data():
    trained = set().union(*(_texts(path) for path in NLU_DATA.glob("*.yml")))
    files = heldout_files()
    assert {path.name for path in files} >= set(FLOORS)
    for path in files:
        assert _texts(path) & trained == set(), path.name


def test_seeded_config_changes_only_diets_seed(tmp_path):
    original = yaml.safe_load(CONFIG.read_text())
    seeded = yaml.safe_load(seeded_config(CONFIG, 3, tmp_path / "config.yml").read_text())
    diet = next(c for c in seeded["pipeline"] if c["name"] == "DIETClassifier")
    assert diet["random_seed"] == 3
    diet["random_seed"] = next(c for c in original["pipeline"] if c["name"] == "DIETClassifier")[
        "random_seed"
    ]
    assert seeded == original


def test_sentence_features_are_scaled_to_unit_length_and_sequences_kept():
    counts = scipy.sparse.coo_matrix(np.array([[3.0, 4.0, 0.0]]))
    message = Message(
        data={TEXT: "jalan rusak jalan"},
        features=[
            Features(counts, FEATURE_TYPE_SENTENCE, TEXT, "CountVectorsFeaturizer"),
            Features(counts, FEATURE_TYPE_SEQUENCE, TEXT, "CountVectorsFeaturizer"),
        ],
    )
    [processed] = SentenceFeatureNormalizer().process([message])
    sentence, sequence = processed.features
    assert np.allclose(sentence.features.toarray(), [[0.6, 0.8, 0.0]])
    assert sentence.origin == "CountVectorsFeaturizer"
    assert np.array_equal(sequence.features.toarray(), counts.toarray())


@pytest.mark.model
def test_the_trained_model_keeps_each_heldout_file_above_its_floor():
    scores = score_model(MODEL, heldout_files())
    below = {name: score.accuracy for name, score in scores.items() if score.accuracy < FLOORS.get(name, 0)}
    assert below == {}
