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
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, vstack
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
        width = getattr(self.clf, "n_features_in_", None)  # None while training
        if width is None:
            return normalize(super()._create_X(messages), norm="l2")
        return normalize(vstack([self._row(m, width) for m in messages], format="csr"), norm="l2")

    def _row(self, message: Message, width: int) -> csr_matrix:
        """One message's features. A message without a word ("", " ", "?") gets no regex features (RegexFeaturizer
        skips a message without tokens), one column short of the model ("X has 7677 features, but LogisticRegression
        is expecting 7678"), and the turn failed: its row is all zeros instead (nothing to read; the intent comes
        from the intercepts). Any other mismatch is a real fault and is raised."""
        row = LogisticRegressionClassifier._create_X(self, [message])
        if row.shape[1] == width:
            return row
        text = message.get(TEXT) or ""
        if not any(c.isalnum() for c in text):
            return csr_matrix((1, width))
        raise ValueError(f"{self.name}: a message has {row.shape[1]} features, the model {width}")
