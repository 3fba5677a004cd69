"""Benchmark of index/translit.py: how long `latin_ukrainian` takes per chat message, and how well it decides.

Over the labelled set tests/data/latin-ukrainian.tsv it prints, per group (Latin-Ukrainian, Polish, English), the
median and 90th percentile time per message side by side in one run: "new" with every cache emptied before each
message (the words and the dictionary transitions the process remembers), "cold" with the per-word caches emptied
(words the process has not seen, in a server that has read other messages), "warm" (every word seen before). The
dictionaries themselves stay loaded, as in a running server. Then the set's precision, recall and exact Cyrillic
outputs.

Run: `.venv/bin/python bench/translit_bench.py` (a few seconds; no embedding model).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import figures  # bench/ is on the path when a bench runs

from index import translit
from index.evaluate import load_sections_tsv

SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "latin-ukrainian.tsv"
ROUNDS = 5
MODES = ("new", "cold", "warm")
CACHED = (translit._kind, translit._reading, translit._unaccented_polish, translit._marks)


def rows() -> list[tuple[str, str, str, str]]:
    """(section, text, label, expected Cyrillic) of the set."""
    return load_sections_tsv(SET)


def timed(message: str, mode: str) -> float:
    if mode in ("new", "cold"):
        for cached in CACHED:
            cached.cache_clear()
    if mode == "new":
        translit._dawg_lexicon()._steps.clear()
    start = time.perf_counter()
    translit.latin_ukrainian(message)
    return time.perf_counter() - start


def main() -> None:
    data = rows()
    for _, message, _, _ in data:  # load the dictionaries' pages once, as a server has after its first messages
        translit.latin_ukrainian(message)
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(ROUNDS):
        for mode in MODES:
            if mode == "warm":
                for _, message, _, _ in data:
                    translit.latin_ukrainian(message)
            for section, message, _, _ in data:
                times.setdefault((section, mode), []).append(timed(message, mode))
    print(f"{'µs':<4}{'n':>5}" + "".join(f"{mode + ' median':>14}{mode + ' p90':>11}" for mode in MODES))
    table: list[list] = []
    for name in ("pl", "en", "uk"):
        n = sum(section == name for section, _, _, _ in data)
        cells = [v for m in MODES for v in (_us(statistics.median(times[(name, m)])), _us(_p90(times[(name, m)])))]
        table.append([name, n, *cells])
        print(f"{name:<4}{n:>5}" + "".join(f"{v:>14}" if i % 2 == 0 else f"{v:>11}" for i, v in enumerate(cells)))
    outputs = [(translit.latin_ukrainian(t), label, cyr) for _, t, label, cyr in data]
    tp = sum(out is not None and label == "uk" for out, label, _ in outputs)
    fp = sum(out is not None and label != "uk" for out, label, _ in outputs)
    fn = sum(out is None and label == "uk" for out, label, _ in outputs)
    exact = sum(out == cyr for out, label, cyr in outputs if label == "uk")
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    print(f"precision {precision:.3f}  recall {recall:.3f}  exact Cyrillic {exact}/{tp + fn}  "
          f"(set: {len(data)} messages)")
    figures.write("translit", {"times": table, "quality": [[precision, recall, f"{exact}/{tp + fn}", len(data)]]},
                  {"rounds": ROUNDS})


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def _us(seconds: float) -> int:
    return round(seconds * 1e6)


if __name__ == "__main__":
    main()
