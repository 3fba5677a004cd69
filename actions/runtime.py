"""The searcher shared by all actions: checked at start-up, loaded once, lazily, in the worker."""

from __future__ import annotations

import json
import sys
import threading

import numpy as np

from index.asks import AskModel, MissingAskModel, model_path
from index.config import settings
from index.embedder import model_key
from index.related import Relations
from index.remote import serve
from index.search import Searcher
from index.store import IndexUnavailable

_lock = threading.Lock()
_searcher: Searcher | None = None


def check_index_or_exit() -> None:
    """Refuse to start without a usable index (cheap: manifest only, no model or vectors)."""
    s = settings()
    current = s.index_dir / "current"
    manifest = current / "manifest.json"
    if not manifest.exists():
        sys.exit(f"doradca actions: no index at {current}: run `make setup` (or `doradca index build`)")
    built_by = json.loads(manifest.read_text()).get("model_key")
    if not model_path(built_by or "").exists():
        sys.exit(f"doradca actions: no model of what messages ask at {model_path(built_by or '')}: run `make setup` "
                 "(or `doradca asks train`)")
    if built_by != (configured := model_key(s.model, s.embedding_backend)):
        sys.exit(f"doradca actions: the index was built by {built_by}, not {configured} (DORADCA_MODEL, "
                 "DORADCA_EMBEDDING_BACKEND): run `doradca index build`")


def searcher() -> Searcher:
    """Open the model and index on first use (loading a model at import breaks rasa-sdk's worker start), and serve
    them to the web look-up of the same assistant (``index.remote``: one copy in memory, not two)."""
    global _searcher
    opened = None
    if _searcher is None:
        with _lock:
            if _searcher is None:
                try:
                    _searcher = opened = Searcher.open()
                except IndexUnavailable as e:  # damaged since start-up
                    raise RuntimeError(str(e)) from e
    if opened is not None:
        serve(opened, relations())  # outside the lock: relations() takes it
    return _searcher


_relations: Relations | None = None


def relations() -> Relations:
    """Related occupations and comparisons over the shared searcher (its occupation vectors built on first use)."""
    global _relations
    s = searcher()
    if _relations is None or _relations.s is not s:
        with _lock:
            if _relations is None or _relations.s is not s:
                _relations = Relations(s)
    return _relations


_asks: AskModel | None = None


def asks() -> AskModel:
    """What a message asks (``index.asks``), over the searcher's cached query encoder (the search reuses a vector)."""
    global _asks
    s = searcher()
    if _asks is None:
        with _lock:
            if _asks is None:
                try:
                    _asks = AskModel.load(lambda texts: np.stack([s.encode(t) for t in texts]),
                                          s.version.manifest["model_key"])
                except MissingAskModel as e:
                    raise RuntimeError(str(e)) from e
    return _asks
