"""The Rasa assistant's own checks: data validation, NLU on held-out examples, test stories."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from index.config import ROOT

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL = ROOT / "build" / "rasa" / "doradca.tar.gz"
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TQDM_DISABLE": "1",
       "TF_CPP_MIN_LOG_LEVEL": "2", "DORADCA_ACTIONS_PORT": "5055", "DORADCA_TRACKER_DB": ":memory:"}

pytestmark = pytest.mark.skipif(not RASA.exists() or not MODEL.exists(),
                                reason="needs .venv-rasa and a trained model: run `make setup`")


def rasa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(RASA), *args], cwd=ROOT / "bot", env=ENV, capture_output=True, text=True, timeout=900,
                          check=False)


def test_data_validates_without_warnings():
    p = rasa("data", "validate", "--fail-on-warnings")
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]


def test_nlu_intent_accuracy_on_held_out_examples(tmp_path: Path):
    p = rasa("test", "nlu", "--nlu", "tests/nlu_heldout.yml", "--model", str(MODEL), "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr[-3000:]
    report = json.loads((tmp_path / "intent_report.json").read_text())
    error_file = tmp_path / "intent_errors.json"
    errors = json.loads(error_file.read_text()) if error_file.exists() else []
    wrong = [(e["text"], e["intent"], e["intent_prediction"]["name"]) for e in errors]
    assert report["accuracy"] >= 0.9, wrong
    assert report["out_of_scope"]["recall"] >= 0.8, wrong


def test_stories_have_no_prediction_errors(tmp_path: Path):
    p = rasa("test", "core", "--stories", "tests/test_stories.yml", "--model", str(MODEL), "--out", str(tmp_path),
             "--fail-on-prediction-errors")
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
