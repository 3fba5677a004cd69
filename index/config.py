"""Settings from environment variables (prefix ``DORADCA_``), in one place.

| variable | default | meaning |
|---|---|---|
| DORADCA_CORPUS | (unset) | corpus folders, ':'-separated (empty: the built-in ``data/`` only); when unset, the fetched ``corpus/`` if present. ``data/`` is always included |
| DORADCA_CORPUS_URL | raw.githubusercontent.com, pinned commit | base URL `doradca corpus fetch` downloads from (an office's mirror) |
| DORADCA_MODEL | models/multilingual-e5-small | embedding model: local folder or model id |
| DORADCA_EMBEDDING_BACKEND | onnx-int8 | ``onnx-int8``, ``onnx`` (fp32) or ``torch`` (sentence-transformers, fp32; any model id) |
| DORADCA_INDEX_DIR | build/index | where the index versions live |
| DORADCA_DATA_DIR | data | the built-in descriptions |
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "multilingual-e5-small"
FETCHED_CORPUS = ROOT / "corpus"  # where `doradca corpus fetch` puts the public sources (git-ignored)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DORADCA_")

    corpus: str | None = None
    corpus_url: str | None = None
    model: str = str(DEFAULT_MODEL)
    embedding_backend: Literal["onnx-int8", "onnx", "torch"] = "onnx-int8"
    index_dir: Path = ROOT / "build" / "index"
    data_dir: Path = ROOT / "data"

    def corpus_paths(self) -> list[Path]:
        """The corpus folders in use: DORADCA_CORPUS when set (even empty), else the fetched corpus/ when present."""
        if self.corpus is not None:
            return [Path(p) for p in self.corpus.split(":") if p.strip()]
        return [FETCHED_CORPUS] if FETCHED_CORPUS.is_dir() else []

    def corpus_folders(self, extra: list[Path] | None = None) -> list[Path]:
        """data/ first, then --corpus folders, then the corpus folders in use (duplicates dropped)."""
        folders = [self.data_dir, *(extra or []), *self.corpus_paths()]
        seen: set[Path] = set()
        out = []
        for f in folders:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
        return out


def settings() -> Settings:
    return Settings()
