"""Benchmark of the embedding backends side by side: int8 ONNX (shipped) against fp32 (torch, and ONNX fp32).

Trade-off it shows: int8 weights make encoding several times faster and the serving process smaller (no torch),
at a small cost in vector agreement. Each backend gets its own index over the same corpus (the project's index for
the configured backend, `build/index-<backend>` for the others, built when missing); every dev-set metric, the
agreement of the first passage, cold latencies (each question seen once, cache empty) and the memory of a fresh
serving process are printed in one run.

Run: `make bench` (after the search and resolver benchmarks) or `.venv/bin/python bench/backend_bench.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import figures  # bench/ is on the path when a bench runs
import numpy as np

from index.config import ROOT, settings
from index.embedder import BACKENDS, Embedder
from index.evaluate import classification_metrics, load_jsonl, resolution_metrics, retrieval_metrics
from index.search import Searcher, serving_threads
from index.store import build, open_index

EVAL = ROOT.parent / "shared" / "eval"
OWN = ROOT / "bench" / "eval"

# a fresh process that serves as the action server does: model, index, one search; prints its peak memory
# (VmHWM, not getrusage: ru_maxrss survives exec and would report the parent's peak)
SERVE = """
import json, re, sys
from index.search import Searcher
s = Searcher.open()
s.search("co robi piekarz?"); s.resolve("kierowca kat. C+E")
status = open("/proc/self/status").read()
mb = lambda key: int(re.search(key + r":\\s+(\\d+)", status).group(1)) / 1024
print(json.dumps({"peak_mb": mb("VmHWM"), "rss_mb": mb("VmRSS"), "torch": "torch" in sys.modules}))
"""


# a fresh process per backend and round, so one backend's thread pools never spin beside another's
ENCODE = """
import json, sys, time
from index.config import settings
from index.embedder import Embedder
e = Embedder(settings().model, backend=sys.argv[1])
out = []
for text in json.loads(sys.stdin.read()):
    t = time.perf_counter()
    e.queries([text])
    out.append((time.perf_counter() - t) * 1000)
