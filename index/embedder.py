"""Sentence embeddings with sentence-transformers (E5 prompts "query: " / "passage: ").

Example::

    emb = Embedder("models/multilingual-e5-small")
    q = emb.queries(["co musi wiedzieć grafik?"])   # (1, 384) float32, unit length
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class MissingModel(RuntimeError):
    """The configured embedding model is not there; the message names the fixing command."""


def model_key(model: str) -> str:
    """A stable identity of a model: its id, or for a local folder its name plus a hash of its config files."""
    path = Path(model)
    if not path.exists():
        return model
    h = hashlib.sha256()
    for name in ("config.json", "modules.json", "SOURCE.json", "config_sentence_transformers.json"):
        f = path / name
        if f.exists():
            h.update(f.read_bytes())
    weights = path / "model.safetensors"
    if weights.exists():
        h.update(str(weights.stat().st_size).encode())
    return f"{path.name}@{h.hexdigest()[:12]}"


class Embedder:
    """Loads the model once; encodes questions and passages into normalised float32 vectors."""

    def __init__(self, model: str, batch_size: int = 64) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        looks_local = model.startswith((".", "/")) or os.sep in model and Path(model).parent.exists()
        if looks_local and not (Path(model) / "modules.json").exists():
            raise MissingModel(f"embedding model not found at {model}: run `make setup` (or `doradca model build`)")
        from sentence_transformers import SentenceTransformer

        self.name = model
        self.key = model_key(model)
        self.batch_size = batch_size
        self.model = SentenceTransformer(model, device="cpu")
        self.dim = int(self.model.get_embedding_dimension())

    def _encode(self, texts: list[str], prompt: str, progress: bool) -> np.ndarray:
        kwargs = {"prompt_name": prompt} if prompt in (self.model.prompts or {}) else {}
        vecs = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=progress,
            convert_to_numpy=True, **kwargs,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query", False)

    def passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, "passage", progress)
