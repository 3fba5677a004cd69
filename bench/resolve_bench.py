"""Benchmark of recognising the occupation: which occupation a message, a job title or a job ad is about.

Trade-off it shows: each signal alone (lexical names, character n-grams, dense E5, nearest
expert-coded ads, the ad's words) against the shipped fusion (gradient-boosted trees over all of
them, trained at index build on the coded ads), side by side in one run, on the same index.
Latency is measured cold (the query-vector cache emptied, each text seen once). The column of
the previous resolver (lexical names with a dense fallback) is gone with its code, which ran
nowhere else; its last figures stay in docs/figures.md.

Run: `make bench` (runs it after the search benchmark) or `.venv/bin/python bench/resolve_bench.py`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import figures  # bench/ is on the path when a bench runs
import numpy as np

from index.config import settings
from index.corpus import load_corpus
from index.embedder import Embedder
from index.evaluate import accuracy, calibration, load_jsonl, reposts
from index.jobads import Example, load_examples
from index.search import Searcher, serving_threads
from index.signals import AD_SIGNALS, TITLE_SIGNALS, Vocabularies
from index.store import occupation_texts, open_index, train_fusion
from index.text import name_text

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
OWN = ROOT / "bench" / "eval"
REFERENCE = """For scale (../shared/corpus/jobads-oja/SOURCE.md; arXiv 2411.03779):
  three experts on the same 100 ads agreed 0.66-0.72 at 6 digits, 0.73-0.77 at 4 digits;
  a general LLM chat assistant given the classification: acc@1 0.32, acc@3 0.42 (4 digits: 0.45);
  OJA Lab's classifiers trained on hundreds of thousands of office-coded ads: 6-digit recall@1 0.50-0.62,
  recall@3 0.68-0.80; 4-digit recall@1 0.57-0.70.
