"""Sentence embeddings (E5 prompts "query: " / "passage: ") through one of three backends.

- ``onnx-int8`` (default): the model exported to ONNX with int8 weights (``doradca model build``), run by
  onnxruntime; texts tokenised by sentencepiece after the model's own normaliser (``PieceTokenizer``: the fast
  tokenizer's ids); no torch at serving time, ~5x faster per question.
- ``onnx``: the same graph in fp32.
- ``torch``: sentence-transformers on torch, fp32 (any local folder or model id).

Example::

    emb = Embedder("models/multilingual-e5-small")            # backend="onnx-int8"
    q = emb.queries(["co musi wiedzieć grafik?"])   # (1, 384) float32, unit length
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from tqdm import tqdm

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class MissingModel(RuntimeError):
    """The configured embedding model is not there; the message names the fixing command."""


BACKENDS = ("onnx-int8", "onnx", "torch")
DEFAULT_BACKEND = "onnx-int8"


def model_key(model: str, backend: str = DEFAULT_BACKEND) -> str:
    """A stable identity of a model and backend: the model id, or for a local folder its name plus a hash of its
    config files; vectors of one key are not comparable with another's (an index records it)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    suffix = "" if backend == "torch" else f"+{backend}"
    path = Path(model)
    if not path.exists():
        return model + suffix
    h = hashlib.sha256()
    for name in ("config.json", "modules.json", "SOURCE.json", "config_sentence_transformers.json"):
        f = path / name
        if f.exists():
            h.update(f.read_bytes())
    weights = [path / "model.safetensors"]
    if backend != "torch":
        from .onnx_export import onnx_path

        weights.append(onnx_path(path, backend))  # a new export (other quantisation) makes other vectors
    for w in weights:
        if w.exists():
            h.update(str(w.stat().st_size).encode())
    return f"{path.name}@{h.hexdigest()[:12]}{suffix}"


class Embedder:
    """Loads the model once; encodes questions and passages into normalised float32 vectors."""

    # 8: int8 onnxruntime on 2 cores encodes as many texts/s in batches of 8 as of 16 once a batch holds texts of
    # the same number of pieces (bench/backend_bench.py prints passages/s by batch size), and the vectors stay
    # closer to fp32's: the int8 model's activation scale is computed per batch, so a vector depends a little on
    # its batch (in batches of 16, 18 of the 20 retrieval-dev questions kept fp32's first passage, 19 of 20 in
    # batches of 8 or 12, the test's floor; 16 of 20 in batches of 32).
    def __init__(self, model: str, batch_size: int = 8, backend: str = DEFAULT_BACKEND) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.name = model
        self.backend = backend
        self.key = model_key(model, backend)  # validates the backend
        self.batch_size = batch_size
        looks_local = model.startswith((".", "/")) or (os.sep in model and Path(model).parent.exists())
        if looks_local and not (Path(model) / "modules.json").exists():
            raise MissingModel(f"embedding model not found at {model}: run `make setup` (or `doradca model build`)")
        if backend == "torch":
            self._encoder: _Encoder = _TorchEncoder(model)
        else:
            self._encoder = _OnnxEncoder(Path(model), backend)
        self.dim = self._encoder.dim

    def queries(self, texts: list[str], progress: str | None = None) -> np.ndarray:
        """``progress``: a label to show a progress bar under (None: no bar)."""
        return self._encode(texts, "query", progress)

    def passages(self, texts: list[str], progress: str | None = None) -> np.ndarray:
        return self._encode(texts, "passage", progress)

    def _encode(self, texts: list[str], prompt: str, progress: str | None) -> np.ndarray:
        vecs = self._encoder.encode(texts, prompt, self.batch_size, progress)
        return np.ascontiguousarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)


class _Encoder(Protocol):
    dim: int

    def encode(self, texts: list[str], prompt: str, batch_size: int, progress: str | None) -> np.ndarray: ...


