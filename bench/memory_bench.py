"""What a serving process holds in memory, step by step: each imported library, the model, the index, the searcher.

Trade-off it shows: which parts a smaller server would have to give up. Each row is the growth of the resident
set (VmRSS) of one fresh process after one more step, in the order the action server takes them; a library
another one already imported costs nothing in its own row.

Run: `make bench` (or `.venv/bin/python bench/memory_bench.py`).
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable
from pathlib import Path

import figures  # bench/ is on the path when a bench runs

STEPS_IMPORT = [
    ("numpy", "numpy"),
    ("faiss", "faiss"),
    ("scipy.sparse", "scipy.sparse"),
    ("scikit-learn (TF-IDF, trees; pulls in scipy.stats)", "sklearn.ensemble"),
    ("bm25s", "bm25s"),
    ("onnxruntime", "onnxruntime"),
    ("sentencepiece, tokenizers", "sentencepiece,tokenizers"),
    ("simplemma, pymorphy3 (lemmas)", "simplemma,pymorphy3"),
    ("rasa-sdk, sanic (the action server)", "rasa_sdk.endpoint"),
    ("the project's modules (index, actions)", "actions.occupation_actions"),
]


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def main() -> None:
    sys.modules.setdefault("pandas", None)  # type: ignore[arg-type]  # as services/action_server.py does
    rows: list[tuple[str, float]] = []
    last = rss_mb()

    def step(label: str, fn: Callable[[], object]) -> object:
        nonlocal last
        out = fn()
        now = rss_mb()
        rows.append((label, now - last))
        last = now
        return out

    start = last
    for label, module in STEPS_IMPORT:
        step(label, lambda names=module: [importlib.import_module(m) for m in names.split(",")])
    from index.config import settings
    from index.embedder import Embedder
    from index.search import Searcher
    from index.store import open_index

    s = settings()
    embedder = step("embedding model: onnxruntime session + sentencepiece tokenizer",
                    lambda: Embedder(s.model, backend=s.embedding_backend))
    version = step("index version (passages, vectors, names, coded ads, vocabularies, fusion)",
                   lambda: open_index(s.index_dir, s.model, s.embedding_backend))
    searcher = step("searcher (resolver, catalog, classifier signals, BM25)", lambda: Searcher(version, embedder))
    step("first searches (lemmatiser dictionaries read on demand, caches)",
         lambda: (searcher.search("co robi piekarz?"), searcher.resolve("kierowca kat. C+E")))
    m = version.manifest
    print(f"## Memory of one serving process, step by step ({m['passage_count']:,} passages, "
          f"{m['name_count']:,} names, {m.get('example_count', 0):,} coded ads; {m['model_key']})")
    print(f"{'interpreter':78} {start:7.0f} MB")
    for label, mb in rows:
        print(f"{label:78} {mb:+7.0f} MB")
    total = rss_mb()
    print(f"{'total':78} {total:7.0f} MB")
    table = [["interpreter", start], *([label, f"+{mb:.0f}"] for label, mb in rows), ["**total**", f"**{total:.0f}**"]]
    index = {k: m.get(k) for k in ("passage_count", "name_count", "example_count", "model_key")}
    print(f"figures written to {figures.write('memory_steps', {'steps': table}, {'index': index})}")


if __name__ == "__main__":
    main()
