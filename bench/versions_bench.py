"""This checkout against earlier commits, side by side: quality, cold search latency and memory of a serving process.

Trade-off it shows: what a change of code costs or buys, measured on one machine in one run. Each ref is checked
out with `git worktree` under build/versions/ and shares this checkout's venvs, models and index (the index format
must be the same). Every measurement runs in a fresh process; refs alternate round by round (A B C A B C), and
the table shows medians over rounds. The dev-set figures must not change when only the code's structure or speed
changed.

Run: `.venv/bin/python bench/versions_bench.py --refs 460acd2,7ca12c0` (this checkout is always measured too).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from index.config import ROOT, settings

SHARED = ("build", "models", ".venv", ".venv-rasa")
EVAL = ROOT.parent / "shared" / "eval"

# one serving process: open the searcher as the servers do, then the dev sets and a cold pass over varied questions
MEASURE = """
import json, re, statistics, sys, time
from pathlib import Path
from index.evaluate import classification_metrics, load_jsonl, resolution_metrics, retrieval_metrics
from index.search import Searcher
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
ev = Path(sys.argv[1])
t = time.perf_counter()
s = Searcher.open()
opened, rss_open = time.perf_counter() - t, rss()
retrieval, resolve = load_jsonl(ev / "retrieval-dev.jsonl"), load_jsonl(ev / "resolve-dev.jsonl")
ads = load_jsonl(ev / "jobads-dev.jsonl")
varied = list(dict.fromkeys([x["q"] for x in retrieval + resolve] + [a["title"] for a in ads]))
cold = []
for q in varied:
    t = time.perf_counter()
    s.search(q)
    cold.append((time.perf_counter() - t) * 1000)
r, res = retrieval_metrics(s, retrieval), resolution_metrics(s, resolve)
titles = classification_metrics(s, ads, False)
print(json.dumps({"hit@1": r["hit@1"], "mrr@10": r["mrr@10"], "resolve acc@1": res["acc@1"],
                  "titles acc@1": titles["acc@1"], "titles acc@3": titles["acc@3"],
                  "cold search p50 ms": statistics.median(cold), "cold search mean ms": statistics.fmean(cold),
                  "open s": opened, "RSS after open MB": rss_open, "RSS at end MB": rss(), "n": len(varied)}))
"""


def checkout(ref: str) -> Path:
    """A worktree of ``ref`` sharing this checkout's built things; this checkout itself for "."."""
    if ref == ".":
        return ROOT
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    tree = ROOT / "build" / "versions" / sha
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT, check=True,
                       capture_output=True)
        for name in SHARED:
            (tree / name).symlink_to(ROOT / name)
    return tree


def measure(tree: Path, eval_dir: Path) -> dict[str, float]:
    # every ref reads this checkout's index (a worktree's own build/ is a link to it, but a relative
    # DORADCA_INDEX_DIR would resolve inside the worktree)
    env = {**os.environ, "PYTHONPATH": str(tree), "TQDM_DISABLE": "1",
           "DORADCA_INDEX_DIR": str(settings().index_dir.resolve())}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(eval_dir)], cwd=tree, env=env, capture_output=True,
                          text=True, timeout=1800, check=False)
    if done.returncode != 0:
        raise SystemExit(f"measuring {tree} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--refs", default="HEAD~1", help="comma-separated git refs to compare with this checkout")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--eval", type=Path, default=Path(os.environ.get("DORADCA_EVAL", EVAL)))
    args = ap.parse_args()
    refs = [r for r in args.refs.split(",") if r] + ["."]
    trees = {ref: checkout(ref) for ref in refs}
    runs: dict[str, list[dict[str, float]]] = {ref: [] for ref in refs}
    for rnd in range(args.rounds):
        for ref, tree in trees.items():
            runs[ref].append(measure(tree, args.eval))
            print(f"round {rnd + 1}: measured {ref}", flush=True)
    names = {ref: ("this checkout" if ref == "." else ref) for ref in refs}
    print(f"\n## Side by side, medians of {args.rounds} rounds (fresh process each), {runs['.'][0]['n']:.0f} "
          "varied questions for the cold pass")
    print(f"{'':28}" + "".join(f"{names[r]:>16}" for r in refs))
    for metric in runs["."][0]:
        if metric == "n":
            continue
        cells = [statistics.median(x[metric] for x in runs[r]) for r in refs]
        print(f"{metric:28}" + "".join(f"{c:16.3f}" if c < 10 else f"{c:16.1f}" for c in cells))
    base = statistics.median(x["cold search p50 ms"] for x in runs[refs[0]])
    now = statistics.median(x["cold search p50 ms"] for x in runs["."])
    print(f"cold search p50, this checkout / {names[refs[0]]}: {now / base:.2f}")


if __name__ == "__main__":
    main()