class _TorchEncoder:
    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(model, device="cpu")
        self.dim = int(self.model.get_embedding_dimension())  # type: ignore[arg-type]  # None only for models without a pooling layer

    def encode(self, texts: list[str], prompt: str, batch_size: int, progress: str | None) -> np.ndarray:
        kwargs: dict[str, Any] = {"prompt_name": prompt} if prompt in (self.model.prompts or {}) else {}
        return self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                 show_progress_bar=progress is not None,
                                 convert_to_numpy=True, **kwargs)


class _OnnxEncoder:
    """The exported graph (pooling and normalisation included) on onnxruntime; texts tokenised by sentencepiece."""

    def __init__(self, folder: Path, backend: str) -> None:
        import onnxruntime as ort

        from .onnx_export import onnx_path

        path = onnx_path(folder, backend)
        if not path.exists():
            raise MissingModel(f"the {backend} model is not at {path}: run `doradca model build` (or `make setup`)")
        options = ort.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        # onnxruntime's threads otherwise spin-wait after each run, taking the cores from what runs next (the
        # resolver's trees, faiss): bench/search_bench.py's cold hybrid p50 26.8 -> 21.0 ms without spinning
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # onnxruntime's warnings about unused initialisers are noise here
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = PieceTokenizer(folder)
        st_config = folder / "config_sentence_transformers.json"
        self.prompts: dict[str, str] = (json.loads(st_config.read_text(encoding="utf-8")).get("prompts") or {}
                                        if st_config.exists() else {})
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], prompt: str, batch_size: int, progress: str | None) -> np.ndarray:
        prefix = self.prompts.get(prompt, "")
        pieces = [self.tokenizer.ids(prefix + t) for t in texts]
        # texts of the same number of pieces share a batch: on the full corpus 2.24 M padded tokens instead of
        # 2.67 M when sorted by characters; 1.15x the passages/s in batches of 8 (docs/figures.md, "The knowledge base")
        order = sorted(range(len(texts)), key=lambda i: len(pieces[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # at most one update a second: a build's log (CI, systemd) gets ~500 updates, not one per batch
        with tqdm(total=len(texts), disable=progress is None, desc=progress, unit="text", mininterval=1.0) as bar:
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                ids, mask = self.tokenizer.padded([pieces[i] for i in rows])
                out[rows] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
                bar.update(len(rows))
        return out


class PieceTokenizer:
    """The model's tokenizer with sentencepiece: its normaliser (``normalizer.json``), then the unigram pieces
    (``tokenizer.model``), then ``<s> ... </s>``, cut at the model's length. Gives the fast tokenizer's ids."""

    def __init__(self, folder: Path) -> None:
        import sentencepiece
        from tokenizers import Tokenizer

        from .onnx_export import NORMALIZER, ONNX_DIR, TOKENIZER

        files = folder / ONNX_DIR
        if not (files / TOKENIZER).exists():
            raise MissingModel(f"the tokenizer is not at {files / TOKENIZER}: run `doradca model build`")
        self.pieces = sentencepiece.SentencePieceProcessor(model_file=str(files / TOKENIZER))
        self.normalizer = Tokenizer.from_file(str(files / NORMALIZER)).normalizer
        config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        self.max_length = int(config.get("model_max_length", 512))
        self.bos, self.eos, self.pad = self.pieces.bos_id(), self.pieces.eos_id(), self.pieces.pad_id()

    def ids(self, text: str) -> list[int]:
        normal = self.normalizer.normalize_str(text)
        # Metaspace prepends the word mark only when the text does not start with a space already
        pieces = self.pieces.encode(normal.removeprefix(" "))
        return [self.bos, *pieces[: self.max_length - 2], self.eos]

    def padded(self, rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Rows of ids (from ``ids``) padded to the longest: ids and attention mask, int64."""
        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), self.pad, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = r
            mask[i, : len(r)] = 1
        return ids, mask
