"""What a message asks: accuracy of the learned classifier (index/asks.py) per language, on held-out templates.

Trade-off shown side by side: character and word n-grams alone (no encoding, robust to inflection and typos), the
E5 vector alone (meaning across languages), and all of them (shipped). Chosen on the dev part; the test part is
reported once, for the model trained as shipped (train + dev). Also times one prediction (the E5 encoding is shared
with the search).

    .venv/bin/python bench/asks_bench.py [--grid]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from index.asks import LANGS, AskModel, C, Example, accuracy, by_split, examples, mistakes
from index.config import settings
from index.embedder import Embedder


def _cached(embedder: Embedder):  # an encode function
    memo: dict[str, np.ndarray] = {}

    def encode(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in memo]
        if missing:
            memo.update(zip(missing, embedder.queries(missing)))
        return np.stack([memo[t] for t in texts])

    return encode


def _row(name: str, acc: dict[str, float]) -> str:
    return f"{name:<28}" + "".join(f"{acc[k]:>8.3f}" for k in (*LANGS, "all"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", action="store_true", help="also try other regularisation strengths on dev")
    ap.add_argument("--errors", type=int, default=0, help="print this many dev mistakes")
    args = ap.parse_args()
    s = settings()
    encode = _cached(Embedder(s.model, backend=s.embedding_backend))
    parts = by_split(examples())
    print("messages: " + ", ".join(f"{k} {len(v)}" for k, v in parts.items())
          + "; templates: " + ", ".join(f"{k} {len({(e.lang, e.template) for e in v})}" for k, v in parts.items()))
    zeros = lambda texts: np.zeros((len(texts), 1), dtype=np.float32)  # noqa: E731 - no vector
    print(f"{'dev accuracy':<28}" + "".join(f"{k:>8}" for k in (*LANGS, "all")))
    dev: dict[str, dict[str, float]] = {}
    for c in ((1.0, 4.0, 16.0) if args.grid else (C,)):
        model = AskModel.train(encode, parts["train"], c=c)
        acc = accuracy(model, parts["dev"])
        print(_row(f"E5 + n-grams, C={c:g}", acc))
        if c == C:
            dev["both"] = acc
        if c == C and args.errors:
            for e, a in list(mistakes(model, parts["dev"]))[: args.errors]:
                print(f"  {e.lang} {e.kind:>14} -> {a.kind:<14} {a.p:.2f}  {e.text[:90]}")
    dev["ngrams"] = accuracy(AskModel.train(zeros, parts["train"]), parts["dev"])
    print(_row("char + word n-grams alone", dev["ngrams"]))
    dev["e5"] = _e5_alone(encode, parts["train"], parts["dev"])
    print(_row("E5 alone", dev["e5"]))
    shipped = AskModel.train(encode, parts["train"] + parts["dev"])
    test = accuracy(shipped, parts["test"])
    print(_row("test, as shipped", test))
    times = []
    for e in parts["test"][:200]:
        t = time.perf_counter()
        shipped.predict(e.text, encode([e.text])[0])
        times.append(time.perf_counter() - t)
    print(f"one prediction given the query vector: p50 {statistics.median(times) * 1000:.2f} ms")
    _write_figures(dev, test, statistics.median(times) * 1000)


def _write_figures(dev: dict[str, dict[str, float]], test: dict[str, float], predict_ms: float) -> None:
    """build/bench/asks.json (bench/figures.py): the table of docs/understanding.md; nothing printed."""
    import figures  # bench/ is on the path when a bench runs

    def row(name: str, acc: dict[str, float]) -> list:
        return [name, *(acc[k] for k in (*LANGS, "all"))]

    table = [row("dev, character and word n-grams alone", dev["ngrams"]),
             row("dev, E5 vector alone", dev["e5"]),
             row("dev, all (shipped features)", dev["both"]),
             row("**test, trained as shipped (train + dev)**", test)]
    figures.write("asks", {"accuracy": table}, {"C": C}, {"predict_ms_p50": predict_ms})


def _e5_alone(encode, train: list[Example], dev: list[Example]) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, max_iter=3000).fit(encode([e.text for e in train]), [e.kind for e in train])
    got = clf.predict(encode([e.text for e in dev]))
    out = {}
    for lang in (*LANGS, "all"):
        pairs = [(e, g) for e, g in zip(dev, got) if lang in ("all", e.lang)]
        out[lang] = sum(e.kind == g for e, g in pairs) / len(pairs)
    return out


if __name__ == "__main__":
    main()
