"""Related occupations against the team's labelled set (bench/eval/related-labelled.txt): the former ranking (mean
passage vectors, the same unit group first) and the new one (statement by statement, relatedness.py), side by side.

precision@5: the share of the first five that the labels accept; an unlabelled candidate counts as not accepted
(and is counted, so a ranking that drifts away from the labels shows). implausible@5: the share of lists with an
occupation marked implausible (no sensible move at all) among the first five. Targets (issue 30): precision@5 >= 0.9,
no implausible occupation in the first five of >= 95 % of lists.

    .venv/bin/python bench/related_bench.py [--show]
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

LABELS = Path(__file__).parent / "eval" / "related-labelled.txt"
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
    ap.add_argument("--show", action="store_true", help="print each list's first five with their labels")
    args = ap.parse_args()

    from index.related import Relations
    from index.search import Searcher

    labelled = load()
    rel = Relations(Searcher.open())
    methods = {"mean vectors (old)": lambda c: [r.code for r in rel.related_by_mean(c, 10)],
               "statements (new)": lambda c: [r.code for r in rel.related(c, 10)]}
    majors = sorted({x.code[0] for x in labelled})
    print(f"related occupations: {len(labelled)} labelled occupations, major groups {','.join(majors)}, "
          f"{sum(len(x.verdict) for x in labelled)} labelled candidates")
    print(f"{'method':<22}{'precision@5':>13}{'implausible@5':>15}{'unlabelled':>12}")
    for name, method in methods.items():
        ranked = {x.code: method(x.code) for x in labelled}
        s = score(labelled, ranked)
        print(f"{name:<22}{s.precision:>13.3f}{s.implausible:>15.3f}{s.unlabelled:>12}")
        if args.show:
            for x in labelled:
                shown = ", ".join(f"{x.verdict.get(c, '?')}{c}" for c in ranked[x.code][:K])
                print(f"   {x.code} {x.name}: {shown}")


if __name__ == "__main__":
    main()
