"""Benchmark of the knowledge base on the full corpus: quality, latency, build speed, memory.

Trade-off it shows: the faiss index is exhaustive over float16 vectors; exact float32 search
and an HNSW index over the same vectors are timed beside it, with their recall@10 against exact
search, to show what each approximation buys at this size. Retrieval and latency are those of the
search the project ships (dense + 0.1 x normalised BM25, section intent first); the columns of
dense retrieval alone and BM25 alone are gone with the searcher's modes that served only them
(hybrid was best or tied on every figure; docs/figures.md keeps their last rows).

Run: `make bench` (sets DORADCA_CORPUS=../shared/corpus when that folder exists).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

import faiss
import figures  # bench/ is on the path when a bench runs
import numpy as np

from index.config import settings
from index.embedder import Embedder
from index.evaluate import load_jsonl, resolution_metrics, retrieval_metrics
from index.search import Searcher, serving_threads
from index.store import exact_index, open_index, vector_index

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def latency(searcher: Searcher, retrieval: list[dict], varied: list[str], repeats: int) -> list[list]:
    """Cold: each of the varied questions once, the query-vector cache emptied first (what a new question costs).
    Cached: passes over the retrieval questions after a first pass (follow-ups repeating a question)."""
    print(f"\n## Latency per single query: cold over {len(varied)} varied questions (each once, cache emptied); "
          f"cached over {repeats} passes of {len(retrieval)}")
    searcher._cache.clear()
    cold, guessed = [], 0
    for q in varied:
        t = time.perf_counter()
        r = searcher.search(q)
        cold.append((time.perf_counter() - t) * 1000)
        # was the question encoded while resolving the one the passages were ranked by?
        ranked_by = searcher.ranking_question(q, r.resolution) if r.occupation else q
        guessed += searcher.likely_ranking_question(q, searcher.resolver.lexical(q)) == ranked_by
    cached = []
    for _ in range(repeats):
        for item in retrieval:
            occ = None if item.get("names_occupation") else item["code"]
            t = time.perf_counter()
            searcher.search(item["q"], occupation=occ)
            cached.append((time.perf_counter() - t) * 1000)
    print(f"cold p50 {statistics.median(cold):6.1f} ms  p95 {pct(cold, 95):6.1f} ms   "
          f"cached p50 {statistics.median(cached):6.1f} ms  p95 {pct(cached, 95):6.1f} ms")
    print(f"ranking question guessed while resolving (cold): {guessed} of {len(varied)}")
    embedder = searcher.embedder
    enc = []
    for q in varied:
        t = time.perf_counter()
        embedder.queries([q])
        enc.append((time.perf_counter() - t) * 1000)
    print(f"query encoding alone: p50 {statistics.median(enc):.1f} ms")
    return [[f"cold ({len(varied)} varied questions, each once)", statistics.median(cold), pct(cold, 95)],
            [f"cached ({repeats} passes of {len(retrieval)})", statistics.median(cached), pct(cached, 95)],
            ["query encoding alone", statistics.median(enc), pct(enc, 95)]]


def _timed(idx: faiss.Index, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray, float]:
    """Scores and ids of each query searched alone (as a server does), and the median time."""
    scores, ids, times = [], [], []
    for q in queries:
        t = time.perf_counter()
        d, i = idx.search(q.reshape(1, -1), k)
        times.append((time.perf_counter() - t) * 1000)
        scores.append(d[0])
        ids.append(i[0])
    return np.array(scores), np.array(ids), statistics.median(times)


def _recall(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(found, exact)]))


def faiss_compare(index: faiss.Index, queries: np.ndarray, sample: np.ndarray) -> None:
    """The shipped float16 index against exact float32 search and HNSW. Recall of float16 against float32 needs
    the vectors before rounding: ``sample`` (passages embedded afresh); timing uses the whole index."""
    print("\n## faiss: shipped float16 exhaustive search vs exact float32 vs HNSW (M=32, efSearch=64)")
    vecs = index.reconstruct_n(0, index.ntotal)
    flat = exact_index(vecs)
    hnsw = faiss.IndexHNSWFlat(vecs.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    t = time.perf_counter()
    hnsw.add(vecs)
    hnsw_build = time.perf_counter() - t
    hnsw.hnsw.efSearch = 64
    _, exact_ids, flat_ms = _timed(flat, queries)
    _, _, fp16_ms = _timed(index, queries)
    _, hnsw_ids, hnsw_ms = _timed(hnsw, queries)
    mb = index.ntotal * vecs.shape[1] / 2**20
    print(f"{index.ntotal:,} vectors, {len(queries)} queries, one at a time, p50:")
    print(f"float32 flat: {flat_ms:.2f} ms, {mb * 4:.0f} MB")
    print(f"float16 (shipped): {fp16_ms:.2f} ms, {mb * 2:.0f} MB")
    print(f"HNSW over float32: {hnsw_ms:.2f} ms, recall@10 vs exact {_recall(hnsw_ids, exact_ids):.3f}, "
          f"build {hnsw_build:.1f} s")
    exact, sq = exact_index(sample), vector_index(sample)
    d32, i32, _ = _timed(exact, queries)
    d16, i16, _ = _timed(sq, queries)
    print(f"float16 vs float32 on {len(sample):,} passages embedded afresh: recall@10 {_recall(i16, i32):.4f}, "
          f"same first hit {np.mean(i16[:, 0] == i32[:, 0]):.3f}, "
          f"largest score difference {np.abs(d16 - d32).max():.1e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", type=Path, default=Path(os.environ.get("DORADCA_EVAL", EVAL)))
    ap.add_argument("--repeats", type=int, default=5, help="cached passes over the retrieval questions")
    ap.add_argument("--limit", type=int, default=0, help="only the first N questions of each set (a quick check)")
    args = ap.parse_args()
    n = args.limit if args.limit > 0 else None
    retrieval = load_jsonl(args.eval / "retrieval-dev.jsonl")[:n]
    resolve_set = load_jsonl(args.eval / "resolve-dev.jsonl")[:n]
    # questions the process has not seen: every dev question and job title, each once
    varied = list(dict.fromkeys([x["q"] for x in retrieval + resolve_set]
                                + [a["title"] for a in load_jsonl(args.eval / "jobads-dev.jsonl")[:n]]))

    s = settings()
    t0 = time.perf_counter()
    embedder = Embedder(s.model, backend=s.embedding_backend)
    version = open_index(s.index_dir, s.model, s.embedding_backend)
    searcher = Searcher(version, embedder)
    serving_threads()  # as in the servers (``Searcher.open``)
    m = version.manifest
    print(f"index: {m['passage_count']} passages, {m['name_count']} names, {m['occupation_count']} occupations, "
          f"model {m['model_key']}; load {time.perf_counter() - t0:.1f} s")

    print("\n## Retrieval on retrieval-dev.jsonl (top 10)")
    print(f"{'hit@1':>6} {'hit@5':>6} {'MRR@10':>7} {'sect p@5':>9}")
    r = retrieval_metrics(searcher, retrieval)
    print(f"{r['hit@1']:6.3f} {r['hit@5']:6.3f} {r['mrr@10']:7.3f} {r['section_p@5']:9.3f}")
    res = resolution_metrics(searcher, resolve_set)
    print(f"\n## Resolution on resolve-dev.jsonl: acc@1 {res['acc@1']:.3f}, acc@3 {res['acc@3']:.3f} (n={res['n']})")

    times = latency(searcher, retrieval, varied, args.repeats)
    print(f"\n## Build: embedding throughput (2,000 passages, batch {embedder.batch_size})")
    sample = [p.embed_text() for p in version.passages[:: max(1, len(version.passages) // 2000)]][:2000]
    t = time.perf_counter()
    sample_vecs = embedder.passages(sample)
    print(f"{len(sample) / (time.perf_counter() - t):.0f} passages/s")
    faiss_compare(version.passage_index, embedder.queries(varied), sample_vecs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process (model + index + searcher + HNSW): {peak:.0f} MB")
    shipped = ["hybrid (shipped)", r["hit@1"], r["hit@5"], r["mrr@10"], r["section_p@5"]]
    print("figures written to " + str(figures.write(
        "search", {"retrieval": [shipped], "latency": times},
        {"limit": args.limit, "repeats": args.repeats, "passages": m["passage_count"], "model": m["model_key"]},
        {"resolution": res, "peak_rss_mb": peak})))


if __name__ == "__main__":
    main()