print(json.dumps(out))
"""


def encoding_times(backends: list[str], texts: list[str], rounds: int = 2) -> dict[str, list[float]]:
    """Cold single-question encoding, backends alternating round by round (A B C A B C), all samples kept."""
    out: dict[str, list[float]] = {b: [] for b in backends}
    for r in range(rounds):
        for b in backends:
            done = subprocess.run([sys.executable, "-c", ENCODE, b], input=json.dumps([f"{t} {r}" for t in texts]),
                                  capture_output=True, text=True, timeout=900, check=False)
            out[b] += json.loads(done.stdout.strip().splitlines()[-1])
    return out


def index_for(backend: str) -> tuple[Path, float | None]:
    """The backend's index folder and, when this run built it, the build's seconds."""
    s = settings()
    folder = s.index_dir if backend == s.embedding_backend else ROOT / "build" / f"index-{backend}"
    try:
        open_index(folder, s.model, backend)
        return folder, None
    except Exception:  # noqa: BLE001 - missing, stale or from another model: build it
        print(f"building the {backend} index in {folder} ...", flush=True)
        report = build(s.corpus_folders(), folder, s.model, backend=backend, progress=False)
        return folder, report.seconds


def top_passage(searcher: Searcher, question: str) -> str:
    hits = searcher.search(question, k=1).hits
    return hits[0].passage.id if hits else ""


def cold(fn, items: list[str]) -> list[float]:  # a function of one text
    times = []
    for text in items:
        t = time.perf_counter()
        fn(text)
        times.append((time.perf_counter() - t) * 1000)
    return times


def serving_memory(folder: Path, backend: str) -> dict:
    env = {**os.environ, "DORADCA_INDEX_DIR": str(folder), "DORADCA_EMBEDDING_BACKEND": backend}
    out = subprocess.run([sys.executable, "-c", SERVE], env=env, capture_output=True, text=True, timeout=600,
                         check=False)
    return json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {"error": out.stderr[-300:]}


def batch_throughput(embedder: Embedder, sample: list[str], sizes: tuple[int, ...] = (8, 16, 64), rounds: int = 3,
                     ) -> dict[int, float]:
    """Passages per second by batch size, sizes alternating round by round; medians."""
    rates: dict[int, list[float]] = {b: [] for b in sizes}
    before = embedder.batch_size
    for _ in range(rounds):
        for b in sizes:
            embedder.batch_size = b
            t = time.perf_counter()
            embedder.passages(sample)
            rates[b].append(len(sample) / (time.perf_counter() - t))
    embedder.batch_size = before
    return {b: statistics.median(r) for b, r in rates.items()}


def measure(backend: str, sets: dict[str, list[dict]], varied: list[str]) -> tuple[dict[str, str], list[str]]:
    """One backend's row of the table and its first passage for the first 150 varied questions."""
    s = settings()
    folder, built = index_for(backend)
    embedder = Embedder(s.model, backend=backend)
    version = open_index(folder, s.model, backend)
    searcher = Searcher(version, embedder)
    serving_threads()  # as in the servers (``Searcher.open``)
    r = retrieval_metrics(searcher, sets["retrieval"])
    res = resolution_metrics(searcher, sets["resolve"])
    titles = classification_metrics(searcher, sets["ads"], False)
    whole = classification_metrics(searcher, sets["ads"], True)
    langs = {lang: resolution_metrics(searcher, sets[lang]) for lang in ("uk", "en")}
    first = [top_passage(searcher, q) for q in varied[:150]]
    searcher._cache.clear()
    srch = cold(searcher.search, varied)
    sample = [p.embed_text() for p in version.passages[:: max(1, len(version.passages) // 2000)]][:2000]
    rates = batch_throughput(embedder, sample)
    mem = serving_memory(folder, backend)
    row = {
        "retrieval hit@1 / hit@5 / MRR": f"{r['hit@1']:.3f} / {r['hit@5']:.3f} / {r['mrr@10']:.3f}",
        "resolve-dev acc@1": f"{res['acc@1']:.3f}",
        "job titles acc@1 / acc@3": f"{titles['acc@1']:.3f} / {titles['acc@3']:.3f}",
        "whole ads acc@1 / acc@3": f"{whole['acc@1']:.3f} / {whole['acc@3']:.3f}",
        "uk / en acc@1": f"{langs['uk']['acc@1']:.3f} / {langs['en']['acc@1']:.3f}",
        "search p50 / p95 (cold)": f"{statistics.median(srch):.1f} / {np.percentile(srch, 95):.1f} ms",
        "passages/s, 2,000, batch " + " / ".join(map(str, rates)): " / ".join(f"{v:.0f}" for v in rates.values()),
        "full index build (this run / manifest)":
            f"{built:.0f} s" if built else f"{version.manifest.get('build_seconds', '?')} s (manifest)",
        "serving process RSS / peak": (f"{mem['rss_mb']:.0f} / {mem['peak_mb']:.0f} MB"
                                       f"{' (torch loaded)' if mem.get('torch') else ''}"
                                       if "peak_mb" in mem else mem.get("error", "?")),
    }
    return row, first


def report(rows: dict[str, dict[str, str]], first: dict[str, list[str]], enc: dict[str, list[float]],
           title: str) -> None:
    backends = list(rows)
    print(f"\n## {title}")
    print(f"{'':52}" + "".join(f"{b:>24}" for b in backends))
    for metric in rows[backends[0]]:
        print(f"{metric:52}" + "".join(f"{rows[b][metric]:>24}" for b in backends))
    if len(backends) > 1:
        a, b = backends[0], backends[1]
        same = np.mean([x == y for x, y in zip(first[a], first[b])])
        print(f"same first passage, {a} vs {b}, on {len(first[a])} questions: {same:.3f}")
    medians = {b: statistics.median(t) for b, t in enc.items()}
    print("question encoding p50, alternating fresh processes: " + ", ".join(
        f"{b} {m:.1f} ms" for b, m in medians.items()) + f"; torch / {backends[0]} = "
        f"{medians['torch'] / medians[backends[0]]:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", type=Path, default=Path(os.environ.get("DORADCA_EVAL", EVAL)))
    ap.add_argument("--backends", default="onnx-int8,onnx",
                    help=f"comma-separated, of {', '.join(BACKENDS)} (onnx fp32 gives torch's vectors, cosine 1.0000, "
                         "and builds its index twice as fast; torch's encoding is timed either way)")
    args = ap.parse_args()
    backends = args.backends.split(",")
    sets = {"retrieval": load_jsonl(args.eval / "retrieval-dev.jsonl"),
            "resolve": load_jsonl(args.eval / "resolve-dev.jsonl"),
            "ads": load_jsonl(args.eval / "jobads-dev.jsonl"),
            **{lang: load_jsonl(OWN / f"names-{lang}-dev.jsonl") for lang in ("uk", "en")}}
    # questions never seen by the process: the dev sets' questions and job titles, each once
    varied = list(dict.fromkeys([x["q"] for k in ("retrieval", "resolve", "uk", "en") for x in sets[k]]
                                + [a["title"] for a in sets["ads"]]))
    rows, first = {}, {}
    for backend in backends:
        rows[backend], first[backend] = measure(backend, sets, varied)
        print(f"measured {backend}", flush=True)
    # torch fp32, what the project served before, is timed beside them
    enc = encoding_times(list(dict.fromkeys([*backends, "torch"])), varied)
    for b in backends:
        rows[b][f"question encoding p50 / p95 (n={2 * len(varied)}, cold, alternating)"] = \
            f"{statistics.median(enc[b]):.1f} / {np.percentile(enc[b], 95):.1f} ms"
    report(rows, first, enc, f"Backends side by side ({settings().model}; 2 cores; dev sets in {args.eval})")
    table = [[metric, b, value] for b in backends for metric, value in rows[b].items()]
    path = figures.write("backend", {"metrics": table}, {"backends": backends, "eval": str(args.eval)},
                         {"encoding_ms": enc})
    print(f"figures written to {path}")


if __name__ == "__main__":
    main()
