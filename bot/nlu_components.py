"""The assistant's own NLU component: Rasa's logistic-regression intent classifier, tuned for short chat messages.

Example (bot/config.yml)::

    - name: nlu_components.IntentLogisticRegression
      C: 100
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix
from sklearn.preprocessing import normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentLogisticRegression(LogisticRegressionClassifier):
    """Rasa's ``LogisticRegressionClassifier`` with scikit-learn's regularisation strength ``C`` configurable and
    each message's features scaled to unit length: the count features of a long message (a question after a few
    sentences about oneself) otherwise outweigh its question."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        if float(self.config["C"]) <= 0:
            raise ValueError(f"{name}: C must be > 0, got {self.config['C']}")
        self.clf.C = float(self.config["C"])

    def _create_X(self, messages: list[Message]) -> csr_matrix:
        return normalize(super()._create_X(messages), norm="l2")