Data: Beręsewicz, M.; Pater, R. (2024), OJA Lab, doi:10.18150/SX0E7G."""


def by_signal(s: Searcher, signal: str, text: str, description: str | None) -> list[str]:
    clf = s.classifier
    qvec = s.encode(name_text(text)).reshape(1, -1)
    scores = clf.signals.scores([text], qvec, [description or ""] if description else None)[0][signal]
    return [c for c, _ in sorted(scores.items(), key=lambda cs: -cs[1])[:3]]


Items = list[tuple[str, str | None, str]]  # (title or message, description, expert's code)


def training_ads() -> list[Example]:
    """The coded ads the index was trained on (the corpus folders in use), to find the dev ads that repost them."""
    return [e for folder in settings().corpus_folders() for f in sorted(folder.rglob("hand-coded-ads*.jsonl"))
            for e in load_examples(f)]


def load_sets(eval_dir: Path, own: Path) -> dict[str, Items]:
    ads = load_jsonl(eval_dir / "jobads-dev.jsonl")
    repost = reposts(ads, training_ads())
    fresh = [a for a, r in zip(ads, repost) if not r]
    print(f"jobads-dev: {len(ads)} ads, {sum(repost)} of them reposts of coded training ads (same title, same first "
          "300 characters of the description): figures on all of them and without the reposts")
    return {
        "resolve-dev": [(x["q"], None, x["code"]) for x in load_jsonl(eval_dir / "resolve-dev.jsonl")],
        "job titles": [(a["title"], None, a["code"]) for a in ads],
        "whole ads": [(a["title"], a["description"], a["code"]) for a in ads],
        "titles, no reposts": [(a["title"], None, a["code"]) for a in fresh],
        "ads, no reposts": [(a["title"], a["description"], a["code"]) for a in fresh],
        "uk (own)": [(x["q"], None, x["code"]) for x in load_jsonl(own / "names-uk-dev.jsonl")],
        "en (own)": [(x["q"], None, x["code"]) for x in load_jsonl(own / "names-en-dev.jsonl")],
        # occupations the team's glossary does not list: what a name the team has not written down gets
        "uk (unlisted)": [(x["q"], None, x["code"]) for x in load_jsonl(own / "names-uk-unlisted-dev.jsonl")],
        "en (unlisted)": [(x["q"], None, x["code"]) for x in load_jsonl(own / "names-en-unlisted-dev.jsonl")],
    }


def accuracy_table(searcher: Searcher, sets: dict[str, Items]) -> list[list]:
    methods: dict[str, Callable[[str, str | None], list[str]]] = {
        **{f"{sig} alone": partial(by_signal, searcher, sig) for sig in TITLE_SIGNALS + AD_SIGNALS},
        "fusion: resolve (chat)": lambda t, d: [c.code for c in searcher.classifier.resolve(t, 3).candidates],
        "fusion: classify (offer)": lambda t, d: [c.code for c in searcher.classifier.classify(t, d, 3).candidates],
    }
    print("\n## Accuracy: acc@1 / acc@3 / acc@1 at 4 digits")
    print(f"{'method':24}" + "".join(f"{name:>22}" for name in sets))
    print(f"{'(n)':24}" + "".join(f"{len(v):>22}" for v in sets.values()))
    table = []
    for method, fn in methods.items():
        cells = []
        for name, items in sets.items():
            whole = name in ("whole ads", "ads, no reposts")
            if (method.split()[0] in AD_SIGNALS and not whole) or ("chat" in method and whole):
                cells.append(f"{'-':>22}")
                continue
            r = accuracy([fn(t, d) for t, d, _ in items], [g for _, _, g in items])
            cells.append(f"{r['acc@1']:.3f} / {r['acc@3']:.3f} / {r['acc4@1']:.3f}".rjust(22))
            table.append([method, name, len(items), r["acc@1"], r["acc@3"], r["acc4@1"]])
        print(f"{method:24}" + "".join(cells))
    print(REFERENCE)
    return table


def calibration_table(searcher: Searcher, sets: dict[str, Items]) -> None:
    print("\n## Calibration of the shipped score (the first candidate's): per band, answers, mean score, share right;"
          " ECE (expected calibration error over the bands) and Brier score")
    for name in ("job titles", "whole ads", "titles, no reposts", "ads, no reposts"):
        pairs = []
        for t, d, g in sets[name]:
            found = searcher.classifier.classify(t, d, 1).candidates
            pairs.append((found[0].score if found else 0.0, bool(found) and found[0].code == g))
        c = calibration(pairs)
        bands = " | ".join(f"{b['band'][0]:.1f}-{b['band'][1]:.1f}: {b['n']} {b['score']:.2f} {b['right']:.2f}"
                           for b in c["bands"])
        print(f"{name:20} (n={c['n']}) ECE {c['ece']:.3f} Brier {c['brier']:.3f}   {bands}")
    asked = sum(1 for t, d, g in sets["job titles"] if searcher.classifier.classify(t, None, 3).ambiguous)
    print(f"job titles flagged ambiguous (the bot asks): {asked / len(sets['job titles']):.2f}")


def latency(searcher: Searcher, sets: dict[str, Items]) -> None:
    print("\n## Latency, cold (query-vector cache emptied; each text once), 2 cores")
    timings: dict[str, list[float]] = {"resolve (chat message)": [], "classify (title)": [], "classify (whole ad)": []}

    def timed(name: str, fn: Callable[..., object], *args: object) -> None:
        t1 = time.perf_counter()
        fn(*args)
        timings[name].append((time.perf_counter() - t1) * 1000)

    searcher._cache.clear()
    for t, _, _ in sets["resolve-dev"] + sets["uk (own)"] + sets["en (own)"] + sets["job titles"]:
        timed("resolve (chat message)", searcher.resolve, t)
    searcher._cache.clear()
    for t, d, _ in sets["whole ads"]:
        timed("classify (title)", searcher.classifier.classify, t, None, 3)
        searcher._cache.clear()
        timed("classify (whole ad)", searcher.classifier.classify, t, d, 3)
    for name, ts in timings.items():
        print(f"{name:24} p50 {statistics.median(ts):6.1f} ms   p95 {np.percentile(ts, 95):6.1f} ms   (n={len(ts)})")


def build_steps(searcher: Searcher, embedder: Embedder) -> None:
    """The build's two resolver steps on the corpus in use (the index holds the coded ads' titles, not their
    descriptions) and the index's own vectors."""
    version = searcher.version
    corpus = load_corpus(settings().corpus_folders())
    print("\n## Build: the resolver's extra steps (fitting the vocabularies, training the fusion)")
    t1 = time.perf_counter()
    vocab = Vocabularies.fit(version.names, corpus.examples, occupation_texts(version.passages))
    print(f"TF-IDF vocabularies of names, titles, ads and official texts: {time.perf_counter() - t1:.1f} s")
    t1 = time.perf_counter()
    vectors = [ix.reconstruct_n(0, ix.ntotal) for ix in (version.name_index, version.example_index,
                                                          version.passage_index)]
    train_fusion(corpus, version.names, *vectors, vocab, embedder)
    print(f"leave-one-out scoring of {len(corpus.examples)} ads (titles, whole ads), {len(version.names)} name "
          f"sentences encoded and scored, two fits: {time.perf_counter() - t1:.1f} s (skipped by a rebuild whose "
          "names and coded ads are unchanged)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (model, index, signals): {peak:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", type=Path, default=Path(os.environ.get("DORADCA_EVAL", EVAL)))
    ap.add_argument("--own", type=Path, default=OWN, help="the project's own Ukrainian and English sets")
    args = ap.parse_args()
    s = settings()
    t0 = time.perf_counter()
    embedder = Embedder(s.model, backend=s.embedding_backend)
    version = open_index(s.index_dir, s.model, s.embedding_backend)
    searcher = Searcher(version, embedder)
    serving_threads()  # as in the servers (``Searcher.open``)
    m = version.manifest
    print(f"index: {m['occupation_count']} occupations, {m['name_count']} names, "
          f"{m.get('example_count', 0)} coded ads; "
          f"model and index loaded, searcher ready in {time.perf_counter() - t0:.1f} s")
    if not version.examples:
        print("no coded ads in the index: set DORADCA_CORPUS to the shared corpus and run `doradca index build`")
    sets = load_sets(args.eval, args.own)
    table = accuracy_table(searcher, sets)
    calibration_table(searcher, sets)
    latency(searcher, sets)
    build_steps(searcher, embedder)
    print(f"figures written to {figures.write('resolve', {'accuracy': table}, {'index': m.get('model_key')})}")

if __name__ == "__main__":
    main()
