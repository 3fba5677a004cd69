"""Benchmark of answers: does the bot answer what the descriptions answer, and decline what they do not?

On the team's labelled set (`bench/eval/answerable-dev.jsonl`: follow-up questions about one occupation,
Polish, Ukrainian and English, each marked answerable with the section that answers it, or not
answerable: job offers, salaries, things no description mentions), it prints the share of answerable
questions answered from the right section and the share of unanswerable ones declined, for the shipped
planner (`index.answer.plan`) and, side by side in the same run, for the same planner without the
question kinds (no routing of offers and salaries, no education section: how the bot answered before).
Trade-off it shows: the threshold on the best passage's score for specific questions, swept, declines
more unanswerable questions at the price of answerable ones.

Run: `make bench` (after the other benchmarks) or `.venv/bin/python bench/answer_bench.py`.
"""

from __future__ import annotations

import argparse
import json
import statistics
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import index.answer as answer
import index.search as search
from index.answer import Plan, plan
from index.search import Searcher

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


PREVIOUS_THRESHOLD = 0.84  # the rule before: the hybrid score of the first hit, calibrated on the seed alone


@contextmanager
def previous_behaviour():
    """How the bot answered before: offers and salaries searched, education read as a topic, and a specific
    question answered when the first hit's hybrid score reached 0.84."""
    def sections_only(q: str) -> str | None:
        got = section_intent(q)
        return None if got == "training" else got

    def answered(self: search.SearchResult) -> bool:
        return bool(self.hits) and (not self.topic or self.hits[0].score >= PREVIOUS_THRESHOLD)

    section_intent = answer.section_intent
    with mock.patch.object(answer, "out_of_descriptions", lambda q: None), \
            mock.patch.object(answer, "section_intent", sections_only), \
            mock.patch.object(search.SearchResult, "answered", property(answered)):
        yield


def score(s: Searcher, items: list[dict], page: int) -> tuple[float, float, list[dict]]:
    plans = [plan(s, x["code"], x["q"], page) for x in items]
    ok = [right(p, x) for p, x in zip(plans, items)]
    ans = [o for o, x in zip(ok, items) if x["answerable"]]
    una = [o for o, x in zip(ok, items) if not x["answerable"]]
    wrong = [{**x, "got": p.kind} for p, x, o in zip(plans, items, ok) if not o]
    return statistics.fmean(ans), statistics.fmean(una), wrong


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, default=SET)
    ap.add_argument("--page", type=int, default=5)
    args = ap.parse_args()
    items = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    s = Searcher.open()
    missing = sorted({x["code"] for x in items} - set(s.occupations))
    if missing:
        raise SystemExit(f"the index lacks {', '.join(missing)}: set DORADCA_CORPUS to the full corpus and run "
                         "`doradca index build`")
    n_a = sum(x["answerable"] for x in items)
    print(f"{len(items)} questions: {n_a} answerable, {len(items) - n_a} not "
          f"({', '.join(sorted({x['lang'] for x in items}))}); {len({x['code'] for x in items})} occupations")
    with previous_behaviour():
        before = score(s, items, args.page)
    after = score(s, items, args.page)
    print(f"\n{'planner':40}{'answerable: right section':>28}{'unanswerable: declined':>25}")
    for name, (a, u, _) in (("before (no kinds, hybrid score >= 0.84)", before), ("shipped", after)):
        print(f"{name:40}{a:>28.2f}{u:>25.2f}")
    print(f"\n## The weak-answer threshold (shipped: cosine >= {search.NO_ANSWER_BELOW} with a shared word, "
          f">= {search.CLOSE_WITHOUT_WORDS} without), the first swept on the same set")
    for t in (0.80, 0.82, 0.84, 0.86, 0.88):
        with mock.patch.object(search, "NO_ANSWER_BELOW", t):
            a, u, _ = score(s, items, args.page)
        print(f"threshold {t:.2f}: answerable right {a:.2f}, unanswerable declined {u:.2f}")
    esco = {p.occupation_code: p.source.cite() for p in s.passages if p.section == "esco_skill"}
    approximate = sum("przybliżone" in cite for cite in esco.values())
    print(f"\nESCO skills of {len(esco)} occupations; {approximate} mappings share no word with the KZiS names "
          "(cited as approximate)")
    print("\n## What the shipped planner got wrong (with the closest passage's cosine)")
    for w in after[2]:
        best = max(s.search(w["q"], occupation=w["code"], k=5).hits, key=lambda h: h.similarity, default=None)
        near = f"{best.similarity:.3f} {best.passage.text[:60]!r}" if best else "no passage"
        print(f"{w['code']} {w['q']!r}: answerable={w['answerable']}, got {w['got']}; closest {near}")


if __name__ == "__main__":
    main()
