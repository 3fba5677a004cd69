"""Related occupations against the team's labelled sets: the former ranking (mean passage vectors, the same unit
group first) and the new one (statement by statement, index/relatedness.py), side by side, on the dev set
(bench/eval/related-labelled.txt, on which the method was tuned) and the held-out set (related-heldout.txt, never
used to decide anything).

precision@5: the share of the first five that the labels accept; an unlabelled candidate counts as not accepted
(and is counted, so a ranking that drifts away from the labels shows). implausible@5: the share of lists with an
occupation marked implausible (no sensible move at all) among the first five; clean@5 is one minus it. Targets
(issue 30): precision@5 >= 0.9, no implausible occupation in the first five of >= 95 % of lists (clean@5 >= 0.95).

The new ranking is the index's (related.jsonl) when this checkout's relatedness.py built it; otherwise it is ranked
again in memory from the index's statement vectors (said in the output), so the figures are always this code's.
The figures are also written to build/bench/related.json.

    .venv/bin/python bench/related_bench.py [--show] [--dev-only]
      --show: the dev set's first five with their labels; --dev-only: the dev set alone, for trying an idea without
      seeing the held-out figures (which are to be measured once, at the end)
"""

from __future__ import annotations

import argparse
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import figures  # bench/ is on the path when a bench runs

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "bench" / "eval" / "related-labelled.txt"  # dev: the method was tuned on it
HELDOUT = ROOT / "bench" / "eval" / "related-heldout.txt"  # held-out: measured, never used to decide
SETS = {"dev": LABELS, "held-out": HELDOUT}
K = 5
LINE = re.compile(r"^\s+([+\-!])\s*(\d{6})\b[^:]*:\s*(.*)$")


@dataclass
class Labelled:
    code: str
    name: str
    verdict: dict[str, str]  # candidate -> "+" acceptable, "-" not acceptable, "!" implausible
    reason: dict[str, str]


def load(path: Path = LABELS) -> list[Labelled]:
    """The labelled lists: a line "CODE Name" opens an occupation; "  + CODE Name: reason" marks a candidate
    acceptable, "-" not acceptable, "!" not acceptable and implausible; "#" starts a comment."""
    out: list[Labelled] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        m = LINE.match(raw)
        if m:
            out[-1].verdict[m[2]] = m[1]
            out[-1].reason[m[2]] = m[3]
        else:
            code, _, name = raw.strip().partition(" ")
            out.append(Labelled(code, name, {}, {}))
    return out


@dataclass
class Score:
    precision: float  # mean share of accepted among the first K
    implausible: float  # share of lists with an implausible one among the first K
    unlabelled: int  # candidates among the first K with no label

    @property
    def clean(self) -> float:
        """The share of lists with no implausible occupation among the first K."""
        return 1.0 - self.implausible


def score(labelled: list[Labelled], ranked: dict[str, list[str]]) -> Score:
    precision, implausible, unlabelled = 0.0, 0, 0
    for item in labelled:
        top = ranked[item.code][:K]
        verdicts = [item.verdict.get(c) for c in top]
        precision += sum(v == "+" for v in verdicts) / K
        implausible += any(v == "!" for v in verdicts)
        unlabelled += sum(v is None for v in verdicts)
    n = max(len(labelled), 1)
    return Score(precision / n, implausible / n, unlabelled)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="print each dev list's first five with their labels")
    ap.add_argument("--dev-only", action="store_true", help="measure the dev set only (nothing is written)")
    args = ap.parse_args()

    from index.related import Relations
    from index.search import Searcher

    sets = {name: load(path) for name, path in SETS.items() if name == "dev" or not args.dev_only}
    rel = Relations(Searcher.open())
    source = "the index's related.jsonl"
    if not rel.built_by_this_code():
        source = f"ranked again in memory by this relatedness.py ({rel.rerank():.1f} s; the index predates it)"
    # the first ten, as the labels were made: the old ranking puts up to k/2 of the same unit group first
    methods = {"mean vectors (old)": lambda c: [r.code for r in rel.related_by_mean(c, 10)],
               "statements (new)": lambda c: [r.code for r in rel.related(c, 10)]}
    for name, labelled in sets.items():
        print(f"{name}: {len(labelled)} occupations, major groups {','.join(sorted({x.code[0] for x in labelled}))}, "
              f"{sum(len(x.verdict) for x in labelled)} labelled candidates")
    print(f"new ranking: {source}")
    print(f"{'':<20}" + "".join(f"{f' {n} ({len(x)}) ':-^44}" for n, x in sets.items()))
    print(f"{'method':<20}" + "".join(f"{m:>11}" for _ in sets for m in ("p@5", "implaus@5", "clean@5", "unlab.")))
    results: dict[str, dict[str, dict]] = {}
    ranked_by: dict[str, dict[str, list[str]]] = {}
    for method_name, method in methods.items():
        row = ""
        for set_name, labelled in sets.items():
            ranked = {x.code: method(x.code) for x in labelled}
            s = score(labelled, ranked)
            results.setdefault(method_name, {})[set_name] = {**asdict(s), "clean": s.clean}
            row += f"{s.precision:>11.3f}{s.implausible:>11.3f}{s.clean:>11.3f}{s.unlabelled:>11}"
            if set_name == "dev":
                ranked_by[method_name] = ranked
        print(f"{method_name:<20}{row}")
    print("targets: p@5 >= 0.9, clean@5 >= 0.95")
    if args.show:  # the dev set only: the held-out lists are not for deciding anything
        for method_name, ranked in ranked_by.items():
            print(f"{method_name}, dev:")
            for x in sets["dev"]:
                shown = ", ".join(f"{x.verdict.get(c, '?')}{c}" for c in ranked[x.code][:K])
                print(f"   {x.code} {x.name}: {shown}")
    if args.dev_only:
        return
    table = [[method_name, r["dev"]["precision"], r["dev"]["clean"], r["held-out"]["precision"],
              r["held-out"]["clean"], r["held-out"]["unlabelled"]] for method_name, r in results.items()]
    settings = {"k": K, "new_ranking": source, "sets": {n: str(p.relative_to(ROOT)) for n, p in SETS.items()}}
    path = figures.write("related", {"rankings": table}, settings, {"results": results})
    print(f"written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
