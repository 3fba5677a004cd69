"""Benchmark of answers: does the bot answer what the descriptions answer, and decline what they do not?

On the team's labelled set (`bench/eval/answerable-dev.jsonl`: follow-up questions about one occupation,
Polish, Ukrainian and English, each marked answerable with the section that answers it, or not
answerable: job offers, salaries, things no description mentions), it prints the share of answerable
questions answered from the right section and the share of unanswerable ones declined, as the bot decides:
the kind of each question from the learned model of what a message asks (`index.asks`), routed when the
descriptions cannot say it (`actions.policy.ROUTED`), else planned by `index.answer.plan_for`.
Trade-off it shows: the threshold on the best passage's score for specific questions, swept, declines
more unanswerable questions at the price of answerable ones.

The "before" column (the planner by regular expressions, without question kinds, answering when the first
hit's hybrid score reached 0.84) is gone with that planner: it no longer runs anywhere, and its figures are in
docs/figures.md.

Run: `make bench` (after the other benchmarks) or `.venv/bin/python bench/answer_bench.py`.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from unittest import mock

import figures  # bench/ is on the path when a bench runs
import numpy as np

from actions.policy import INFO
from index import search
from index.answer import Plan, plan_for
from index.asks import AskModel
from index.search import Searcher
from index.sentences import cite

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "bench" / "eval" / "answerable-dev.jsonl"


def right(p: Plan, item: dict) -> bool:
    """Answerable: answered from the expected section (any section when none is expected); else declined."""
    if not item["answerable"]:
        return p.declined
    if p.declined:
        return False
    shown = p.section if p.kind == "listing" else p.hits[0].passage.section
    return item["section"] is None or shown == item["section"]


def bot_plan(s: Searcher, item: dict, kind: str, page: int) -> Plan:
    """What the bot answers to a labelled question of ``kind`` (``actions.policy.decide``): a bare name asks for
    the overview (no answer came before); routed kinds (pay, offers) and kinds that are no question about the
    occupation (a comparison, chit-chat) are not answered from the description."""
    ask = "overview" if kind == "name" else kind
    if ask not in INFO:
        return Plan("none", kind)
    return plan_for(s, item["code"], item["q"], page, ask)


def score(s: Searcher, items: list[dict], kinds: list[str], page: int) -> tuple[float, float, list[dict]]:
    plans = [bot_plan(s, x, kind, page) for x, kind in zip(items, kinds)]
    ok = [right(p, x) for p, x in zip(plans, items)]
    ans = [o for o, x in zip(ok, items) if x["answerable"]]
    una = [o for o, x in zip(ok, items) if not x["answerable"]]
    wrong = [{**x, "got": f"{p.kind} (asks {kind})"} for p, x, o, kind in zip(plans, items, ok, kinds) if not o]
    return statistics.fmean(ans or [float("nan")]), statistics.fmean(una or [float("nan")]), wrong


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, default=SET)
    ap.add_argument("--page", type=int, default=5)
    ap.add_argument("--limit", type=int, default=0, help="only the first N questions (a quick check)")
    args = ap.parse_args()
    items = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = items[: args.limit] if args.limit > 0 else items
    s = Searcher.open()
    missing = sorted({x["code"] for x in items} - set(s.occupations))
    if missing:
        raise SystemExit(f"the index lacks {', '.join(missing)}: set DORADCA_CORPUS to the full corpus and run "
                         "`doradca index build`")
    n_a = sum(x["answerable"] for x in items)
    print(f"{len(items)} questions: {n_a} answerable, {len(items) - n_a} not "
          f"({', '.join(sorted({x['lang'] for x in items}))}); {len({x['code'] for x in items})} occupations")
    asks = AskModel.load(lambda texts: np.stack([s.encode(t) for t in texts]), s.version.manifest["model_key"])
    kinds = [asks.predict(x["q"]).kind for x in items]
    after = score(s, items, kinds, args.page)
    print(f"\n{'planner':40}{'answerable: right section':>28}{'unanswerable: declined':>25}")
    print(f"{'shipped (asks model, plan_for)':40}{after[0]:>28.2f}{after[1]:>25.2f}")
    planner = [["**shipped** (`index/answer.py`)", after[0], after[1]]]
    print(f"\n## The weak-answer threshold (shipped: cosine >= {search.NO_ANSWER_BELOW} with a shared word, "
          f">= {search.CLOSE_WITHOUT_WORDS} without), the first swept on the same set")
    for t in (0.80, 0.82, 0.84, 0.86, 0.88):
        with mock.patch.object(search, "NO_ANSWER_BELOW", t):
            a, u, _ = score(s, items, kinds, args.page)
        print(f"threshold {t:.2f}: answerable right {a:.2f}, unanswerable declined {u:.2f}")
    esco = {p.occupation_code: cite(p.source, "pl") for p in s.passages if p.section == "esco_skill"}
    approximate = sum("przybliżone" in line for line in esco.values())
    print(f"\nESCO skills of {len(esco)} occupations; {approximate} mappings share no word with the KZiS names "
          "(cited as approximate)")
    print("\n## What the shipped planner got wrong (with the closest passage's cosine)")
    for w in after[2]:
        best = max(s.search(w["q"], occupation=w["code"], k=5).hits, key=lambda h: h.similarity, default=None)
        near = f"{best.similarity:.3f} {best.passage.text[:60]!r}" if best else "no passage"
        print(f"{w['code']} {w['q']!r}: answerable={w['answerable']}, got {w['got']}; closest {near}")
    path = figures.write("answer", {"planner": planner}, {"set": str(args.set), "limit": args.limit})
    print(f"figures written to {path}")


if __name__ == "__main__":
    main()
