"""Settings from environment variables (prefix ``DORADCA_``), in one place.

| variable | default | meaning |
|---|---|---|
| DORADCA_CORPUS | (empty) | extra corpus folders, ':'-separated; ``data/`` is always included |
| DORADCA_MODEL | models/multilingual-e5-small | embedding model: local folder or model id |
| DORADCA_INDEX_DIR | build/index | where the index versions live |
| DORADCA_DATA_DIR | data | the built-in descriptions |
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "multilingual-e5-small"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DORADCA_")

    corpus: str = ""
    model: str = str(DEFAULT_MODEL)
    index_dir: Path = ROOT / "build" / "index"
    data_dir: Path = ROOT / "data"

    def corpus_folders(self, extra: list[Path] | None = None) -> list[Path]:
        """data/ first, then --corpus folders, then DORADCA_CORPUS folders (duplicates dropped)."""
        folders = [self.data_dir, *(extra or []), *(Path(p) for p in self.corpus.split(":") if p.strip())]
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
